import Foundation
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// Runs a short helper to completion with posix_spawn and waitpid, capturing
/// stdout and stderr (drained concurrently). Foundation's `waitUntilExit`
/// polls every 50 ms: on a test binary listing itself that is most of the cost.
enum SpawnCapture {
    static func run(executable: String, arguments: [String], directory: String?,
                    environment: [String: String]) throws(CargoError) -> CapturedProcess.Output {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0 else { throw .spawnFailed(executable: executable, detail: "pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&err) == 0 else {
            close(out[0]); close(out[1])
            throw .spawnFailed(executable: executable, detail: "pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        ProcessSpawn.closeFrom(&actions, 3)
        if let directory, !ProcessSpawn.changeDirectory(&actions, directory) {
            for fd in out + err { close(fd) }
            throw .spawnFailed(executable: executable, detail: "this C library cannot change a child's directory")
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(out[1]); close(err[1])
        guard status == 0 else {
            close(out[0]); close(err[0])
            throw .spawnFailed(executable: executable, detail: String(cString: strerror(status)))
        }
        let errors = Drained()
        let group = DispatchGroup()
        let errorReader = err[0]
        DispatchQueue.global().async(group: group) { errors.data = readAll(errorReader) }
        let output = readAll(out[0])
        group.wait()
        close(out[0]); close(err[0])
        let code: Int32
        switch ProcessSpawn.wait(pid) {
        case .exited(let value): code = value
        case .signalled(let signal): code = 128 + signal
        }
        return CapturedProcess.Output(status: code, stdout: output, stderr: errors.data)
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                data.append(buffer, count: n)
            } else if n == 0 || errno != EINTR {
                return data
            }
        }
    }
}

/// Written by one reader thread, read after it is joined.
private final class Drained: @unchecked Sendable {
    var data = Data()
}
