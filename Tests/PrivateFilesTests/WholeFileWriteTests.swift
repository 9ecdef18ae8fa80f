import Foundation
import PrivateFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real files on the disk trim's caches live on (ext4 here: written past the
/// page cache) and on tmpfs (which refuses `O_DIRECT`: written as usual).
@Suite struct WholeFileWriteTests {
    static func directory(under parent: String) throws -> URL {
        let url = URL(fileURLWithPath: parent).appendingPathComponent("trim-whole-write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// How many of the file's pages sit in the page cache (before anything reads it).
    static func residentPages(_ path: String) throws -> Int {
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        var status = stat()
        #expect(fstat(fd, &status) == 0)
        let size = Int(status.st_size)
        guard size > 0 else { return 0 }
        let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        #expect(mapping != MAP_FAILED)
        defer { munmap(mapping, size) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
        #expect(mincore(mapping, size, &vector) == 0)
        return vector.filter { $0 & 1 != 0 }.count
    }

    @Test(arguments: [0, 1, 4095, 4096, 4097, 3_000_001])
    func bytesComeBackExactly(count: Int) throws {
        for parent in [NSTemporaryDirectory(), "/dev/shm"] where FileManager.default.fileExists(atPath: parent) {
            let directory = try Self.directory(under: parent)
            defer { try? FileManager.default.removeItem(at: directory) }
            let bytes = Self.randomBytes(count)
            let path = directory.appendingPathComponent("entry").path
            try WholeFileWrite.create(path, bytes: bytes)
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes, "\(parent), \(count) bytes")
        }
    }

    @Test func aLargeFileOnDiskBypassesThePageCache() throws {
        let directory = try Self.directory(under: NSTemporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let direct = directory.appendingPathComponent("direct").path
        try WholeFileWrite.create(direct, bytes: Self.randomBytes(1 << 20))
        // The same bytes written as any write: every page cached.
        let buffered = directory.appendingPathComponent("buffered").path
        try Data(Self.randomBytes(1 << 20)).write(to: URL(fileURLWithPath: buffered))
        try #require(try Self.residentPages(buffered) == 256, "the page cache is not what this test assumes")
        #expect(try Self.residentPages(direct) == 0)
    }

    /// Buffers are kept between writes: a smaller file after a larger one
    /// carries none of the larger one's bytes.
    @Test func aSmallerWriteAfterALargerOneHoldsOnlyItsOwnBytes() throws {
        let directory = try Self.directory(under: NSTemporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let large = [UInt8](repeating: 0xAB, count: 2 << 20)
        try WholeFileWrite.create(directory.appendingPathComponent("large").path, bytes: large)
        let small = Self.randomBytes(10_000)
        let path = directory.appendingPathComponent("small").path
        try WholeFileWrite.create(path, bytes: small)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == small)
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let directory = try Self.directory(under: NSTemporaryDirectory())
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("taken").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: WholeFileWriteError.self) {
            try WholeFileWrite.create(path, bytes: Self.randomBytes(8192))
        }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("File exists") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }

    @Test func aMissingDirectoryIsNamed() throws {
        let path = "/nonexistent-\(UUID().uuidString)/entry"
        let error = #expect(throws: WholeFileWriteError.self) {
            try WholeFileWrite.create(path, bytes: Self.randomBytes(8192))
        }
        #expect(error?.description.contains(path) == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
