#if canImport(Glibc)
import Glibc
#endif

/// The bitcode files of one crate's codegen units from its latest rustc
/// call, as the wrapper records them beside the crate's outputs.
///
/// rustc names them `<stem>.<unit>.<session>.rcgu.bc`; the session part
/// changes on every call, so older calls' files stay in `deps/`. Only this
/// record says which are current: a listing of `deps/` never does.
public enum UnitFiles {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// `<stem>.trim-units`: one file name per line, beside the crate's outputs.
    public static func recordName(stem: String) -> String { stem + ".trim-units" }

    /// Whether `name` is a unit bitcode file of the crate output `stem`:
    /// `<stem>.<unit>.<session>.rcgu.bc`, or `<stem>.bc` when rustc builds
    /// the crate as one unit (`TRIM_CODEGEN_UNITS=1`), rewritten in place.
    public static func isUnitFile(_ name: String, stem: String) -> Bool {
        // Compared in place, no string made: asked of every file of `deps/`.
        let bytes = name.utf8, stemBytes = stem.utf8
        guard bytes.starts(with: stemBytes) else { return false }
        let rest = bytes.dropFirst(stemBytes.count)
        return rest.elementsEqual(".bc".utf8)
            || (rest.first == UInt8(ascii: ".") && rest.count >= 8 && rest.suffix(8).elementsEqual(".rcgu.bc".utf8))
    }

    /// The unit files of `stem` in `directory` now (none when it cannot be read).
    public static func list(in directory: String, stem: String) -> Set<String> {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names = Set<String>()
        let prefix = Array(stem.utf8CString.dropLast())  // without its NUL
        while let entry = readdir(stream) {
            // `deps/` holds every crate's files: a name is made only of those that start with the stem.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String? in
                let bytes = raw.bindMemory(to: CChar.self).baseAddress!
                guard strncmp(bytes, prefix, prefix.count) == 0 else { return nil }
                return String(cString: bytes)
            }
            if let name, isUnitFile(name, stem: stem) { names.insert(name) }
        }
        return names
    }

    /// The one file of a crate rustc builds as one unit, rewritten in place.
    public static func wholeCrateFile(stem: String) -> String { stem + ".bc" }

    /// Of the unit files `before` a call, those no record names: an older
    /// call's, never read again, so removable while the call runs. Never
    /// `wholeCrateFile`, which the call may be rewriting.
    public static func stale(_ before: Set<String>, in directory: String, stem: String) -> [String] {
        let recorded = Set(readList(directory + "/" + recordName(stem: stem)) ?? [])
        return before.filter { !recorded.contains($0) && $0 != wholeCrateFile(stem: stem) }.sorted()
    }

    /// Replaces the record atomically: a reader sees the old list or the new one.
    public static func writeRecord(_ names: [String], outDirectory: String, stem: String) throws(WriteError) {
        try writeList(names, to: outDirectory + "/" + recordName(stem: stem))
    }

    /// The names a list file holds (`writeList`), nil when it cannot be read.
    public static func readList(_ path: String) -> [String]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes one name a line, sorted, atomically (a temporary file renamed).
    static func writeList(_ names: [String], to path: String) throws(WriteError) {
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: temporary, reason: String(cString: strerror(errno))) }
        do {
            try writeAll(Array(names.sorted().map { $0 + "\n" }.joined().utf8), to: descriptor, path: temporary)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(WriteError) {
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, reason: String(cString: strerror(errno)))
            }
            done += written
        }
    }
}
