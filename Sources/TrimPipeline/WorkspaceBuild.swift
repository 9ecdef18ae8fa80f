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
    /// Module key (`<crate>-<hash>.bc`) → the fingerprint of the crate's units merged, for every crate of the build.
    public var modules: [String: StoredModule]
    /// Module key → its units' own fingerprints, for mapping coverage slots.
    public var unitsOfModule: [String: CrateUnits]
    /// For each binary id, the keys of the modules linked into it: its own first.
    public var modulesOfBinary: [String: [String]]
    public var facts: BuildFacts
    /// Workspace source files the blocks point at → content hash (file grain).
    public var sourceFiles: [String: String]
    /// `rustc --print sysroot` (the toolchain's files are not a test's inputs), nil when rustc would not say.
    public var toolchainSysroot: String?

    /// Builds with instrumentation and bitcode, then fingerprints every module.
    public static func make(_ options: WorkspaceOptions) throws(TrimError) -> WorkspaceBuild {
        let workspace: CargoWorkspace
        do { workspace = try CargoWorkspace.load(from: options.directory) } catch { throw .cargo(error) }
        let paths = TrimPaths(cargoTargetDirectory: workspace.targetDirectory, database: options.database)

        let runtime: URL
        do { runtime = try CoverageRuntime.library(cacheDirectory: paths.runtimeCache) } catch { throw .coverage(error) }
        let flags = Self.rustcFlags(runtime: runtime, codegenUnits: try Self.codegenUnits())
        let build = InstrumentedTestBuild(workspace: workspace, rustflags: flags, cargoArguments: options.cargoArguments,
                                          targetDirectory: paths.targetDirectory.path)
        let reader: IsolatedReader
        do { reader = try IsolatedReader() } catch { throw .bitcode(error) }
        let fingerprinter = Fingerprinter(cache: FingerprintCache(directory: paths.fingerprintCache), reader: reader,
                                          parallelism: options.jobs)
        // Asked of rustc and git while cargo builds: nothing here depends on the build.
        let probes = DispatchGroup()
        let facts = Box<BuildFacts>(), sysroot = Box<String?>()
        DispatchQueue.global().async(group: probes) {
            facts.value = BuildFactsProbe.facts(workspaceRoot: workspace.root, rustflags: build.recordedFlags(),
                                                features: options.features)
        }
        DispatchQueue.global().async(group: probes) {
            sysroot.value = BuildFactsProbe.output(of: "rustc", ["--print", "sysroot"], in: workspace.root)?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        defer { probes.wait() }
        // Each crate's units are fingerprinted as soon as cargo reports the
        // crate built, while the rest builds; the pass below finds them cached.
        let early = DispatchGroup()
        let hashes = UnitHashMemo(file: paths.fingerprintCache.appendingPathComponent("unit-hashes.tsv"))
        let result: InstrumentedTestBuild.Result
        do {
            result = try build.run(builtCrate: { _, units in
                DispatchQueue.global().async(group: early) {
                    _ = fingerprinter.fingerprints(of: units.compactMap { try? hashes.bitcodeFile($0) })
                }
            })
        } catch {
            early.wait()
            throw .cargo(error)
        }
        early.wait()

        // Every crate once: the binaries' own and the libraries they link.
        var crates: [(key: String, units: [String])] = []
        var seen = Set<String>()
        for (bitcode, units) in result.binaries.map({ ($0.bitcode, $0.units) }) + result.libraries.map({ ($0.bitcode, $0.units) })
        where seen.insert(Self.moduleKey(bitcode)).inserted {
            crates.append((Self.moduleKey(bitcode), units))
        }
        let (modules, unitsOfModule) = try Self.fingerprint(crates, with: fingerprinter, hashes: hashes)
        hashes.save()
        let libraryKeys = result.libraries.map { Self.moduleKey($0.bitcode) }
        var modulesOfBinary: [String: [String]] = [:]
        for binary in result.binaries {
            let own = Self.moduleKey(binary.bitcode)
            modulesOfBinary[binary.id] = [own] + libraryKeys.filter { $0 != own }
        }
        let sourceFiles = SourceFiles.hashes(of: modules.values.map(\.fingerprint), workspaceRoot: workspace.root)
        probes.wait()
        return WorkspaceBuild(workspace: workspace, paths: paths, binaries: result.binaries, modules: modules,
                              unitsOfModule: unitsOfModule, modulesOfBinary: modulesOfBinary, facts: facts.value!,
                              sourceFiles: sourceFiles, toolchainSysroot: sysroot.value ?? nil)
    }

    /// Fingerprints every unit (parsing only bytes not seen before) and merges
    /// each crate's units into its module.
    static func fingerprint(_ crates: [(key: String, units: [String])], with fingerprinter: Fingerprinter,
                            hashes: UnitHashMemo) throws(TrimError) -> ([String: StoredModule], [String: CrateUnits])
    {
        let files: [BitcodeFile]
        do { files = try crates.flatMap(\.units).map { path throws(BlockIRError) in try hashes.bitcodeFile(path) } } catch {
            throw .bitcode(error)
        }
        let results = fingerprinter.fingerprints(of: files)
        var modules: [String: StoredModule] = [:]
        var unitsOfModule: [String: CrateUnits] = [:]
        var next = 0
        for crate in crates {
            var units: [ModuleFingerprint] = []
            var hashes: [String] = []
            for index in next..<(next + crate.units.count) {
                do { units.append(try results[index].get()) } catch { throw .bitcode(error) }
                hashes.append(files[index].contentHash)
            }
            next += crate.units.count
            let merged = CrateModule(name: crate.key, units: units)
            // The same unit bytes, however rustc named the files: the same module.
            let contentHash = ContentHash.of(Data(hashes.sorted().joined(separator: "\n").utf8))
            modules[crate.key] = StoredModule(path: crate.key, contentHash: contentHash, fingerprint: merged.module)
            unitsOfModule[crate.key] = CrateUnits(units: units, folded: merged.folded)
        }
        return (modules, unitsOfModule)
    }

    /// What trim's rustc wrapper adds to each compilation. Codegen units given
    /// explicitly: `--emit=llvm-bc` alone makes rustc use one unit per crate,
    /// and regenerate all of it on every edit.
    static func rustcFlags(runtime: URL, codegenUnits: Int) -> [String] {
        ["--emit=llvm-bc,link", "-C", "debuginfo=line-tables-only", "-C", "codegen-units=\(codegenUnits)"]
            + SanitizerCoverage.rustcFlags(runtimeLibrary: runtime)
    }

    /// `$TRIM_CODEGEN_UNITS`, else 256 (rustc's own for incremental builds):
    /// with at most one unit per module, rustc rarely moves a function to
    /// another unit, and a unit's bitcode changes only with its module.
    static func codegenUnits(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TrimError) -> Int
    {
        guard let given = environment["TRIM_CODEGEN_UNITS"], !given.isEmpty else { return 256 }
        guard let count = Int(given), count >= 1 else {
            throw .setup("TRIM_CODEGEN_UNITS: \"\(given)\" is not a positive number of codegen units")
        }
        return count
    }

    /// A module's key in the store: its file name (`ledger-0123456789abcdef.bc`).
    static func moduleKey(_ path: String) -> String { (path as NSString).lastPathComponent }

    /// Listings of binaries whose bytes were seen before.
    var listingCache: ListingCache { ListingCache(directory: paths.targetDirectory.appendingPathComponent("listings")) }

    /// Lists every binary's tests, several binaries at once.
    public func listTests(jobs: Int) throws(TrimError) -> [ListedTest] {
        let results = ListingResults(count: binaries.count)
        DispatchQueue.concurrentPerform(iterations: binaries.count) { index in
            let binary = binaries[index]
            results.set(index, Result { () throws(CargoError) in
                let key = ListingCache.key(of: binary)
                if let key, let cached = listingCache.load(binary, key: key, needsTable: false) { return cached.tests }
                let tests = try TestListing.list(binary)
                if let key { listingCache.store(tests, pcTable: nil, key: key) }
                return tests
            })
        }
        var tests: [ListedTest] = []
        for result in results.values {
            do { tests += try result.get() } catch { throw .cargo(error) }
        }
        return tests
    }
}

/// A crate's units as rustc wrote them, and which of their copies of a
/// function the merged module folded into another (see `CrateModule`).
public struct CrateUnits: Sendable {
    public var units: [ModuleFingerprint]
    public var folded: [CrateModule.UnitFunction: Int]
}

/// Set by one background task, read after it is joined.
private final class Box<T>: @unchecked Sendable {
    var value: T?
}

private final class ListingResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[ListedTest], CargoError>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<[ListedTest], CargoError>) { lock.withLock { slots[index] = value } }
    var values: [Result<[ListedTest], CargoError>] { lock.withLock { slots.map { $0! } } }
}
