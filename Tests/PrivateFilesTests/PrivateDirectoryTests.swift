import Foundation
import PrivateFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real directories, links and owners in a temporary directory.
@Suite struct PrivateDirectoryTests {
    let base: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("trim-private-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    }

    func mode(_ url: URL) -> UInt32 {
        var status = stat()
        lstat(url.path, &status)
        return UInt32(status.st_mode) & 0o7777
    }

    @Test func createsEveryMissingDirectoryBelowTheTrustedParentAs0700() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let leaf = base.appendingPathComponent("trim/runtime/abc")
        let directory = try PrivateDirectory.prepare(leaf, below: base)
        #expect(directory.url.path == leaf.path)
        for path in ["trim", "trim/runtime", "trim/runtime/abc"] {
            #expect(mode(base.appendingPathComponent(path)) == 0o700, "\(path)")
        }
        // Again: present and private, accepted as it is.
        _ = try PrivateDirectory.prepare(leaf, below: base)
    }

    @Test func acceptsADirectoryOfTheUserThatOnlyTheUserMayWrite() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let existing = base.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o755])
        _ = try PrivateDirectory.prepare(existing.appendingPathComponent("inside"), below: base)
    }

    @Test func refusesASymbolicLinkAndLeavesItsTargetAlone() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let victim = base.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: false)
        try "keep".write(to: victim.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        let link = base.appendingPathComponent("trim")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim)
        #expect(throws: PrivacyError.symbolicLink(path: link.path)) {
            try PrivateDirectory.prepare(link.appendingPathComponent("history/x"), below: base)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim.path) == ["file"])
        #expect(PrivacyError.symbolicLink(path: link.path).description.contains("\(link.path): refused: it is a symbolic link"))
    }

    @Test(.enabled(if: geteuid() == 0, "chown to another user needs root"))
    func refusesADirectoryOwnedByAnotherUser() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let foreign = base.appendingPathComponent("trim")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        let nobody: uid_t = 65534
        try #require(chown(foreign.path, nobody, gid_t(nobody)) == 0)
        #expect(throws: PrivacyError.ownedByAnotherUser(path: foreign.path, owner: nobody, user: 0)) {
            try PrivateDirectory.prepare(foreign.appendingPathComponent("cache"), below: base)
        }
        #expect(!FileManager.default.fileExists(atPath: foreign.appendingPathComponent("cache").path))
    }

    @Test(arguments: [0o777 as UInt32, 0o770, 0o1777, 0o702])
    func refusesADirectoryGroupOrOthersMayWrite(permissions: UInt32) throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let shared = base.appendingPathComponent("trim")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: false)
        chmod(shared.path, mode_t(permissions))
        #expect(throws: PrivacyError.writableByOthers(path: shared.path, mode: permissions)) {
            try PrivateDirectory.prepare(shared, below: base)
        }
    }

    @Test func refusesAFileWhereADirectoryBelongs() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let file = base.appendingPathComponent("trim")
        try "".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: PrivacyError.notADirectory(path: file.path)) {
            try PrivateDirectory.prepare(file, below: base)
        }
    }

    @Test func checksAFileBeforeItIsLoaded() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        let library = base.appendingPathComponent("lib.so")
        try Data([1, 2, 3]).write(to: library)
        chmod(library.path, 0o755)
        try PrivateDirectory.checkFile(library)

        chmod(library.path, 0o666)
        #expect(throws: PrivacyError.writableByOthers(path: library.path, mode: 0o666)) {
            try PrivateDirectory.checkFile(library)
        }
        chmod(library.path, 0o755)

        let link = base.appendingPathComponent("link.so")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: library)
        #expect(throws: PrivacyError.symbolicLink(path: link.path)) { try PrivateDirectory.checkFile(link) }

        let fifo = base.appendingPathComponent("fifo.so")
        mkfifo(fifo.path, 0o600)
        #expect(throws: PrivacyError.notARegularFile(path: fifo.path)) { try PrivateDirectory.checkFile(fifo) }

        if geteuid() == 0, chown(library.path, 65534, 65534) == 0 {
            #expect(throws: PrivacyError.ownedByAnotherUser(path: library.path, owner: 65534, user: 0)) {
                try PrivateDirectory.checkFile(library)
            }
        }
    }

    @Test func theUserCacheFollowsXDGThenHome() {
        #expect(UserCache.trimDirectory(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/me"]).path
            == "/x/cache/trim")
        #expect(UserCache.trimDirectory(environment: ["HOME": "/home/me"]).path == "/home/me/.cache/trim")
        #expect(UserCache.trimDirectory(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/me"]).path
            == "/home/me/.cache/trim")
    }
}
