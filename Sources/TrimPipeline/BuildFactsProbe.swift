import Foundation
import Store

/// Facts that make two builds comparable: the toolchain, flags, profile,
/// features, and the git state when the workspace is a repository.
enum BuildFactsProbe {
    static func facts(workspaceRoot: String, rustflags: String, features: [String]) -> BuildFacts {
        let toolchain = output(of: "rustc", ["-vV"], in: workspaceRoot) ?? "unknown rustc"
        var commit: String?
        var dirty: Bool?
        if let head = output(of: "git", ["rev-parse", "HEAD"], in: workspaceRoot) {
            commit = head.trimmingCharacters(in: .whitespacesAndNewlines)
            dirty = !(output(of: "git", ["status", "--porcelain"], in: workspaceRoot) ?? "").isEmpty
        }
        return BuildFacts(toolchain: toolchain.trimmingCharacters(in: .whitespacesAndNewlines),
                          rustflags: rustflags, profile: "test", features: features,
                          gitCommit: commit, gitDirty: dirty)
    }

    /// stdout of a successful run, nil otherwise (tool missing, not a repository, ...).
    static func output(of tool: String, _ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
