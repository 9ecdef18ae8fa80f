import Foundation
import ProcessSpawn

/// Runs a short-lived helper process to completion, capturing its output
/// (through ProcessSpawn's one way of launching a process).
struct CapturedProcess {
    var executable: String
    var arguments: [String]
    var directory: URL?
    var environment: [String: String]?
    /// When set, stderr goes straight to ours (cargo's progress and diagnostics).
    var passStderrThrough = false
    /// When set, called with each line of stdout as it arrives (and stdout is still returned whole).
    var onStdoutLine: ((Data) -> Void)? = nil

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    func run() throws(CargoError) -> Output {
        do {
            let finished = try ChildProcess.run(executable, arguments, directory: directory?.path,
                                                environment: environment,
                                                stderr: passStderrThrough ? .inherit : .capture,
                                                eachStdoutLine: onStdoutLine)
            return Output(status: finished.status, stdout: finished.stdout, stderr: finished.stderr)
        } catch {
            throw .spawnFailed(executable: executable, detail: error.reason)
        }
    }

    /// Absolute path of `tool` on PATH, or nil.
    static func which(_ tool: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        ChildProcess.which(tool, environment: environment)
    }
}

/// The stdout of a tool that succeeded, for the small facts trim asks
/// (`rustc -vV`, `git rev-parse HEAD`, ...): nil when the tool is missing or fails.
public enum ToolOutput {
    public static func stdout(of tool: String, _ arguments: [String], in directory: String) -> String? {
        guard let executable = CapturedProcess.which(tool),
            let output = try? CapturedProcess(executable: executable, arguments: arguments,
                                              directory: URL(fileURLWithPath: directory)).run(),
            output.status == 0
        else { return nil }
        return String(decoding: output.stdout, as: UTF8.self)
    }

    /// Absolute path of `tool` on PATH, or nil.
    public static func which(_ tool: String) -> String? { CapturedProcess.which(tool) }
}
