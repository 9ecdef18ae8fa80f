import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One trim at a time per instrumented target directory, as cargo does with
/// its build directory: the holder builds, lists and runs the test binaries,
/// and nobody rebuilds them underneath it. An exclusive `flock` on
/// `<target>/trim/lock`, released by the kernel when the holder dies however
/// it dies; the file names the holder for whoever waits.
public final class WorkspaceLock: @unchecked Sendable {
    public let path: URL
    private var descriptor: Int32

    /// Takes the lock, waiting (and saying once on stderr for whom) while
    /// another trim holds it. `interrupted` is polled while waiting, so
    /// Ctrl-C ends the wait.
    public static func acquire(directory: URL, command: String,
                               waiting: (String) -> Void = { FileHandle.standardError.write(Data("trim: \($0)\n".utf8)) },
                               interrupted: () throws(TrimError) -> Void) throws(TrimError) -> WorkspaceLock {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .setup("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let path = directory.appendingPathComponent("lock")
        let fd = open(path.path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw .setup("cannot open the workspace lock \(path.path): \(String(cString: strerror(errno)))")
        }
        var announced = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw .setup("cannot lock \(path.path): \(reason)")
            }
            if !announced {
                announced = true
                let holder = (try? String(contentsOf: path, encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                waiting("Blocking waiting for file lock on \(path.path)"
                        + (holder.isEmpty ? "" : " (held by \(holder))"))
            }
            do { try interrupted() } catch {
                close(fd)
                throw error
            }
            usleep(50_000)
        }
        let note = "trim \(command), pid \(getpid())\n"
        ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
        return WorkspaceLock(path: path, descriptor: fd)
    }

    private init(path: URL, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Gives the lock up; also done when the lock is released from memory.
    public func release() {
        guard descriptor >= 0 else { return }
        ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
