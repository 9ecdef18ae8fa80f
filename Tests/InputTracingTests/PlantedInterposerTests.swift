import Foundation
import InputTracing
import PrivateFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An interposer someone else could have put in the cache is refused, and
/// tracing does not quietly fall back to strace either: the planted file is
/// reported (exit 2 in `trim run`), never preloaded.
@Suite struct PlantedInterposerTests {
    @Test func aSymbolicLinkInPlaceOfTheInterposerIsRefused() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("trim-planted-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let cache = base.appendingPathComponent("cache")
        let directory = cache.appendingPathComponent("inputs/\(InputTracer.sourceHash)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let foreign = base.appendingPathComponent("foreign.so")
        try Data("planted".utf8).write(to: foreign)
        let library = directory.appendingPathComponent("libtrimio.so")
        try FileManager.default.createSymbolicLink(at: library, withDestinationURL: foreign)
        #expect(throws: InputTracingError.untrustedCache(.symbolicLink(path: library.path))) {
            try InputTracer(cacheDirectory: cache, environment: ["PATH": "/usr/bin:/bin"])
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: library.path) == foreign.path)
    }

    @Test(.enabled(if: geteuid() == 0, "chown to another user needs root"))
    func anInterposerOwnedByAnotherUserIsRefused() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("trim-planted-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let directory = cache.appendingPathComponent("inputs/\(InputTracer.sourceHash)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let library = directory.appendingPathComponent("libtrimio.so")
        try Data("planted".utf8).write(to: library)
        #expect(chown(library.path, 65534, 65534) == 0)
        #expect(throws: InputTracingError.untrustedCache(.ownedByAnotherUser(path: library.path, owner: 65534, user: 0))) {
            try InputTracer.library(cacheDirectory: cache)
        }
    }
}
