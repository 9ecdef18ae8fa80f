import Foundation
import Testing

@testable import Reporting
@testable import Runner

/// `--message-format json` on a recorded run: every line parsed on its own.
@Suite struct JSONEventReporterTests {
    func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    func object(for event: TestEvent) throws -> [String: Any] {
        try object(JSONEventReporter.line(for: event))
    }

    func keys(_ object: [String: Any]) -> Set<String> { Set(object.keys) }

    // MARK: The whole stream

    @Test func wholeStreamIsOneObjectPerLinePerEvent() throws {
        let written = Written()
        let reporter = JSONEventReporter(write: written.write)
        let events = RecordedRun.events
        for event in events { reporter.handle(event) }
        // One write per event, each one whole line.
        #expect(written.pieces.count == events.count)
        let lines = written.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == events.count + 1)
        #expect(lines.last == "")
        let types = try written.pieces.map { try object($0)["type"] as? String }
        #expect(types.first == "run-started")
        #expect(types.last == "run-finished")
        #expect(types.filter { $0 == "test-finished" }.count == RecordedRun.results.count)
        #expect(types.filter { $0 == "test-skipped" }.count == 2)
        #expect(types.filter { $0 == "test-retry" }.count == 2)
        #expect(types.filter { $0 == "test-slow" }.count == 1)
        #expect(types.filter { $0 == "test-started" }.count == 10)
    }

    @Test func keysAreSortedSoLinesAreStable() {
        let line = JSONEventReporter.line(for: .testStarted(RecordedRun.deposit, attempt: 1))
        #expect(line == #"{"attempt":1,"binary":"ledger::report","test":"entry::tests::parses_deposit","type":"test-started"}"#
            + "\n")
    }

    // MARK: Each event

    @Test func runStarted() throws {
        let object = try object(for: .runStarted(toRun: 8, skipped: 2, startedAt: Date(timeIntervalSince1970: 1_700_000_000)))
        #expect(keys(object) == ["type", "tests", "skipped"])
        #expect(object["type"] as? String == "run-started")
        #expect(object["tests"] as? Int == 8)
        #expect(object["skipped"] as? Int == 2)
    }

    @Test func testSkipped() throws {
        let object = try object(for: .testSkipped(binary: "ledger-cli", name: "tests::parses_args",
                                                  reason: "not affected"))
        #expect(keys(object) == ["type", "binary", "test", "reason"])
        #expect(object["type"] as? String == "test-skipped")
        #expect(object["binary"] as? String == "ledger-cli")
        #expect(object["test"] as? String == "tests::parses_args")
        #expect(object["reason"] as? String == "not affected")
    }

    @Test func testStartedAndSlow() throws {
        let started = try object(for: .testStarted(RecordedRun.clock, attempt: 2))
        #expect(keys(started) == ["type", "binary", "test", "attempt"])
        #expect(started["type"] as? String == "test-started")
        #expect(started["binary"] as? String == "ledger")
        #expect(started["test"] as? String == "tests::flaky_clock")
        #expect(started["attempt"] as? Int == 2)

        let slow = try object(for: .testSlow(RecordedRun.slowAudit, attempt: 1, elapsed: 60.0004))
        #expect(keys(slow) == ["type", "binary", "test", "attempt", "elapsed"])
        #expect(slow["type"] as? String == "test-slow")
        #expect(slow["elapsed"] as? Double == 60.0)
    }

    @Test func testRetry() throws {
        let object = try object(for: .testRetrying(RecordedRun.flakyAttempt1))
        #expect(keys(object) == ["type", "binary", "test", "attempt", "status", "duration", "output", "leaked",
                                 "exit_code"])
        #expect(object["type"] as? String == "test-retry")
        #expect(object["attempt"] as? Int == 1)
        #expect(object["status"] as? String == "failed")
        #expect(object["exit_code"] as? Int == 101)
        #expect(object["duration"] as? Double == 0.012)
        #expect(object["output"] as? String == RecordedRun.flakyAttempt1.output)
        #expect(object["leaked"] as? Bool == false)

        let crashed = try self.object(for: .testRetrying(
            RecordedRun.attempt(RecordedRun.aborts, 1, .crashed(signal: SIGSEGV), 0.1)))
        #expect(crashed["status"] as? String == "crashed")
        #expect(crashed["signal"] as? Int == Int(SIGSEGV))
        let timedOut = try self.object(for: .testRetrying(
            RecordedRun.attempt(RecordedRun.slowAudit, 1, .timedOut, 0.1)))
        #expect(timedOut["status"] as? String == "timed-out")
    }

    @Test func testFinishedPassedHasNoOutput() throws {
        let object = try object(for: .testFinished(RecordedRun.passed))
        #expect(keys(object) == ["type", "binary", "test", "status", "duration", "attempts", "leaked"])
        #expect(object["type"] as? String == "test-finished")
        #expect(object["status"] as? String == "passed")
        #expect(object["duration"] as? Double == 0.004)
        #expect(object["attempts"] as? Int == 1)
        #expect(object["leaked"] as? Bool == false)
    }

    @Test func testFinishedFailedCarriesExactOutputAndExitCode() throws {
        let object = try object(for: .testFinished(RecordedRun.failed))
        #expect(object["status"] as? String == "failed")
        #expect(object["exit_code"] as? Int == 101)
        // JSON escapes what XML had to drop: the output comes back byte for byte.
        #expect(object["output"] as? String == RecordedRun.nastyOutput)
        #expect(object["signal"] == nil)
    }

    @Test func testFinishedForEveryVerdict() throws {
        let crashed = try object(for: .testFinished(RecordedRun.crashed))
        #expect(crashed["status"] as? String == "crashed")
        #expect(crashed["signal"] as? Int == Int(SIGABRT))
        #expect(crashed["output"] as? String == "fatal runtime error: stack overflow\n")

        let timedOut = try object(for: .testFinished(RecordedRun.timedOut))
        #expect(timedOut["status"] as? String == "timed-out")
        #expect(timedOut["duration"] as? Double == 2.0)

        let flaky = try object(for: .testFinished(RecordedRun.flaky))
        #expect(flaky["status"] as? String == "flaky")
        #expect(flaky["attempts"] as? Int == 2)
        #expect(flaky["duration"] as? Double == 0.02)  // both attempts
        #expect(flaky["output"] == nil)

        let retried = try object(for: .testFinished(RecordedRun.retriedFailure))
        #expect(retried["status"] as? String == "crashed")
        #expect(retried["attempts"] as? Int == 2)
        #expect(retried["output"] as? String == "second try\n")

        let leaked = try object(for: .testFinished(RecordedRun.leaked))
        #expect(leaked["status"] as? String == "passed")
        #expect(leaked["leaked"] as? Bool == true)

        let error = try object(for: .testFinished(RecordedRun.notStarted))
        #expect(error["status"] as? String == "error")
        #expect(error["reason"] as? String == "cannot execute /target/debug/deps/ledger-0123: exec format error")
    }

    @Test func runCancelled() throws {
        let failFast = try object(for: .runCancelled(.failureLimit(1)))
        #expect(keys(failFast) == ["type", "reason", "max_fail"])
        #expect(failFast["type"] as? String == "run-cancelled")
        #expect(failFast["reason"] as? String == "fail-fast")
        #expect(failFast["max_fail"] as? Int == 1)

        let signal = try object(for: .runCancelled(.signal(SIGINT)))
        #expect(keys(signal) == ["type", "reason", "signal"])
        #expect(signal["reason"] as? String == "signal")
        #expect(signal["signal"] as? Int == Int(SIGINT))
    }

    @Test func runFinished() throws {
        let object = try object(for: .runFinished(RecordedRun.statistics))
        #expect(keys(object) == ["type", "run", "passed", "flaky", "failed", "timed_out", "skipped", "not_run",
                                 "elapsed"])
        #expect(object["type"] as? String == "run-finished")
        #expect(object["run"] as? Int == 8)
        #expect(object["passed"] as? Int == 3)
        #expect(object["flaky"] as? Int == 1)
        #expect(object["failed"] as? Int == 5)
        #expect(object["timed_out"] as? Int == 1)
        #expect(object["skipped"] as? Int == 2)
        #expect(object["not_run"] as? Int == 0)
        #expect(object["elapsed"] as? Double == 2.5)
    }

    @Test func numbersJSONCannotCarryAreWrittenAsZero() throws {
        let object = try object(for: .testSlow(RecordedRun.deposit, attempt: 1, elapsed: .nan))
        #expect(object["elapsed"] as? Double == 0)
        let infinite = try self.object(for: .runFinished(RunStatistics(elapsed: .infinity)))
        #expect(infinite["elapsed"] as? Double == 0)
    }

    @Test func namesWithQuotesAndUnicodeRoundTrip() throws {
        let odd = RecordedRun.test("crate \"q\"/bin", "tests::naïve_🦀\u{0}\\")
        let object = try object(for: .testStarted(odd, attempt: 1))
        #expect(object["binary"] as? String == "crate \"q\"/bin")
        #expect(object["test"] as? String == "tests::naïve_🦀\u{0}\\")
    }
}
