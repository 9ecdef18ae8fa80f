import TrimModel

/// How tests are run: retries, slowness, limits. One per run, with optional
/// per-test adjustments (profile overrides).
public struct ExecutionPolicy: Sendable, Equatable {
    /// Extra attempts after a failure.
    public var retries: Int
    /// A SLOW event every `slowPeriod` seconds of a test's run.
    public var slowPeriod: Double
    /// Kill the test's process group after this many slow periods (TIMEOUT).
    public var terminateAfter: Int?
    /// Stop starting tests after this many failed tests (1 = fail-fast); nil: never.
    public var maxFail: Int?
    /// Seconds between SIGTERM and SIGKILL when stopping a test.
    public var gracePeriod: Double
    /// Of the run's `jobs` slots, how many this test takes while it runs (1 to `jobs`).
    public var threadsRequired: Int
    /// The test group it belongs to (its limit is the executor's `groupLimits`); nil: none but `jobs`.
    public var testGroup: String?

    public init(retries: Int = 0, slowPeriod: Double = 60, terminateAfter: Int? = nil, maxFail: Int? = 1,
                gracePeriod: Double = 10, threadsRequired: Int = 1, testGroup: String? = nil) {
        self.threadsRequired = max(1, threadsRequired)
        self.testGroup = testGroup
        self.retries = max(0, retries)
        self.slowPeriod = slowPeriod
        self.terminateAfter = terminateAfter
        self.maxFail = maxFail
        self.gracePeriod = gracePeriod
    }

    /// The wall-clock limit after which a test is killed, if any.
    public var timeout: Double? { terminateAfter.map { Double($0) * slowPeriod } }
}

/// The environment variables a test process can read to know its attempt.
public enum AttemptVariables {
    /// 1 for the first attempt.
    public static let attempt = "TRIM_ATTEMPT"
    public static let totalAttempts = "TRIM_TOTAL_ATTEMPTS"
}

/// How one attempt is started, as an instrumentation (input tracing) may
/// change it, and what it learns once the attempt's process has ended.
public struct AttemptSetup: Sendable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    /// Given the pid of the spawned process: the pid of the test process itself
    /// (a wrapper such as strace may stand between them) and the inputs the
    /// attempt read, when they were traced.
    public var finish: @Sendable (Int32) -> (testPID: Int32, inputs: TestInputs?)

    public init(executable: String, arguments: [String], environment: [String: String],
                finish: @escaping @Sendable (Int32) -> (testPID: Int32, inputs: TestInputs?) = { ($0, nil) }) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.finish = finish
    }
}

/// Adjusts an attempt before it starts: the test, a name unique to the
/// attempt (for files it writes), and the setup so far.
public typealias AttemptPreparer = @Sendable (TestInstance, String, AttemptSetup) -> AttemptSetup
