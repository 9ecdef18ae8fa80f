#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A child started by `ChildProcess.start`, still running or finished: its
/// output is collected as it comes (readable while it runs), it can be
/// signalled, and waited for with or without a time limit.
///
/// A signal never reaches a reused pid: the child is reaped under the same
/// lock that `signal` takes, and `signal` does nothing after that.
public final class RunningChild: @unchecked Sendable {
    public let executable: String
    public let pid: pid_t

    private let lock = NSLock()
    private var stdoutSoFar = Data()
    private var stderrSoFar = Data()
    private var exit: ProcessSpawn.Exit?
    private let exited = DispatchSemaphore(value: 0)
    private let readersDone = DispatchGroup()

    init(executable: String, pid: pid_t, stdoutEnd: Int32, stderrEnd: Int32, eachStdoutLine: ((Data) -> Void)?) {
        self.executable = executable
        self.pid = pid
        // Called only from the stdout reader; the caller of `run` is blocked meanwhile.
        nonisolated(unsafe) let lineHandler = eachStdoutLine
        for (fd, isStdout) in [(stdoutEnd, true), (stderrEnd, false)] where fd >= 0 {
            readersDone.enter()
            let reader = Thread { [self] in
                LineDrain.drain(fd, eachLine: isStdout ? lineHandler : nil) { chunk in
                    lock.withLock {
                        if isStdout { stdoutSoFar.append(chunk) } else { stderrSoFar.append(chunk) }
                    }
                }
                readersDone.leave()
            }
            reader.start()
        }
        let waiter = Thread { [self] in
            var info = siginfo_t()
            // Wait without reaping, so the pid stays ours until `lock` is held.
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
            lock.withLock {
                exit = ProcessSpawn.wait(pid)
                ChildGroups.shared.unregister(pid)
            }
            exited.signal()
        }
        waiter.start()
    }

    /// What the child wrote to stdout so far.
    public var stdout: Data { lock.withLock { stdoutSoFar } }
    /// What the child wrote to stderr so far.
    public var stderr: Data { lock.withLock { stderrSoFar } }

    public var isRunning: Bool { lock.withLock { exit == nil } }

    /// Sends `signal` to the child, or with `wholeGroup` to the process group
    /// it leads. Nothing once it is reaped.
    public func signal(_ signal: Int32, wholeGroup: Bool = false) {
        lock.withLock {
            guard exit == nil else { return }
            kill(wholeGroup ? -pid : pid, signal)
        }
    }

    /// Blocks until the child ends and its output streams close; nil when
    /// `timeout` passes first (the child still running). A grandchild that
    /// keeps a stream open is given ten seconds after the child's end.
    public func wait(timeout: TimeInterval? = nil) -> ChildProcess.Finished? {
        if let timeout {
            guard exited.wait(timeout: .now() + timeout) == .success else { return nil }
        } else {
            exited.wait()
        }
        exited.signal()  // later waits return at once
        _ = readersDone.wait(timeout: .now() + 10)
        return lock.withLock {
            ChildProcess.Finished(pid: pid, exit: exit!, stdout: stdoutSoFar, stderr: stderrSoFar)
        }
    }
}

/// Reading a child's stream to its end.
enum LineDrain {
    /// Reads `fd` to its end and closes it, handing every chunk read to
    /// `append` and each complete line to `eachLine` as it arrives (a last
    /// line without a newline at the end).
    static func drain(_ fd: Int32, eachLine: ((Data) -> Void)?, append: (Data) -> Void) {
        defer { close(fd) }
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                let chunk = Data(buffer[0..<count])
                append(chunk)
                guard let eachLine else { continue }
                // What is pending holds no newline: only the new chunk is searched.
                let searchFrom = pending.count
                pending.append(chunk)
                // Lines cut by offset, the rest kept once a chunk: cargo's
                // messages come many to a chunk, and removing each line from
                // the front moved the rest every time.
                let ends = pending.withUnsafeBytes { bytes -> [Int] in
                    var ends: [Int] = []
                    var from = searchFrom
                    while from < bytes.count,
                        let found = memchr(bytes.baseAddress! + from, Int32(UInt8(ascii: "\n")), bytes.count - from)
                    {
                        let end = bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
                        ends.append(end)
                        from = end + 1
                    }
                    return ends
                }
                var start = 0
                for end in ends {
                    eachLine(pending.subdata(in: (pending.startIndex + start)..<(pending.startIndex + end)))
                    start = end + 1
                }
                if start > 0 { pending = pending.subdata(in: (pending.startIndex + start)..<pending.endIndex) }
            } else if count == 0 || errno != EINTR {
                if let eachLine, !pending.isEmpty { eachLine(pending) }
                return
            }
        }
    }
}
