import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file as the file system knows it: device, inode, size and modification
/// time. A rebuilt test binary differs in at least one of them, so a result
/// is recorded only when the binary that produced it is the one built.
public struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// nil when the file cannot be looked at (it is gone).
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
    }

    /// The same file, whatever was written into it since.
    func isSameFile(as other: FileIdentity) -> Bool { device == other.device && inode == other.inode }
}
