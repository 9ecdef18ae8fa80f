import BlockIR
import CargoSupport
import Coverage
import Foundation
import InputTracing
import Reporting
import Runner
import Selection
import Store
import TestFilter
import TrimConfig

/// `trim run` and `trim list`.
public enum RunPipeline {
    /// Builds, lists, filters, selects the tests the change can affect (all
    /// of them the first time), runs each in its own process under the
    /// profile's policy, and records outcomes and coverage. `reporters` gets
    /// the resolved profile and trim's directory (for JUnit paths) and returns
    /// who hears the events.
    public static func run(_ request: RunRequest,
                           reporters: (Profile, URL) -> TestReporter,
                           warn: @escaping @Sendable (String) -> Void = standardErrorLine) throws(TrimError)
        -> RunStatistics
    {
        let options = request.workspace
        let build = try WorkspaceBuild.make(options)
        let configuration = try request.configuration(workspaceRoot: build.workspace.root)
        let profile = try request.resolvedProfile(workspaceRoot: build.workspace.root)
        let inputs = try InputRecording(build: build, configuration: configuration)
        defer { inputs.cleanUp() }
        let store: TrimStore
        do { store = try TrimStore(path: build.paths.database) } catch { throw .store(error) }
        let buildID: BuildID
        do {
            buildID = try store.recordBuild(build.facts, modules: build.modules.values.sorted { $0.path < $1.path },
                                            sourceFiles: build.sourceFiles)
            try store.recordBinaries(build.binaries.map {
                TestBinaryRecord(id: $0.id, package: $0.package, kind: $0.kind.rawValue, executable: $0.executable)
            }, build: buildID)
        } catch { throw .store(error) }

        let scratch = build.paths.scratch
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (listed, maps) = try listWithCoverageMaps(build, scratch: scratch, jobs: options.jobs)
        do {
            for binary in build.binaries {
                try store.recordTests(listed.filter { $0.binary == binary.id }.map(\.name), inBinary: binary.id)
            }
        } catch { throw .store(error) }

        // Filters and the partition narrow; selection picks among what is left.
        let candidates = candidates(listed, build: build, request: request)
        let selection = Selector.select(try SelectionLoader.input(
            store: store, build: build, tests: candidates.map { TestKey(binary: $0.binary, name: $0.name) },
            granularity: request.granularity, force: request.force, configuration: configuration,
            inputFilter: inputs.filter))
        let chosen = Set(selection.selected.map(\.key))
        let binaries = Dictionary(uniqueKeysWithValues: build.binaries.map { ($0.id, $0) })
        let instances = candidates.filter { chosen.contains(TestKey(binary: $0.binary, name: $0.name)) }.map { test in
            let binary = binaries[test.binary]!
            return TestInstance(binary: binary.id, name: test.name, executable: binary.executable,
                                directory: binary.packageDirectory,
                                environment: binary.environment.merging(request.testEnvironment) { _, given in given },
                                ignored: test.ignored)
        }
        let policy = RunPolicy(profile: profile, tests: candidates)
        let recorder = ResultRecorder(store: store, build: buildID, maps: maps, warn: warn)
        let jobs = request.testThreads
            ?? profile.testThreads.resolved(cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        let executor = TestExecutor(jobs: jobs, scratchDirectory: scratch.appendingPathComponent("tests"),
                                    coverageFileVariable: SanitizerCoverage.coverageFileVariable,
                                    policy: policy.base, policyFor: { policy.policy(for: $0) },
                                    prepareAttempt: inputs.preparer)
        let skipped = selection.skipped.map { SkippedTest(binary: $0.binary, name: $0.name, reason: "not affected") }
        let reporter = reporters(profile, build.paths.targetDirectory)
        let statistics = try SignalWatch.whileRunning(cancel: { executor.cancel(.signal($0)) }) { () throws(TrimError) in
            let box = StatisticsBox()
            do {
                _ = try executor.run(instances, skipped: skipped) { event in
                    if case .testFinished(let result) = event { recorder.record(result) }
                    if case .runFinished(let statistics) = event { box.value = statistics }
                    reporter.handle(event)
                }
            } catch {
                throw .setup("cannot prepare the run directory \(scratch.path): \(error)")
            }
            return box.value
        }
        if let failure = recorder.storeFailure { throw .store(failure) }
        do { _ = try store.collectGarbage() } catch { warn("could not tidy the database: \(error)") }
        return statistics
    }

    /// The listed tests the filters admit, then the partition's share of them.
    static func candidates(_ listed: [ListedTest], build: WorkspaceBuild, request: RunRequest) -> [FilterableTest] {
        let binaries = Dictionary(uniqueKeysWithValues: build.binaries.map { ($0.id, $0) })
        let all = listed.compactMap { test in binaries[test.binary].map { $0.filterable(test) } }
        return Partition.apply(request.partition, to: request.filter.filter(all))
    }

    /// What `trim run` would run and why, without running or recording anything.
    public static func plan(_ request: RunRequest) throws(TrimError) -> Selection {
        let build = try WorkspaceBuild.make(request.workspace)
        let tests = try build.listTests(jobs: request.workspace.jobs)
        let store: TrimStore
        do { store = try TrimStore(path: build.paths.database) } catch { throw .store(error) }
        let keys = candidates(tests, build: build, request: request).map { TestKey(binary: $0.binary, name: $0.name) }
        let configuration = try request.configuration(workspaceRoot: build.workspace.root)
        return Selector.select(try SelectionLoader.input(store: store, build: build, tests: keys,
                                                         granularity: request.granularity, force: request.force,
                                                         configuration: configuration))
    }

    /// Builds and lists the tests the filters admit, without running any.
    public static func list(_ request: RunRequest) throws(TrimError) -> [FilterableTest] {
        let build = try WorkspaceBuild.make(request.workspace)
        return candidates(try build.listTests(jobs: request.workspace.jobs), build: build, request: request)
    }

    /// Lists each binary's tests with the runtime asked for the binary's PC
    /// table, and builds the binary's slot→block map from it.
    static func listWithCoverageMaps(_ build: WorkspaceBuild, scratch: URL, jobs: Int) throws(TrimError)
        -> ([ListedTest], [String: BinaryCoverageMap])
    {
        do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
            throw .setup("cannot create \(scratch.path): \(error)")
        }
        let results = Slots<Result<([ListedTest], BinaryCoverageMap), TrimError>>(count: build.binaries.count)
        let keys = Slots<String?>(count: build.binaries.count)
        DispatchQueue.concurrentPerform(iterations: build.binaries.count) { index in
            let binary = build.binaries[index]
            let table = scratch.appendingPathComponent("pctable-\(index)")
            let modules = (build.modulesOfBinary[binary.id] ?? []).compactMap { key in
                build.unitsOfModule[key].map { (key: key, units: $0) }
            }
            let key = ListingCache.key(of: binary)
            keys.set(index, key)
            results.set(index, Result { () throws(TrimError) in
                try listWithCoverageMap(binary, pcTable: table, modules: modules, cache: build.listingCache, key: key)
            })
        }
        build.listingCache.prune(keeping: Set(keys.values.compactMap { $0 }))
        var tests: [ListedTest] = []
        var maps: [String: BinaryCoverageMap] = [:]
        for (binary, result) in zip(build.binaries, results.values) {
            let (listed, map) = try result.get()
            tests += listed
            maps[binary.id] = map
        }
        return (tests, maps)
    }

    static func listWithCoverageMap(_ binary: TestBinary, pcTable: URL, modules: [(key: String, units: CrateUnits)],
                                    cache: ListingCache, key: String?) throws(TrimError)
        -> ([ListedTest], BinaryCoverageMap)
    {
        if let key, let cached = cache.load(binary, key: key, needsTable: true) {
            return (cached.tests, try BinaryCoverageMap(binary: binary, pcTable: cached.pcTable, modules: modules))
        }
        let tests: [ListedTest]
        do {
            tests = try TestListing.list(binary, extraEnvironment: [SanitizerCoverage.pcTableFileVariable: pcTable.path])
        } catch { throw .cargo(error) }
        let map = try BinaryCoverageMap(binary: binary, pcTable: pcTable, modules: modules)
        if let key { cache.store(tests, pcTable: pcTable, key: key) }
        return (tests, map)
    }

    public static let standardErrorLine: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data("trim: warning: \(line)\n".utf8))
    }
}

/// Commits each finished test's result as it arrives (one transaction each),
/// so an interrupted run keeps every result it finished.
final class ResultRecorder: @unchecked Sendable {
    private let store: TrimStore
    private let build: BuildID
    private let maps: [String: BinaryCoverageMap]
    private let warn: @Sendable (String) -> Void
    private(set) var storeFailure: StoreError?

    init(store: TrimStore, build: BuildID, maps: [String: BinaryCoverageMap], warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.build = build
        self.maps = maps
        self.warn = warn
    }

    /// Called on the runner's event queue, one test at a time. Coverage comes
    /// from the last attempt; a flaky or failed test runs again next time anyway.
    func record(_ result: TestResult) {
        let test = result.test
        let last = result.last
        var coverage = (state: CoverageState.unknown, hits: [HitFunction](), problem: String?.none)
        if let map = maps[test.binary], last.status != .timedOut {
            coverage = map.coverage(of: last.coverageFile)
        }
        if let problem = coverage.problem, result.isSuccess || coverage.state == .partial {
            warn("\(test.binary) \(test.name): \(problem); it will run again next time")
        }
        for attempt in result.attempts { try? FileManager.default.removeItem(at: attempt.coverageFile) }
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
        let record = TestResultRecord(
            key: TestKey(binary: test.binary, name: test.name), build: build, outcome: outcome,
            duration: result.duration, coverage: coverage.state, hits: coverage.hits, output: failedOutput)
        do { try store.recordResult(record, inputs: result.last.payload as? TestInputs) } catch {
            if storeFailure == nil { storeFailure = error }
        }
    }
}

final class StatisticsBox: @unchecked Sendable {
    var value = RunStatistics()
}

final class Slots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.withLock { slots[index] = value } }
    var values: [T] { lock.withLock { slots.map { $0! } } }
}
