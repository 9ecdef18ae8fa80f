import CargoSupport
import Foundation
import Store
import TrimModel

/// Facts that make two builds comparable: the toolchain, flags, profile,
/// features, and the git state when the workspace is a repository.
enum BuildFactsProbe {
    /// The facts of a build with `toolchain` (`rustc -vV`, see `toolchain(cargoTargetDirectory:workspaceRoot:)`).
    static func facts(toolchain: String, workspaceRoot: String, rustflags: String, features: [String],
                      profile: String) -> BuildFacts {
        var commit: String?
        var dirty: Bool?
        if let head = output(of: "git", ["rev-parse", "HEAD"], in: workspaceRoot) {
            commit = head.trimmingCharacters(in: .whitespacesAndNewlines)
            dirty = !(output(of: "git", ["status", "--porcelain"], in: workspaceRoot) ?? "").isEmpty
        }
        return BuildFacts(toolchain: toolchain, rustflags: rustflags, profile: profile, features: features,
                          gitCommit: commit, gitDirty: dirty)
    }

    /// What cargo's compiler says of itself (`RustcInfo`) once cargo has
    /// built into `cargoTargetDirectory`; rustc asked directly when cargo
    /// kept no answer (an unreadable file), or was told not to keep one
    /// (`CARGO_CACHE_RUSTC_INFO=0`: a file there is an older cargo's).
    static func toolchain(cargoTargetDirectory: URL, workspaceRoot: String,
                          environment: [String: String] = ProcessInfo.processInfo.environment) -> RustcInfo {
        if let kept = cargoKept(cargoTargetDirectory, environment: environment) {
            return RustcInfo(version: kept.version, sysroot: kept.sysroot ?? sysroot(workspaceRoot: workspaceRoot))
        }
        let version = output(of: "rustc", ["-vV"], in: workspaceRoot) ?? "unknown rustc"
        return RustcInfo(version: version.trimmingCharacters(in: .whitespacesAndNewlines),
                         sysroot: sysroot(workspaceRoot: workspaceRoot))
    }

    /// Cargo's record of its compiler in `cargoTargetDirectory`, when this cargo keeps one.
    static func cargoKept(_ cargoTargetDirectory: URL,
                          environment: [String: String] = ProcessInfo.processInfo.environment) -> RustcInfo? {
        environment["CARGO_CACHE_RUSTC_INFO"] == "0" ? nil : RustcInfo.read(targetDirectory: cargoTargetDirectory)
    }

    /// `rustc --print sysroot`, nil when rustc would not say.
    static func sysroot(workspaceRoot: String) -> String? {
        output(of: "rustc", ["--print", "sysroot"], in: workspaceRoot)?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// stdout of a successful run, nil otherwise (tool missing, not a repository, ...).
    static func output(of tool: String, _ arguments: [String], in directory: String) -> String? {
        ToolOutput.stdout(of: tool, arguments, in: directory)
    }
}
