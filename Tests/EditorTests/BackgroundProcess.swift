import Foundation
import ProcessSpawn

/// A process started in the background whose output is read as it comes,
/// to wait for lines, signal it, and collect its exit status.
final class BackgroundProcess: @unchecked Sendable {
    let process: RunningChild

    init(_ executable: URL, _ arguments: [String], directory: URL, environment: [String: String]) throws {
        process = try ChildProcess.start(executable.path, arguments, directory: directory.path,
                                         environment: environment, stderr: .toStdout)
    }

    var output: String { String(decoding: process.stdout, as: UTF8.self) }

    /// Blocks until the output holds `text` `count` times; false after `timeout`.
    func waitFor(_ text: String, count: Int = 1, timeout: TimeInterval = 240) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.components(separatedBy: text).count - 1 >= count { return true }
            if !process.isRunning { return output.components(separatedBy: text).count - 1 >= count }
            usleep(50_000)
        }
        return false
    }

    /// Sends `signal` to the process alone, as a user's `kill` would.
    func signal(_ signal: Int32) { process.signal(signal) }

    /// Waits for the end (nil after `timeout`, the process still running).
    func finish(timeout: TimeInterval = 60) -> Int32? {
        process.wait(timeout: timeout)?.status
    }

    func stop() { process.signal(SIGKILL) }

    /// Processes other than this test's whose command line mentions `text`.
    static func processes(mentioning text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard let pid = pid_t(entry), pid != getpid(),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !raw.isEmpty
            else { return nil }
            let line = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }
}
