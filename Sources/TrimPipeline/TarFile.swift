import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A POSIX ustar file as trim writes and reads its archives: regular files
/// and directories only. Reading checks every header's checksum, stops at the
/// first problem with the byte offset, and never writes outside the directory
/// it extracts into (an absolute name, a `..` component, a link or device
/// entry, or a name given twice is refused before anything is written for it).
enum TarFile {
    static let blockSize = 512

    /// What went wrong, without the archive's path (the caller names it).
    struct Problem: Error, CustomStringConvertible {
        var description: String
        /// The bytes stopped before the archive did (a decompressor's failure may explain why).
        var endedEarly = false
        init(_ description: String, endedEarly: Bool = false) {
            self.description = description
            self.endedEarly = endedEarly
        }
    }

    /// Writes entries one after another; `finish` adds the end-of-archive blocks.
    final class Writer {
        private let handle: FileHandle

        init(creating url: URL) throws(Problem) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw Problem("cannot create \(url.path)")
            }
            do { handle = try FileHandle(forWritingTo: url) } catch { throw Problem("cannot open \(url.path): \(error)") }
        }

        func add(name: String, data: Data, mode: Int = 0o644) throws(Problem) {
            try write(try TarFile.header(name: name, size: data.count, mode: mode, directory: false))
            try write(data)
            try write(Data(count: TarFile.padding(data.count)))
        }

        /// Copies `source` into the archive under `name`, keeping its executable bits.
        func add(name: String, file source: URL) throws(Problem) {
            let attributes: [FileAttributeKey: Any]
            do { attributes = try FileManager.default.attributesOfItem(atPath: source.path) } catch {
                throw Problem("cannot read \(source.path): \(error.localizedDescription)")
            }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            let mode = ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o644) & 0o755
            let input: FileHandle
            do { input = try FileHandle(forReadingFrom: source) } catch {
                throw Problem("cannot read \(source.path): \(error.localizedDescription)")
            }
            defer { try? input.close() }
            try write(try TarFile.header(name: name, size: size, mode: mode, directory: false))
            var remaining = size
            while remaining > 0 {
                let chunk: Data
                do { chunk = try input.read(upToCount: min(remaining, 1 << 20)) ?? Data() } catch {
                    throw Problem("cannot read \(source.path): \(error.localizedDescription)")
                }
                guard !chunk.isEmpty else { throw Problem("\(source.path) changed size while being archived") }
                try write(chunk)
                remaining -= chunk.count
            }
            try write(Data(count: TarFile.padding(size)))
        }

        func finish() throws(Problem) {
            try write(Data(count: 2 * TarFile.blockSize))
            do { try handle.close() } catch { throw Problem("cannot write the archive: \(error.localizedDescription)") }
        }

        private func write(_ data: Data) throws(Problem) {
            do { try handle.write(contentsOf: data) } catch {
                throw Problem("cannot write the archive: \(error.localizedDescription)")
            }
        }
    }

    static func padding(_ size: Int) -> Int { (blockSize - size % blockSize) % blockSize }

    /// A ustar header; names over 100 bytes are split into prefix and name at a `/`.
    static func header(name: String, size: Int, mode: Int, directory: Bool) throws(Problem) -> Data {
        let bytes = Array(name.utf8)
        var prefix: [UInt8] = [], base = bytes
        if bytes.count > 100 {
            guard let cut = bytes.indices.reversed().first(where: {
                bytes[$0] == UInt8(ascii: "/") && $0 <= 155 && bytes.count - $0 - 1 <= 100
            }) else { throw Problem("the name \(name) is too long for a tar header") }
            prefix = Array(bytes[..<cut])
            base = Array(bytes[(cut + 1)...])
        }
        var header = [UInt8](repeating: 0, count: blockSize)
        func put(_ field: [UInt8], at offset: Int) { header.replaceSubrange(offset..<(offset + field.count), with: field) }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(base, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        header[156] = directory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(prefix, at: 345)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return Data(header)
    }

    /// Extracts every entry under `directory` (which must exist); returns the
    /// names of the files written, in archive order.
    static func extract(_ url: URL, into directory: URL) throws(Problem) -> [String] {
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: url) } catch {
            throw Problem("cannot read it: \(error.localizedDescription)")
        }
        defer { try? input.close() }
        return try extract(from: input, into: directory)
    }

    /// `extract` from a stream (a file or a pipe), read up to the end-of-archive marker.
    static func extract(from input: FileHandle, into directory: URL) throws(Problem) -> [String] {
        var offset = 0
        var names: [String] = []
        var seen = Set<String>()
        func read(_ count: Int, what: String) throws(Problem) -> Data {
            var data = Data()
            while data.count < count {  // a pipe gives what it has
                let chunk: Data
                do { chunk = try input.read(upToCount: count - data.count) ?? Data() } catch {
                    throw Problem("cannot read it at byte \(offset + data.count): \(error.localizedDescription)")
                }
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            guard data.count == count else {
                if offset == 0 { throw Problem("it is not a tar archive (shorter than one tar header)", endedEarly: true) }
                throw Problem("it is truncated: it ends at byte \(offset + data.count), inside \(what)", endedEarly: true)
            }
            offset += count
            return data
        }
        while true {
            let block = try read(blockSize, what: "a header (the end-of-archive marker is missing)")
            if block.allSatisfy({ $0 == 0 }) { return names }
            let entry = try parseHeader([UInt8](block), at: offset - blockSize)
            guard seen.insert(entry.name).inserted else {
                throw Problem("the entry \(entry.name) appears twice (byte \(offset - blockSize))")
            }
            let target = directory.appendingPathComponent(entry.name)
            if entry.directory {
                do { try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true) } catch {
                    throw Problem("cannot create \(target.path): \(error.localizedDescription)")
                }
                continue
            }
            do {
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
            } catch { throw Problem("cannot create \(target.deletingLastPathComponent().path): \(error.localizedDescription)") }
            let fd = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(entry.mode))
            guard fd >= 0 else {
                throw Problem("cannot create \(target.path) for the entry \(entry.name): \(String(cString: strerror(errno)))")
            }
            let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            var remaining = entry.size
            while remaining > 0 {
                let chunk = try read(min(remaining, 1 << 20), what: "the entry \(entry.name)")
                do { try output.write(contentsOf: chunk) } catch {
                    throw Problem("cannot write \(target.path): \(error.localizedDescription)")
                }
                remaining -= chunk.count
            }
            _ = try read(padding(entry.size), what: "the padding of \(entry.name)")
            names.append(entry.name)
        }
    }

    struct Header {
        var name: String
        var size: Int
        var mode: Int
        var directory: Bool
    }

    /// A header checked: checksum, magic, entry type and a name that stays inside.
    static func parseHeader(_ block: [UInt8], at offset: Int) throws(Problem) -> Header {
        func field(_ start: Int, _ length: Int) -> [UInt8] {
            Array(block[start..<(start + length)].prefix { $0 != 0 })
        }
        func number(_ start: Int, _ length: Int) -> Int? {
            let text = String(decoding: field(start, length), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return Int(text, radix: 8)
        }
        guard Array(block[257..<262]) == Array("ustar".utf8) else {
            throw Problem("it is not a tar archive (no ustar header at byte \(offset))")
        }
        var sum = 0
        for (index, byte) in block.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        guard let recorded = number(148, 8), recorded == sum else {
            throw Problem("it is corrupt: the header at byte \(offset) fails its checksum")
        }
        guard let size = number(124, 12), size >= 0, let mode = number(100, 8) else {
            throw Problem("it is corrupt: the header at byte \(offset) has no valid size or mode")
        }
        let base = String(decoding: field(0, 100), as: UTF8.self)
        let prefix = String(decoding: field(345, 155), as: UTF8.self)
        let name = prefix.isEmpty ? base : prefix + "/" + base
        let type = block[156]
        let directory = type == UInt8(ascii: "5")
        guard directory || type == UInt8(ascii: "0") || type == 0 else {
            throw Problem("the entry \(name) is a \(typeName(type)), not a file or directory; trim archives hold neither links nor devices")
        }
        try checkName(name)
        return Header(name: name.hasSuffix("/") ? String(name.dropLast()) : name, size: directory ? 0 : size,
                      mode: mode & 0o755, directory: directory)
    }

    /// Relative, and without `..`: the entry lands inside the extraction directory.
    static func checkName(_ name: String) throws(Problem) {
        guard !name.isEmpty else { throw Problem("an entry has an empty name") }
        guard !name.hasPrefix("/") else {
            throw Problem("the entry \(name) has an absolute path; refusing to write outside the extraction directory")
        }
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains(".."), !parts.isEmpty else {
            throw Problem("the entry \(name) climbs out with `..`; refusing to write outside the extraction directory")
        }
    }

    static func typeName(_ type: UInt8) -> String {
        switch type {
        case UInt8(ascii: "1"): return "hard link"
        case UInt8(ascii: "2"): return "symbolic link"
        case UInt8(ascii: "3"), UInt8(ascii: "4"): return "device"
        case UInt8(ascii: "6"): return "FIFO"
        default: return "entry of type '\(String(UnicodeScalar(type)))'"
        }
    }
}
