import Foundation
import ProcessSpawn
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Identities read from `/proc/<pid>/stat` of real processes, including one
/// whose command name holds spaces and parentheses.
@Suite struct ProcessIdentityTests {
    @Test func aRunningChildIsAliveAndEndsWithItsExit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let oddName = directory.appendingPathComponent("a b) (c").path  // the command name /proc shows in parentheses
        try FileManager.default.createSymbolicLink(atPath: oddName, withDestinationPath: "/bin/sleep")
        let child = try ChildProcess.start(oddName, ["60"])
        let identity = try #require(ProcessIdentity.of(child.pid))
        #expect(identity.startTicks > 0)
        #expect(identity.isAlive)
        #expect(ProcessIdentity(identity.description) == identity, "written and read back")
        #expect(ProcessIdentity(boot: identity.boot, pid: identity.pid, startTicks: identity.startTicks + 1).isAlive == false,
                "another start time is another process")
        child.signal(SIGKILL)
        _ = child.wait()
        #expect(!identity.isAlive)
        #expect(ProcessIdentity.of(child.pid) == nil)
        #expect(ProcessIdentity.current.startTicks > 0)
    }
}
