import Coverage
import Foundation
import PrivateFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A coverage runtime someone else could have put in the cache is refused,
/// never linked into the tests nor rebuilt over.
@Suite struct PlantedRuntimeTests {
    let cache: URL

    init() throws {
        cache = FileManager.default.temporaryDirectory.appendingPathComponent("trim-planted-\(UUID().uuidString)/cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    }

    @Test func aGroupWritableRuntimeIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: cache.deletingLastPathComponent()) }
        let directory = cache.appendingPathComponent("runtime/\(CoverageRuntime.sourceHash)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let runtime = directory.appendingPathComponent("libtrimrt.a")
        try Data("planted".utf8).write(to: runtime)
        chmod(runtime.path, 0o664)
        #expect(throws: CoverageError.untrustedCache(.writableByOthers(path: runtime.path, mode: 0o664))) {
            try CoverageRuntime.library(cacheDirectory: cache)
        }
        #expect(try Data(contentsOf: runtime) == Data("planted".utf8), "neither used nor rebuilt")
    }

    @Test func aCacheDirectoryThatIsASymbolicLinkIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: cache.deletingLastPathComponent()) }
        let elsewhere = cache.deletingLastPathComponent().appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let link = cache.appendingPathComponent("runtime")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: elsewhere)
        let error = #expect(throws: CoverageError.self) { try CoverageRuntime.library(cacheDirectory: cache) }
        #expect(error == .untrustedCache(.symbolicLink(path: link.path)))
        #expect(error?.description.contains("\(link.path): refused: it is a symbolic link") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "nothing built there")
    }
}
