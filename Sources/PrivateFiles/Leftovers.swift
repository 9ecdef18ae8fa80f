import Foundation
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// Files and directories a process names after itself (its pid in the name)
/// and removes when it ends: after a `kill -9` they stay. A later process
/// removes those whose owner is gone.
public enum Leftovers {
    /// True when no process `pid` runs, or the one that does started after
    /// `lastModified` (the pid was reused: the owner wrote the entry while
    /// it ran, so it started before).
    public static func ownerIsGone(pid: pid_t, lastModified: Date) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0, errno == ESRCH { return true }
        guard let started = startTime(of: pid) else { return false }
        // /proc's start time is counted in clock ticks since boot: a little slack.
        return started > lastModified.addingTimeInterval(1)
    }

    /// Removes each entry of `directory` that `ownerPID` finds a pid in, that
    /// belongs to the current user and whose owner is gone. Returns what was removed.
    @discardableResult
    public static func sweep(_ directory: URL, ownerPID: (String) -> pid_t?) -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [URL] = []
        for name in names {
            guard let pid = ownerPID(name), pid != getpid() else { continue }
            let entry = directory.appendingPathComponent(name)
            var status = stat()
            guard lstat(entry.path, &status) == 0, status.st_uid == geteuid() else { continue }
            let modified = Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec))
            guard ownerIsGone(pid: pid, lastModified: modified) else { continue }
            if (try? FileManager.default.removeItem(at: entry)) != nil { removed.append(entry) }
        }
        return removed
    }

    /// When `pid` started (ProcessSpawn reads `/proc` for it).
    static func startTime(of pid: pid_t) -> Date? {
        ProcessIdentity.of(pid)?.startDate
    }
}
