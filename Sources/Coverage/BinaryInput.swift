import Foundation

/// Reads a whole file, mapping the "missing" and "unreadable" cases to typed errors.
func readFile(_ url: URL) throws(CoverageError) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw .fileNotFound(path: url.path)
    }
    if isDirectory.boolValue { throw .unreadable(path: url.path, reason: "is a directory") }
    do {
        return try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
        throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
    }
}

/// Reads a small file (a hit dump: a header and a bitset) with plain
/// open/read: one per test, where mapping it (and unmapping, which flushes
/// every thread's TLB) costs more than copying its few kilobytes.
func readSmallFile(_ url: URL) throws(CoverageError) -> Data {
    let path = url.path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        let code = errno
        if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
        throw .unreadable(path: path, reason: String(cString: strerror(code)))
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    if info.st_mode & S_IFMT == S_IFDIR { throw .unreadable(path: path, reason: "is a directory") }
    var data = Data(count: Int(info.st_size))
    var done = 0
    let total = data.count
    let failure: Int32? = data.withUnsafeMutableBytes { raw -> Int32? in
        while done < total {
            let n = read(fd, raw.baseAddress! + done, total - done)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return errno }
            if n == 0 { break }
            done += n
        }
        return nil
    }
    if let failure { throw .unreadable(path: path, reason: String(cString: strerror(failure))) }
    // A file that shrank while it was read is parsed as what was read (the parser reports truncation).
    if done < total { data.removeSubrange(done..<total) }
    return data
}

/// Little-endian reads that return nil instead of reading past the end.
struct ByteView {
    let bytes: UnsafeRawBufferPointer

    var count: Int { bytes.count }

    /// True when `length` bytes from `offset` are inside the buffer (overflow-safe).
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }

    func contains(_ offset: UInt64, _ length: UInt64) -> Bool {
        offset <= UInt64(bytes.count) && length <= UInt64(bytes.count) - offset
    }

    func u8(_ offset: Int) -> UInt8? {
        contains(offset, 1) ? bytes[offset] : nil
    }

    func u16(_ offset: Int) -> UInt16? {
        contains(offset, 2) ? UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) : nil
    }

    func u32(_ offset: Int) -> UInt32? {
        contains(offset, 4) ? UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) : nil
    }

    func u64(_ offset: Int) -> UInt64? {
        contains(offset, 8) ? UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) : nil
    }

    func matches(_ magic: String, at offset: Int = 0) -> Bool {
        let expected = Array(magic.utf8)
        guard contains(offset, expected.count) else { return false }
        return expected.indices.allSatisfy { bytes[offset + $0] == expected[$0] }
    }

    /// UTF-8 of `length` bytes at `offset`.
    func string(_ offset: Int, _ length: Int) -> String? {
        guard contains(offset, length) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
    }

    /// The NUL-terminated string at `offset`, which must end before `limit`.
    func cString(_ offset: Int, limit: Int) -> String? {
        guard offset >= 0, offset < limit, limit <= bytes.count else { return nil }
        var end = offset
        while end < limit {
            if bytes[end] == 0 {
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
            }
            end += 1
        }
        return nil
    }
}

extension Data {
    func withByteView<T>(_ body: (ByteView) throws(CoverageError) -> T) throws(CoverageError) -> T {
        let result: Result<T, CoverageError> = withUnsafeBytes { raw in
            Result { () throws(CoverageError) in try body(ByteView(bytes: raw)) }
        }
        return try result.get()
    }
}
