import BlockIR
import Foundation
import Testing

/// A file's hash is read in pieces: it must name the same bytes as the hash
/// of the whole, at every size around a piece's edge, and nothing that
/// cannot be read.
@Suite struct ContentHashTests {
    @Test(arguments: [0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 17])
    func aFilesHashIsTheHashOfItsBytes(size: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-content-hash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let file = directory.appendingPathComponent("bytes")
        try bytes.write(to: file)

        #expect(ContentHash.of(file: file.path) == ContentHash.of(bytes))
        var changed = bytes
        if size > 0 {
            changed[size - 1] ^= 1
            try changed.write(to: file)
            #expect(ContentHash.of(file: file.path) != ContentHash.of(bytes))
        }
    }

    @Test func whatCannotBeReadHasNoHash() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-content-hash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        #expect(ContentHash.of(file: directory.appendingPathComponent("missing").path) == nil)
        #expect(ContentHash.of(file: directory.path) == nil)
    }
}
