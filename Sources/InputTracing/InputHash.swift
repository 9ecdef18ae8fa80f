import BlockIR
import Foundation
import TrimModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hashes of file contents, listings and variable values: one
/// definition for recording and for comparing.
///
/// Hashes are remembered for the life of the process: a value by its text; a
/// file or listing by its stat identity (device, inode, size, modification
/// and change times) — and only once that identity is more than two seconds
/// old when hashed, as git treats "racily clean" files, since a change within
/// the file system's timestamp granularity could keep the identity.
public enum InputHash {
    /// BLAKE3 of a regular file's bytes (following symbolic links), else
    /// `missing`, `directory`, `unreadable` or `special` (a device, a socket, a fifo).
    public static func file(atPath path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? TestInputs.missing : "unreadable"
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return TestInputs.directory
        case S_IFREG:
            return HashCache.shared.hash(of: info, listing: false) { ContentHash.of(file: path) ?? "unreadable" }
        default: return "special"
        }
    }

    /// BLAKE3 of a directory's entry names (sorted, one per line, a `/`
    /// after subdirectories), else `missing`, `not-a-directory` or `unreadable`.
    public static func listing(atPath path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? TestInputs.missing : "unreadable"
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "not-a-directory" }
        return HashCache.shared.hash(of: info, listing: true) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return "unreadable" }
            let lines = names.sorted().map { name -> String in
                var entry = stat()
                let isDirectory = stat(path + "/" + name, &entry) == 0 && entry.st_mode & S_IFMT == S_IFDIR
                return isDirectory ? name + "/" : name
            }
            return ContentHash.of(Data(lines.joined(separator: "\n").utf8))
        }
    }

    /// BLAKE3 of a value's UTF-8 bytes, `unset` for nil.
    public static func value(_ value: String?) -> String {
        guard let value else { return TestInputs.unset }
        return HashCache.shared.hash(of: value) { ContentHash.of(Data(value.utf8)) }
    }

    /// BLAKE3 of every tracked variable, sorted by name (`NAME=value`, NUL-separated).
    public static func environment(_ environment: [String: String], filter: InputFilter) -> String {
        let entries = environment.filter { filter.tracks(variable: $0.key) }.sorted { $0.key < $1.key }
        return value(entries.map { "\($0.key)=\($0.value)" }.joined(separator: "\0"))
    }
}

/// Hashes already computed in this process.
final class HashCache: @unchecked Sendable {
    static let shared = HashCache()

    struct FileKey: Hashable {
        var device: UInt64, inode: UInt64, size: Int64
        var modified: Int64, modifiedNanoseconds: Int64, changed: Int64, changedNanoseconds: Int64
        var listing: Bool
    }

    private let lock = NSLock()
    private var files: [FileKey: String] = [:]
    private var values: [String: String] = [:]

    func hash(of value: String, compute: () -> String) -> String {
        if let known = lock.withLock({ values[value] }) { return known }
        let hash = compute()
        lock.withLock { values[value] = hash }
        return hash
    }

    func hash(of info: stat, listing: Bool, compute: () -> String) -> String {
        let key = FileKey(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec), changedNanoseconds: Int64(info.st_ctim.tv_nsec),
            listing: listing)
        if let known = lock.withLock({ files[key] }) { return known }
        let hash = compute()
        // Racily clean: changed within two seconds of now, so a later change might keep this identity.
        let now = Int64(Date().timeIntervalSince1970)
        if max(key.modified, key.changed) + 2 < now { lock.withLock { files[key] = hash } }
        return hash
    }
}
