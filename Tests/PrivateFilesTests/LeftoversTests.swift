import Foundation
import PrivateFiles
import Testing
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// Real processes: one that has ended, one still running.
@Suite struct LeftoversTests {
    /// The pid of a process that ran and ended.
    static func deadPID() throws -> pid_t {
        try ChildProcess.run("/bin/true", []).pid
    }

    static func sleeper() throws -> RunningChild {
        try ChildProcess.start("/bin/sleep", ["60"])
    }

    @Test func onlyEntriesOfEndedOrReplacedOwnersAreRemoved() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-leftovers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = try Self.sleeper()
        defer { live.signal(SIGTERM); _ = live.wait() }
        let dead = try Self.deadPID()
        Thread.sleep(forTimeInterval: 1.2)

        let ofDead = directory.appendingPathComponent("run-\(dead)")
        let ofLive = directory.appendingPathComponent("run-\(live.pid)")
        // Written before the live process started: its pid was reused since.
        let ofReused = directory.appendingPathComponent("run-\(live.pid)-old")
        let ofMine = directory.appendingPathComponent("run-\(getpid())")
        let unrelated = directory.appendingPathComponent("notes")
        for url in [ofDead, ofLive, ofReused, ofMine, unrelated] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
            try Data().write(to: url.appendingPathComponent("trace"))
        }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: ofReused.path)

        let removed = Leftovers.sweep(directory) { name in
            guard name.hasPrefix("run-") else { return nil }
            return name.dropFirst(4).split(separator: "-").first.flatMap { pid_t($0) }
        }
        #expect(Set(removed.map(\.lastPathComponent)) == [ofDead.lastPathComponent, ofReused.lastPathComponent])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            == [ofLive, ofMine, unrelated].map(\.lastPathComponent).sorted())
    }

    @Test func aRunningProcessOwnsWhatItWroteAfterItStarted() throws {
        let live = try Self.sleeper()
        defer { live.signal(SIGTERM); _ = live.wait() }
        #expect(!Leftovers.ownerIsGone(pid: live.pid, lastModified: Date()))
        #expect(Leftovers.ownerIsGone(pid: live.pid, lastModified: Date().addingTimeInterval(-3600)))
        #expect(Leftovers.ownerIsGone(pid: try Self.deadPID(), lastModified: Date()))
    }
}
