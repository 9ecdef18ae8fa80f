import Foundation
import TrimModel

/// One test to run: which executable, which test, where and with what environment.
public struct TestInstance: Sendable, Hashable {
    /// The test binary's id, e.g. `ledger::report`.
    public var binary: String
    /// The test's name as libtest lists it, e.g. `entry::tests::parses_deposit`.
    public var name: String
    public var executable: String
    public var directory: String
    public var environment: [String: String]
    public var ignored: Bool
    /// Arguments that replace libtest's (a doctest runs through `trim run-doctest`).
    public var commandArguments: [String]?

    public init(binary: String, name: String, executable: String, directory: String,
                environment: [String: String], ignored: Bool = false, commandArguments: [String]? = nil) {
        self.binary = binary
        self.name = name
        self.executable = executable
        self.directory = directory
        self.environment = environment
        self.ignored = ignored
        self.commandArguments = commandArguments
    }

    /// libtest arguments that run exactly this test, output not captured by libtest.
    public var arguments: [String] {
        (commandArguments ?? ["--exact", name, "--nocapture"]) + (ignored ? ["--ignored"] : [])
    }
}

/// How one attempt ended.
public enum TestStatus: Sendable, Equatable {
    case passed
    case failed(exitCode: Int32)
    case crashed(signal: Int32)
    /// Killed after `terminate-after` slow periods.
    case timedOut
    case couldNotStart(reason: String)

    public var isSuccess: Bool { self == .passed }
}

/// One attempt at a test.
public struct TestExecution: Sendable {
    public var test: TestInstance
    /// 1 for the first attempt.
    public var attempt: Int
    public var status: TestStatus
    /// Wall time, seconds.
    public var duration: Double
    /// stdout and stderr, interleaved as written.
    public var output: String
    /// Where the test's own process wrote its coverage dump, if it did.
    public var coverageFile: URL
    /// What the attempt read outside the code, when an `AttemptPreparer` traced it.
    public var inputs: TestInputs? = nil
    /// Processes the test left running were found and killed.
    public var leaked: Bool
}

/// The last word on a test, after its retries.
public struct TestResult: Sendable {
    public enum Verdict: Sendable, Equatable {
        case passed
        /// Failed at first, then passed on a retry.
        case flaky
        case failed
        case timedOut
        case crashed
        case couldNotStart
    }

    public var test: TestInstance
    /// Every attempt, in order; never empty.
    public var attempts: [TestExecution]
    public var verdict: Verdict

    public var last: TestExecution { attempts[attempts.count - 1] }
    public var isSuccess: Bool { verdict == .passed || verdict == .flaky }
    public var duration: Double { attempts.reduce(0) { $0 + $1.duration } }
}

public enum CancelReason: Sendable, Equatable {
    /// `max-fail` failures reached (fail-fast is 1).
    case failureLimit(Int)
    /// SIGINT, SIGTERM, ...
    case signal(Int32)
}

public struct RunStatistics: Sendable, Equatable {
    /// Tests that started.
    public var run = 0
    /// Passed, flaky ones included.
    public var passed = 0
    public var flaky = 0
    /// Failed, crashed, timed out, or could not start.
    public var failed = 0
    public var timedOut = 0
    /// Tests not run because a change could not affect them.
    public var skipped = 0
    /// Tests that were to run but did not start: the run was cancelled.
    public var notRun = 0
    public var cancelled: CancelReason?
    public var elapsed = 0.0

    public init(run: Int = 0, passed: Int = 0, flaky: Int = 0, failed: Int = 0, timedOut: Int = 0,
                skipped: Int = 0, notRun: Int = 0, cancelled: CancelReason? = nil, elapsed: Double = 0) {
        self.run = run
        self.passed = passed
        self.flaky = flaky
        self.failed = failed
        self.timedOut = timedOut
        self.skipped = skipped
        self.notRun = notRun
        self.cancelled = cancelled
        self.elapsed = elapsed
    }
}

public enum TestEvent: Sendable {
    /// `startedAt`: the wall-clock time the run began (reports carry it, e.g. JUnit's timestamp).
    case runStarted(toRun: Int, skipped: Int, startedAt: Date)
    case testStarted(TestInstance, attempt: Int)
    /// Still running after `elapsed` seconds: one event per slow period.
    case testSlow(TestInstance, attempt: Int, elapsed: Double)
    /// An attempt failed and the test will be tried again.
    case testRetrying(TestExecution)
    case testFinished(TestResult)
    /// Not run because the change could not affect it (for reports that list them).
    case testSkipped(binary: String, name: String, reason: String)
    /// No further test will start; running ones finish (fail-fast) or are stopped (signal).
    case runCancelled(CancelReason)
    case runFinished(RunStatistics)
}
