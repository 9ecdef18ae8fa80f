import Foundation

/// A bitcode file's bytes checked for the cheap failures (missing, empty, not
/// bitcode) before LLVM sees them, and their content hash.
public struct BitcodeFile: Sendable {
    public let path: String
    /// BLAKE3 of the bytes, hex: the cache key and the "unchanged" test.
    public let contentHash: String
    public let size: Int

    /// A file whose hash is already known (its stat unchanged since it was hashed).
    public init(path: String, size: Int, contentHash: String) {
        self.path = path
        self.size = size
        self.contentHash = contentHash
    }

    public init(path: String) throws(BlockIRError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .unreadable(path: path, reason: "is a directory") }
        if let kind = Self.specialFileKind(path) { throw .notRegularFile(path: path, kind: kind) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard !data.isEmpty else { throw .empty(path: path) }
        let isBitcode = data.withUnsafeBytes { raw -> Bool in
            guard raw.count >= 4 else { return false }
            let head = Array(raw.prefix(4))
            return head == [0x42, 0x43, 0xC0, 0xDE] || head == [0xDE, 0xC0, 0x17, 0x0B]
        }
        guard isBitcode else { throw .notBitcode(path: path) }
        self.size = data.count
        self.contentHash = ContentHash.of(data)
    }

    /// What `path` is (links followed) when it is neither a regular file nor a directory.
    static func specialFileKind(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }
}
