import Foundation
import NativeBuild
import Coverage
@testable import History
import PrivateFiles
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `trim simulate-history` against a scratch space or a library someone else
/// planted: refused with exit 2 before anything is deleted, built or loaded.
@Suite(.serialized) struct PrivateScratchTests {
    /// A one-commit cargo repository, the user's cache dir beside it.
    static func repository() throws -> (Repository, cache: URL) {
        let repo = try Repository.make()
        try SimulateHistoryTests.commits[0].1(repo)
        try repo.commit("initial")
        return (repo, repo.root.deletingLastPathComponent().appendingPathComponent("cache"))
    }

    static func defaultScratch(of repo: Repository, cache: URL) throws -> ScratchSpace {
        let common = try repo.git(["rev-parse", "--path-format=absolute", "--git-common-dir"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ScratchSpace.default(gitCommonDirectory: common, environment: ["XDG_CACHE_HOME": cache.path])
    }

    @Test func theDefaultScratchIsInTheUsersCacheNotInTemp() throws {
        let (repo, cache) = try Self.repository()
        defer { repo.delete() }
        let space = try Self.defaultScratch(of: repo, cache: cache)
        #expect(space.root.path.hasPrefix(cache.path + "/trim/history/"))
        let withoutXDG = ScratchSpace.default(gitCommonDirectory: "/src/p/.git", environment: ["HOME": "/home/me"])
        #expect(withoutXDG.root.deletingLastPathComponent().path == "/home/me/.cache/trim/history")
        let outcome = try repo.trim(["simulate-history", "--commits", "1"], environment: ["XDG_CACHE_HOME": cache.path])
        #expect(outcome.stderr.contains("scratch: \(space.root.path)"), "\(outcome.stderr)")
        for path in [cache.appendingPathComponent("trim").path, cache.appendingPathComponent("trim/history").path,
                     space.root.path] {
            var status = stat()
            #expect(lstat(path, &status) == 0 && status.st_mode & 0o777 == 0o700, "\(path)")
        }
    }

    @Test func aSymbolicLinkPlantedAtTheDefaultScratchIsRefusedAndItsTargetKept() throws {
        let (repo, cache) = try Self.repository()
        defer { repo.delete() }
        let space = try Self.defaultScratch(of: repo, cache: cache)
        let victim = repo.scratch.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim.appendingPathComponent("worktree"),
                                                withIntermediateDirectories: true)
        try "precious".write(to: victim.appendingPathComponent("worktree/file"), atomically: true, encoding: .utf8)
        _ = try PrivateDirectory.prepare(space.root.deletingLastPathComponent(), below: cache)
        try FileManager.default.createSymbolicLink(at: space.root, withDestinationURL: victim)

        let outcome = try repo.trim(["simulate-history", "--commits", "1"], environment: ["XDG_CACHE_HOME": cache.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(space.root.path): refused: it is a symbolic link"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("[1/1]"), "no commit was replayed")
        #expect(try String(contentsOf: victim.appendingPathComponent("worktree/file"), encoding: .utf8) == "precious")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim.path) == ["worktree"])
    }

    @Test func aScratchDirectoryGroupOrOthersMayWriteIsRefused() throws {
        let (repo, _) = try Self.repository()
        defer { repo.delete() }
        let shared = repo.scratch.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        chmod(shared.path, 0o1777)
        let outcome = try repo.trim(["simulate-history", "--commits", "1", "--scratch", shared.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(shared.path): refused: writable by group or others (mode 1777)"),
                "\(outcome.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared.path).isEmpty, "nothing created in it")
    }

    @Test(.enabled(if: geteuid() == 0, "chown to another user needs root"))
    func aScratchDirectoryOwnedByAnotherUserIsRefused() throws {
        let (repo, _) = try Self.repository()
        defer { repo.delete() }
        let foreign = repo.scratch.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: foreign.appendingPathComponent("worktree"),
                                                withIntermediateDirectories: true)
        #expect(chown(foreign.path, 65534, 65534) == 0)
        let outcome = try repo.trim(["simulate-history", "--commits", "1", "--scratch", foreign.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(foreign.path): refused: owned by user 65534, not by you"), "\(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: foreign.appendingPathComponent("worktree").path),
                "nothing deleted")
    }

    enum Plant: String, CaseIterable, Sendable { case groupWritable, symbolicLink, foreignOwner }

    /// A library that creates `PLANTED_MARKER` when loaded, put where
    /// `--fixed-random` keeps its getrandom library: it must never be preloaded.
    @Test(arguments: Plant.allCases)
    func aPlantedFixedRandomLibraryIsRefusedAndNeverLoaded(_ plant: Plant) throws {
        if plant == .foreignOwner, geteuid() != 0 { return }
        let (repo, _) = try Self.repository()
        defer { repo.delete() }
        let scratch = repo.scratch.appendingPathComponent("replay")
        let space = ScratchSpace(root: scratch)
        let hash = CachedNativeBuild.hash(source: FixedRandomness.source, flags: FixedRandomness.flags)
        let directory = space.fixedRandomDirectory.appendingPathComponent(hash)
        _ = try PrivateDirectory.prepare(directory, below: repo.scratch)
        let library = directory.appendingPathComponent("libtrimrandom.so")
        let planted = repo.scratch.appendingPathComponent("planted.so")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/planted.c")
        let compile = try repo.run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-o", planted.path, source.path])
        try #require(compile.status == 0, "\(compile.stderr)")
        switch plant {
        case .groupWritable:
            try FileManager.default.copyItem(at: planted, to: library)
            chmod(library.path, 0o775)
        case .symbolicLink:
            try FileManager.default.createSymbolicLink(at: library, withDestinationURL: planted)
        case .foreignOwner:
            try FileManager.default.copyItem(at: planted, to: library)
            #expect(chown(library.path, 65534, 65534) == 0)
        }
        let marker = repo.scratch.appendingPathComponent("loaded")

        let outcome = try repo.trim(["simulate-history", "--commits", "1", "--fixed-random", "--scratch", scratch.path],
                                    environment: ["PLANTED_MARKER": marker.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(library.path): refused"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "the planted library was loaded")
        #expect(FileManager.default.fileExists(atPath: planted.path))
    }
}
