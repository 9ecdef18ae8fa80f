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

    public init(retries: Int = 0, slowPeriod: Double = 60, terminateAfter: Int? = nil, maxFail: Int? = 1,
                gracePeriod: Double = 10) {
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
