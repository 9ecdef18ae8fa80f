/// `trim run --message-format json`: the event stream as JSON Lines, one
/// object per event, each line complete on its own and written (and flushed)
/// as the event happens. Keys are sorted; durations are seconds, rounded to
/// the millisecond. Fields marked `?` are present only when they apply.
///
/// ```
/// {"type":"run-started", "tests":N, "skipped":K}
/// {"type":"test-skipped", "binary":B, "test":T, "reason":"not affected"}
/// {"type":"test-started", "binary":B, "test":T, "attempt":n}
/// {"type":"test-slow", "binary":B, "test":T, "attempt":n, "elapsed":s}
/// {"type":"test-retry", "binary":B, "test":T, "attempt":n, "status":S, "duration":s, "output":"...",
///  "leaked":bool, "exit_code"?:n, "signal"?:n, "reason"?:"..."}
/// {"type":"test-finished", "binary":B, "test":T, "status":V, "duration":s, "attempts":n, "leaked":bool,
///  "output"?:"...", "exit_code"?:n, "signal"?:n, "reason"?:"..."}
/// {"type":"run-cancelled", "reason":"fail-fast"|"signal", "max_fail"?:n, "signal"?:n}
/// {"type":"run-finished", "run":n, "passed":n, "flaky":n, "failed":n, "timed_out":n, "skipped":n,
///  "not_run":n, "elapsed":s}
/// ```
///
/// - `test-retry` is one failed attempt that will be tried again; `attempt` is
///   the one that failed, `status` (S) how it ended: `failed`, `crashed`,
///   `timed-out` or `error` (could not start).
/// - `test-finished` is the last word on a test. `status` (V): `passed`,
///   `flaky` (passed on a retry), `failed`, `timed-out`, `crashed` or `error`.
///   `duration` covers every attempt; `attempts` counts them. `output` is the
///   last attempt's stdout and stderr, interleaved, for tests that did not
///   pass. `exit_code` is given for `failed`, `signal` for `crashed`, `reason`
///   for `error`. `leaked`: the last attempt left processes running (killed).
/// - `run-finished` counts as the human summary does: `passed` includes
///   `flaky`, `failed` includes `timed_out`; `skipped` are tests trim's
///   selection left out, `not_run` those a cancelled run never started.
///
/// Invariant: one line per event, nothing else on the stream.
import Foundation
import Runner

public final class JSONEventReporter: TestReporter, Sendable {
    private let write: @Sendable (String) -> Void

    /// `write` receives one line at a time, its `\n` included.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Lines to stdout, each written with one unbuffered `write(2)`.
    public static func forStandardOutput() -> JSONEventReporter {
        JSONEventReporter { line in FileHandle.standardOutput.write(Data(line.utf8)) }
    }

    public func handle(_ event: TestEvent) {
        write(Self.line(for: event))
    }

    /// The JSON line for one event, `\n` included.
    public static func line(for event: TestEvent) -> String {
        let object = Self.object(for: event)
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        } catch {
            // Unreachable with the values built below; still a valid line if it happens.
            return "{\"type\":\"internal-error\"}\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func object(for event: TestEvent) -> [String: Any] {
        switch event {
        case .runStarted(let toRun, let skipped, _):
            return ["type": "run-started", "tests": toRun, "skipped": skipped]
        case .testStarted(let test, let attempt):
            return named(test, ["type": "test-started", "attempt": attempt])
        case .testSlow(let test, let attempt, let elapsed):
            return named(test, ["type": "test-slow", "attempt": attempt, "elapsed": seconds(elapsed)])
        case .testRetrying(let execution):
            var object = named(execution.test, [
                "type": "test-retry", "attempt": execution.attempt, "status": word(execution.status),
                "duration": seconds(execution.duration), "output": execution.output, "leaked": execution.leaked,
            ])
            addDetails(of: execution.status, to: &object)
            return object
        case .testFinished(let result):
            var object = named(result.test, [
                "type": "test-finished", "status": word(result.verdict), "duration": seconds(result.duration),
                "attempts": result.attempts.count, "leaked": result.last.leaked,
            ])
            if !result.isSuccess {
                object["output"] = result.last.output
                addDetails(of: result.last.status, to: &object)
            }
            return object
        case .testSkipped(let binary, let name, let reason):
            return ["type": "test-skipped", "binary": binary, "test": name, "reason": reason]
        case .runCancelled(.failureLimit(let limit)):
            return ["type": "run-cancelled", "reason": "fail-fast", "max_fail": limit]
        case .runCancelled(.signal(let signal)):
            return ["type": "run-cancelled", "reason": "signal", "signal": Int(signal)]
        case .runFinished(let s):
            return [
                "type": "run-finished", "run": s.run, "passed": s.passed, "flaky": s.flaky, "failed": s.failed,
                "timed_out": s.timedOut, "skipped": s.skipped, "not_run": s.notRun, "elapsed": seconds(s.elapsed),
            ]
        }
    }

    private static func named(_ test: TestInstance, _ fields: [String: Any]) -> [String: Any] {
        fields.merging(["binary": test.binary, "test": test.name]) { own, _ in own }
    }

    private static func addDetails(of status: TestStatus, to object: inout [String: Any]) {
        switch status {
        case .failed(let code): object["exit_code"] = Int(code)
        case .crashed(let signal): object["signal"] = Int(signal)
        case .couldNotStart(let reason): object["reason"] = reason
        case .passed, .timedOut: break
        }
    }

    static func word(_ status: TestStatus) -> String {
        switch status {
        case .passed: return "passed"
        case .failed: return "failed"
        case .crashed: return "crashed"
        case .timedOut: return "timed-out"
        case .couldNotStart: return "error"
        }
    }

    static func word(_ verdict: TestResult.Verdict) -> String {
        switch verdict {
        case .passed: return "passed"
        case .flaky: return "flaky"
        case .failed: return "failed"
        case .timedOut: return "timed-out"
        case .crashed: return "crashed"
        case .couldNotStart: return "error"
        }
    }

    /// Seconds to the millisecond; never NaN or infinite (JSON has neither).
    static func seconds(_ value: Double) -> Double {
        value.isFinite ? (value * 1000).rounded() / 1000 : 0
    }
}
