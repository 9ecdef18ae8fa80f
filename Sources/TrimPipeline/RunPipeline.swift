import BlockIR
import CargoSupport
import Coverage
import Foundation
import LockedValues
import ProcessSpawn
import InputTracing
import Runner
import Selection
import Store
import TestFilter
import TrimConfig
import TrimModel

/// `trim run` and `trim list`.
public enum RunPipeline {
    /// Builds, lists, filters, selects the tests the change can affect (all
    /// of them the first time), runs each in its own process under the
    /// profile's policy, and records outcomes and coverage. `reporters` gets
    /// the resolved profile and trim's directory (for JUnit paths) and returns
    /// who hears the events.
    /// `exitKeeper`: given when the process ends after this run; the run's
    /// large values are then left for the exit to free.
    public static func run(_ request: RunRequest,
                           reporters: (Profile, URL) -> TestReporter,
                           warn: @escaping @Sendable (String) -> Void = standardErrorLine,
                           exitKeeper: ExitKeeper? = nil) throws(TrimError)
        -> RunStatistics
    {
        try SignalWatch.guarding { signals throws(TrimError) in
            try run(request, signals: signals, reporters: reporters, warn: warn, exitKeeper: exitKeeper)
        }
    }

    /// One round of `trim watch` or `trim lsp`: `run` under the caller's
    /// signal watch, stopped early when `cancellation` fires, with what
    /// `warm` kept from the session's earlier rounds (and keeps this one's).
    public static func round(_ request: RunRequest, signals: SignalWatch, cancellation: RoundCancellation,
                             warm: WarmState, reporters: (Profile, URL) -> TestReporter,
                             warn: @escaping @Sendable (String) -> Void = standardErrorLine) throws(TrimError)
        -> RunStatistics
    {
        try run(request, signals: signals, cancellation: cancellation, warm: warm, reporters: reporters, warn: warn)
    }

    static func run(_ request: RunRequest, signals: SignalWatch, cancellation: RoundCancellation? = nil,
                    warm: WarmState = WarmState(), reporters: (Profile, URL) -> TestReporter,
                    warn: @escaping @Sendable (String) -> Void, exitKeeper: ExitKeeper? = nil) throws(TrimError)
        -> RunStatistics
    {
        let timings = PhaseTimings.fromEnvironment()
        // The store's records are read while cargo builds: selection needs them, the build does not.
        let preload = StoreRecordsPreload()
        defer { preload.finish() }
        let early = request.force ? nil : earlySelection(request, preload: preload)
        defer { early?.wait() }  // also when the build fails: its own wait below is then never set
        let build = try WorkspaceBuild.make(for: request, command: "run", signals: signals, timings: timings, warm: warm,
                                            whileBuilding: { open, sharedServer in
            preload.start(open, warm: warm) { records in
                collectGarbageIfPiledUp(records, sharedServer: sharedServer, warn: warn)
            }
        }, earlySelection: early, listsEarly: true)
        defer { build.session.close() }
        defer { build.earlyListings?.finish() }
        defer { build.earlyCoverageMaps?.finish() }
        defer { build.sourceFileHashes?.finish() }
        defer { early?.wait() }  // before the lock is given up
        defer { exitKeeper?.keep(build, warm, preload) }
        // rustdoc lists the doctests while the build is recorded and the test binaries list themselves.
        let doctestListing = PendingWork { () throws(TrimError) in try DoctestSuite.make(build: build, request: request) }
        defer { doctestListing.finish() }
        // The changed test binaries list themselves while the build is recorded.
        let scratch = build.session.scratch
        let binaryListing = PendingWork { () throws(TrimError) in try listWithPCTables(build, scratch: scratch, warm: warm) }
        defer { binaryListing.finish() }
        let configuration = try request.configuration(workspaceRoot: build.workspace.root)
        let profile = try request.resolvedProfile(workspaceRoot: build.workspace.root)
        let inputs = try InputRecording(build: build, configuration: configuration)
        defer { inputs.cleanUp() }
        timings.lap("configuration + input recording")
        let records: StoreRecords
        if let read = try preload.wait() { records = read } else {
            records = try StoreRecords.load(from: try build.openStore(warm: warm), warm: warm)  // an archive's build
        }
        let store = records.store
        defer { exitKeeper?.keep(records) }
        timings.lap("store records (read while cargo built)")
        // The build is recorded while the tests are listed, selected and run,
        // before their first result is committed; at the run's own priority:
        // the tests start so soon after cargo that at nice 10 it ended after
        // the last of them, and every result waited for it. Held from the
        // moment it is recorded: no other trim's garbage collection may take
        // it before this run's first result refers to it.
        let holder = ProcessIdentity.current.description
        let buildRecording = PendingWork { () throws(TrimError) in
            try record(build, in: store, heldBy: holder)
        }
        defer {
            if let buildID = try? buildRecording.wait() {
                do { try store.releaseBuild(buildID, heldBy: holder) } catch { warn("could not release build \(buildID): \(error)") }
            }
        }

        // A test's decision depends on the test alone, so the tests the store
        // knows in this build's binaries are selected while the binaries list
        // themselves and rustdoc lists the doctests; what the listings add is
        // selected after, what they no longer hold is left out.
        let builtBinaries = Set(build.binaries.map(\.id))
        let knownTests = records.results.keys.filter { builtBinaries.contains($0.binary) }
        let inputFilter = inputs.filter
        let speculation = PendingWork { () throws(TrimError) -> (selection: Selection, early: Bool) in
            let input = try SelectionLoader.input(
                records: records, build: build, tests: knownTests, granularity: request.granularity,
                force: request.force, configuration: configuration, inputFilter: inputFilter)
            // Decided while cargo linked when the build is the one it was decided on.
            if let decided = early?.selection(for: build) {
                return (decided.restricted(to: Set(knownTests)).finished(with: input), true)
            }
            return (Selector.selectByCode(input).finished(with: input), false)
        }
        defer { speculation.finish() }

        let (listed, pcTables, listedNow) = try binaryListing.wait()
        timings.lap("list tests (the rest)")
        if let early = build.earlyListings {
            timings.note("listed as they linked: \(early.used) of \(listedNow.count) test executables listed in this run")
        }
        // A binary with new bytes most likely has a test to run: its coverage
        // map is made while selection runs.
        let earlyMaps = PendingWork { () throws(TrimError) in
            try coverageMaps(build, pcTables: pcTables, of: listedNow, warm: warm)
        }
        defer { earlyMaps.finish() }
        try signals.check()
        let doctests = try doctestListing.wait()
        // Only what was built is listed again: other packages' records stay as they are.
        var namesByBinary = doctests.namesByBinary
        for binary in build.binaries { namesByBinary[binary.id, default: []] += [] }
        for test in listed { namesByBinary[test.binary, default: []].append(test.name) }
        // Written while selection runs (the build's own write may hold the
        // database); done before the first result is committed.
        let testNames = namesByBinary
        let testRecording = PendingWork { () throws(TrimError) in
            for (binary, names) in testNames {
                do throws(StoreError) { try store.recordTests(names, inBinary: binary) } catch { throw .store(error) }
            }
        }
        defer { testRecording.finish() }

        // Filters and the partition narrow; selection picks among what is left.
        let candidates = candidates(listed, doctests: doctests, build: build, request: request)
        let known = Set(knownTests)
        var decided = Set<TestKey>(), undecided: [TestKey] = []
        for test in candidates {
            let key = TestKey(binary: test.binary, name: test.name)
            // By kind, not id: a test target called `doctest` has the id of its package's doctests.
            if test.kind != Doctest.kind && doctests.keyDigests[key] == nil && known.contains(key) {
                decided.insert(key)
            } else {
                undecided.append(key)
            }
        }
        let (speculatedAll, decidedEarly) = try speculation.wait()
        let speculated = speculatedAll.restricted(to: decided)
        timings.lap(decidedEarly ? "select (decided while cargo linked)" : "select (while listing)")
        let selection = Selection.merged(speculated, Selector.select(try SelectionLoader.input(
            records: records, build: build, tests: undecided, granularity: request.granularity, force: request.force,
            configuration: configuration, inputFilter: inputFilter, crateDigests: doctests.keyDigests)))
        timings.lap("select (what the listings added)")
        try signals.check()
        if cancellation?.isCancelled == true {
            return RunStatistics(skipped: selection.skipped.count, notRun: selection.selected.count, cancelled: .superseded)
        }
        let chosen = Set(selection.selected.map(\.key))
        let binaries = Dictionary(uniqueKeysWithValues: build.binaries.map { ($0.id, $0) })
        let chosenTests = candidates.filter { chosen.contains(TestKey(binary: $0.binary, name: $0.name)) }
        // By kind, not id: a test target called `doctest` has the id of its package's doctests.
        let instances = chosenTests.compactMap { test -> TestInstance? in
            guard test.kind != Doctest.kind, let binary = binaries[test.binary] else { return nil }
            return TestInstance(binary: binary.id, name: test.name, executable: binary.executable,
                                directory: binary.packageDirectory,
                                environment: binary.environment.merging(request.testEnvironment) { _, given in given },
                                ignored: test.ignored)
        } + (try doctests.instances(chosenTests.filter { $0.kind == Doctest.kind },
                                    batches: scratch.appendingPathComponent("doctests")))
        // The maps a result needs are finished while the first tests run.
        let chosenBinaries = Set(instances.map(\.binary))
        let maps = PendingWork { () throws(TrimError) in
            _ = try? earlyMaps.wait()  // what failed there is made (and fails) here if a chosen test needs it
            return try coverageMaps(build, pcTables: pcTables, of: chosenBinaries, warm: warm)
        }
        defer {
            maps.finish()
            exitKeeper?.keep(maps, selection, candidates, speculation, earlyMaps, early)
        }
        let recorder = ResultRecorder(store: store, build: { () throws(TrimError) in
                                          try testRecording.wait()
                                          return try buildRecording.wait()
                                      }, maps: maps,
                                      binaryIdentities: build.binaryIdentities, crateDigests: doctests.keyDigests,
                                      warn: warn)
        let jobs = !request.captureOutput ? 1 : request.testThreads
            ?? profile.testThreads.resolved(cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        let policy = RunPolicy(profile: profile, tests: candidates, jobs: jobs)
        let groupLimits = configuration.testGroups.mapValues {
            $0.maxThreads.resolved(cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        }
        let executor = TestExecutor(jobs: jobs, scratchDirectory: inputs.testOutputDirectory,
                                    coverageDirectory: inputs.coverageDumpDirectory,
                                    coverageFileVariable: SanitizerCoverage.coverageFileVariable,
                                    policy: policy.base, policyFor: { policy.policy(for: $0) },
                                    prepareAttempt: Self.tracingTestBinaries(inputs.preparer),
                                    captureOutput: request.captureOutput, groupLimits: groupLimits)
        let skipped = selection.skipped.map { SkippedTest(binary: $0.binary, name: $0.name, reason: "not affected") }
        let reporter = reporters(profile, build.paths.targetDirectory)
        signals.onSignal { executor.cancel(.signal($0)) }
        cancellation?.onCancel {
            recorder.stop()
            executor.cancel(.superseded)
        }
        let box = LockedBox(RunStatistics())
        do {
            _ = try executor.run(instances, skipped: skipped) { event in
                recorder.observe(event)
                if case .testFinished(let result) = event {
                    guard !recorder.isStopped else { return }  // stopped by a newer change: its result is unknown
                    recorder.record(result)
                }
                if case .runFinished(let statistics) = event { box.value = statistics }
                reporter.handle(event)
            }
        } catch {
            _ = recorder.finish()
            throw .setup("cannot prepare the run directory \(scratch.path): \(error)")
        }
        if let failure = recorder.finish() { throw .store(failure) }
        // A build or test list that could not be recorded: no result went in
        // (they run again next time), and the run fails naming why.
        try testRecording.wait()
        _ = try buildRecording.wait()
        // A map that could not be made: the results went in with unknown
        // coverage (those tests run again next time), and the run fails naming why.
        _ = try maps.wait()
        timings.lap("record build + coverage maps + run tests + record results")
        if let early = build.earlyCoverageMaps {
            let ahead = build.earlyListings?.tablesReadAhead ?? 0
            timings.note("coverage maps made as they listed: \(early.used) (PC tables read before listing: \(ahead))")
        }
        timings.peakMemory()
        return box.value
    }

    /// How many builds no last result ran on (others' held ones, ended ones)
    /// a run leaves before it collects garbage.
    static let buildsLeftBeforeCollecting = 3

    /// The selection by code of every test the store knows, decided while
    /// cargo links once every crate of the recorded builds is merged.
    static func earlySelection(_ request: RunRequest, preload: StoreRecordsPreload) -> EarlySelection {
        EarlySelection(expected: {
            preload.ready().map { records in Set(records.recorded.values.flatMap(\.modules.keys)) }
        }, decide: { current in
            guard let records = preload.ready() else { return nil }
            return Selector.selectByCode(SelectionInput(
                current: current, recorded: records.recorded, tests: Array(records.results.keys),
                results: records.results, granularity: request.granularity, force: request.force))
        })
    }

    /// Collects garbage once builds no last result ran on have piled up: a
    /// collection reads whole tables, and a build kept a few runs longer
    /// costs nothing. Done while cargo builds, with the workspace lock held:
    /// the same as at the end of the run before (this run's build is not
    /// recorded yet, and a build another trim holds is never taken).
    static func collectGarbageIfPiledUp(_ records: StoreRecords, sharedServer: Bool,
                                        warn: @escaping @Sendable (String) -> Void) {
        do {
            let builds = try records.store.builds().count
            if builds - records.recorded.count > buildsLeftBeforeCollecting {
                _ = try records.store.collectGarbage(isHolderAlive: {
                    DatabaseLocation.isHolderAlive($0, shared: sharedServer)
                })
            }
        } catch {
            warn("could not tidy the database: \(error)")
        }
    }

    /// Records the build and its test binaries, held by `holder`.
    static func record(_ build: WorkspaceBuild, in store: any CoverageStore, heldBy holder: String) throws(TrimError)
        -> BuildID
    {
        do {
            let buildID = try store.recordBuild(build.facts, modules: build.modules.values.sorted { $0.path < $1.path },
                                                sourceFiles: build.sourceFiles, heldBy: holder)
            try store.recordBinaries(build.binaries.map {
                TestBinaryRecord(id: $0.id, package: $0.package, kind: $0.kind.rawValue,
                                 executable: WorkspacePaths.relative($0.executable, to: build.workspace.root))
            }, build: buildID)
            return buildID
        } catch { throw .store(error) }
    }

    /// The listed tests and doctests the filters admit, then the partition's share of them.
    static func candidates(_ listed: [ListedTest], doctests: DoctestSuite, build: WorkspaceBuild,
                           request: RunRequest) -> [FilterableTest] {
        let binaries = Dictionary(uniqueKeysWithValues: build.binaries.map { ($0.id, $0) })
        let all = listed.compactMap { test in binaries[test.binary].map { $0.filterable(test) } } + doctests.filterable
        return Partition.apply(request.partition, to: request.filter.filter(all))
    }

    /// Input tracing is for test binaries: a doctest runs cargo and rustdoc,
    /// and its crate digest stands for what it reads.
    static func tracingTestBinaries(_ preparer: @escaping AttemptPreparer) -> AttemptPreparer {
        { test, stem, setup in test.commandArguments == nil ? preparer(test, stem, setup) : setup }
    }

    /// What `trim run` would run and why, without running or recording anything.
    public static func plan(_ request: RunRequest) throws(TrimError) -> Selection {
        try SignalWatch.guarding { signals throws(TrimError) in try plan(request, signals: signals) }
    }

    static func plan(_ request: RunRequest, signals: SignalWatch) throws(TrimError) -> Selection {
        let timings = PhaseTimings.fromEnvironment()
        let build = try WorkspaceBuild.make(for: request, command: "plan", signals: signals, timings: timings)
        defer { build.session.close() }
        let tests = try build.listTests(jobs: request.workspace.jobs)
        timings.lap("list tests")
        let doctests = try DoctestSuite.make(build: build, request: request)
        let store = try build.openStore()
        let keys = candidates(tests, doctests: doctests, build: build, request: request)
            .map { TestKey(binary: $0.binary, name: $0.name) }
        let configuration = try request.configuration(workspaceRoot: build.workspace.root)
        let selection = Selector.select(try SelectionLoader.input(store: store, build: build, tests: keys,
                                                                  granularity: request.granularity, force: request.force,
                                                                  configuration: configuration,
                                                                  crateDigests: doctests.keyDigests, timings: timings))
        timings.lap("select")
        return selection
    }

    /// Builds and lists the tests the filters admit, without running any.
    public static func list(_ request: RunRequest) throws(TrimError) -> [FilterableTest] {
        try SignalWatch.guarding { signals throws(TrimError) in try list(request, signals: signals) }
    }

    static func list(_ request: RunRequest, signals: SignalWatch) throws(TrimError) -> [FilterableTest] {
        let build = try WorkspaceBuild.make(for: request, command: "list", signals: signals)
        defer { build.session.close() }
        let tests = try build.listTests(jobs: request.workspace.jobs)
        return candidates(tests, doctests: try DoctestSuite.make(build: build, request: request),
                          build: build, request: request)
    }

    /// Lists each binary's tests with the runtime asked for the binary's PC
    /// table (from the listing cache when the binary's bytes were listed
    /// before): the tests, each binary's PC table file, and the binaries
    /// listed now (their bytes are new).
    static func listWithPCTables(_ build: WorkspaceBuild, scratch: URL, warm: WarmState = WarmState()) throws(TrimError)
        -> (tests: [ListedTest], pcTables: [String: URL], listedNow: Set<String>)
    {
        do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
            throw .setup("cannot create \(scratch.path): \(error)")
        }
        let results = IndexedSlots<Result<([ListedTest], URL, Bool), TrimError>>(count: build.binaries.count)
        let keys = IndexedSlots<String?>(count: build.binaries.count)
        ParallelLoop.run(iterations: build.binaries.count) { index in
            let binary = build.binaries[index]
            let key = warm.contentHash(ofBinary: binary.executable)
            keys.set(index, key)
            results.set(index, Result { () throws(TrimError) in
                try listWithPCTable(binary, pcTable: scratch.appendingPathComponent("pctable-\(index)"),
                                    cache: build.listingCache, key: key, writes: build.session.cacheWrites,
                                    early: build.earlyListings)
            })
        }
        // Off the path to the tests: nothing reads another binary's listing this run.
        let cache = build.listingCache, current = Set(keys.all.compactMap { $0 })
        build.session.cacheWrites.later { cache.prune(keeping: current) }
        var tests: [ListedTest] = []
        var tables: [String: URL] = [:]
        var listedNow = Set<String>()
        for (binary, result) in zip(build.binaries, results.all) {
            let (listed, table, now) = try result.get()
            tests += listed
            tables[binary.id] = table
            if now { listedNow.insert(binary.id) }
        }
        return (tests, tables, listedNow)
    }

    /// The binary's tests, its PC table, and whether it was listed in this
    /// run (not found in the cache): as it linked (`early`), else now.
    static func listWithPCTable(_ binary: TestBinary, pcTable: URL, cache: ListingCache, key: String?,
                                writes: CacheWrites = .atOnce, early: EarlyListings? = nil) throws(TrimError)
        -> ([ListedTest], URL, Bool)
    {
        if let key, let cached = cache.load(binary, key: key, needsTable: true) {
            return (cached.tests, cached.pcTable, false)
        }
        if let listed = early?.take(binary, hash: key) {
            if let key { writes.later { cache.store(listed.tests, pcTable: listed.pcTable, key: key) } }
            return (listed.tests, listed.pcTable, true)
        }
        let tests: [ListedTest]
        do {
            tests = try TestListing.list(binary, extraEnvironment: [SanitizerCoverage.pcTableFileVariable: pcTable.path])
        } catch { throw .cargo(error) }
        // Kept while the run goes on; the scratch directory holding the table outlives the writes.
        if let key { writes.later { cache.store(tests, pcTable: pcTable, key: key) } }
        return (tests, pcTable, true)
    }

    /// The slot→block maps of the binaries in `binaries` (those with a test
    /// to run): only their crates' unit fingerprints are read. A map `warm`
    /// kept for the same binary bytes and the same crates is not made again.
    static func coverageMaps(_ build: WorkspaceBuild, pcTables: [String: URL], of binaries: Set<String>,
                             warm: WarmState = WarmState()) throws(TrimError) -> [String: BinaryCoverageMap]
    {
        let chosen = build.binaries.filter { binaries.contains($0.id) }
        let results = IndexedSlots<Result<BinaryCoverageMap, TrimError>?>(count: chosen.count)
        let keys = IndexedSlots<String?>(count: chosen.count)
        ParallelLoop.run(iterations: chosen.count) { index in
            let binary = chosen[index]
            guard let table = pcTables[binary.id] else { return results.set(index, nil) }
            let moduleKeys = build.modulesOfBinary[binary.id] ?? []
            let key = warm.contentHash(ofBinary: binary.executable).map { hash in
                coverageMapKey(binaryHash: hash,
                               modules: moduleKeys.map { ($0, build.modules[$0]?.contentHash ?? "none") })
            }
            keys.set(index, key)
            if let key, let kept = warm.coverageMap(key) { return results.set(index, .success(kept)) }
            if let key, let made = build.earlyCoverageMaps?.map(of: binary.executable, key: key) {
                return results.set(index, .success(made))
            }
            let modules = moduleKeys.compactMap { key in build.unitsOfModule[key].map { (key: key, units: $0) } }
            results.set(index, Result { () throws(TrimError) in
                try BinaryCoverageMap(binary: binary, pcTable: table, modules: modules)
            })
        }
        var maps: [String: BinaryCoverageMap] = [:]
        var made: [String: BinaryCoverageMap] = [:]
        for (index, (binary, result)) in zip(chosen, results.all).enumerated() {
            guard let result else { continue }
            maps[binary.id] = try result.get()
            if let key = keys.all[index] { made[key] = maps[binary.id] }
        }
        warm.keepCoverageMaps(made, ofBinaries: Set(build.binaries.compactMap { warm.contentHash(ofBinary: $0.executable) }))
        try build.session.signals.check()
        return maps
    }

    /// What a binary's coverage map is kept under: its content hash, then
    /// each module the build links into it with its crate key (its units' bytes).
    static func coverageMapKey(binaryHash: String, modules: [(module: String, crate: String)]) -> String {
        ([binaryHash] + modules.map { "\($0.module) \($0.crate)" }).joined(separator: "\n")
    }

    public static let standardErrorLine: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data("trim: warning: \(line)\n".utf8))
    }
}

/// Turns each finished test into its result record and hands it to a
/// `GroupCommit`: an interrupted run keeps every result committed before
/// (Ctrl-C and the end of a round commit the rest, `finish()`).
final class ResultRecorder: @unchecked Sendable {
    private let commits: GroupCommit
    /// The build the results ran on, once recorded (waited for by the first result).
    private let build: @Sendable () throws(TrimError) -> BuildID
    private let maps: PendingWork<[String: BinaryCoverageMap]>
    private let binaryIdentities: [String: FileIdentity]
    /// Doctest → its crate's digest, recorded as its coverage.
    private let crateDigests: [TestKey: String]
    private let warn: @Sendable (String) -> Void
    private let stopLock = NSLock()
    private var stopped = false
    /// Results wait here, in order, for the build's record: the runner's event
    /// queue goes on mapping the next tests' coverage meanwhile.
    private let awaitingBuild = DispatchQueue(label: "trim.results-awaiting-build")
    /// First attempts not yet started (only on the runner's event queue).
    private var toStart = Int.max

    /// From now on nothing is recorded (a newer change superseded the round).
    func stop() { stopLock.withLock { stopped = true } }
    var isStopped: Bool { stopLock.withLock { stopped } }

    /// `maps`: each binary's coverage map, waited for by the first result
    /// that needs one; none when they could not be made (coverage unknown).
    init(store: any CoverageStore, build: @escaping @Sendable () throws(TrimError) -> BuildID,
         maps: PendingWork<[String: BinaryCoverageMap]>,
         binaryIdentities: [String: FileIdentity],
         crateDigests: [TestKey: String] = [:], warn: @escaping @Sendable (String) -> Void) {
        self.commits = GroupCommit(store: store, warn: warn)
        self.build = build
        self.maps = maps
        self.binaryIdentities = binaryIdentities
        self.crateDigests = crateDigests
        self.warn = warn
    }

    /// Called on the runner's event queue, one test at a time. Coverage comes
    /// from the last attempt; a flaky or failed test runs again next time anyway.
    func record(_ result: TestResult) {
        let test = result.test
        let last = result.last
        if let digest = crateDigests[TestKey(binary: test.binary, name: test.name)] {
            save(result, coverage: .complete, hits: [CrateGrain.hit(digest: digest)], inputs: nil)
            return
        }
        // Checked after the test ended: a binary replaced before or while it
        // ran produced a result that belongs to no recorded build.
        guard let built = binaryIdentities[test.binary], FileIdentity(path: test.executable) == built else {
            for attempt in result.attempts { unlink(attempt.coverageFile.path) }
            warn("\(test.binary) \(test.name): its test binary \(test.executable) changed while trim ran "
                 + "(rebuilt by another program?); its result is not recorded and it will run again next time")
            return
        }
        var coverage = (state: CoverageState.unknown, hits: [HitFunction](), problem: String?.none)
        if last.status != .timedOut, let map = (try? maps.wait())?[test.binary] {
            coverage = map.coverage(of: last.coverageFile)
        }
        if let problem = coverage.problem, result.isSuccess || coverage.state == .partial {
            warn("\(test.binary) \(test.name): \(problem); it will run again next time")
        }
        for attempt in result.attempts { unlink(attempt.coverageFile.path) }
        save(result, coverage: coverage.state, hits: coverage.hits, inputs: result.last.inputs)
    }

    private func save(_ result: TestResult, coverage: CoverageState, hits: [HitFunction], inputs: TestInputs?) {
        let test = result.test
        let outcome: Outcome
        switch result.verdict {
        case .passed: outcome = .passed
        case .flaky: outcome = .flaky
        case .failed: outcome = .failed
        case .crashed: outcome = .crashed
        case .timedOut: outcome = .timedOut
        case .couldNotStart: outcome = .notRun
        }
        let failedOutput = result.attempts.last { !$0.status.isSuccess }?.output
        let (build, commits) = (self.build, self.commits)
        awaitingBuild.async {
            // Not recorded: the run fails after the tests, naming why.
            guard let build = try? build() else { return }
            let record = TestResultRecord(
                key: TestKey(binary: test.binary, name: test.name), build: build, outcome: outcome,
                duration: result.duration, coverage: coverage, hits: hits, output: failedOutput)
            commits.add(record, inputs: inputs)
        }
    }

    /// Counts the tests started; once all of them have (their first attempts),
    /// results are committed as they come (`GroupCommit.hurry`). Called on
    /// the runner's event queue, like `record`.
    func observe(_ event: TestEvent) {
        switch event {
        case .runStarted(let toRun, _, _):
            toStart = toRun
        case .testStarted(_, let attempt) where attempt == 1:
            toStart -= 1
            if toStart == 0 {
                let commits = self.commits
                awaitingBuild.async { commits.hurry() }  // after the results already on their way
            }
        default:
            break
        }
    }

    /// Commits the results still waiting for the build or their group and
    /// returns the first store failure of the run, if any. Called once the tests are done.
    func finish() -> StoreError? {
        awaitingBuild.sync {}
        return commits.flush()
    }
}

