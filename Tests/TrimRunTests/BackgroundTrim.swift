import Foundation
import ProcessSpawn

/// A `trim` started in the background on a workspace, to be signalled,
/// raced against another trim, or killed, with its output collected.
final class BackgroundTrim: @unchecked Sendable {
    let process: RunningChild

    init(_ workspace: ExampleWorkspace, _ arguments: [String], environment: [String: String] = [:]) throws {
        process = try ChildProcess.start(
            ExampleWorkspace.binDirectory.appendingPathComponent("trim").path,
            ExampleWorkspace.wholeWorkspace(arguments), directory: workspace.root.path,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new })
    }

    var pid: pid_t { process.pid }

    /// Sends `signal` to trim alone, as a user's `kill` would.
    func signal(_ signal: Int32) { process.signal(signal) }

    /// Waits for the end (at most `timeout` seconds: then nil, the process still running).
    func finish(timeout: TimeInterval = 300) -> ExampleWorkspace.Outcome? {
        guard let finished = process.wait(timeout: timeout) else { return nil }
        return ExampleWorkspace.Outcome(status: finished.status,
                                        stdout: String(decoding: finished.stdout, as: UTF8.self),
                                        stderr: String(decoding: finished.stderr, as: UTF8.self))
    }

    /// Blocks until `file` exists (a fixture's sign that it got somewhere); false after `timeout`.
    static func waitFor(_ file: URL, timeout: TimeInterval = 180) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: file.path) && Date() < deadline {
            usleep(50_000)  // a blocking wait: the test's task may not be resumed in time on a busy pool
        }
        return FileManager.default.fileExists(atPath: file.path)
    }

    /// The pids of processes whose command line contains `text` (not this test process's).
    static func processes(matching text: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), pid != getpid(),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !raw.isEmpty
            else { continue }
            let line = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if line.contains(text), (try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8))?
                .split(separator: ")").last?.split(separator: " ").first != "Z" {
                found.append(pid)
            }
        }
        return found
    }

    /// Waits up to `timeout` seconds for no process to match `text`.
    static func noneLeft(matching text: String, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !processes(matching: text).isEmpty && Date() < deadline { usleep(50_000) }
        return processes(matching: text).isEmpty
    }
}
