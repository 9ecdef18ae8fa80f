import Foundation
import LockedValues
import PrivateFiles

/// Fingerprints on disk, keyed by the content hash of the bitcode they came
/// from (and the reader's version), so an unchanged file is never parsed twice.
public struct FingerprintCache: Sendable {
    public let directory: URL
    /// Bumped whenever hashing or encoding changes meaning.
    static let formatVersion = "13"

    /// `$TRIM_CACHE_DIR`, else `$XDG_CACHE_HOME/trim`, else `~/.cache/trim`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["TRIM_CACHE_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.cache")
        return URL(fileURLWithPath: base).appendingPathComponent("trim")
    }

    public init(directory: URL) {
        self.directory = directory.appendingPathComponent("fingerprints")
    }

    public func entry(for file: BitcodeFile) -> URL {
        URL(fileURLWithPath: entryPath(for: file))
    }

    /// `entry(for:)` as a path: asked for every unit of every merged crate.
    public func entryPath(for file: BitcodeFile) -> String {
        directory.path + "/\(file.contentHash)-f\(Self.formatVersion)-llvm\(ReaderVersion.llvm).fp"
    }

    /// Where the file's block lines (`BlockLines`, for the editor) are kept.
    public func linesEntry(for file: BitcodeFile) -> URL {
        directory.appendingPathComponent(
            "\(file.contentHash)-l\(BlockLinesCodec.formatVersion)-llvm\(ReaderVersion.llvm).lines")
    }

    /// The cached fingerprint, or nil when absent or unreadable (a damaged
    /// entry is removed and recomputed, never trusted).
    public func load(_ file: BitcodeFile) -> ModuleFingerprint? {
        Self.decode(entryPath(for: file), FingerprintCodec.decode)
    }

    /// The cached block lines, or nil as for `load`.
    public func loadLines(_ file: BitcodeFile) -> BlockLines? {
        Self.decode(linesEntry(for: file).path, BlockLinesCodec.decode)
    }

    private static func decode<T>(_ path: String, _ decoder: (UnsafeRawBufferPointer) throws -> T) -> T? {
        // Read, not mapped: an entry is small, and unmapping it in a process
        // with many threads costs every core a TLB flush.
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try data.withUnsafeBytes { try decoder($0) }
        } catch {
            unlink(path)
            return nil
        }
    }

    public func prepare() throws(BlockIRError) {
        do {
            // The cache root (also home of the compiled coverage runtime, which
            // is trusted only in a private directory) and the cache, both 0700
            // whatever the umask; directories above them as the umask says.
            let root = directory.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: root.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            for private_ in [root, directory] where mkdir(private_.path, 0o700) != 0 && errno != EEXIST {
                throw BlockIRError.unreadable(path: private_.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            throw .unreadable(path: directory.path, reason: "cannot create the fingerprint cache: \(error)")
        }
        if Self.swept.update({ $0.insert(directory.path).inserted }) { removeAbandonedFiles() }
    }

    /// The cache directories this process swept for abandoned files: once
    /// each. A sweep reads the whole directory (an entry for every unit ever
    /// read: thousands), and every crate with units to read prepares the
    /// cache; what a killed trim leaves meanwhile waits for the next process.
    private static let swept = LockedBox<Set<String>>([])

    /// Removes what killed readers left: `.<entry>.<pid>.<random>.err` (a
    /// worker's messages, written for trim's pid) and `.<entry>.<pid>.tmp`
    /// (a worker's unfinished answer).
    @discardableResult
    public func removeAbandonedFiles() -> [URL] {
        Leftovers.sweep(directory) { name in
            guard name.hasPrefix(".") else { return nil }
            let parts = name.split(separator: ".")
            if name.hasSuffix(".err"), parts.count >= 4 { return pid_t(parts[parts.count - 3]) }
            if name.hasSuffix(".tmp"), parts.count >= 3 { return pid_t(parts[parts.count - 2]) }
            return nil
        }
    }
}
