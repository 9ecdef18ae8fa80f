import BlockIR
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Content hashes of unit bitcode files, remembered by the file's identity:
/// device, inode, size and modification time to the nanosecond, never by its
/// name. rustc gives every unit a new name on every call, but a unit it
/// reuses from its incremental cache is a hard link to the same inode, with
/// the same modification time; a unit it writes anew is a new inode. So the
/// hundreds of units a one-line change leaves alone are not read again.
final class UnitHashMemo: @unchecked Sendable {
    private let file: URL
    private let lock = NSLock()
    private var known: [String: (hash: String, size: Int)] = [:]
    private var used: Set<String> = []
    private var read = 0
    /// How many files this memo read and hashed (not served from memory).
    var filesRead: Int { lock.withLock { read } }

    /// Read on another thread: the run starts cargo meanwhile, and needs
    /// the memo only once a crate is built.
    private let loading = DispatchGroup()

    /// The memo's file format: one `stamp \t size \t hash` a line; a line of
    /// any other shape (an older trim's, keyed by path) is ignored.
    init(file: URL) {
        self.file = file
        loading.enter()
        DispatchQueue.global().async { [self] in
            defer { loading.leave() }
            guard let data = FileManager.default.contents(atPath: file.path) else { return }
            var read: [String: (hash: String, size: Int)] = [:]
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard parts.count == 3, parts[0].hasPrefix("dev"), let size = Int(parts[1]) else { continue }
                read[String(parts[0])] = (String(parts[2]), size)
            }
            lock.withLock { known = read }  // nothing reads or adds before `loading` ends
        }
    }

    static func stamp(_ path: String) -> (stamp: String, size: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return ("dev\(info.st_dev):\(info.st_ino):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)", Int(info.st_size))
    }

    /// The file, its hash from the memo when a file of the same identity was
    /// hashed before, else read and hashed.
    func bitcodeFile(_ path: String) throws(BlockIRError) -> BitcodeFile {
        loading.wait()
        let stamp = Self.stamp(path)
        if let stamp, let entry = lock.withLock({ known[stamp.stamp] }), entry.size == stamp.size {
            lock.withLock { _ = used.insert(stamp.stamp) }
            return BitcodeFile(path: path, size: entry.size, contentHash: entry.hash)
        }
        let file = try BitcodeFile(path: path)
        lock.withLock { read += 1 }
        // Stamped again after reading: a file replaced meanwhile is not remembered under either identity.
        if let stamp, let after = Self.stamp(path), after == stamp, after.size == file.size {
            lock.withLock {
                known[stamp.stamp] = (file.contentHash, file.size)
                used.insert(stamp.stamp)
            }
        }
        return file
    }

    /// Writes the entries used this run (older files' are dropped). Failing to save is not an error.
    func save() {
        loading.wait()
        let text = lock.withLock {
            used.sorted().compactMap { stamp in known[stamp].map { "\(stamp)\t\($0.size)\t\($0.hash)\n" } }.joined()
        }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.path + ".\(getpid()).tmp"
        guard (try? Data(text.utf8).write(to: URL(fileURLWithPath: temporary))) != nil else { return }
        if rename(temporary, file.path) != 0 { unlink(temporary) }
    }
}
