import BlockIR
import CargoSupport
import Coverage
import Foundation
import Store

/// Options every trim command shares.
public struct WorkspaceOptions: Sendable {
    /// Where to look for the workspace (the current directory by default).
    public var directory: URL
    /// The user named `directory` (`-C` / `--directory`): it must hold a Cargo.toml.
    public var directoryIsExplicit: Bool
    /// `--db` / `TRIM_DB`; nil for `<target>/trim/trim.db`.
    public var database: String?
    /// Which packages, targets and features, as `cargo test` takes them.
    public var selection: PackageSelection
    /// Whether doctests are listed and run (`--no-doctests` turns them off;
    /// cargo runs none when a target flag is given).
    public var doctests: Bool
    /// Parallelism of parsing, listing and running.
    public var jobs: Int

    public init(directory: URL, directoryIsExplicit: Bool = false, database: String? = nil,
                selection: PackageSelection = PackageSelection(), doctests: Bool = true,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.directory = directory
        self.directoryIsExplicit = directoryIsExplicit
        self.database = database
        self.selection = selection
        self.doctests = doctests
        self.jobs = max(1, jobs)
    }

    /// Doctests run when asked for and when `cargo test` would run them.
    var runsDoctests: Bool { doctests && selection.targets.isDefault }
}

/// The instrumented build of a workspace: its test binaries, the bitcode
/// fingerprints of every module, and the build recorded in the store.
public struct WorkspaceBuild: Sendable {
    public var workspace: CargoWorkspace
    public var paths: TrimPaths
    public var binaries: [TestBinary]
    /// Module key (the .bc file name) → fingerprint, for every module of the build.
    public var modules: [String: StoredModule]
    /// For each binary id, the keys of the modules linked into it: its own first.
    public var modulesOfBinary: [String: [String]]
    public var facts: BuildFacts
    /// Workspace source files the blocks point at → content hash (file grain).
    public var sourceFiles: [String: String]
    /// The lock and scratch directory held while these binaries are in use.
    public var session: WorkspaceSession
    /// Each test binary's identity as built, to tell whether it is still the
    /// file that produced a result.
    public var binaryIdentities: [String: FileIdentity]

    /// Takes the workspace lock, builds with instrumentation and bitcode, then
    /// fingerprints every module. `command` names the holder of the lock for
    /// whoever waits for it; a signal stops the phase in progress and throws
    /// `.interrupted`.
    public static func make(_ options: WorkspaceOptions, command: String, signals: SignalWatch,
                            timings: PhaseTimings = PhaseTimings(enabled: false)) throws(TrimError) -> WorkspaceBuild
    {
        if let database = options.database { try DatabaseLocation.check(database) }
        let workspace: CargoWorkspace
        do {
            try WorkspaceDirectory.check(options.directory, needsManifest: options.directoryIsExplicit)
            workspace = try CargoWorkspace.load(from: options.directory)
        } catch {
            try signals.check()
            throw .cargo(error)
        }
        do { try options.selection.validate(against: workspace) } catch { throw .cargo(error) }
        let paths = TrimPaths(cargoTargetDirectory: workspace.targetDirectory, database: options.database)
        let session = try WorkspaceSession.open(paths: paths, command: command, signals: signals)

        let runtime: URL
        do { runtime = try CoverageRuntime.library(cacheDirectory: paths.runtimeCache) } catch { throw .coverage(error) }
        let flags = ["--emit=llvm-bc,link", "-C", "debuginfo=line-tables-only"]
            + SanitizerCoverage.rustcFlags(runtimeLibrary: runtime)
        let build = InstrumentedTestBuild(workspace: workspace, rustflags: flags,
                                          cargoArguments: options.selection.cargoArguments,
                                          targetDirectory: paths.targetDirectory.path, directory: options.directory)
        let result: InstrumentedTestBuild.Result
        do { result = try build.run() } catch {
            try signals.check()  // cargo stopped by the signal is not a failed build
            throw .cargo(error)
        }
        try signals.check()
        timings.lap("cargo metadata + cargo test --no-run")
        var binaryIdentities: [String: FileIdentity] = [:]
        for binary in result.binaries { binaryIdentities[binary.id] = FileIdentity(path: binary.executable) }

        // Every module once: the binaries' own and the libraries they link.
        var paths_: [String] = result.binaries.map(\.bitcode) + result.libraries.map(\.bitcode)
        paths_ = Array(NSOrderedSet(array: paths_)) as? [String] ?? paths_
        let files: [BitcodeFile]
        do { files = try paths_.map { path throws(BlockIRError) in try BitcodeFile(path: path) } } catch {
            throw .bitcode(error)
        }
        let reader: IsolatedReader
        do { reader = try IsolatedReader() } catch { throw .bitcode(error) }
        let fingerprinter = Fingerprinter(cache: FingerprintCache(directory: paths.fingerprintCache), reader: reader,
                                          parallelism: options.jobs)
        var modules: [String: StoredModule] = [:]
        let fingerprints = fingerprinter.fingerprints(of: files)
        try signals.check()
        for (file, fingerprint) in zip(files, fingerprints) {
            let key = Self.moduleKey(file.path)
            do {
                modules[key] = StoredModule(path: key, contentHash: file.contentHash, fingerprint: try fingerprint.get())
            } catch { throw .bitcode(error) }
        }
        timings.lap("fingerprint modules")
        let libraryKeys = result.libraries.map { Self.moduleKey($0.bitcode) }
        var modulesOfBinary: [String: [String]] = [:]
        for binary in result.binaries {
            let own = Self.moduleKey(binary.bitcode)
            modulesOfBinary[binary.id] = [own] + libraryKeys.filter { $0 != own }
        }
        let facts = BuildFactsProbe.facts(workspaceRoot: workspace.root, rustflags: result.rustflags,
                                          features: options.selection.featureNames)
        let sourceFiles = SourceFiles.hashes(of: modules.values.map(\.fingerprint), workspaceRoot: workspace.root)
        timings.lap("build facts + source file hashes")
        return WorkspaceBuild(workspace: workspace, paths: paths, binaries: result.binaries, modules: modules,
                              modulesOfBinary: modulesOfBinary, facts: facts, sourceFiles: sourceFiles,
                              session: session, binaryIdentities: binaryIdentities)
    }

    /// A module's key in the store: its file name (`ledger-0123456789abcdef.bc`).
    static func moduleKey(_ path: String) -> String { (path as NSString).lastPathComponent }

    /// Lists every binary's tests, several binaries at once.
    public func listTests(jobs: Int) throws(TrimError) -> [ListedTest] {
        let results = ListingResults(count: binaries.count)
        DispatchQueue.concurrentPerform(iterations: binaries.count) { index in
            results.set(index, Result { () throws(CargoError) in try TestListing.list(binaries[index]) })
        }
        var tests: [ListedTest] = []
        for result in results.values {
            do { tests += try result.get() } catch {
                try session.signals.check()
                throw .cargo(error)
            }
        }
        try session.signals.check()
        return tests
    }
}

private final class ListingResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[ListedTest], CargoError>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<[ListedTest], CargoError>) { lock.withLock { slots[index] = value } }
    var values: [Result<[ListedTest], CargoError>] { lock.withLock { slots.map { $0! } } }
}
