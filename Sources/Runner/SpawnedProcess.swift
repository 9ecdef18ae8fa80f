import Foundation
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// A child process in a process group of its own, its stdout and stderr going
/// to one file (or, not captured, to trim's own). posix_spawn rather than Foundation's Process so the group can
/// be signalled as a whole and nothing of Foundation runs between fork and exec.
struct SpawnedProcess: Sendable {
    let pid: pid_t

    typealias Exit = ProcessSpawn.Exit

    static func spawn(executable: String, arguments: [String], directory: String,
                      environment: [String: String], outputFile: String?) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let outputFile {
            posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        guard ProcessSpawn.changeDirectory(&actions, directory) else {
            throw SpawnError(executable: executable, reason: "posix_spawn_file_actions_addchdir_np is missing (glibc < 2.29)")
        }
        // A test's leftover child must not keep the database or trim's pipes open.
        ProcessSpawn.closeFrom(&actions, 3)

        switch ProcessSpawn.spawnGroupLeader(executable, arguments: arguments,
                                             environment: ProcessSpawn.entries(environment), actions: &actions) {
        case .success(let pid): return SpawnedProcess(pid: pid)
        case .failure(let error): throw SpawnError(executable: executable, reason: error.description)
        }
    }

    /// Blocks until the child ends.
    func wait() -> Exit { ProcessSpawn.wait(pid) }

    /// Sends `signal` to the child's whole process group.
    func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// After the child ended: kills whatever it left running in its group.
    /// True when something was left.
    func reapLeftovers() -> Bool {
        defer { ChildGroups.shared.unregister(pid) }
        guard kill(-pid, 0) == 0 else { return false }
        kill(-pid, SIGKILL)
        return true
    }
}

struct SpawnError: Error, CustomStringConvertible {
    var executable: String
    var reason: String
    var description: String { "cannot start \(executable): \(reason)" }
}
