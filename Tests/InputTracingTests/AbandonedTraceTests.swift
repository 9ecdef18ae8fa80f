import Foundation
import InputTracing
import Testing
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// `/dev/shm/trim-inputs-<uid>-<pid>-<random>` left by a run killed with
/// `kill -9`: the next run removes it, and never another live run's.
@Suite struct AbandonedTraceTests {
    @Test func theTraceDirectoryOfAKilledRunIsRemovedALiveOneKept() throws {
        let shm = URL(fileURLWithPath: "/dev/shm")
        guard access(shm.path, W_OK) == 0 else { return }
        let killed = try ChildProcess.start("/bin/sleep", ["60"])
        let live = try ChildProcess.start("/bin/sleep", ["60"])
        defer { live.signal(SIGTERM); _ = live.wait() }
        let tag = UUID().uuidString.prefix(8)
        let abandoned = shm.appendingPathComponent("trim-inputs-\(getuid())-\(killed.pid)-\(tag)")
        let inUse = shm.appendingPathComponent("trim-inputs-\(getuid())-\(live.pid)-\(tag)")
        let otherUser = shm.appendingPathComponent("trim-inputs-\(getuid() + 1)-\(killed.pid)-\(tag)")
        for directory in [abandoned, inUse, otherUser] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
            try Data("t".utf8).write(to: directory.appendingPathComponent("test.1.io"))
        }
        defer { for directory in [inUse, otherUser] { try? FileManager.default.removeItem(at: directory) } }
        killed.signal(SIGKILL)
        _ = killed.wait()

        let removed = InputTracer.removeAbandonedTraceDirectories(in: shm)
        #expect(removed.map(\.path).contains(abandoned.path))
        #expect(!FileManager.default.fileExists(atPath: abandoned.path))
        #expect(FileManager.default.fileExists(atPath: inUse.appendingPathComponent("test.1.io").path))
        #expect(FileManager.default.fileExists(atPath: otherUser.path), "another user's name is never parsed")
    }
}
