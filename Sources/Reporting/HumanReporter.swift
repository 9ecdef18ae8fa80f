/// Reporting: turns the runner's `TestEvent` stream into what people and
/// tools read. Reporters only consume events; they never reach into the runner.
import Foundation
import Runner
import TrimConfig

/// Lines like cargo-nextest's: `PASS [0.004s] ledger::report name`, failures
/// with their output, SLOW/RETRY/FLAKY/TIMEOUT/LEAK, a live progress line on a
/// terminal, and a summary.
public final class HumanReporter: TestReporter, @unchecked Sendable {
    private let write: @Sendable (String) -> Void
    private let progress: Bool
    private let colors: Bool
    private var total = 0
    private var finished = 0
    private var running = 0
    private let display: DisplaySettings
    /// Tests reported slow and not finished yet.
    private var slow: Set<String> = []
    /// Status lines repeated after the summary (`final-status-level`).
    private var finalLines: [String] = []
    /// Output blocks shown once every test has finished (`final`, `immediate-final`).
    private var finalOutputs: [String] = []
    private var progressShown = false

    /// `progress`: redraw a status line (terminals only). `colors`: ANSI
    /// colours. `display`: status levels and when output is shown.
    public init(progress: Bool, colors: Bool, display: DisplaySettings = .default,
                write: @escaping @Sendable (String) -> Void) {
        self.progress = progress
        self.colors = colors
        self.display = display
        self.write = write
    }

    public enum ColorChoice: String, CaseIterable, Sendable { case auto, always, never }

    /// For stdout: a progress line when it is a terminal (and `progress`);
    /// colours by `color`, where `auto` means a terminal and no `NO_COLOR`.
    public static func forStandardOutput(progress: Bool = true, color: ColorChoice = .auto,
                                         display: DisplaySettings = .default,
                                         environment: [String: String] = ProcessInfo.processInfo.environment)
        -> HumanReporter
    {
        let terminal = isatty(STDOUT_FILENO) == 1
        let colors: Bool
        switch color {
        case .always: colors = true
        case .never: colors = false
        case .auto: colors = terminal && (environment["NO_COLOR"] ?? "").isEmpty
        }
        return HumanReporter(progress: terminal && progress, colors: colors, display: display) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    public func handle(_ event: TestEvent) {
        switch event {
        case .runStarted(let toRun, let skipped, _):
            total = toRun
            emit("    Starting \(toRun) test\(toRun == 1 ? "" : "s")"
                 + (skipped > 0 ? " (\(skipped) skipped: not affected)" : "") + "\n")
        case .testStarted(_, let attempt):
            if attempt == 1 { running += 1 }
            redrawProgress()
        case .testSlow(let test, _, let elapsed):
            slow.insert(Self.key(test))
            if display.statusLevel >= .slow {
                emit(label("SLOW", .yellow) + " [>\(Self.seconds(elapsed))] \(test.binary) \(test.name)\n")
            }
        case .testRetrying(let execution):
            guard display.statusLevel >= .retry else { break }
            emit(label("TRY \(execution.attempt) \(Self.word(execution.status))", .red)
                 + " [\(Self.seconds(execution.duration))] \(execution.test.binary) \(execution.test.name)\n")
            if display.failureOutput.isImmediate { emit(outputBlock(for: execution)) }
            emit(label("RETRY", .yellow) + " \(execution.attempt + 1) \(execution.test.binary) \(execution.test.name)\n")
        case .testFinished(let result):
            running -= 1
            finished += 1
            finish(result)
            redrawProgress()
        case .testSkipped(let binary, let name, let reason):
            if display.statusLevel >= .skip { emit(skipLine(binary: binary, name: name, reason: reason)) }
            if display.finalStatusLevel >= .skip { finalLines.append(skipLine(binary: binary, name: name, reason: reason)) }
        case .runCancelled(let reason):
            switch reason {
            case .failureLimit(let n):
                emit(label("Cancelling", .red) + " after \(n) failed test\(n == 1 ? "" : "s"): "
                     + "\(running) still running (use --no-fail-fast to run everything)\n")
            case .signal(let signal):
                emit(label("Cancelling", .red) + " on signal \(Self.signalName(signal)): stopping running tests\n")
            case .superseded:
                emit(label("Cancelling", .yellow) + ": a newer change arrived; unfinished tests stay selected\n")
            }
        case .runFinished(let s):
            clearProgress()
            for block in finalOutputs { write(block) }
            var parts = ["\(s.passed) passed" + (s.flaky > 0 ? " (\(s.flaky) flaky)" : "")]
            if s.failed > 0 {
                let failed = s.failed - s.timedOut
                if failed > 0 { parts.append(paint("\(failed) failed", .red)) }
                if s.timedOut > 0 { parts.append(paint("\(s.timedOut) timed out", .red)) }
            }
            if s.skipped > 0 { parts.append("\(s.skipped) skipped (not affected)") }
            if s.notRun > 0 { parts.append("\(s.notRun) not run (cancelled)") }
            write("     Summary [\(Self.seconds(s.elapsed))] \(s.run) test\(s.run == 1 ? "" : "s") run: "
                  + parts.joined(separator: ", ") + "\n")
            for line in finalLines { write(line) }
        }
    }

    /// A finished test: its line and output as the status level and output
    /// settings say, and what is kept for after the run.
    private func finish(_ result: TestResult) {
        let wasSlow = slow.remove(Self.key(result.test)) != nil
        let level: StatusLevel
        let finalLevel: FinalStatusLevel
        switch result.verdict {
        case .passed:
            level = result.last.leaked ? .leak : .pass
            finalLevel = wasSlow ? .slow : result.last.leaked ? .leak : .pass
        case .flaky:
            level = .retry
            finalLevel = .flaky
        case .failed, .timedOut, .crashed, .couldNotStart:
            level = .fail
            finalLevel = .fail
        }
        let outputSetting = result.isSuccess ? display.successOutput : display.failureOutput
        if display.statusLevel >= level {
            emit(line(for: result))
            if result.last.leaked {
                emit(label("LEAK", .yellow) + " \(result.test.binary) \(result.test.name): "
                     + "processes it left running were killed\n")
            }
            if outputSetting.isImmediate { emit(outputBlock(for: result.last)) }
        }
        if outputSetting.isFinal { finalOutputs.append(outputBlock(for: result.last)) }
        if display.finalStatusLevel >= finalLevel { finalLines.append(line(for: result)) }
    }

    private func skipLine(binary: String, name: String, reason: String) -> String {
        label("SKIP", .yellow) + " [         ] \(binary) \(name) (\(reason))\n"
    }

    private static func key(_ test: TestInstance) -> String { "\(test.binary) \(test.name)" }

    func line(for result: TestResult) -> String {
        let word: String
        let color: Color
        switch result.verdict {
        case .passed: word = "PASS"; color = .green
        case .flaky: word = "FLAKY"; color = .yellow
        case .failed: word = "FAIL"; color = .red
        case .timedOut: word = "TIMEOUT"; color = .red
        case .crashed: word = Self.word(result.last.status); color = .red
        case .couldNotStart: word = "ERROR"; color = .red
        }
        let attempts = result.attempts.count == 1 ? ""
            : result.verdict == .flaky ? " (passed on try \(result.attempts.count))"
            : " (after \(result.attempts.count) tries)"
        return label(word, color) + " [\(Self.seconds(result.duration))] \(result.test.binary) \(result.test.name)"
            + attempts + "\n"
    }

    static func word(_ status: TestStatus) -> String {
        switch status {
        case .passed: return "PASS"
        case .failed: return "FAIL"
        case .crashed(let signal): return "SIG\(signalName(signal))"
        case .timedOut: return "TIMEOUT"
        case .couldNotStart: return "ERROR"
        }
    }

    func outputBlock(for execution: TestExecution) -> String {
        var text = "--- output: \(execution.test.binary) \(execution.test.name) ---\n"
        if case .couldNotStart(let reason) = execution.status { text += reason + "\n" }
        text += execution.output
        if !execution.output.isEmpty && !execution.output.hasSuffix("\n") { text += "\n" }
        return text
    }

    private func emit(_ text: String) {
        clearProgress()
        write(text)
    }

    private func redrawProgress() {
        guard progress else { return }
        write("\r\u{1B}[2K    Running \(finished)/\(total): \(running) running")
        progressShown = true
    }

    private func clearProgress() {
        guard progressShown else { return }
        write("\r\u{1B}[2K")
        progressShown = false
    }

    enum Color { case red, green, yellow }

    /// A status word right-aligned in 12 columns, as nextest aligns them.
    private func label(_ word: String, _ color: Color) -> String {
        paint(String(repeating: " ", count: max(0, 12 - word.count)) + word, color)
    }

    private func paint(_ text: String, _ color: Color) -> String {
        guard colors else { return text }
        let code: String
        switch color {
        case .red: code = "\u{1B}[1;31m"
        case .green: code = "\u{1B}[1;32m"
        case .yellow: code = "\u{1B}[1;33m"
        }
        return code + text + "\u{1B}[0m"
    }

    /// nextest's column: `   0.004s`.
    static func seconds(_ value: Double) -> String {
        let text = threeDecimals(value) + "s"
        return String(repeating: " ", count: max(0, 9 - text.count)) + text
    }

    static func signalName(_ signal: Int32) -> String { SignalNames.shortName(signal) }

    /// `String(format: "%.3f")` without Foundation's formatter, which cost
    /// more than the rest of a result's line (one line per test).
    static func threeDecimals(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e12 else { return String(format: "%.3f", value) }
        let thousandths = UInt64((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
