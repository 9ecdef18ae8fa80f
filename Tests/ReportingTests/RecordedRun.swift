import Foundation

@testable import Runner

/// A run recorded by hand: every kind of ending, retries, a slow test, a leak,
/// tests skipped by selection, and output no XML or JSON writer can take as is.
enum RecordedRun {
    static let report = "ledger::report"
    static let lib = "ledger"
    static let cli = "ledger-cli"

    /// Markup, entities, a CDATA end, quotes, ANSI colours, NUL/BEL/backspace,
    /// a form feed, tab and a CRLF: what a failing test may well print.
    static let nastyOutput =
        "running 1 test\n"
        + "thread 'balance::tests::overdraft_is_refused' panicked at src/balance.rs:42:9:\n"
        + "assertion `left == right` failed: <Balance> & \"quotes\" 'apostrophes' ]]> end\n"
        + "  left: \u{1B}[31m-5\u{1B}[0m\n"
        + "ctrl:\u{0}\u{7}\u{8}\u{C}|tab:\t|cr:\r\n"
        + "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
    /// `nastyOutput` as it must come back from a JUnit report: escapes and forbidden characters gone.
    static let nastyOutputInXML =
        "running 1 test\n"
        + "thread 'balance::tests::overdraft_is_refused' panicked at src/balance.rs:42:9:\n"
        + "assertion `left == right` failed: <Balance> & \"quotes\" 'apostrophes' ]]> end\n"
        + "  left: -5\n"
        + "ctrl:|tab:\t|cr:\r\n"
        + "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"

    static func test(_ binary: String, _ name: String) -> TestInstance {
        TestInstance(binary: binary, name: name, executable: "/target/debug/deps/\(binary)-0123",
                     directory: "/work/ledger", environment: [:])
    }

    static func attempt(_ test: TestInstance, _ number: Int, _ status: TestStatus, _ duration: Double,
                        output: String = "", leaked: Bool = false) -> TestExecution
    {
        TestExecution(test: test, attempt: number, status: status, duration: duration, output: output,
                      coverageFile: URL(fileURLWithPath: "/tmp/trim/\(number).cov"), leaked: leaked)
    }

    static func result(_ attempts: [TestExecution]) -> TestResult {
        TestResult(test: attempts[0].test, attempts: attempts, verdict: TestExecutor.verdict(attempts))
    }

    // MARK: The tests

    static let deposit = test(report, "entry::tests::parses_deposit")
    static let overdraft = test(report, "balance::tests::overdraft_is_refused")
    static let aborts = test(report, "balance::tests::aborts")
    static let spawns = test(report, "tests::spawns_helper")
    static let slowAudit = test(lib, "balance::tests::slow_audit")
    static let clock = test(lib, "tests::flaky_clock")
    static let alwaysFails = test(lib, "tests::always_fails")
    static let missing = test(lib, "tests::missing_binary")

    static let passed = result([attempt(deposit, 1, .passed, 0.004, output: "ok: deposit parsed\n")])
    static let failed = result([attempt(overdraft, 1, .failed(exitCode: 101), 0.010, output: nastyOutput)])
    static let crashed = result([
        attempt(aborts, 1, .crashed(signal: SIGABRT), 0.020, output: "fatal runtime error: stack overflow\n")
    ])
    static let leaked = result([attempt(spawns, 1, .passed, 0.030, output: "helper started\n", leaked: true)])
    static let timedOut = result([attempt(slowAudit, 1, .timedOut, 2.0, output: "auditing...\n")])
    static let flakyAttempt1 = attempt(clock, 1, .failed(exitCode: 101), 0.012,
                                       output: "thread 'tests::flaky_clock' panicked at src/lib.rs:7:5:\ntick\n")
    static let flaky = result([flakyAttempt1, attempt(clock, 2, .passed, 0.008, output: "tock\n")])
    static let retriedAttempt1 = attempt(alwaysFails, 1, .failed(exitCode: 101), 0.005, output: "first try\n")
    static let retriedFailure = result([
        retriedAttempt1, attempt(alwaysFails, 2, .crashed(signal: SIGSEGV), 0.006, output: "second try\n"),
    ])
    static let notStarted = result([
        attempt(missing, 1, .couldNotStart(reason: "cannot execute /target/debug/deps/ledger-0123: exec format error"),
                0)
    ])

    static let skipped = [
        SkippedTest(binary: report, name: "counts_refused_lines", reason: "not affected"),
        SkippedTest(binary: cli, name: "tests::parses_args", reason: "not affected"),
    ]

    static let results = [passed, failed, crashed, leaked, timedOut, flaky, retriedFailure, notStarted]

    static let statistics = RunStatistics(run: 8, passed: 3, flaky: 1, failed: 5, timedOut: 1, skipped: 2,
                                          notRun: 0, elapsed: 2.5)

    /// The events in the order the runner sends them.
    static var events: [TestEvent] {
        var events: [TestEvent] = [.runStarted(toRun: 8, skipped: 2, startedAt: Date(timeIntervalSince1970: 1_700_000_000))]
        events += skipped.map { .testSkipped(binary: $0.binary, name: $0.name, reason: $0.reason) }
        for result in results {
            for execution in result.attempts {
                events.append(.testStarted(result.test, attempt: execution.attempt))
                if case .timedOut = execution.status {
                    events.append(.testSlow(result.test, attempt: execution.attempt, elapsed: 1.0))
                }
                if execution.attempt < result.attempts.count { events.append(.testRetrying(execution)) }
            }
            events.append(.testFinished(result))
        }
        events.append(.runFinished(statistics))
        return events
    }
}

/// Collects what a reporter writes.
final class Written: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [String] = []

    var write: @Sendable (String) -> Void { { [self] text in lock.withLock { chunks.append(text) } } }
    var pieces: [String] { lock.withLock { chunks } }
    var text: String { pieces.joined() }
}
