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
    private var known: [Identity: (hash: String, size: Int)] = [:]
    private var used: Set<Identity> = []
    private var read = 0
    /// How many files this memo read and hashed (not served from memory).
    var filesRead: Int { lock.withLock { read } }

    /// Read on another thread: the run starts cargo meanwhile, and needs
    /// the memo only once a crate is built.
    private let loading = DispatchGroup()

    /// A file's identity as `stat` gives it. Numbers, not the text the memo's
    /// file holds: every unit of every crate is looked up twice a run, and
    /// formatting its text cost more than the `stat`.
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
        var seconds: Int
        var nanoseconds: Int

        /// `dev<device>:<inode>:<seconds>.<nanoseconds>`, as the memo's file writes it.
        var text: String { "dev\(device):\(inode):\(seconds).\(nanoseconds)" }

        init(device: UInt64, inode: UInt64, seconds: Int, nanoseconds: Int) {
            (self.device, self.inode, self.seconds, self.nanoseconds) = (device, inode, seconds, nanoseconds)
        }

        /// From the memo's text of an identity (`text`); nil for any other shape.
        init?<Bytes: Collection<UInt8>>(text: Bytes) {
            guard text.starts(with: "dev".utf8) else { return nil }
            let fields = text.dropFirst(3).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard fields.count == 3 else { return nil }
            let time = fields[2].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard time.count == 2, let device = DecimalText.unsigned(fields[0]), let inode = DecimalText.unsigned(fields[1]),
                let seconds = DecimalText.signed(time[0]), let nanoseconds = DecimalText.signed(time[1])
            else { return nil }
            self.init(device: device, inode: inode, seconds: seconds, nanoseconds: nanoseconds)
        }
    }

    /// Decimal numbers read from the memo's bytes, without making strings:
    /// the memo holds a line for every unit of every crate.
    enum DecimalText {
        static func unsigned<Bytes: Collection<UInt8>>(_ digits: Bytes) -> UInt64? {
            guard !digits.isEmpty, digits.count <= 20 else { return nil }
            var value: UInt64 = 0
            for digit in digits {
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
                let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                guard !overflowTimes, !overflowSum else { return nil }
                value = sum
            }
            return value
        }

        static func signed<Bytes: Collection<UInt8>>(_ text: Bytes) -> Int? {
            let negative = text.first == UInt8(ascii: "-")
            guard let magnitude = unsigned(negative ? text.dropFirst() : text[...]),
                magnitude <= UInt64(Int.max)
            else { return nil }
            return negative ? -Int(magnitude) : Int(magnitude)
        }
    }

    /// The memo's file format: one `identity \t size \t hash` a line; a line of
    /// any other shape (an older trim's, keyed by path) is ignored.
    init(file: URL) {
        self.file = file
        loading.enter()
        DispatchQueue.global().async { [self] in
            defer { loading.leave() }
            guard let data = FileManager.default.contents(atPath: file.path) else { return }
            var read: [Identity: (hash: String, size: Int)] = [:]
            let bytes = [UInt8](data)
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                let parts = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                guard parts.count == 3, let identity = Identity(text: parts[0]), let size = DecimalText.signed(parts[1])
                else { continue }
                read[identity] = (String(decoding: parts[2], as: UTF8.self), size)
            }
            lock.withLock { known = read }  // nothing reads or adds before `loading` ends
        }
    }

    static func stamp(_ path: String) -> (identity: Identity, size: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), seconds: info.st_mtim.tv_sec,
                         nanoseconds: info.st_mtim.tv_nsec), Int(info.st_size))
    }

    /// The file, its hash from the memo when a file of the same identity was
    /// hashed before, else read and hashed.
    func bitcodeFile(_ path: String) throws(BlockIRError) -> BitcodeFile {
        loading.wait()
        let stamp = Self.stamp(path)
        if let stamp {
            let entry = lock.withLock { () -> (hash: String, size: Int)? in
                guard let entry = known[stamp.identity], entry.size == stamp.size else { return nil }
                used.insert(stamp.identity)
                return entry
            }
            if let entry { return BitcodeFile(path: path, size: entry.size, contentHash: entry.hash) }
        }
        let file = try BitcodeFile(path: path)
        lock.withLock { read += 1 }
        // Stamped again after reading: a file replaced meanwhile is not remembered under either identity.
        if let stamp, let after = Self.stamp(path), after == stamp, after.size == file.size {
            lock.withLock {
                known[stamp.identity] = (file.contentHash, file.size)
                used.insert(stamp.identity)
            }
        }
        return file
    }

    /// Writes the entries used this run (older files' are dropped). Failing to save is not an error.
    func save() {
        loading.wait()
        let entries = lock.withLock { used.compactMap { identity in known[identity].map { (identity.text, $0) } } }
        let text = entries.sorted { $0.0 < $1.0 }.map { "\($0.0)\t\($0.1.size)\t\($0.1.hash)\n" }.joined()
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.path + ".\(getpid()).tmp"
        guard (try? Data(text.utf8).write(to: URL(fileURLWithPath: temporary))) != nil else { return }
        if rename(temporary, file.path) != 0 { unlink(temporary) }
    }
}
