import Foundation
import PrivateFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Where a replay works: one directory per repository, at a path that never
/// changes for that repository, holding
///
///     worktree/   a detached `git worktree` of the repository; every commit is checked out here
///     target/     cargo's target dir (CARGO_TARGET_DIR) for every build of the replay
///     trim.db     the replay's database (the user's `<target>/trim/trim.db` is never opened)
///     mutant.db   a throwaway copy of trim.db for one mutant's run
///     lock        held while a replay runs
///
/// Why the path is fixed (ARCHITECTURE.md, toolchain facts: paths): cargo's fingerprints and
/// dep-info, `CARGO_MANIFEST_DIR`, `file!()` and absolute paths inside
/// bitcode all depend on where the source lives. Checking every commit out at
/// the same path makes consecutive builds differ only by what the commits
/// changed, lets cargo rebuild incrementally, and keeps the target dir from
/// ever mixing two copies of the workspace at different paths.
///
/// Why not inside the repository (`.git/trim-history`): cargo looks for a
/// workspace root and `.cargo/config.toml` in every parent directory, so a
/// worktree nested in the user's checkout would pick up the user's (current,
/// not the replayed commit's) manifest and configuration. The default root is
/// `<user cache>/trim/history/<64-bit FNV-1a of the repository's git directory>`.
///
/// Why private (`PrivateDirectory`): the replay deletes and builds inside the
/// root and preloads a library from it, so a root someone else could have
/// planted (a symbolic link, another user's or a world-writable directory)
/// is refused before anything is touched.
public struct ScratchSpace: Sendable {
    public let root: URL
    /// The directory the user chose or owns, above everything trim creates.
    public let trustedParent: URL

    /// A root given by the user (`--scratch`): its parent is trusted, the root must be private.
    public init(root: URL) {
        self.root = root.standardizedFileURL
        trustedParent = self.root.deletingLastPathComponent()
    }

    init(root: URL, trustedParent: URL) {
        self.root = root
        self.trustedParent = trustedParent
    }

    /// The default scratch space of the repository whose common git
    /// directory (`git rev-parse --git-common-dir`, absolute) is given.
    public static func `default`(gitCommonDirectory: String,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> ScratchSpace {
        let hash = String(FNV1a.hash(gitCommonDirectory), radix: 16)
        let name = String(repeating: "0", count: 16 - hash.count) + hash
        return ScratchSpace(
            root: UserCache.trimDirectory(environment: environment).appendingPathComponent("history")
                .appendingPathComponent(name),
            trustedParent: UserCache.base(environment: environment))
    }

    /// Creates the root (`0700`) and every directory trim makes above it, or
    /// refuses them when they are not private to the user.
    public func preparePrivately() throws(HistoryError) {
        do { _ = try PrivateDirectory.prepare(root, below: trustedParent) } catch { throw .notPrivate(error) }
    }

    public var worktree: URL { root.appendingPathComponent("worktree") }
    public var targetDirectory: URL { root.appendingPathComponent("target") }
    public var database: URL { root.appendingPathComponent("trim.db") }
    public var mutantDatabase: URL { root.appendingPathComponent("mutant.db") }
    /// Where `--fixed-random`'s library is built (kept between replays).
    public var fixedRandomDirectory: URL { root.appendingPathComponent("fixed-random") }
    var lockFile: URL { root.appendingPathComponent("lock") }

    /// Deletes an SQLite database with its WAL and shared-memory files.
    static func removeDatabase(_ url: URL) {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: url.path + suffix)
        }
    }

    /// Copies a closed SQLite database (and its WAL, if one was left) to `destination`.
    static func copyDatabase(_ source: URL, to destination: URL) throws(HistoryError) {
        removeDatabase(destination)
        do {
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: source.path + suffix) {
                try FileManager.default.copyItem(atPath: source.path + suffix, toPath: destination.path + suffix)
            }
        } catch {
            throw .setup("cannot copy \(source.path) to \(destination.path): \(error)")
        }
    }
}

/// An exclusive lock on the scratch space, held until released.
final class ScratchLock {
    private var descriptor: Int32

    init(_ space: ScratchSpace) throws(HistoryError) {
        try space.preparePrivately()
        descriptor = open(space.lockFile.path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .setup("cannot open \(space.lockFile.path): errno \(errno)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .scratchBusy(path: space.root.path)
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

/// The detached worktree in the scratch space.
struct ScratchWorktree {
    let repository: Git
    let space: ScratchSpace
    var git: Git { Git(directory: space.worktree) }

    /// Adds the worktree at its fixed path (reusing it when it is already
    /// this repository's), detached at `commit`.
    func prepare(at commit: String) throws(HistoryError) {
        let path = space.worktree
        let commonDirectory = try repository.line(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        if FileManager.default.fileExists(atPath: path.path) {
            let theirs = git.attempt(["rev-parse", "--path-format=absolute", "--git-common-dir"])?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let top = git.attempt(["rev-parse", "--show-toplevel"])?.trimmingCharacters(in: .whitespacesAndNewlines)
            if theirs == commonDirectory, top.map({ URL(fileURLWithPath: $0).standardizedFileURL })
                == path.standardizedFileURL
            {
                try checkout(commit)
                return
            }
            do { try FileManager.default.removeItem(at: path) } catch {
                throw .setup("cannot remove the stale scratch worktree \(path.path): \(error)")
            }
        }
        // --force: the path may still be registered from a replay that was killed (its directory gone).
        try repository.run(["worktree", "add", "--detach", "--force", path.path, commit])
    }

    /// Checks `commit` out, discarding whatever a previous step left.
    func checkout(_ commit: String) throws(HistoryError) {
        try git.run(["checkout", "--detach", "--force", "--quiet", commit])
        try git.run(["clean", "-ffdxq"])
    }

    /// Unregisters and deletes the worktree (the target dir and databases stay).
    /// No `git worktree prune`: that would also drop the user's own stale worktrees.
    func remove() {
        _ = repository.attempt(["worktree", "remove", "--force", "--force", space.worktree.path])
        try? FileManager.default.removeItem(at: space.worktree)
    }
}

enum FNV1a {
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
