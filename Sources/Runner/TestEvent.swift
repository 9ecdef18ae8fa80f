/// Runner: executes tests, one process each, several at once, and tells what
/// happens as a stream of `TestEvent`s.
///
/// Owns: spawning, waiting, capturing output, timing.
/// Invariant: everything a reporter shows comes from the events; reporters
/// never reach into the runner.
/// Never depends on: cargo, LLVM, the store, any reporter.
import Foundation

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

    public init(binary: String, name: String, executable: String, directory: String,
                environment: [String: String], ignored: Bool = false) {
        self.binary = binary
        self.name = name
        self.executable = executable
        self.directory = directory
        self.environment = environment
        self.ignored = ignored
    }

    /// libtest arguments that run exactly this test, output not captured by libtest.
    public var arguments: [String] {
        ["--exact", name, "--nocapture"] + (ignored ? ["--ignored"] : [])
    }
}

public enum TestStatus: Sendable, Equatable {
    case passed
    case failed(exitCode: Int32)
    case crashed(signal: Int32)
    case couldNotStart(reason: String)

    public var isSuccess: Bool { self == .passed }
}

/// What happened to one test.
public struct TestExecution: Sendable {
    public var test: TestInstance
    public var status: TestStatus
    /// Wall time, seconds.
    public var duration: Double
    /// stdout and stderr, interleaved as written.
    public var output: String
    /// Where the test's own process wrote its coverage dump, if it did.
    public var coverageFile: URL
}

public struct RunStatistics: Sendable, Equatable {
    public var run = 0
    public var passed = 0
    public var failed = 0
    /// Tests not run because a change could not affect them.
    public var skipped = 0
    public var elapsed = 0.0

    public init(run: Int = 0, passed: Int = 0, failed: Int = 0, skipped: Int = 0, elapsed: Double = 0) {
        self.run = run
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.elapsed = elapsed
    }
}

public enum TestEvent: Sendable {
    case runStarted(toRun: Int, skipped: Int)
    case testStarted(TestInstance)
    case testFinished(TestExecution)
    case runFinished(RunStatistics)
}
