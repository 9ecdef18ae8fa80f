#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A process named so that a reused pid is not mistaken for it: the boot it
/// ran in, its pid, and its start time in clock ticks since that boot
/// (`/proc/<pid>/stat`, field 22). Written as `boot/pid/start` into the
/// store's build holds and trim's child ledgers, and read back by a later
/// trim to decide whether the process is still alive.
public struct ProcessIdentity: Hashable, Sendable, CustomStringConvertible {
    public var boot: String
    public var pid: pid_t
    public var startTicks: UInt64

    public init(boot: String, pid: pid_t, startTicks: UInt64) {
        self.boot = boot
        self.pid = pid
        self.startTicks = startTicks
    }

    /// This process.
    public static var current: ProcessIdentity {
        of(getpid()) ?? ProcessIdentity(boot: bootID, pid: getpid(), startTicks: 0)
    }

    /// `pid` as it runs now, or nil when no such process exists.
    public static func of(_ pid: pid_t) -> ProcessIdentity? {
        guard let ticks = startTicks(of: pid) else { return nil }
        return ProcessIdentity(boot: bootID, pid: pid, startTicks: ticks)
    }

    /// Parses `boot/pid/start`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let pid = pid_t(parts[1]), pid > 0, let start = UInt64(parts[2]) else { return nil }
        self.init(boot: String(parts[0]), pid: pid, startTicks: start)
    }

    public var description: String { "\(boot)/\(pid)/\(startTicks)" }

    /// True while the process this names runs (a zombie counts as ended).
    /// Another boot's process has ended, whatever its pid.
    /// Whether it was written on this machine since its last boot (only then can `isAlive` tell).
    public var isOnThisMachine: Bool { boot == Self.bootID }

    public var isAlive: Bool {
        guard boot == Self.bootID, let now = Self.of(pid) else { return false }
        return now.startTicks == startTicks && !Self.isZombie(pid)
    }

    /// When the process started, on the wall clock: the boot time
    /// (`/proc/stat`'s `btime`) plus its start ticks. Whole seconds at best.
    public var startDate: Date? {
        guard let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        else { return nil }
        return Date(timeIntervalSince1970: boot + Double(startTicks) / Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    static let bootID: String = {
        let raw = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "unknown-boot"
        return raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "/", with: "-")
    }()

    /// Fields after the command name, which is in parentheses and may hold spaces.
    private static func statFields(of pid: pid_t) -> [Substring]? {
        guard let stat = procFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// A small `/proc` file read with plain open/read: this runs for every
    /// test a run starts (its ledger line), where Foundation's file reading
    /// cost more than the read itself. Nil when it cannot be opened.
    private static func procFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var bytes = [UInt8](repeating: 0, count: 1024)
        var count = 0
        while true {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            count += n
        }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    private static func startTicks(of pid: pid_t) -> UInt64? {
        // Field 22 overall; the first after ")" is field 3 (state).
        guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    private static func isZombie(_ pid: pid_t) -> Bool {
        statFields(of: pid)?.first == "Z"
    }
}
