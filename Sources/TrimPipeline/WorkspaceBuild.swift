import BlockIR
import CargoSupport
import Coverage
import Foundation
import Store

/// Options every trim command shares.
public struct WorkspaceOptions: Sendable {
    /// Where to look for the workspace (the current directory by default).
    public var directory: URL
    /// `--db` / `TRIM_DB`; nil for `<target>/trim/trim.db`.
    public var database: String?
    /// Passed to `cargo test --no-run` (`--package`, `--features`, ...).
    public var cargoArguments: [String]
    /// Parallelism of parsing, listing and running.
    public var jobs: Int

    public init(directory: URL, database: String? = nil, cargoArguments: [String] = [],
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.directory = directory
        self.database = database
        self.cargoArguments = cargoArguments
        self.jobs = max(1, jobs)
    }

    /// Features named with `--features a,b` / `-F a` / `--all-features`, for the build facts.
    var features: [String] {
        var result: [String] = []
        var iterator = cargoArguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--features" || argument == "-F", let value = iterator.next() {
                result += value.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            } else if argument.hasPrefix("--features=") {
                result += argument.dropFirst("--features=".count).split(separator: ",").map(String.init)
            } else if argument == "--all-features" || argument == "--no-default-features" {
                result.append(argument)
            }
        }
        return result
    }
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

    /// Builds with instrumentation and bitcode, then fingerprints every module.
    public static func make(_ options: WorkspaceOptions, timings: PhaseTimings = PhaseTimings(enabled: false))
        throws(TrimError) -> WorkspaceBuild
    {
        let workspace: CargoWorkspace
        do { workspace = try CargoWorkspace.load(from: options.directory) } catch { throw .cargo(error) }
        let paths = TrimPaths(cargoTargetDirectory: workspace.targetDirectory, database: options.database)

        let runtime: URL
        do { runtime = try CoverageRuntime.library(cacheDirectory: paths.runtimeCache) } catch { throw .coverage(error) }
        let flags = ["--emit=llvm-bc,link", "-C", "debuginfo=line-tables-only"]
            + SanitizerCoverage.rustcFlags(runtimeLibrary: runtime)
        let build = InstrumentedTestBuild(workspace: workspace, rustflags: flags, cargoArguments: options.cargoArguments,
                                          targetDirectory: paths.targetDirectory.path)
        let result: InstrumentedTestBuild.Result
        do { result = try build.run() } catch { throw .cargo(error) }
        timings.lap("cargo metadata + cargo test --no-run")

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
        for (file, fingerprint) in zip(files, fingerprinter.fingerprints(of: files)) {
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
                                          features: options.features)
        let sourceFiles = SourceFiles.hashes(of: modules.values.map(\.fingerprint), workspaceRoot: workspace.root)
        timings.lap("build facts + source file hashes")
        return WorkspaceBuild(workspace: workspace, paths: paths, binaries: result.binaries, modules: modules,
                              modulesOfBinary: modulesOfBinary, facts: facts, sourceFiles: sourceFiles)
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
            do { tests += try result.get() } catch { throw .cargo(error) }
        }
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
