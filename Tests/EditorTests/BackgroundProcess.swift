import Foundation

/// A process started in the background whose output is read as it comes,
/// to wait for lines, signal it, and collect its exit status.
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var collected = Data()
    private let done = DispatchGroup()

    init(_ executable: URL, _ arguments: [String], directory: URL, environment: [String: String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        DispatchQueue.global().async(group: done) { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.withLock { collected.append(data) }
            }
        }
    }

    var output: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

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

    /// Waits for the end (nil after `timeout`, the process still running).
    func finish(timeout: TimeInterval = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        _ = done.wait(timeout: .now() + 10)
        return process.terminationStatus
    }

    func stop() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

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
