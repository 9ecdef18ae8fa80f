import Foundation

/// The value types of one profile's settings. Durations are in seconds.

/// How often, and how soon, a failed test is run again (`retries`). A test
/// that fails and then passes on a retry is flaky.
public enum RetryPolicy: Sendable, Hashable {
    /// `retries = N`, or `{ backoff = "fixed", count = N, delay = "1s", jitter = false }`:
    /// the same delay before every retry.
    case fixed(count: Int, delay: Double, jitter: Bool)
    /// `{ backoff = "exponential", count = N, delay = "1s", max-delay = "10s", jitter = false }`:
    /// `delay`, then twice that, and so on, at most `maxDelay`.
    case exponential(count: Int, delay: Double, jitter: Bool, maxDelay: Double?)

    /// `retries = 0`.
    public static let noRetries = RetryPolicy.fixed(count: 0, delay: 0, jitter: false)

    /// `retries = N`: no delay, no jitter.
    public static func count(_ count: Int) -> RetryPolicy { .fixed(count: count, delay: 0, jitter: false) }

    /// The number of retries after the first attempt (so at most `count + 1` runs).
    public var count: Int {
        switch self {
        case .fixed(let count, _, _), .exponential(let count, _, _, _): return count
        }
    }

    /// Whether each delay is to be randomised (nextest: a random fraction of it, from half to all).
    public var jitter: Bool {
        switch self {
        case .fixed(_, _, let jitter), .exponential(_, _, let jitter, _): return jitter
        }
    }

    /// Seconds to wait before retry number `retry` (1 is the first retry),
    /// before any jitter.
    public func delay(beforeRetry retry: Int) -> Double {
        switch self {
        case .fixed(_, let delay, _):
            return delay
        case .exponential(_, let delay, _, let maxDelay):
            let grown = delay * pow(2, Double(max(0, retry - 1)))
            return min(grown, maxDelay ?? .infinity)
        }
    }
}

/// `slow-timeout`: a test running longer than `period` is reported SLOW,
/// again after each further period; with `terminateAfter = N` it is killed
/// after N periods (SIGTERM, then SIGKILL after `gracePeriod`) and counts as
/// timed out.
public struct SlowTimeout: Sendable, Hashable {
    public var period: Double
    public var terminateAfter: Int?
    public var gracePeriod: Double

    /// nextest's: 10 seconds between SIGTERM and SIGKILL.
    public static let defaultGracePeriod = 10.0

    /// nextest's default: SLOW after 60 s, never killed.
    public static let `default` = SlowTimeout(period: 60)

    public init(period: Double, terminateAfter: Int? = nil, gracePeriod: Double = SlowTimeout.defaultGracePeriod) {
        self.period = period
        self.terminateAfter = terminateAfter
        self.gracePeriod = gracePeriod
    }

    /// Seconds after which the test is terminated, if ever: `period × terminateAfter`.
    public var timeout: Double? { terminateAfter.map { period * Double($0) } }
}

/// When to stop starting new tests after failures.
public enum FailFast: Sendable, Hashable {
    /// `fail-fast = true`: stop after the first failure.
    case failFast
    /// `max-fail = N` or `fail-fast = { max-fail = N }`: stop after N failures (N ≥ 1).
    case maxFail(Int)
    /// `fail-fast = false` or `max-fail = "all"`: run everything.
    case noFailFast

    /// The failure count at which no new test starts, or nil to run all.
    public var maxFailures: Int? {
        switch self {
        case .failFast: return 1
        case .maxFail(let count): return count
        case .noFailFast: return nil
        }
    }
}

/// `test-threads`: how many tests run at once.
public enum TestThreads: Sendable, Hashable {
    /// `test-threads = N` (N ≥ 1).
    case count(Int)
    /// `test-threads = "num-cpus"`: the number of logical CPUs.
    case numCPUs
    /// `test-threads = -N`: N fewer than the number of CPUs (at least 1).
    case numCPUsMinus(Int)

    /// The number of tests to run at once on a machine with `cpuCount` CPUs.
    public func resolved(cpuCount: Int) -> Int {
        switch self {
        case .count(let count): return max(1, count)
        case .numCPUs: return max(1, cpuCount)
        case .numCPUsMinus(let fewer): return max(1, cpuCount - fewer)
        }
    }

    /// Parses a command line value as the file's value: `"num-cpus"`, `"4"`,
    /// `"-1"`; nil for `"0"` and anything else. Fits swift-argument-parser's
    /// `ExpressibleByArgument`.
    public init?(argument: String) {
        if argument == "num-cpus" {
            self = .numCPUs
        } else if let count = Int(argument), count != 0 {
            self = count > 0 ? .count(count) : .numCPUsMinus(-count)
        } else {
            return nil
        }
    }
}

/// `status-level`: which test statuses are shown as they happen. Each level
/// includes the ones before it (`slow` shows failed, retried and slow tests).
/// `"none"` is `.off`: a case named `none` would be confused with `Optional.none`.
public enum StatusLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    case off = "none"
    case fail, retry, slow, leak, pass, skip, all

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int { Self.allCases.firstIndex(of: self)! }
}

/// `final-status-level`: which test statuses are listed again after the run.
/// `"none"` is `.off`, as for `StatusLevel`.
public enum FinalStatusLevel: String, Sendable, Hashable, CaseIterable, Comparable {
    case off = "none"
    case fail, flaky, slow, skip, leak, pass, all

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int { Self.allCases.firstIndex(of: self)! }
}

/// `failure-output` / `success-output`: when a test's captured output is shown.
public enum TestOutputDisplay: String, Sendable, Hashable, CaseIterable {
    case immediate
    case immediateFinal = "immediate-final"
    case final
    case never
}
