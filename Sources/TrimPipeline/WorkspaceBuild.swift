import BlockIR
import CargoSupport
import Coverage
import Foundation
import LockedValues
import PostgresStore
import Store
import TrimConfig
import TrimModel

/// Options every trim command shares.
public struct WorkspaceOptions: Sendable {
    /// Where to look for the workspace (the current directory by default).
    public var directory: URL
    /// The user named `directory` (`-C` / `--directory`): it must hold a Cargo.toml.
    public var directoryIsExplicit: Bool
    /// `--db` / `TRIM_DB` / `[store] url`; nil for `<target>/trim/trim.db`.
    public var database: String?
    /// `--db-read-only` / `[store] read-only`: a server store is only read,
    /// this run's records go to the local SQLite file.
    public var databaseReadOnly = false
    /// Which packages, targets and features, as `cargo test` takes them.
    public var selection: PackageSelection
    /// Whether doctests are listed and run (`--no-doctests` turns them off;
    /// cargo runs none when a target flag is given).
    public var doctests: Bool
    /// Parallelism of parsing, listing and running.
    public var jobs: Int
    /// `--build-jobs`: cargo's `--jobs` for the build; nil for `BuildJobs`'s choice.
    public var buildJobs: Int?
    /// rustc's warnings counted rather than rendered (the replay); nil: cargo renders them.
    public var diagnostics: CompilerDiagnostics?

    public init(directory: URL, directoryIsExplicit: Bool = false, database: String? = nil,
                selection: PackageSelection = PackageSelection(), doctests: Bool = true,
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, diagnostics: CompilerDiagnostics? = nil) {
        self.diagnostics = diagnostics
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
    /// Module key (`<crate>-<hash>.bc`) → the fingerprint of the crate's units merged, for every crate of the build.
    public var modules: [String: ModuleRecord]
    /// Module key → its units' own fingerprints, for mapping coverage slots.
    public var unitsOfModule: [String: CrateUnits]
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
    /// `rustc --print sysroot` (the toolchain's files are not a test's inputs), nil when rustc would not say.
    public var toolchainSysroot: String?
    /// The variables that make cargo build as this build did (trim's rustc
    /// wrapper and its flags): cargo then finds this build's crates fresh.
    public var wrapperEnvironment: [String: String]
    /// The server store, connected before the build; nil for the SQLite file.
    public var sharedStore: PostgresStore?
    /// Each module's function index, made from what was read while cargo built.
    public var functionIndexes: [String: FunctionIndex] = [:]
    /// Test executables listed as their links ended, when the caller asked (`trim run`).
    var earlyListings: EarlyListings?
    /// Their coverage maps, made while cargo finished (`EarlyCoverageMaps`).
    var earlyCoverageMaps: EarlyCoverageMaps?
    /// The packages' files hashed while cargo built, for the doctests' digests.
    var sourceFileHashes: SourceFileHashes?

    /// The store this build records into and selects from (`DatabaseLocation.open`).
    /// `warm`: a long-lived trim's state, whose SQLite store stays open between rounds.
    public func openStore(warm: WarmState? = nil) throws(TrimError) -> any CoverageStore {
        try Self.openStore(paths: paths, sharedStore: sharedStore, warm: warm)
    }

    static func openStore(paths: TrimPaths, sharedStore: PostgresStore?, warm: WarmState?) throws(TrimError)
        -> any CoverageStore
    {
        guard let sharedStore else {
            guard let warm, paths.server == nil else { return try DatabaseLocation.open(paths) }
            do { return try warm.store(at: paths.database) } catch { throw .store(error) }
        }
        guard paths.serverReadOnly else { return sharedStore }
        do { return LayeredStore(local: try TrimStore(path: paths.database), shared: sharedStore) } catch {
            throw .store(error)
        }
    }

    /// Given work that needs the store but not the build, a way to open the
    /// store, and whether it is a shared server others write to (whose build
    /// holders may live on other machines); called once the workspace lock is
    /// held, before cargo starts.
    public typealias StoreWork = @Sendable (_ open: @escaping @Sendable () throws(TrimError) -> any CoverageStore,
                                            _ sharedServer: Bool) -> Void

    /// The database named checked, then the workspace's cargo metadata
    /// (a failure that follows a signal is the interruption it is).
    static func loadWorkspace(_ options: WorkspaceOptions, signals: SignalWatch) throws(TrimError) -> CargoWorkspace {
        if let database = options.database { try DatabaseLocation.check(database) }
        do {
            try WorkspaceDirectory.check(options.directory, needsManifest: options.directoryIsExplicit)
            return try CargoWorkspace.load(from: options.directory)
        } catch {
            try signals.check()
            throw .cargo(error)
        }
    }

    /// Takes the workspace lock, builds with instrumentation and bitcode, then
    /// fingerprints every module. `command` names the holder of the lock for
    /// whoever waits for it; a signal stops the phase in progress and throws
    /// `.interrupted`. `warm`: what a long-lived trim kept from its last round.
    /// `earlySelection`: decides the selection by code while cargo links, when it can.
    public static func make(_ options: WorkspaceOptions, command: String, signals: SignalWatch,
                            timings: PhaseTimings = PhaseTimings(enabled: false),
                            warm: WarmState = WarmState(), whileBuilding: StoreWork? = nil) throws(TrimError)
        -> WorkspaceBuild
    {
        try make(options, command: command, signals: signals, timings: timings, warm: warm, whileBuilding: whileBuilding,
                 earlySelection: nil)
    }

    /// `listsEarly`: each test executable lists its tests as soon as it has
    /// linked (`EarlyListings`), for the caller to take with `earlyListings`.
    static func make(_ options: WorkspaceOptions, command: String, signals: SignalWatch, timings: PhaseTimings,
                     warm: WarmState, whileBuilding: StoreWork?, earlySelection: EarlySelection?,
                     listsEarly: Bool = false) throws(TrimError) -> WorkspaceBuild
    {
        let workspace = try loadWorkspace(options, signals: signals)
        do { try options.selection.validate(against: workspace) } catch { throw .cargo(error) }
        let sourceFileHashes = options.runsDoctests ? SourceFileHashes(workspace: workspace) : nil
        var made = false
        defer { if !made { sourceFileHashes?.finish() } }
        // `[store]` of .config/trim.toml: its url when neither --db nor TRIM_DB is given, its
        // read-only always (its errors are reported with the rest of the file's).
        var chosen = options
        if let settings = (try? TrimConfiguration.load(workspaceRoot: URL(fileURLWithPath: workspace.root)))?.store {
            if options.database == nil, let url = settings.url {
                try DatabaseLocation.check(url)
                chosen.database = url
            }
            chosen.databaseReadOnly = options.databaseReadOnly || settings.readOnly
        }
        // A server is reached before the build: a wrong URL, password or host fails in seconds, not after cargo.
        var sharedStore: PostgresStore?
        if let database = chosen.database, let server = try DatabaseLocation.server(database) {
            do { sharedStore = try PostgresStore(url: server, readOnly: chosen.databaseReadOnly) } catch {
                throw .store(error)
            }
        }
        var paths = TrimPaths(cargoTargetDirectory: workspace.targetDirectory, database: chosen.database,
                              cargoProfile: options.selection.cargoProfile)
        paths.serverReadOnly = chosen.databaseReadOnly
        let session = try WorkspaceSession.open(paths: paths, command: command, signals: signals)
        if let whileBuilding {
            let (lockedPaths, server) = (paths, sharedStore)
            whileBuilding({ () throws(TrimError) in try openStore(paths: lockedPaths, sharedStore: server, warm: warm) },
                          paths.server != nil && !paths.serverReadOnly)
        }

        let runtime: URL
        do { runtime = try CoverageRuntime.library(cacheDirectory: paths.runtimeCache) } catch { throw .coverage(error) }
        let flags = Self.rustcFlags(runtime: runtime, codegenUnits: try Self.codegenUnits(),
                                    linkDebugInfo: try Self.linksDebugInfo())
        let jobs = BuildJobs.arguments(explicit: options.buildJobs, directory: options.directory.path)
        let build = InstrumentedTestBuild(workspace: workspace, rustflags: flags,
                                          cargoArguments: options.selection.cargoArguments + jobs,
                                          targetDirectory: paths.targetDirectory.path, directory: options.directory,
                                          diagnostics: options.diagnostics)
        let reader: IsolatedReader
        do { reader = try IsolatedReader() } catch { throw .bitcode(error) }
        let fingerprinter = Fingerprinter(cache: FingerprintCache(directory: paths.fingerprintCache), reader: reader,
                                          parallelism: options.jobs)
        // Asked of git while cargo builds (started just before it): nothing
        // here depends on the build. The toolchain is what cargo kept from
        // its compiler: as the build before left it while cargo builds (for
        // the early selection), as this build leaves it once cargo ends.
        let probes = DispatchGroup()
        let facts = LockedBox<BuildFacts?>(nil)
        defer { probes.wait() }
        let cargoTarget = paths.targetDirectory
        // Each crate's units are fingerprinted as soon as they are all written
        // (a test or bin executable's as its link starts, the wrapper tells;
        // a library's when cargo reports it built), while the rest builds;
        // the pass below finds them merged.
        let early = DispatchGroup()
        let hashes = UnitHashMemo(file: paths.fingerprintCache.appendingPathComponent("unit-hashes.tsv"))
        let crates = CrateModuleCache(fingerprints: fingerprinter.cache)
        let started = LockedBox<Set<String>>([])
        // Module key → crate key of every crate in `warm` so far.
        let merged = LockedBox<[String: String]>([:])
        let earlyMaps = listsEarly ? EarlyCoverageMaps(warm: warm, merges: { early.wait() }, merged: { merged.value }) : nil
        let speculate: @Sendable (String, String) -> Void = { moduleKey, key in
            let crates = merged.update { known -> [String: String] in
                known[moduleKey] = key
                return known
            }
            guard let speculation = earlySelection else { return }
            guard signals.signal == nil, speculation.startsWith(crates) else { return }
            // At a lower priority: cargo is still linking.
            startYieldingThread {
                var modules: [String: ModuleRecord] = [:]
                var preparations: [String: CrossCrateFold.Prepared] = [:]
                for (moduleKey, key) in crates {
                    guard let crate = warm.crate(key) else { return speculation.finish(nil, folded: nil) }
                    modules[moduleKey] = ModuleRecord(path: moduleKey, contentHash: key, fingerprint: crate.module.module)
                    preparations[moduleKey] = warm.foldPreparation(key)
                }
                var folded = Self.foldAcrossCrates(modules, preparations: preparations)
                folded.sourcePaths = SourceFiles.paths(of: folded.modules.values.map(\.fingerprint),
                                                       workspaceRoot: workspace.root)
                let sourceFiles = SourceFiles.hashes(of: folded.sourcePaths)
                probes.wait()
                guard var buildFacts = facts.value, let toolchain = BuildFactsProbe.cargoKept(cargoTarget) else {
                    return speculation.finish(nil, folded: nil)
                }
                buildFacts.toolchain = toolchain.version
                speculation.finish(.init(crates: crates, facts: buildFacts, sourceFiles: sourceFiles), folded: folded)
            }
        }
        let mergeEarly: @Sendable (String, [String]) -> Void = { bitcode, units in
            guard signals.signal == nil else { return }
            DispatchQueue.global().async(group: early) {
                guard let files = try? units.map({ path throws(BlockIRError) in try hashes.bitcodeFile(path) }) else {
                    return  // the pass below reports it
                }
                let key = CrateModuleCache.key(crate: Self.moduleKey(bitcode), unitHashes: files.map(\.contentHash))
                if warm.crate(key) != nil { return speculate(Self.moduleKey(bitcode), key) }
                guard started.update({ $0.insert(key).inserted }) else { return }
                defer {
                    if let crate = warm.crate(key) {
                        speculate(Self.moduleKey(bitcode), key)
                        // What a coverage map reads of the crate, made before the
                        // executables that link it are whole and listed.
                        if earlyMaps != nil { startYieldingThread { _ = try? crate.units.layouts() } }
                    }
                }
                if let merged = crates.load(key: key) {
                    warm.addCrate(key, (merged, CrateUnits(files: files, folded: merged.folded, key: key,
                                                           fingerprinter: fingerprinter)))
                    warm.prepareFold(key, of: merged)
                } else if case .success(let merged) = Self.merge(Self.moduleKey(bitcode), files: files, key: key,
                                                                 fingerprinter: fingerprinter, cache: crates,
                                                                 writes: session.cacheWrites) {
                    warm.addCrate(key, merged)
                    warm.prepareFold(key, of: merged.0)
                }
            }
        }
        // At a lower priority: `git status` in a large work tree would slow cargo's start.
        probes.enter()
        startYieldingThread {
            defer { probes.leave() }
            let flags = Self.portableFlags(build.recordedFlags(), runtime: runtime, workspaceRoot: workspace.root)
            facts.value = BuildFactsProbe.facts(toolchain: "", workspaceRoot: workspace.root, rustflags: flags,
                                                features: options.selection.featureNames,
                                                profile: options.selection.profileName)
        }
        let listings = listsEarly ? EarlyListings(workspace: workspace, scratch: session.scratch, warm: warm,
                                                  stopped: { signals.signal != nil },
                                                  tabled: { binary, hash, table in
                                                      earlyMaps?.start(binary, hash: hash, table: table)
                                                  },
                                                  withdrawn: { earlyMaps?.withdraw($0.executable) }) : nil
        defer { if !made { listings?.finish() } }
        defer { if !made { earlyMaps?.finish() } }
        let notices = LinkNotices(directory: session.scratch, heard: mergeEarly, linked: { listings?.start($0) })
        var building = build
        building.linkNotices = notices?.path
        let result: InstrumentedTestBuild.Result
        do {
            defer { notices?.stop() }
            // A test executable's bytes are hashed (its listing's key, kept by
            // `warm`) while the rest builds; never waited for: the listing
            // hashes what is not kept yet.
            result = try building.run(builtCrate: mergeEarly, builtTest: { executable in
                DispatchQueue.global().async { _ = warm.contentHash(ofBinary: executable) }
            }, builtLibrary: { bitcode in earlyMaps?.libraryReported(Self.moduleKey(bitcode)) })
        } catch {
            early.wait()
            try signals.check()  // cargo stopped by the signal is not a failed build
            throw .cargo(error)
        }
        timings.lap("cargo test --no-run (units fingerprinted as they come)")
        early.wait()
        try signals.check()
        timings.lap("units fingerprinted after cargo ended")
        var binaryIdentities: [String: FileIdentity] = [:]
        for binary in result.binaries { binaryIdentities[binary.id] = FileIdentity(path: binary.executable) }

        // Every crate once: the binaries' own and the libraries they link.
        var builtCrates: [(key: String, units: [String])] = []
        var seen = Set<String>()
        for (bitcode, units) in result.binaries.map({ ($0.bitcode, $0.units) }) + result.libraries.map({ ($0.bitcode, $0.units) })
        where seen.insert(Self.moduleKey(bitcode)).inserted {
            builtCrates.append((Self.moduleKey(bitcode), units))
        }
        let fingerprinted: FingerprintedCrates
        do {
            fingerprinted = try Self.fingerprint(builtCrates, with: fingerprinter, hashes: hashes, warm: warm,
                                                 writes: session.cacheWrites, sourcesIn: workspace.root,
                                                 earlySelection: earlySelection)
        } catch {
            try signals.check()
            throw error
        }
        let modules = fingerprinted.modules
        try signals.check()
        session.cacheWrites.later { hashes.save() }  // off the path to the tests, like the cache entries
        timings.lap("fingerprint modules")
        let libraryKeys = result.libraries.map { Self.moduleKey($0.bitcode) }
        var modulesOfBinary: [String: [String]] = [:]
        for binary in result.binaries {
            let own = Self.moduleKey(binary.bitcode)
            modulesOfBinary[binary.id] = [own] + libraryKeys.filter { $0 != own }
        }
        let sourceFiles = fingerprinted.sourceFiles
            ?? SourceFiles.hashes(of: modules.values.map(\.fingerprint), workspaceRoot: workspace.root)
        let toolchain = BuildFactsProbe.toolchain(cargoTargetDirectory: cargoTarget, workspaceRoot: workspace.root)
        probes.wait()
        var buildFacts = facts.value!
        buildFacts.toolchain = toolchain.version
        timings.lap("build facts + source file hashes")
        made = true
        return WorkspaceBuild(workspace: workspace, paths: paths, binaries: result.binaries, modules: modules,
                              unitsOfModule: fingerprinted.unitsOfModule, modulesOfBinary: modulesOfBinary, facts: buildFacts,
                              sourceFiles: sourceFiles, session: session, binaryIdentities: binaryIdentities,
                              toolchainSysroot: toolchain.sysroot,
                              wrapperEnvironment: ((try? build.environment()) ?? [:]).filter { name, _ in
                                  name == "RUSTC_WRAPPER" || name.hasPrefix("TRIM_RUSTC_") || name == RustcWrapper.userWrapperVariable
                              }, sharedStore: sharedStore, functionIndexes: fingerprinted.functionIndexes,
                              earlyListings: listings, earlyCoverageMaps: earlyMaps, sourceFileHashes: sourceFileHashes)
    }

    /// Each crate's merged module: from the crate cache when its units are
    /// the same bytes as before (their own fingerprints are then read only if
    /// a coverage map needs them), else its units fingerprinted (parsing only
    /// bytes not seen before) and merged; then references to functions other
    /// crates define folded across the build (`CrossCrateFold`). A module's
    /// `contentHash` stays its units' key: a callee's change shows in the
    /// callee's own blocks, which the tests that ran it hit.
    /// `sourcesIn`: the workspace root whose source files the modules name
    /// are hashed (`SourceFiles`), while the references are folded.
    static func fingerprint(_ crates: [(key: String, units: [String])], with fingerprinter: Fingerprinter,
                            hashes: UnitHashMemo, warm: WarmState = WarmState(), writes: CacheWrites = .atOnce,
                            sourcesIn workspaceRoot: String? = nil, earlySelection: EarlySelection? = nil)
        throws(TrimError) -> FingerprintedCrates
    {
        var crateFiles: [(key: String, files: [BitcodeFile], cacheKey: String)] = []
        for crate in crates {
            let files: [BitcodeFile]
            do { files = try crate.units.map { path throws(BlockIRError) in try hashes.bitcodeFile(path) } } catch {
                throw .bitcode(error)
            }
            crateFiles.append((crate.key, files, CrateModuleCache.key(crate: crate.key, unitHashes: files.map(\.contentHash))))
        }
        let prepared = crateFiles
        let cache = CrateModuleCache(fingerprints: fingerprinter.cache)
        let results = IndexedSlots<Result<(CrateModule, CrateUnits), BlockIRError>>(count: prepared.count)
        let foldPreparations = IndexedSlots<CrossCrateFold.Prepared?>(count: prepared.count)
        ParallelLoop.run(iterations: prepared.count) { index in
            let crate = prepared[index]
            let result: Result<(CrateModule, CrateUnits), BlockIRError>
            if let kept = warm.crate(crate.cacheKey) {
                // The units' fingerprints already read go along while rustc left them under the same names.
                let sameFiles = kept.units.files.map { [$0.path, $0.contentHash] } == crate.files.map { [$0.path, $0.contentHash] }
                result = .success((kept.module, sameFiles ? kept.units
                    : CrateUnits(files: crate.files, folded: kept.module.folded, key: crate.cacheKey,
                                 fingerprinter: fingerprinter)))
            } else if let merged = cache.load(key: crate.cacheKey) {
                result = .success((merged, CrateUnits(files: crate.files, folded: merged.folded,
                                                      key: crate.cacheKey, fingerprinter: fingerprinter)))
            } else {
                result = merge(crate.key, files: crate.files, key: crate.cacheKey,
                               fingerprinter: fingerprinter, cache: cache, writes: writes)
            }
            results.set(index, result)
            // Prepared while cargo built when met then; else here, on both cores.
            let merged = try? result.get().0
            foldPreparations.set(index, merged.map { warm.foldPreparation(crate.cacheKey) ?? CrossCrateFold.Prepared($0.module) })
        }
        var modules: [String: ModuleRecord] = [:]
        var unitsOfModule: [String: CrateUnits] = [:]
        var kept: [String: (module: CrateModule, units: CrateUnits)] = [:]
        var preparations: [String: CrossCrateFold.Prepared] = [:]
        for (crate, preparation) in zip(prepared, foldPreparations.all) { preparations[crate.key] = preparation }
        for (crate, result) in zip(prepared, results.all) {
            let (merged, units): (CrateModule, CrateUnits)
            do { (merged, units) = try result.get() } catch { throw .bitcode(error) }
            kept[crate.cacheKey] = (merged, units)
            // The same unit bytes, however rustc named the files: the same module.
            modules[crate.key] = ModuleRecord(path: crate.key, contentHash: crate.cacheKey, fingerprint: merged.module)
            unitsOfModule[crate.key] = units
        }
        warm.keepCrates(kept)
        // The same crates (the same unit bytes) as folded while cargo linked:
        // the same folded modules, naming the same files, read again now.
        if let early = earlySelection?.folded(for: modules.mapValues(\.contentHash)) {
            return FingerprintedCrates(modules: early.modules, unitsOfModule: unitsOfModule,
                                       functionIndexes: early.functionIndexes,
                                       sourceFiles: workspaceRoot.map { _ in SourceFiles.hashes(of: early.sourcePaths) })
        }
        // The folding leaves the files blocks and functions name as they are.
        let sourceFiles = LockedBox<[String: String]?>(nil)
        let hashing = DispatchGroup()
        if let workspaceRoot {
            let unfolded = modules.values.map(\.fingerprint)
            DispatchQueue.global().async(group: hashing) {
                sourceFiles.value = SourceFiles.hashes(of: unfolded, workspaceRoot: workspaceRoot)
            }
        }
        let folded = foldAcrossCrates(modules, preparations: preparations)
        hashing.wait()
        return FingerprintedCrates(modules: folded.modules, unitsOfModule: unitsOfModule,
                                   functionIndexes: folded.functionIndexes, sourceFiles: sourceFiles.value)
    }

    /// Calls to instances another crate of the build defines, by that
    /// definition's content (`CrossCrateFold`); each module's function index
    /// from its preparation.
    static func foldAcrossCrates(_ crates: [String: ModuleRecord], preparations: [String: CrossCrateFold.Prepared])
        -> EarlySelection.Folded
    {
        var modules = crates
        var functionIndexes: [String: FunctionIndex] = [:]
        for (key, module) in CrossCrateFold.resolve(crates.mapValues(\.fingerprint), prepared: preparations) {
            modules[key]!.fingerprint = module
            functionIndexes[key] = preparations[key].map { FunctionIndex(module, prepared: $0) } ?? FunctionIndex(module)
        }
        return EarlySelection.Folded(modules: modules, functionIndexes: functionIndexes)
    }

    /// What `fingerprint` gives: every crate's module folded across the
    /// build, its units, its function index, and (when asked) the source files' hashes.
    struct FingerprintedCrates {
        var modules: [String: ModuleRecord]
        var unitsOfModule: [String: CrateUnits]
        var functionIndexes: [String: FunctionIndex]
        var sourceFiles: [String: String]?
    }

    /// A crate's units fingerprinted and merged, and the merge kept in
    /// `cache` when these units were merged before (`seenBefore`).
    static func merge(_ crate: String, files: [BitcodeFile], key: String, fingerprinter: Fingerprinter,
                      cache: CrateModuleCache, writes: CacheWrites = .atOnce)
        -> Result<(CrateModule, CrateUnits), BlockIRError>
    {
        var units: [ModuleFingerprint] = []
        for result in fingerprinter.unitFingerprints(of: files) {
            switch result {
            case .success(let unit): units.append(unit)
            case .failure(let error): return .failure(error)
            }
        }
        let merged = CrateModule(name: crate, units: units)
        let read = units
        writes.later {
            guard cache.seenBefore(key: key) else { return }
            cache.store(merged, key: key)
            cache.storeLayouts(read.map(UnitLayout.init), key: key)
        }
        return .success((merged, CrateUnits(files: files, folded: merged.folded, key: key,
                                            fingerprinter: fingerprinter, units: units)))
    }

    /// What trim's rustc wrapper adds to each compilation. Codegen units given
    /// explicitly: `--emit=llvm-bc` alone makes rustc use one unit per crate,
    /// and regenerate all of it on every edit. Line tables stay in the
    /// bitcode (trim maps blocks to lines from them); the linker leaves debug
    /// sections out of the executables unless `linkDebugInfo`: most of what
    /// it copies and writes is the standard library's line tables, which no
    /// test needs to pass.
    static func rustcFlags(runtime: URL, codegenUnits: Int, linkDebugInfo: Bool = false) -> [String] {
        ["--emit=llvm-bc,link", "-C", "debuginfo=line-tables-only", "-C", "codegen-units=\(codegenUnits)"]
            + (linkDebugInfo ? [] : ["-C", "strip=debuginfo"])
            + SanitizerCoverage.rustcFlags(runtimeLibrary: runtime)
    }

    /// `$TRIM_KEEP_DEBUGINFO=1`: test executables keep their line tables, so
    /// a backtrace names files and lines (a debugger finds them too).
    static func linksDebugInfo(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TrimError) -> Bool
    {
        switch environment["TRIM_KEEP_DEBUGINFO"] ?? "" {
        case "", "0": return false
        case "1": return true
        case let given: throw .setup("TRIM_KEEP_DEBUGINFO: \"\(given)\" is neither 1 nor 0")
        }
    }

    /// The flags as recorded: where the coverage runtime is cached and where
    /// the workspace lies are left out (the runtime's directory name is its
    /// content hash and stays), so another checkout or machine with the same toolchain
    /// and flags finds the same build facts.
    static func portableFlags(_ flags: String, runtime: URL, workspaceRoot: String) -> String {
        let keep = runtime.deletingLastPathComponent().lastPathComponent + "/" + runtime.lastPathComponent
        return flags.replacingOccurrences(of: runtime.path, with: "<trim-cache>/" + keep)
            .replacingOccurrences(of: workspaceRoot, with: "<workspace>")
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
        let results = IndexedSlots<Result<[ListedTest], CargoError>>(count: binaries.count)
        ParallelLoop.run(iterations: binaries.count) { index in
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
        for result in results.all {
            do { tests += try result.get() } catch {
                try session.signals.check()
                throw .cargo(error)
            }
        }
        try session.signals.check()
        return tests
    }
}

/// A crate's units as rustc wrote them, their fingerprints read on first
/// need (only a binary whose tests run maps coverage through them), and which
/// of their copies of a function the merged module folded into another (see
/// `CrateModule`).
public final class CrateUnits: @unchecked Sendable {
    public let files: [BitcodeFile]
    public let folded: [CrateModule.UnitFunction: Int]
    /// The crate's key (`CrateModuleCache.key`), under which its layouts are kept.
    public let key: String
    private let fingerprinter: Fingerprinter
    private let lock = NSLock()
    private var loaded: Result<[ModuleFingerprint], BlockIRError>?
    private var layoutsMade: [UnitLayout]?

    init(files: [BitcodeFile], folded: [CrateModule.UnitFunction: Int], key: String, fingerprinter: Fingerprinter,
         units: [ModuleFingerprint]? = nil) {
        self.files = files
        self.folded = folded
        self.key = key
        self.fingerprinter = fingerprinter
        loaded = units.map { .success($0) }
    }

    /// The units' fingerprints, in the order of `files`.
    public func units() throws(BlockIRError) -> [ModuleFingerprint] {
        let result = lock.withLock {
            if let loaded { return loaded }
            var units: [ModuleFingerprint] = []
            var failure: BlockIRError?
            for result in fingerprinter.unitFingerprints(of: files) {
                switch result {
                case .success(let unit): units.append(unit)
                case .failure(let error): failure = failure ?? error
                }
            }
            let result: Result<[ModuleFingerprint], BlockIRError> = failure.map { .failure($0) } ?? .success(units)
            loaded = result
            return result
        }
        return try result.get()
    }

    /// What a coverage map needs of the units (`UnitLayout`), one per unit,
    /// made once (several binaries share a crate): from the units when they
    /// are in memory (the crate was merged in this process), else read from
    /// the crate cache, else made from the units read from the fingerprint
    /// cache and kept there.
    public func layouts() throws(BlockIRError) -> [UnitLayout] {
        if let made = lock.withLock({ layoutsMade }) { return made }
        let layouts: [UnitLayout]
        let cache = CrateModuleCache(fingerprints: fingerprinter.cache)
        if let units = lock.withLock({ try? loaded?.get() }) {
            layouts = units.map(UnitLayout.init)
        } else if let kept = cache.loadLayouts(key: key), kept.count == files.count {
            layouts = kept
        } else {
            layouts = try units().map(UnitLayout.init)
            cache.storeLayouts(layouts, key: key)
        }
        lock.withLock { layoutsMade = layouts }
        return layouts
    }
}

