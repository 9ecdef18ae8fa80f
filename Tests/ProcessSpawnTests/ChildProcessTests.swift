import Foundation
import ProcessSpawn
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real children (sh, sleep): the one way trim and its tests start processes.
@Suite struct ChildProcessTests {
    @Test func runReturnsBothStreamsAndTheExitCode() throws {
        let finished = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(finished.exit == .exited(3))
        #expect(finished.status == 3)
        #expect(String(decoding: finished.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: finished.stderr, as: UTF8.self) == "err\n")
    }

    @Test func linesArriveInOrderAndALastLineWithoutNewlineIsKept() throws {
        let lines = LinesSeen()
        let finished = try ChildProcess.run("/bin/sh", ["-c", "printf 'a\\nb\\n\\nc'"], eachStdoutLine: lines.add)
        #expect(lines.all == ["a", "b", "", "c"])
        #expect(String(decoding: finished.stdout, as: UTF8.self) == "a\nb\n\nc")
    }

    /// Lines cut across reads: many to a read, one longer than a read, and
    /// writes that end inside a line.
    @Test func linesSpanningReadsArriveWhole() throws {
        let script = """
            import sys, time
            out = sys.stdout
            for i in range(3000):
                out.write("line %d %s\\n" % (i, "x" * (i % 97)))
            out.write("y" * 200000 + "\\n")
            out.flush()
            for i in range(50):
                out.write("part-%d-" % i); out.flush(); time.sleep(0.001)
                out.write("end\\n"); out.flush()
            out.write("last")
            """
        let lines = LinesSeen()
        let finished = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script], eachStdoutLine: lines.add)
        #expect(finished.status == 0, "\(String(decoding: finished.stderr, as: UTF8.self))")
        let expected = (0..<3000).map { "line \($0) " + String(repeating: "x", count: $0 % 97) }
            + [String(repeating: "y", count: 200_000)] + (0..<50).map { "part-\($0)-end" } + ["last"]
        #expect(lines.all.count == expected.count)
        #expect(lines.all == expected)
        #expect(String(decoding: finished.stdout, as: UTF8.self) == expected.joined(separator: "\n"))
    }

    @Test func outputIsReadableWhileTheChildRuns() throws {
        let child = try ChildProcess.start("/bin/sh", ["-c", "echo ready; exec sleep 60"])
        defer { child.signal(SIGKILL); _ = child.wait() }
        let deadline = Date().addingTimeInterval(30)
        while child.stdout.isEmpty && Date() < deadline { usleep(10_000) }
        #expect(String(decoding: child.stdout, as: UTF8.self) == "ready\n")
        #expect(child.isRunning)
    }

    @Test func aTimedWaitReturnsNilWhileTheChildRunsAndTheSignalEndsIt() throws {
        let child = try ChildProcess.start("/bin/sleep", ["60"])
        #expect(child.wait(timeout: 0.2) == nil)
        child.signal(SIGTERM)
        let finished = try #require(child.wait(timeout: 30))
        #expect(finished.exit == .signalled(SIGTERM))
        #expect(finished.status == 128 + SIGTERM)
        #expect(!child.isRunning)
        child.signal(SIGKILL)  // reaped: nothing is sent to a pid that may be reused
        #expect(child.wait(timeout: 0)?.exit == .signalled(SIGTERM), "a second wait gives the same end")
    }

    @Test func aGroupSignalReachesTheChildsOwnChildren() throws {
        let child = try ChildProcess.start("/bin/sh", ["-c", "sleep 60 & echo $!; wait"])
        let deadline = Date().addingTimeInterval(30)
        while !child.stdout.contains(UInt8(ascii: "\n")) && Date() < deadline { usleep(10_000) }
        let grandchild = try #require(pid_t(String(decoding: child.stdout, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        child.signal(SIGKILL, wholeGroup: true)
        #expect(child.wait(timeout: 30) != nil)
        var gone = false
        for _ in 0..<300 where !gone {
            gone = kill(grandchild, 0) != 0 || isZombie(grandchild)
            if !gone { usleep(10_000) }
        }
        #expect(gone, "the grandchild outlived a signal to the group")
    }

    @Test func aMissingExecutableIsASpawnFailureNamingIt() {
        #expect(throws: ChildProcess.SpawnFailure.self) {
            _ = try ChildProcess.run("/nonexistent/tool", [])
        }
        do {
            _ = try ChildProcess.run("/nonexistent/tool", [])
        } catch {
            #expect(error.description.contains("/nonexistent/tool"))
        }
    }

    private func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}

private final class LinesSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: Data) { lock.withLock { lines.append(String(decoding: line, as: UTF8.self)) } }
    var all: [String] { lock.withLock { lines } }
}
