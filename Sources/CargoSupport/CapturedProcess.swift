import Foundation

/// Runs a short-lived helper process to completion, capturing its output.
/// Stdout and stderr are drained concurrently so neither pipe can fill up.
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = passStderrThrough ? FileHandle.standardError : err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .spawnFailed(executable: executable, detail: "\(error)")
        }
        let errors = DataBox()
        let group = DispatchGroup()
        if !passStderrThrough {
            let handle = err.fileHandleForReading
            DispatchQueue.global().async(group: group) { errors.data = handle.readDataToEndOfFile() }
        }
        let output = onStdoutLine.map { LineReader.readAll(out.fileHandleForReading, eachLine: $0) }
            ?? out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: output, stderr: errors.data)
    }

    /// Absolute path of `tool` on PATH, or nil.
    static func which(_ tool: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Written by one reader thread, read after it is joined.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// The stdout of a tool that succeeded, for the small facts trim asks
/// (`rustc -vV`, `git rev-parse HEAD`, ...): nil when the tool is missing or fails.
public enum ToolOutput {
    public static func stdout(of tool: String, _ arguments: [String], in directory: String) -> String? {
        guard let executable = CapturedProcess.which(tool),
            let output = try? SpawnCapture.run(executable: executable, arguments: arguments, directory: directory,
                                               environment: ProcessInfo.processInfo.environment),
            output.status == 0
        else { return nil }
        return String(decoding: output.stdout, as: UTF8.self)
    }
}
