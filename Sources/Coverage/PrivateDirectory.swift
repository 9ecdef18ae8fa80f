import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where trim keeps code it loads into test processes (the coverage runtime,
/// the input tracer): it must be the user's own, or anyone who can write there
/// runs code in every test.
enum PrivateDirectory {
    /// Creates `root` (mode 0700) when missing.
    static func prepare(_ root: URL) throws(CachedNativeBuild.Failure) {
        var info = stat()
        if lstat(root.path, &info) == 0 { return }
        do {
            try FileManager.default.createDirectory(at: root.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .cacheUnwritable(path: root.path, reason: "\(error.localizedDescription)")
        }
        guard mkdir(root.path, 0o700) == 0 || errno == EEXIST else {
            throw .cacheUnwritable(path: root.path, reason: String(cString: strerror(errno)))
        }
    }

    /// `path` and every directory from `root` down to it are owned by this
    /// user and writable by no one else.
    static func verify(_ path: URL, under root: URL) throws(CachedNativeBuild.Failure) {
        let rootPath = root.standardizedFileURL.path
        var current = path.standardizedFileURL
        var chain: [String] = [current.path]
        while current.path.count > rootPath.count, current.path.hasPrefix(rootPath) {
            current = current.deletingLastPathComponent()
            chain.append(current.path)
        }
        for item in chain {
            var info = stat()
            guard lstat(item, &info) == 0 else {
                throw .cacheUnwritable(path: item, reason: String(cString: strerror(errno)))
            }
            if info.st_uid != getuid() {
                throw .cacheUnwritable(path: item, reason: "owned by uid \(info.st_uid), not by you (uid \(getuid())); "
                    + "trim loads code from here: remove it or point TRIM_CACHE_DIR elsewhere")
            }
            if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
                throw .cacheUnwritable(path: item, reason: "writable by group or others (mode "
                    + String(info.st_mode & 0o7777, radix: 8) + "); trim loads code from here: chmod go-w it")
            }
        }
    }
}
