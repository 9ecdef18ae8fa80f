import CargoSupport
import Foundation
import Store
import TrimModel

/// Facts that make two builds comparable: the toolchain, flags, profile,
/// features, and the git state when the workspace is a repository.
enum BuildFactsProbe {
    static func facts(workspaceRoot: String, rustflags: String, features: [String], profile: String) -> BuildFacts {
        let toolchain = output(of: "rustc", ["-vV"], in: workspaceRoot) ?? "unknown rustc"
        var commit: String?
        var dirty: Bool?
        if let head = output(of: "git", ["rev-parse", "HEAD"], in: workspaceRoot) {
            commit = head.trimmingCharacters(in: .whitespacesAndNewlines)
            dirty = !(output(of: "git", ["status", "--porcelain"], in: workspaceRoot) ?? "").isEmpty
        }
        return BuildFacts(toolchain: toolchain.trimmingCharacters(in: .whitespacesAndNewlines),
                          rustflags: rustflags, profile: profile, features: features,
                          gitCommit: commit, gitDirty: dirty)
    }

    /// stdout of a successful run, nil otherwise (tool missing, not a repository, ...).
    static func output(of tool: String, _ arguments: [String], in directory: String) -> String? {
        ToolOutput.stdout(of: tool, arguments, in: directory)
    }
}
