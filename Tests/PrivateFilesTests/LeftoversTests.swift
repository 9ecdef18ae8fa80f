import Foundation
import PrivateFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real processes: one that has ended, one still running.
@Suite struct LeftoversTests {
    /// The pid of a process that ran and ended.
    static func deadPID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    static func sleeper() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
        return process
    }

    @Test func onlyEntriesOfEndedOrReplacedOwnersAreRemoved() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-leftovers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = try Self.sleeper()
        defer { live.terminate() }
        let dead = try Self.deadPID()
        Thread.sleep(forTimeInterval: 1.2)

        let ofDead = directory.appendingPathComponent("run-\(dead)")
        let ofLive = directory.appendingPathComponent("run-\(live.processIdentifier)")
        // Written before the live process started: its pid was reused since.
        let ofReused = directory.appendingPathComponent("run-\(live.processIdentifier)-old")
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
        defer { live.terminate() }
        #expect(!Leftovers.ownerIsGone(pid: live.processIdentifier, lastModified: Date()))
        #expect(Leftovers.ownerIsGone(pid: live.processIdentifier, lastModified: Date().addingTimeInterval(-3600)))
        #expect(Leftovers.ownerIsGone(pid: try Self.deadPID(), lastModified: Date()))
    }
}
