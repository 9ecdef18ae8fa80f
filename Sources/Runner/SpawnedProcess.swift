import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process in a process group of its own, its stdout and stderr going
/// to one file. posix_spawn rather than Foundation's Process so the group can
/// be signalled as a whole and nothing of Foundation runs between fork and exec.
struct SpawnedProcess: Sendable {
    let pid: pid_t

    enum Exit: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    static func spawn(executable: String, arguments: [String], directory: String,
                      environment: [String: String], outputFile: String) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard let addChdir = Self.addChdir else {
            throw SpawnError(executable: executable, reason: "posix_spawn_file_actions_addchdir_np is missing (glibc < 2.29)")
        }
        _ = directory.withCString { addChdir(&actions, $0) }
        // Nothing of trim's (the database, pipes its own parent waits on) leaks
        // into the test: a test's leftover child must not keep them open.
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw SpawnError(executable: executable, reason: String(cString: strerror(status)))
        }
        return SpawnedProcess(pid: pid)
    }

    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?
    ) -> Int32

    /// glibc ≥ 2.29 has it, but its header hides it from Swift's importer.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    /// glibc ≥ 2.34.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Blocks until the child ends.
    func wait() -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(status & 0x7f)
    }

    /// Sends `signal` to the child's whole process group.
    func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// After the child ended: kills whatever it left running in its group.
    /// True when something was left.
    func reapLeftovers() -> Bool {
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
