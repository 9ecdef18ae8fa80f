import Foundation
import Testing

@testable import Reporting
@testable import Runner

/// The human reporter on a recorded run, without a terminal: status lines,
/// outputs of failures, and the summary.
@Suite struct HumanReporterTests {
    func transcript(progress: Bool = false, colors: Bool = false, _ events: [TestEvent] = RecordedRun.events)
        -> String
    {
        let written = Written()
        let reporter = HumanReporter(progress: progress, colors: colors, write: written.write)
        for event in events { reporter.handle(event) }
        return written.text
    }

    var lines: [String] { transcript().split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    @Test func startingLineCountsTestsAndSkipped() {
        #expect(lines.first == "    Starting 8 tests (2 skipped: not affected)")
    }

    @Test func oneStatusLinePerEnding() {
        let lines = self.lines
        for expected in [
            "        PASS [   0.004s] ledger::report entry::tests::parses_deposit",
            "        FAIL [   0.010s] ledger::report balance::tests::overdraft_is_refused",
            "     SIGABRT [   0.020s] ledger::report balance::tests::aborts",
            "        PASS [   0.030s] ledger::report tests::spawns_helper",
            "        LEAK ledger::report tests::spawns_helper: processes it left running were killed",
            "        SLOW [>   1.000s] ledger balance::tests::slow_audit",
            "     TIMEOUT [   2.000s] ledger balance::tests::slow_audit",
            "  TRY 1 FAIL [   0.012s] ledger tests::flaky_clock",
            "       RETRY 2 ledger tests::flaky_clock",
            "       FLAKY [   0.020s] ledger tests::flaky_clock (passed on try 2)",
            "  TRY 1 FAIL [   0.005s] ledger tests::always_fails",
            "       RETRY 2 ledger tests::always_fails",
            "     SIGSEGV [   0.011s] ledger tests::always_fails (after 2 tries)",
            "       ERROR [   0.000s] ledger tests::missing_binary",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        // Skipped tests are only counted, never listed.
        #expect(!lines.contains { $0.contains("counts_refused_lines") })
    }

    @Test func summaryCountsEveryKind() {
        #expect(lines.contains(
            "     Summary [   2.500s] 8 tests run: 3 passed (1 flaky), 4 failed, 1 timed out, 2 skipped (not affected)"))
    }

    @Test func summaryIsFollowedByEveryTestThatDidNotSimplyPass() throws {
        let lines = self.lines
        let summary = try #require(lines.firstIndex { $0.hasPrefix("     Summary") })
        #expect(Array(lines[(summary + 1)...]) == [
            "        FAIL [   0.010s] ledger::report balance::tests::overdraft_is_refused",
            "     SIGABRT [   0.020s] ledger::report balance::tests::aborts",
            "     TIMEOUT [   2.000s] ledger balance::tests::slow_audit",
            "       FLAKY [   0.020s] ledger tests::flaky_clock (passed on try 2)",
            "     SIGSEGV [   0.011s] ledger tests::always_fails (after 2 tries)",
            "       ERROR [   0.000s] ledger tests::missing_binary",
            "",
        ])
    }

    @Test func failuresAndRetriesShowTheirOutput() {
        let text = transcript()
        #expect(text.contains(
            "        FAIL [   0.010s] ledger::report balance::tests::overdraft_is_refused\n"
                + "--- output: ledger::report balance::tests::overdraft_is_refused ---\n"
                + RecordedRun.nastyOutput))
        #expect(text.contains(
            "  TRY 1 FAIL [   0.012s] ledger tests::flaky_clock\n--- output: ledger tests::flaky_clock ---\n"
                + RecordedRun.flakyAttempt1.output + "       RETRY 2 ledger tests::flaky_clock\n"))
        #expect(text.contains(
            "--- output: ledger tests::missing_binary ---\n"
                + "cannot execute /target/debug/deps/ledger-0123: exec format error\n"))
        // Passing tests' output stays hidden.
        #expect(!text.contains("ok: deposit parsed"))
        #expect(!text.contains("tock"))
    }

    @Test func summaryOfACleanRunIsShort() {
        let text = transcript([
            .runStarted(toRun: 1, skipped: 0, startedAt: Date(timeIntervalSince1970: 1_700_000_000)),
            .testStarted(RecordedRun.deposit, attempt: 1),
            .testFinished(RecordedRun.passed),
            .runFinished(RunStatistics(run: 1, passed: 1, elapsed: 0.25)),
        ])
        #expect(text == """
                Starting 1 test
                    PASS [   0.004s] ledger::report entry::tests::parses_deposit
                 Summary [   0.250s] 1 test run: 1 passed

            """)
    }

    @Test func cancellationIsAnnouncedAndNotRunCounted() {
        let text = transcript([
            .runStarted(toRun: 3, skipped: 0, startedAt: Date(timeIntervalSince1970: 1_700_000_000)),
            .testStarted(RecordedRun.overdraft, attempt: 1),
            .testStarted(RecordedRun.deposit, attempt: 1),
            .testFinished(RecordedRun.failed),
            .runCancelled(.failureLimit(1)),
            .testFinished(RecordedRun.passed),
            .runCancelled(.signal(SIGINT)),
            .runFinished(RunStatistics(run: 2, passed: 1, failed: 1, notRun: 1, cancelled: .failureLimit(1),
                                       elapsed: 1)),
        ])
        #expect(text.contains(
            "  Cancelling after 1 failed test: 1 still running (use --no-fail-fast to run everything)\n"))
        #expect(text.contains("  Cancelling on signal INT: stopping running tests\n"))
        #expect(text.contains("     Summary [   1.000s] 2 tests run: 1 passed, 1 failed, 1 not run (cancelled)\n"))
    }

    @Test func colorsPaintTheStatusWords() {
        let text = transcript(colors: true)
        #expect(text.contains("\u{1B}[1;32m        PASS\u{1B}[0m [   0.004s] ledger::report entry::tests::parses_deposit"))
        #expect(text.contains("\u{1B}[1;31m        FAIL\u{1B}[0m"))
        #expect(text.contains("\u{1B}[1;33m       FLAKY\u{1B}[0m"))
        #expect(text.contains("\u{1B}[1;33m        SLOW\u{1B}[0m"))
        #expect(!transcript(colors: false).contains("\u{1B}[1;"))
    }

    @Test func progressLineIsClearedBeforeEveryLineAndGoneAtTheEnd() throws {
        let text = transcript(progress: true)
        #expect(text.contains("\r\u{1B}[2K    Running 0/8: 1 running"))
        #expect(text.contains("\r\u{1B}[2K    Running 8/8: 0 running"))
        // Every printed line starts on a cleared line: the progress never runs into it.
        for line in ["        PASS [", "        FAIL [", "     Summary ["] {
            let before = try #require(text.range(of: line)).lowerBound
            #expect(text[..<before].hasSuffix("\r\u{1B}[2K") || text[..<before].hasSuffix("\n"), "\(line)")
        }
        let summary = try #require(text.range(of: "     Summary"))
        #expect(!text[summary.lowerBound...].contains("Running"))
    }

    /// The duration column, formatted without Foundation, reads as printf's `%.3f` does.
    @Test func durationsReadAsPrintfWouldPrintThem() {
        let values: [Double] = [0, 0.0004, 0.0006, 0.001, 0.0123, 0.1, 0.9994, 0.9996, 1, 1.5, 9.999, 59.25, 123.4567,
                                3600.001, 86_400, 1e9 + 0.25]
        for value in values {
            #expect(HumanReporter.threeDecimals(value) == String(format: "%.3f", value), "\(value)")
        }
        #expect(HumanReporter.seconds(0.004) == "   0.004s")
        #expect(HumanReporter.seconds(12.3456) == "  12.346s")
        #expect(HumanReporter.threeDecimals(-1) == String(format: "%.3f", -1.0))
        #expect(HumanReporter.threeDecimals(.infinity) == String(format: "%.3f", Double.infinity))
    }
}
