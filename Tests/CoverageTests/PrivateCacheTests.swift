import Coverage
import Foundation
import Testing

/// The runtime is code trim links into every test: it is loaded only from a
/// cache that is the user's own and writable by no one else.
@Suite struct PrivateCacheTests {
    static func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trim-private-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aMissingCacheIsCreatedForTheUserAlone() throws {
        let parent = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: parent) }
        let cache = parent.appendingPathComponent("trim")
        let library = try CoverageRuntime.library(cacheDirectory: cache)
        #expect(FileManager.default.fileExists(atPath: library.path))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: cache.path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o700)
    }

    @Test func aCacheOthersCanWriteIsRefused() throws {
        let cache = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: cache) }
        _ = try CoverageRuntime.library(cacheDirectory: cache)
        try FileManager.default.setAttributes([.posixPermissions: 0o777],
                                              ofItemAtPath: cache.appendingPathComponent("runtime").path)
        do {
            _ = try CoverageRuntime.library(cacheDirectory: cache)
            Issue.record("a group- and world-writable cache was trusted")
        } catch {
            #expect("\(error)".contains("writable by group or others"), "\(error)")
            #expect("\(error)".contains(cache.appendingPathComponent("runtime").path), "\(error)")
        }
    }
}
