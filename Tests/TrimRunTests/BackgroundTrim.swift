import Foundation

/// A `trim` started in the background on a workspace, to be signalled,
/// raced against another trim, or killed, with its output collected.
final class BackgroundTrim: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let collected = Box()
    private let collectedErrors = Box()
    private let group = DispatchGroup()

    init(_ workspace: ExampleWorkspace, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = ExampleWorkspace.binDirectory.appendingPathComponent("trim")
        process.arguments = ExampleWorkspace.wholeWorkspace(arguments)
        process.currentDirectoryURL = workspace.root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading, err = errors.fileHandleForReading
        let collected = collected, collectedErrors = collectedErrors
        DispatchQueue.global().async(group: group) { collected.data = out.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { collectedErrors.data = err.readDataToEndOfFile() }
    }

    var pid: pid_t { process.processIdentifier }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the end (at most `timeout` seconds: then nil, the process still running).
    func finish(timeout: TimeInterval = 300) -> ExampleWorkspace.Outcome? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        // A grandchild that kept a pipe open must not hang the test.
        _ = group.wait(timeout: .now() + 10)
        return ExampleWorkspace.Outcome(status: process.terminationStatus,
                                        stdout: String(decoding: collected.data, as: UTF8.self),
                                        stderr: String(decoding: collectedErrors.data, as: UTF8.self))
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
