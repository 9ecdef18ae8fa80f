import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A directory only the current user can change: every directory trim
/// creates for itself (from just below a parent the user chose down to this
/// one) is created `0700`, and refused when it is a symbolic link, owned by
/// another user or writable by group or others. Whatever is inside such a
/// directory was put there by the user (or root), so files found there can be
/// trusted once they pass `checkFile` too.
public struct PrivateDirectory: Sendable {
    public let url: URL

    /// `url`, made private: each directory below `trustedParent` down to
    /// `url` is created `0700` when missing and checked when present.
    /// `trustedParent` itself (the user's cache base, the target dir, the
    /// parent of a directory given on the command line) is taken as it is,
    /// symbolic links in it included, and created when missing.
    public static func prepare(_ url: URL, below trustedParent: URL) throws(PrivacyError) -> PrivateDirectory {
        let base = trustedParent.standardizedFileURL.path
        let target = url.standardizedFileURL.path
        let relative: [String]
        if target.hasPrefix(base.hasSuffix("/") ? base : base + "/") {
            relative = target.dropFirst(base.count).split(separator: "/").map(String.init)
        } else {
            return try prepare(url)
        }
        if !FileManager.default.fileExists(atPath: base) {
            do {
                try FileManager.default.createDirectory(
                    atPath: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotCreate(path: base, reason: "\(error.localizedDescription)")
            }
        }
        var path = base
        for component in relative {
            path = path == "/" ? "/" + component : path + "/" + component
            try makeOrCheck(path)
        }
        return PrivateDirectory(url: URL(fileURLWithPath: target))
    }

    /// `url` made private, its parent taken as it is.
    public static func prepare(_ url: URL) throws(PrivacyError) -> PrivateDirectory {
        let standardized = url.standardizedFileURL
        return try prepare(standardized, below: standardized.deletingLastPathComponent())
    }

    /// The subdirectory `name`, made private.
    public func subdirectory(_ name: String) throws(PrivacyError) -> PrivateDirectory {
        try Self.prepare(url.appendingPathComponent(name), below: url)
    }

    /// Refuses `url` unless it is a regular file (not a symbolic link) owned
    /// by the current user and not writable by group or others. Call it on
    /// a file in a private directory before loading, preloading or linking it.
    public static func checkFile(_ url: URL) throws(PrivacyError) {
        let status = try inspect(url.path)
        if status.st_mode & S_IFMT == S_IFLNK { throw .symbolicLink(path: url.path) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(path: url.path) }
        try checkOwnership(status, path: url.path)
    }

    private static func makeOrCheck(_ path: String) throws(PrivacyError) {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        let status = try inspect(path)
        if status.st_mode & S_IFMT == S_IFLNK { throw .symbolicLink(path: path) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path: path) }
        try checkOwnership(status, path: path)
    }

    private static func inspect(_ path: String) throws(PrivacyError) -> stat {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw .cannotInspect(path: path, reason: String(cString: strerror(errno)))
        }
        return status
    }

    private static func checkOwnership(_ status: stat, path: String) throws(PrivacyError) {
        let user = geteuid()
        guard status.st_uid == user else { throw .ownedByAnotherUser(path: path, owner: status.st_uid, user: user) }
        let mode = UInt32(status.st_mode) & 0o7777
        guard mode & 0o022 == 0 else { throw .writableByOthers(path: path, mode: mode) }
    }
}
