import Foundation
import ProcessSpawn

/// The few git commands replay needs, run as child processes. Every command
/// runs with hooks disabled (`core.hooksPath=/dev/null`): checking commits
/// out in the scratch worktree must not run the user's `post-checkout`.
struct Git: Sendable {
    /// The directory every command runs in (`git -C`).
    var directory: URL

    /// Runs `git ARGUMENTS` and returns its stdout; a non-zero exit is an error.
    @discardableResult
    func run(_ arguments: [String]) throws(HistoryError) -> String {
        let output = try Self.capture(arguments, in: directory)
        guard output.status == 0 else {
            throw .git(arguments: arguments, directory: directory.path, says: output.stderr)
        }
        return output.stdout
    }

    /// Runs `git ARGUMENTS`; nil when it fails.
    func attempt(_ arguments: [String]) -> String? {
        guard let output = try? Self.capture(arguments, in: directory), output.status == 0 else { return nil }
        return output.stdout
    }

    func line(_ arguments: [String]) throws(HistoryError) -> String {
        try run(arguments).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func capture(_ arguments: [String], in directory: URL) throws(HistoryError) -> Output {
        var environment = ProcessInfo.processInfo.environment
        // A user's GIT_DIR / GIT_WORK_TREE would point every command at their tree.
        for name in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR"] { environment[name] = nil }
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        let finished: ChildProcess.Finished
        do {
            finished = try ChildProcess.run(
                "/usr/bin/env", ["git", "-c", "core.hooksPath=/dev/null", "-C", directory.path] + arguments,
                environment: environment)
        } catch { throw .setup("cannot run git: \(error.reason)") }
        return Output(status: finished.status, stdout: String(decoding: finished.stdout, as: UTF8.self),
                      stderr: String(decoding: finished.stderr, as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// One commit to replay.
public struct CommitInfo: Sendable, Equatable {
    public var sha: String
    /// The first parent, nil for a root commit.
    public var parent: String?
    public var subject: String
}

extension Git {
    /// The last `count` commits reachable from `revision` along first
    /// parents, oldest first.
    func commits(last count: Int, from revision: String) throws(HistoryError) -> [CommitInfo] {
        let text = try run(["log", "--first-parent", "--max-count=\(count)", "--format=%H%x09%P%x09%s", revision, "--"])
        return text.split(separator: "\n").compactMap { line -> CommitInfo? in
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else { return nil }
            let parents = fields[1].split(separator: " ")
            return CommitInfo(sha: String(fields[0]), parent: parents.first.map(String.init),
                              subject: fields.count > 2 ? String(fields[2]) : "")
        }.reversed()
    }

    /// git's empty tree: what a root commit is compared with.
    static let emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

    /// Paths (relative to the repository root) the commit changed against its first parent.
    func changedFiles(_ commit: CommitInfo) throws(HistoryError) -> [String] {
        try run(["diff", "--name-only", "--no-renames", "--no-ext-diff", commit.parent ?? Self.emptyTree, commit.sha, "--"])
            .split(separator: "\n").map(String.init)
    }

    /// For each file the commit changed under `subdirectory`, the lines (1-based,
    /// in the new file) that it added or modified.
    func changedLines(_ commit: CommitInfo, under subdirectory: String) throws(HistoryError) -> [String: Set<Int>] {
        let diff = try run(["diff", "-U0", "--no-color", "--no-renames", "--no-ext-diff", "--no-textconv",
                            "--src-prefix=a/", "--dst-prefix=b/", commit.parent ?? Self.emptyTree, commit.sha, "--",
                            subdirectory.isEmpty ? "." : subdirectory])
        return UnifiedDiff.addedLines(diff)
    }
}

/// Reads the added lines out of `git diff -U0`.
enum UnifiedDiff {
    static func addedLines(_ diff: String) -> [String: Set<Int>] {
        var result: [String: Set<Int>] = [:]
        var file: String?
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("+++ ") {
                let path = line.dropFirst(4)
                file = path.hasPrefix("b/") ? String(path.dropFirst(2)) : nil
            } else if line.hasPrefix("@@ "), let file {
                // @@ -a[,b] +c[,d] @@
                guard let plus = line.split(separator: " ").first(where: { $0.hasPrefix("+") }) else { continue }
                let numbers = plus.dropFirst().split(separator: ",").compactMap { Int($0) }
                guard let start = numbers.first else { continue }
                let count = numbers.count > 1 ? numbers[1] : 1
                if count > 0 { result[file, default: []].formUnion(start..<(start + count)) }
            }
        }
        return result
    }
}
