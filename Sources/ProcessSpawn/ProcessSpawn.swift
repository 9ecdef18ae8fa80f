#if canImport(Glibc)
import Glibc
#endif

/// ProcessSpawn: how trim starts, waits for and stops processes.
///
/// Owns: posix_spawn details (file actions Swift's importer cannot see,
/// process groups, signal defaults), waiting without polling
/// (`ProcessSpawn.wait`), running a helper to completion with its output
/// (`ChildProcess.run`) or in the background (`ChildProcess.start`,
/// `RunningChild`; the tests start their processes this way too), the registry of live child groups and its on-disk
/// ledger (`ChildGroups`), and telling a live process from a reused pid
/// (`ProcessIdentity`).
/// Invariant: every child trim starts leads its own process group, is known
/// to `ChildGroups` until it has been waited for, and inherits no descriptor
/// above 2.
/// Never depends on: any other trim module, cargo, the store.
public enum ProcessSpawn {
    /// How a child ended.
    public enum Exit: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Blocks until `pid` ends.
    public static func wait(_ pid: pid_t) -> Exit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(status & 0x7f)
    }

    /// Closes every descriptor from `lowest` up in the child (glibc ≥ 2.34):
    /// nothing of the parent's (databases, pipes its own parent waits on)
    /// leaks into the child or into whatever the child leaves behind.
    /// False when this glibc lacks it.
    @discardableResult
    public static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) -> Bool {
        guard let addCloseFrom else { return false }
        return addCloseFrom(&actions, lowest) == 0
    }

    /// Starts `executable` with `arguments` and `environment` (`KEY=VALUE`
    /// entries) after `actions`, leading a process group of its own with
    /// default signals, and registers it with `ChildGroups` (the caller waits
    /// for it and unregisters it). Returns the pid, or posix_spawn's error.
    public static func spawnGroupLeader(_ executable: String, arguments: [String], environment: [String],
                                        actions: inout posix_spawn_file_actions_t) -> Result<pid_t, SpawnErrno> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        ownGroupWithDefaultSignals(&attributes)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { return .failure(SpawnErrno(code: status)) }
        ChildGroups.shared.register(pid)
        return .success(pid)
    }

    /// `KEY=VALUE` entries of an environment.
    public static func entries(_ environment: [String: String]) -> [String] {
        environment.map { "\($0.key)=\($0.value)" }
    }

    /// The child leads a process group of its own (so trim can stop it and
    /// all it starts as one), with the signals trim ignores or handles back
    /// at their defaults and none blocked.
    public static func ownGroupWithDefaultSignals(_ attributes: inout posix_spawnattr_t) {
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    }

    /// Changes the child's directory before exec (glibc ≥ 2.29). False when
    /// this glibc lacks it.
    public static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, _ path: String) -> Bool {
        guard let addChdir else { return false }
        return path.withCString { addChdir(&actions, $0) } == 0
    }

    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?
    ) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    // glibc has both, but its header hides them from Swift's importer.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
}

/// An error posix_spawn returned.
public struct SpawnErrno: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var description: String { String(cString: strerror(code)) }
}
