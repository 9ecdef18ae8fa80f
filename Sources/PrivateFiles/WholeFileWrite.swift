import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a new file's bytes at once, past the page cache where the file
/// system allows it (`O_DIRECT`), else as any write.
///
/// Why: a buffered write of a new file copies every byte into page-cache
/// pages allocated for it, and on a virtual machine whose host reclaims
/// the guest's free memory (free page reporting) those pages are new to the
/// host as well: a 2.9 MB cache entry cost 8–18 ms of CPU that way, written
/// while the run lists and selects tests, against 1.5 ms (mostly waiting on
/// the disk) past the cache. Reading the entry back later then comes from
/// the disk (~3 ms for 2.9 MB), paid only by a run that uses it.
///
/// The file is created exclusively (`O_EXCL`): a caller writes under a name
/// of its own and renames it into place.
public enum WholeFileWrite {
    /// Memory and length alignment for `O_DIRECT`: the largest logical block
    /// size in use (4096; most devices need 512).
    static let alignment = 4096

    /// Creates `path` holding `bytes`. Throws the failing step's errno.
    public static func create(_ path: String, bytes: UnsafeRawBufferPointer) throws(WholeFileWriteError) {
        if bytes.count >= alignment, let done = try? direct(path, bytes), done { return }
        try buffered(path, bytes)
    }

    public static func create(_ path: String, bytes: [UInt8]) throws(WholeFileWriteError) {
        var failure: WholeFileWriteError?
        bytes.withUnsafeBytes { raw in
            do throws(WholeFileWriteError) { try create(path, bytes: raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Creates `path` holding `bytes` through the page cache, never synced:
    /// for a file a crash may lose, written under a name of its own, renamed
    /// into place, and read back through a check that drops damage.
    /// (Foundation's `Data.write` syncs every file it writes: 0.5–1.6 ms
    /// apiece on this disk, on the way to cargo's start and to each changed
    /// unit's fingerprint.)
    public static func createBuffered(_ path: String, bytes: [UInt8]) throws(WholeFileWriteError) {
        var failure: WholeFileWriteError?
        bytes.withUnsafeBytes { raw in
            do throws(WholeFileWriteError) { try buffered(path, raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Written past the page cache: true when done, false when the file
    /// system refuses `O_DIRECT` (nothing is left at `path` then).
    private static func direct(_ path: String, _ bytes: UnsafeRawBufferPointer) throws(WholeFileWriteError) -> Bool {
        let padded = (bytes.count + alignment - 1) / alignment * alignment
        guard let buffer = AlignedBuffers.shared.take(count: padded) else { return false }
        defer { AlignedBuffers.shared.give(buffer) }
        buffer.copyMemory(from: bytes)
        (buffer.baseAddress! + bytes.count).initializeMemory(as: UInt8.self, repeating: 0, count: padded - bytes.count)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | directFlag, 0o644)
        if fd < 0 {
            if errno == EINVAL { return false }
            throw WholeFileWriteError(path: path, step: "open", code: errno)
        }
        var written = 0
        while written < padded {
            let n = write(fd, buffer.baseAddress! + written, padded - written)
            if n < 0 && errno == EINTR { continue }
            guard n > 0, n % alignment == 0 || written + n == padded else {
                // Refused (EINVAL: an alignment this device does not take) or cut short: not here.
                let code = errno
                close(fd)
                unlink(path)
                if n < 0 && code != EINVAL { throw WholeFileWriteError(path: path, step: "write", code: code) }
                return false
            }
            written += n
        }
        if ftruncate(fd, off_t(bytes.count)) != 0 {
            let code = errno
            close(fd)
            unlink(path)
            throw WholeFileWriteError(path: path, step: "truncate", code: code)
        }
        close(fd)
        return true
    }

    private static func buffered(_ path: String, _ bytes: UnsafeRawBufferPointer) throws(WholeFileWriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WholeFileWriteError(path: path, step: "open", code: errno) }
        var written = 0
        while written < bytes.count {
            let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let code = n < 0 ? errno : EIO
                close(fd)
                unlink(path)
                throw WholeFileWriteError(path: path, step: "write", code: code)
            }
            written += n
        }
        close(fd)
    }

    /// Linux's `O_DIRECT`, which Swift's Glibc module does not export.
    private static var directFlag: Int32 {
        #if arch(x86_64) || arch(i386)
        return 0o40000
        #elseif arch(arm64) || arch(arm)
        return 0o200000
        #else
        return 0  // unknown: a buffered write
        #endif
    }
}

public struct WholeFileWriteError: Error, CustomStringConvertible {
    public let path: String
    public let step: String
    public let code: Int32

    public var description: String { "cannot write \(path) (\(step)): \(String(cString: strerror(code)))" }
}

/// Page-aligned buffers kept for the next write: a fresh one costs a page
/// fault per page, the same cost the direct write avoids.
private final class AlignedBuffers: @unchecked Sendable {
    static let shared = AlignedBuffers()
    private let lock = NSLock()
    private var free: [UnsafeMutableRawBufferPointer] = []
    /// More than this is given back to the system, not kept.
    private let keptBytes = 16 << 20

    func take(count: Int) -> UnsafeMutableRawBufferPointer? {
        if let kept = lock.withLock({ () -> UnsafeMutableRawBufferPointer? in
            guard let index = free.firstIndex(where: { $0.count >= count }) else { return nil }
            return free.remove(at: index)
        }) {
            return kept
        }
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, WholeFileWrite.alignment, count) == 0, let pointer else { return nil }
        return UnsafeMutableRawBufferPointer(start: pointer, count: count)
    }

    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        let keep = lock.withLock { () -> Bool in
            guard buffer.count + free.reduce(0, { $0 + $1.count }) <= keptBytes else { return false }
            free.append(buffer)
            return true
        }
        if !keep { Foundation.free(buffer.baseAddress) }
    }
}
