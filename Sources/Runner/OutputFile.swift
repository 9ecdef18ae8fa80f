import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A test attempt's output file, read without ever holding more than
/// `limit` bytes of it: a test that prints gigabytes costs trim a bounded
/// amount of memory. Past the limit the first quarter and the rest's tail
/// are kept, with a line saying how much was left out. Plain open/pread:
/// it runs once per test, where FileHandle's seeks cost more than the read.
enum OutputFile {
    /// What trim keeps in memory of one attempt's output.
    static let limit = 1 << 20

    static func read(_ path: String, limit: Int = OutputFile.limit) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return "" }
        let size = Int(info.st_size)
        guard size > 0 else { return "" }
        guard size > limit else { return String(decoding: bytes(fd, from: 0, count: size), as: UTF8.self) }
        let headCount = limit / 4
        let tailCount = limit - headCount
        let head = bytes(fd, from: 0, count: headCount)
        let tail = bytes(fd, from: size - tailCount, count: tailCount)
        // Cut at character boundaries: a UTF-8 continuation byte never starts a kept part.
        let tailStart = tail.firstIndex { $0 & 0xC0 != 0x80 } ?? tail.endIndex
        return String(decoding: head, as: UTF8.self)
            + "\n[… trim left out \(size - head.count - tail.count + (tailStart - tail.startIndex)) bytes of output …]\n"
            + String(decoding: tail[tailStart...], as: UTF8.self)
    }

    /// Up to `count` bytes from `offset` (fewer when the file is shorter now).
    private static func bytes(_ fd: Int32, from offset: Int, count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        buffer.withUnsafeMutableBytes { raw in
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
        }
        if done < count { buffer.removeSubrange(done...) }
        return buffer
    }
}
