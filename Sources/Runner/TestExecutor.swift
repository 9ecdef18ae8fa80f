import Foundation
import LockedValues
import TrimModel

/// A test to skip, named in the event stream for reports that list skipped tests.
public struct SkippedTest: Sendable, Hashable {
    public var binary: String
    public var name: String
    public var reason: String

    public init(binary: String, name: String, reason: String) {
        self.binary = binary
        self.name = name
        self.reason = reason
    }
}

/// Runs tests, each in its own process group, `jobs` at a time, with retries,
/// slow-test reports and timeouts, and stops early on request. Events are
/// delivered on one serial queue, so a reporter never sees two at once.
public final class TestExecutor: Sendable {
    public let jobs: Int
    /// Where outputs of this run go.
    public let scratchDirectory: URL
    /// Where coverage dumps go (by default `scratchDirectory`).
    public let coverageDirectory: URL
    /// The environment variable naming the coverage dump file for each test.
    public let coverageFileVariable: String
    /// The environment every test starts from (by default trim's own less
    /// trim's settings: `inheritedEnvironment`).
    public let baseEnvironment: [String: String]
    public let policy: ExecutionPolicy
    /// false (`--no-capture`): tests write straight to trim's stdout and
    /// stderr, and their results carry no output.
    public let captureOutput: Bool
    /// Test group → how many of its tests may run at once (`max-threads`).
    public let groupLimits: [String: Int]
    /// Per-test adjustments of `policy` (profile overrides).
    private let policyFor: @Sendable (TestInstance) -> ExecutionPolicy
    private let prepareAttempt: AttemptPreparer?
    private let control = RunControl()
    private let watchdog = SlowWatchdog()
    private let scratchPath: String
    private let coveragePath: String

    public init(jobs: Int, scratchDirectory: URL, coverageDirectory: URL? = nil, coverageFileVariable: String,
                baseEnvironment: [String: String] = TestExecutor.inheritedEnvironment(),
                policy: ExecutionPolicy = ExecutionPolicy(),
                policyFor: (@Sendable (TestInstance) -> ExecutionPolicy)? = nil,
                prepareAttempt: AttemptPreparer? = nil, captureOutput: Bool = true,
                groupLimits: [String: Int] = [:]) {
        self.jobs = max(1, jobs)
        self.captureOutput = captureOutput
        self.groupLimits = groupLimits.mapValues { max(1, $0) }
        self.scratchDirectory = scratchDirectory
        scratchPath = scratchDirectory.path
        self.coverageDirectory = coverageDirectory ?? scratchDirectory
        coveragePath = self.coverageDirectory.path
        self.coverageFileVariable = coverageFileVariable
        self.baseEnvironment = baseEnvironment
        self.policy = policy
        self.policyFor = policyFor ?? { _ in policy }
        self.prepareAttempt = prepareAttempt
    }

    /// What a test inherits from trim: its environment without trim's own
    /// settings (`TRIM_*`: the database, tracing, profile), so a test that
    /// runs trim itself never writes into the outer run's store. Tests get
    /// what `cargo test` gives them, plus per attempt only what the coverage
    /// runtime, the input tracer and `TRIM_ATTEMPT` add.
    public static func inheritedEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        environment.filter { !$0.key.hasPrefix("TRIM_") }
    }

    /// Stops the run: no further test starts. For a signal or a newer change,
    /// running tests' process groups get SIGTERM, then SIGKILL after the grace period.
    /// Safe to call from any thread, any number of times.
    public func cancel(_ reason: CancelReason) {
        guard control.cancel(reason) else { return }
        control.announce(.runCancelled(reason))
        if reason.stopsRunningTests {
            let grace = policy.gracePeriod
            for process in control.runningProcesses {
                process.signalGroup(SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + grace) { process.signalGroup(SIGKILL) }
            }
        }
    }

    /// Runs `tests`; `emit` receives every event, `runStarted` first and
    /// `runFinished` last. Returns the results of the tests that started, in
    /// the order of `tests`, without their output: that went out with the
    /// events and is not kept for the whole run.
    public func run(_ tests: [TestInstance], skipped: [SkippedTest] = [],
                    emit: @escaping @Sendable (TestEvent) -> Void) throws -> [TestResult] {
        try FileManager.default.createDirectory(at: scratchDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: coverageDirectory, withIntermediateDirectories: true)
        let events = DispatchQueue(label: "trim.runner.events")
        let start = Date()
        events.sync {
            emit(.runStarted(toRun: tests.count, skipped: skipped.count, startedAt: Date()))
            for skip in skipped { emit(.testSkipped(binary: skip.binary, name: skip.name, reason: skip.reason)) }
        }
        control.setAnnouncer { event in events.async { emit(event) } }
        defer { control.setAnnouncer(nil) }
        let results = IndexedSlots<TestResult>(count: tests.count)
        let policies = tests.map(policyFor)
        let slots = JobSlots(jobs: jobs, groupLimits: groupLimits)
        control.prepare(count: tests.count)
        ParallelLoop.run(iterations: min(jobs, max(tests.count, 1))) { _ in
            while let index = control.nextTest(fitting: { slots.fits(policies[$0]) }, take: { slots.take(policies[$0]) }) {
                let result = runWithRetries(tests[index], policy: policies[index], slot: index, events: events,
                                            emit: emit)
                control.release { slots.give(policies[index]) }
                results.set(index, result.withoutOutput)
                // Not waited for: recording a result (coverage mapped, the
                // store written) overlaps the next test instead of holding
                // this slot; the queue keeps the events in order, and the run
                // waits for all of them before its summary.
                events.async { emit(.testFinished(result)) }
                if !result.isSuccess, let limit = policy.maxFail, control.countFailure() >= limit {
                    cancel(.failureLimit(limit))
                }
            }
        }
        events.sync {}  // everything announced so far is delivered before the summary
        let finished = results.filled
        var statistics = RunStatistics(skipped: skipped.count, notRun: tests.count - finished.count,
                                       cancelled: control.cancelReason, elapsed: Date().timeIntervalSince(start))
        for result in finished {
            statistics.run += 1
            switch result.verdict {
            case .passed: statistics.passed += 1
            case .flaky:
                statistics.passed += 1
                statistics.flaky += 1
            case .timedOut:
                statistics.failed += 1
                statistics.timedOut += 1
            case .failed, .crashed, .couldNotStart: statistics.failed += 1
            }
        }
        events.sync { emit(.runFinished(statistics)) }
        return finished
    }

    private func runWithRetries(_ test: TestInstance, policy: ExecutionPolicy, slot: Int, events: DispatchQueue,
                                emit: @escaping @Sendable (TestEvent) -> Void) -> TestResult {
        let total = policy.retries + 1
        var attempts: [TestExecution] = []
        for attempt in 1...total {
            // In order on the serial queue either way. Not waited for when
            // output is captured: the queue may be recording an earlier
            // result, and the next test need not wait for that. Waited for
            // when the test writes to trim's own output, so the start line
            // comes before what the test prints.
            if captureOutput {
                events.async { emit(.testStarted(test, attempt: attempt)) }
            } else {
                events.sync { emit(.testStarted(test, attempt: attempt)) }
            }
            let execution = execute(test, slot: slot, attempt: attempt, of: total, policy: policy, events: events,
                                    emit: emit)
            attempts.append(execution)
            if execution.status.isSuccess || attempt == total || control.cancelledBySignal { break }
            events.sync { emit(.testRetrying(execution)) }
        }
        return TestResult(test: test, attempts: attempts, verdict: Self.verdict(attempts))
    }

    static func verdict(_ attempts: [TestExecution]) -> TestResult.Verdict {
        let last = attempts[attempts.count - 1].status
        switch last {
        case .passed: return attempts.count > 1 ? .flaky : .passed
        case .failed: return .failed
        case .crashed: return .crashed
        case .timedOut: return .timedOut
        case .couldNotStart: return .couldNotStart
        }
    }

    func execute(_ test: TestInstance, slot: Int, attempt: Int, of total: Int, policy: ExecutionPolicy,
                 events: DispatchQueue, emit: @escaping @Sendable (TestEvent) -> Void) -> TestExecution {
        let stem = "\(slot)-\(attempt)"
        // Paths as strings: URL's path handling costs more per test than the file operations.
        let scratch = scratchPath
        let outputFile = "\(scratch)/\(stem).out"
        var environment = baseEnvironment.merging(test.environment) { _, new in new }
        // `%p`: each process writes its own dump; the test's is the one with its pid.
        environment[coverageFileVariable] = "\(coveragePath)/\(stem).%p.cov"
        environment[AttemptVariables.attempt] = "\(attempt)"
        environment[AttemptVariables.totalAttempts] = "\(total)"
        var setup = AttemptSetup(executable: test.executable, arguments: test.arguments, environment: environment)
        if let prepareAttempt { setup = prepareAttempt(test, stem, setup) }
        let start = Date()
        var status: TestStatus
        var leaked = false
        var inputs: TestInputs?
        var coverageFile = "\(coveragePath)/\(stem).none.cov"
        do {
            let process = try SpawnedProcess.spawn(
                executable: setup.executable, arguments: setup.arguments, directory: test.directory,
                environment: setup.environment, outputFile: captureOutput ? outputFile : nil)
            if control.started(process) {
                // Cancelled by a signal while it was being started.
                process.signalGroup(SIGTERM)
            }
            let watch = watchdog.watch(process, policy: policy) { elapsed in
                events.async { emit(.testSlow(test, attempt: attempt, elapsed: elapsed)) }
            }
            let exit = process.wait()
            let timedOut = watchdog.stop(watch)
            leaked = process.reapLeftovers()
            control.finished(process)
            let (testPID, traced) = setup.finish(process.pid)
            inputs = traced
            coverageFile = "\(coveragePath)/\(stem).\(testPID).cov"
            switch exit {
            case _ where timedOut: status = .timedOut
            case .exited(0): status = .passed
            case .exited(let code): status = .failed(exitCode: code)
            case .signalled(let signal): status = .crashed(signal: signal)
            }
        } catch {
            status = .couldNotStart(reason: "\(error)")
        }
        let duration = Date().timeIntervalSince(start)
        let output = captureOutput ? OutputFile.read(outputFile) : ""
        if captureOutput { unlink(outputFile) }
        return TestExecution(test: test, attempt: attempt, status: status, duration: duration, output: output,
                             coverageFile: URL(fileURLWithPath: coverageFile, isDirectory: false), inputs: inputs,
                             leaked: leaked)
    }
}

/// The run's `jobs` slots and its test groups' limits: which test may start
/// now. Used under `RunControl`'s lock only.
private final class JobSlots: @unchecked Sendable {
    private let jobs: Int
    private let groupLimits: [String: Int]
    private var used = 0
    private var inGroup: [String: Int] = [:]

    init(jobs: Int, groupLimits: [String: Int]) {
        self.jobs = jobs
        self.groupLimits = groupLimits
    }

    /// A test needing more slots than there are takes them all (runs alone) rather than never.
    private func threads(_ policy: ExecutionPolicy) -> Int { min(policy.threadsRequired, jobs) }

    func fits(_ policy: ExecutionPolicy) -> Bool {
        guard used + threads(policy) <= jobs else { return false }
        guard let group = policy.testGroup, let limit = groupLimits[group] else { return true }
        return inGroup[group, default: 0] < limit
    }

    func take(_ policy: ExecutionPolicy) {
        used += threads(policy)
        if let group = policy.testGroup { inGroup[group, default: 0] += 1 }
    }

    func give(_ policy: ExecutionPolicy) {
        used -= threads(policy)
        if let group = policy.testGroup { inGroup[group, default: 0] -= 1 }
    }
}

/// What the workers share: the tests not started yet, the failure count,
/// cancellation, and the processes running now.
private final class RunControl: @unchecked Sendable {
    /// A lock that workers also wait on for a test that fits.
    private let lock = NSCondition()
    private var pending: [Int] = []
    private var failures = 0
    private var reason: CancelReason?
    private var running: [pid_t: SpawnedProcess] = [:]
    private var announcer: (@Sendable (TestEvent) -> Void)?

    func setAnnouncer(_ announce: (@Sendable (TestEvent) -> Void)?) { lock.withLock { announcer = announce } }

    /// Delivers an event of the run in progress, if any, in order with the others.
    func announce(_ event: TestEvent) { lock.withLock { announcer }?(event) }

    func prepare(count: Int) { lock.withLock { pending = Array(0..<count) } }

    /// The first test not started yet that `fits` (after `take` has booked
    /// it), waiting for running ones to finish if none fits; nil when none
    /// is left or the run is cancelled.
    func nextTest(fitting fits: (Int) -> Bool, take: (Int) -> Void) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            guard reason == nil, !pending.isEmpty else { return nil }
            if let position = pending.firstIndex(where: fits) {
                let index = pending.remove(at: position)
                take(index)
                return index
            }
            lock.wait()
        }
    }

    /// A test finished: `give` returns its slots, and waiting workers look again.
    func release(_ give: () -> Void) {
        lock.withLock {
            give()
            lock.broadcast()
        }
    }

    func countFailure() -> Int { lock.withLock { failures += 1; return failures } }

    /// True for the first cancellation.
    func cancel(_ why: CancelReason) -> Bool {
        lock.withLock {
            guard reason == nil else { return false }
            reason = why
            lock.broadcast()
            return true
        }
    }

    var cancelReason: CancelReason? { lock.withLock { reason } }
    var cancelledBySignal: Bool {
        lock.withLock { reason?.stopsRunningTests ?? false }
    }

    /// Registers a running process; true when the run was already cancelled by a signal.
    func started(_ process: SpawnedProcess) -> Bool {
        lock.withLock {
            running[process.pid] = process
            return reason?.stopsRunningTests ?? false
        }
    }
    func finished(_ process: SpawnedProcess) { _ = lock.withLock { running.removeValue(forKey: process.pid) } }
    var runningProcesses: [SpawnedProcess] { lock.withLock { Array(running.values) } }
}


extension TestResult {
    /// The same result with every attempt's output dropped.
    var withoutOutput: TestResult {
        var copy = self
        for index in copy.attempts.indices { copy.attempts[index].output = "" }
        return copy
    }
}
