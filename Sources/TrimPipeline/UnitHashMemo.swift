import BlockIR
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Content hashes of unit bitcode files, remembered by path, size, inode and
/// modification time: rustc writes each unit under a new name whenever it
/// writes it, so a file seen before with the same stat has the same bytes,
/// and the hundreds of units a one-line change leaves alone are not read again.
final class UnitHashMemo: @unchecked Sendable {
    private let file: URL
    private let lock = NSLock()
    private var known: [String: (stamp: String, hash: String, size: Int)] = [:]
    private var used: Set<String> = []

    init(file: URL) {
        self.file = file
        guard let data = FileManager.default.contents(atPath: file.path) else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 4, let size = Int(parts[2]) else { continue }
            known[String(parts[0])] = (String(parts[1]), String(parts[3]), size)
        }
    }

    private static func stamp(_ path: String) -> (stamp: String, size: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return ("\(info.st_ino):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)", Int(info.st_size))
    }

    /// The file, its hash from the memo when its stat is unchanged, else read and hashed.
    func bitcodeFile(_ path: String) throws(BlockIRError) -> BitcodeFile {
        let stamp = Self.stamp(path)
        if let stamp, let entry = lock.withLock({ known[path] }), entry.stamp == stamp.stamp, entry.size == stamp.size {
            lock.withLock { _ = used.insert(path) }
            return BitcodeFile(path: path, size: entry.size, contentHash: entry.hash)
        }
        let file = try BitcodeFile(path: path)
        if let stamp {
            lock.withLock {
                known[path] = (stamp.stamp, file.contentHash, file.size)
                used.insert(path)
            }
        }
        return file
    }

    /// Writes the entries used this run (older files' are dropped). Failing to save is not an error.
    func save() {
        let text = lock.withLock {
            used.sorted().compactMap { path in known[path].map { "\(path)\t\($0.stamp)\t\($0.size)\t\($0.hash)\n" } }
                .joined()
        }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.path + ".\(getpid()).tmp"
        guard (try? Data(text.utf8).write(to: URL(fileURLWithPath: temporary))) != nil else { return }
        if rename(temporary, file.path) != 0 { unlink(temporary) }
    }
}
