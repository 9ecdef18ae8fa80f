#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs a helper program to completion — cargo, rustc, cc, git, strace —
/// in a process group of its own that `ChildGroups` knows, so Ctrl-C stops
/// it and a later trim can stop what a killed one left. posix_spawn, and a
/// blocking `waitpid` rather than Foundation's `Process` (whose
/// `waitUntilExit` polls every 50 ms).
public enum ChildProcess {
    /// Where a child's output stream goes.
    public enum Output: Sendable {
        /// Read into memory and returned.
        case capture
        /// trim's own stream (cargo's progress and diagnostics).
        case inherit
        case discard
        /// For stderr only: into the same place as stdout, interleaved as written.
        case toStdout
    }

    public struct Finished: Sendable {
        /// The child's process id (the child is gone; for matching its traces).
        public var pid: Int32
        public var exit: ProcessSpawn.Exit
        public var stdout: Data
        public var stderr: Data

        /// The exit code, or 128 + the signal, as a shell reports it.
        public var status: Int32 {
            switch exit {
            case .exited(let code): return code
            case .signalled(let signal): return 128 + signal
            }
        }
    }

    public struct SpawnFailure: Error, CustomStringConvertible, Sendable {
        public var executable: String
        public var reason: String
        public var description: String { "cannot run \(executable): \(reason)" }
    }

    /// `environment` nil: trim's own. `directory` nil: trim's own.
    /// `eachStdoutLine`, with `stdout: .capture`: called with every complete
    /// line (without its newline) as it arrives, while the child still runs;
    /// the whole output is returned as well.
    public static func run(_ executable: String, _ arguments: [String], directory: String? = nil,
                           environment: [String: String]? = nil, stdout: Output = .capture,
                           stderr: Output = .capture,
                           eachStdoutLine: ((Data) -> Void)? = nil) throws(SpawnFailure) -> Finished {
        try start(executable, arguments, directory: directory, environment: environment, stdout: stdout,
                  stderr: stderr, eachStdoutLine: eachStdoutLine).wait()!
    }

    /// Starts the child and returns at once; its captured output is
    /// collected in the background (see `RunningChild`).
    public static func start(_ executable: String, _ arguments: [String], directory: String? = nil,
                             environment: [String: String]? = nil, stdout: Output = .capture,
                             stderr: Output = .capture,
                             eachStdoutLine: ((Data) -> Void)? = nil) throws(SpawnFailure) -> RunningChild {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var readEnds: [Int32] = [-1, -1]
        var writeEnds: [Int32] = []
        defer { writeEnds.forEach { close($0) } }
        for (index, (fd, output)) in [(Int32(1), stdout), (Int32(2), stderr)].enumerated() {
            switch output {
            case .inherit: break
            case .toStdout: posix_spawn_file_actions_adddup2(&actions, 1, fd)
            case .discard: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case .capture:
                var ends: [Int32] = [-1, -1]
                // Every child trim starts closes descriptors from 3 up (closeFrom), so
                // a plain pipe cannot leak into another child.
                guard pipe(&ends) == 0 else {
                    readEnds.filter { $0 >= 0 }.forEach { close($0) }
                    throw SpawnFailure(executable: executable, reason: "pipe: \(String(cString: strerror(errno)))")
                }
                readEnds[index] = ends[0]
                writeEnds.append(ends[1])
                posix_spawn_file_actions_adddup2(&actions, ends[1], fd)
            }
        }
        if let directory, !ProcessSpawn.changeDirectory(&actions, directory) {
            throw SpawnFailure(executable: executable, reason: "posix_spawn_file_actions_addchdir_np is missing")
        }
        ProcessSpawn.closeFrom(&actions, 3)

        let spawned = ProcessSpawn.spawnGroupLeader(
            executable, arguments: arguments,
            environment: ProcessSpawn.entries(environment ?? ProcessInfo.processInfo.environment), actions: &actions)
        writeEnds.forEach { close($0) }
        writeEnds = []
        switch spawned {
        case .success(let pid):
            return RunningChild(executable: executable, pid: pid, stdoutEnd: readEnds[0], stderrEnd: readEnds[1],
                                eachStdoutLine: eachStdoutLine)
        case .failure(let error):
            readEnds.filter { $0 >= 0 }.forEach { close($0) }
            throw SpawnFailure(executable: executable, reason: error.description)
        }
    }

    /// Absolute path of `tool` on PATH, or nil.
    public static func which(_ tool: String,
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
