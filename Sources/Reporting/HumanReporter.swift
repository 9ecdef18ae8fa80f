/// Reporting: turns the runner's `TestEvent` stream into what people and
/// tools read. Reporters only consume events; they never reach into the runner.
import Foundation
import Runner

/// Anything that consumes the event stream. Called from one queue at a time.
public protocol TestReporter: AnyObject, Sendable {
    func handle(_ event: TestEvent)
}

/// Lines like cargo-nextest's: `PASS [0.004s] ledger::report name`, failures
/// with their output, a live progress line on a terminal, and a summary.
public final class HumanReporter: TestReporter, @unchecked Sendable {
    private let write: @Sendable (String) -> Void
    private let progress: Bool
    private let colors: Bool
    private var total = 0
    private var finished = 0
    private var running = 0
    private var failures: [TestExecution] = []
    private var progressShown = false

    /// `progress`: redraw a status line (terminals only). `colors`: ANSI colours.
    public init(progress: Bool, colors: Bool, write: @escaping @Sendable (String) -> Void) {
        self.progress = progress
        self.colors = colors
        self.write = write
    }

    /// For stdout: progress and colours when it is a terminal (progress only
    /// if `progress`), colours unless NO_COLOR is set.
    public static func forStandardOutput(progress: Bool = true,
                                         environment: [String: String] = ProcessInfo.processInfo.environment)
        -> HumanReporter
    {
        let terminal = isatty(STDOUT_FILENO) == 1
        let colors = terminal && (environment["NO_COLOR"] ?? "").isEmpty
        return HumanReporter(progress: terminal && progress, colors: colors) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    public func handle(_ event: TestEvent) {
        switch event {
        case .runStarted(let toRun, let skipped):
            total = toRun
            emit("    Starting \(toRun) test\(toRun == 1 ? "" : "s")"
                 + (skipped > 0 ? " (\(skipped) skipped: not affected)" : "") + "\n")
        case .testStarted:
            running += 1
            redrawProgress()
        case .testFinished(let execution):
            running -= 1
            finished += 1
            emit(line(for: execution))
            if !execution.status.isSuccess {
                failures.append(execution)
                emit(outputBlock(for: execution))
            }
            redrawProgress()
        case .runFinished(let statistics):
            clearProgress()
            var summary = "     Summary [\(Self.seconds(statistics.elapsed))] \(statistics.run) test"
                + "\(statistics.run == 1 ? "" : "s") run: \(statistics.passed) passed"
            summary += statistics.failed > 0 ? ", " + paint("\(statistics.failed) failed", red: true) : ""
            summary += statistics.skipped > 0 ? ", \(statistics.skipped) skipped (not affected)" : ""
            write(summary + "\n")
            for failure in failures { write(line(for: failure)) }
        }
    }

    func line(for execution: TestExecution) -> String {
        let label: String
        switch execution.status {
        case .passed: label = "PASS"
        case .failed: label = "FAIL"
        case .crashed(let signal): label = "SIG\(Self.signalName(signal))"
        case .couldNotStart: label = "ERROR"
        }
        let padded = String(repeating: " ", count: max(0, 12 - label.count)) + label
        return paint(padded, red: !execution.status.isSuccess)
            + " [\(Self.seconds(execution.duration))] \(execution.test.binary) \(execution.test.name)\n"
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

    private func paint(_ text: String, red: Bool) -> String {
        guard colors else { return text }
        return (red ? "\u{1B}[1;31m" : "\u{1B}[1;32m") + text + "\u{1B}[0m"
    }

    static func seconds(_ value: Double) -> String {
        let text = String(format: "%.3f", value) + "s"
        return String(repeating: " ", count: max(0, 8 - text.count)) + text
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGABRT: return "ABRT"
        case SIGSEGV: return "SEGV"
        case SIGKILL: return "KILL"
        case SIGBUS: return "BUS"
        case SIGILL: return "ILL"
        case SIGFPE: return "FPE"
        case SIGTERM: return "TERM"
        default: return "\(signal)"
        }
    }
}
