#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Every process group trim has started and not yet waited for: cargo and its
/// rustc jobs, bitcode workers, test binaries. On SIGINT or SIGTERM trim stops
/// them all (`stopAll`); and since a `kill -9` leaves no chance for that, each
/// group leader is also written to a ledger file, from which the next trim on
/// the workspace stops whatever the dead run left (`reap(ledger:)`).
public final class ChildGroups: @unchecked Sendable {
    public static let shared = ChildGroups()

    private let lock = NSLock()
    private var groups: Set<pid_t> = []
    private var ledger: Int32 = -1
    private var stopping: (signal: Int32, grace: TimeInterval)?

    /// Records every group started from now on in `path` (created 0600).
    public func openLedger(at path: String) throws(ChildLedgerError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw ChildLedgerError(path: path, reason: String(cString: strerror(errno))) }
        lock.withLock {
            if ledger >= 0 { close(ledger) }
            ledger = fd
        }
    }

    public func closeLedger() {
        lock.withLock {
            if ledger >= 0 { close(ledger) }
            ledger = -1
        }
    }

    /// A child that leads its own process group has started. When trim is
    /// already stopping, the group is stopped at once.
    public func register(_ leader: pid_t) {
        let (fd, stop) = lock.withLock { () -> (Int32, (signal: Int32, grace: TimeInterval)?) in
            groups.insert(leader)
            return (ledger, stopping)
        }
        if fd >= 0, let identity = ProcessIdentity.of(leader) {
            let line = "\(identity)\n"
            _ = line.withCString { write(fd, $0, strlen($0)) }
        }
        if let stop { Self.stop(group: leader, signal: stop.signal, grace: stop.grace) }
    }

    /// The child was waited for.
    public func unregister(_ leader: pid_t) {
        _ = lock.withLock { groups.remove(leader) }
    }

    /// Sends `signal` to every group, then SIGKILL to those still there after
    /// `grace` seconds; groups started later are stopped as they register.
    public func stopAll(signal: Int32 = SIGTERM, grace: TimeInterval = 2) {
        let current = lock.withLock { () -> Set<pid_t> in
            stopping = (signal, grace)
            return groups
        }
        for leader in current { Self.stop(group: leader, signal: signal, grace: grace) }
    }

    public var isStopping: Bool { lock.withLock { stopping != nil } }

    private static func stop(group leader: pid_t, signal: Int32, grace: TimeInterval) {
        kill(-leader, signal)
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { kill(-leader, SIGKILL) }
    }

    /// Kills, with SIGKILL, the process groups a dead run's ledger names that
    /// still run: those whose leader is the very process recorded (same boot,
    /// pid and start time), or whose leader is gone but whose members started
    /// after it did. Returns how many groups were killed.
    @discardableResult
    public static func reap(ledger path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        var killed = 0
        for line in text.split(separator: "\n") {
            guard let leader = ProcessIdentity(String(line)), leader.boot == ProcessIdentity.current.boot else { continue }
            if let now = ProcessIdentity.of(leader.pid) {
                guard now.startTicks == leader.startTicks else { continue }  // the pid was reused
            } else if !membersStartedAfter(leader) {
                continue
            }
            if kill(-leader.pid, SIGKILL) == 0 { killed += 1 }
        }
        return killed
    }

    /// True when some process is in `leader`'s group and every one of them
    /// started no earlier than the leader did (so the group is the one trim made).
    private static func membersStartedAfter(_ leader: ProcessIdentity) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        var found = false
        for entry in entries {
            guard let pid = pid_t(entry), getpgid(pid) == leader.pid else { continue }
            guard let member = ProcessIdentity.of(pid), member.startTicks >= leader.startTicks else { return false }
            found = true
        }
        return found
    }
}

public struct ChildLedgerError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "cannot write the child-process ledger \(path): \(reason)" }
}
