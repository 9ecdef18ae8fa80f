import Foundation
import TrimModel

/// The `strace -f` fallback, for what `LD_PRELOAD` cannot reach (statically
/// linked executables): the command line that wraps a test, and the parser
/// of what strace wrote.
///
/// strace sees system calls only: opens, stats, accesses, execs and connects,
/// but not `getenv` (a read of memory), so a test traced this way counts as
/// having read its whole environment (`TraceEvents.environmentUnknown`).
/// `-y` makes strace print the path behind every descriptor, the current
/// directory included (`AT_FDCWD</work/ws>`), so relative paths resolve
/// exactly; `--seccomp-bpf` stops the test only at the traced calls.
public struct StraceLog: Hashable, Sendable {
    /// The first process in the log: the test itself (strace is its parent).
    public var rootPID: Int32?
    /// Every process and thread seen.
    public var pids: Set<Int32>
    public var events: TraceEvents

    /// The system calls traced (`?`: not an error where the architecture lacks it).
    public static let syscalls = [
        "?open", "openat", "?stat", "?lstat", "newfstatat", "statx", "?access", "faccessat", "?faccessat2",
        "execve", "?execveat", "connect", "chdir",
    ]

    /// `strace ... -o output -- executable arguments...`.
    public static func command(strace: String, output: String, executable: String, arguments: [String])
        -> (executable: String, arguments: [String])
    {
        (
            strace,
            [
                "-f", "-qq", "--seccomp-bpf", "-y", "-s", "4096", "-e", "signal=none",
                "-e", "trace=" + syscalls.joined(separator: ","), "-o", output, "--", executable,
            ] + arguments
        )
    }

    /// Reads strace's output file. A missing or empty file is an empty log
    /// with a problem (strace could not start, or the test was never run).
    public static func read(_ url: URL, initialDirectory: String) -> StraceLog {
        guard let data = try? Data(contentsOf: url), !data.isEmpty else {
            var log = StraceLog(rootPID: nil, pids: [], events: TraceEvents())
            log.events.environmentUnknown = true
            log.events.problems.append("strace wrote no trace (\(url.path))")
            return log
        }
        return parse(String(decoding: data, as: UTF8.self), initialDirectory: initialDirectory)
    }

    /// Parses `strace -f -y` output. `initialDirectory`: the test's directory,
    /// for relative paths of calls that carry no directory descriptor before
    /// any `AT_FDCWD<...>` has shown the process's directory.
    public static func parse(_ text: String, initialDirectory: String) -> StraceLog {
        var log = StraceLog(rootPID: nil, pids: [], events: TraceEvents())
        log.events.environmentUnknown = true
        var directories: [Int32: String] = [:]
        var lastDirectory = initialDirectory
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var cursor = Cursor(Array(line.utf8)[...])
            guard let pid = cursor.integer(), cursor.skip(" ") else { continue }
            let pid32 = Int32(truncatingIfNeeded: pid)
            if log.rootPID == nil { log.rootPID = pid32 }
            log.pids.insert(pid32)
            cursor.skipSpaces()
            guard let name = cursor.identifier(), cursor.skip("(") else { continue }  // "<... resumed>", "+++", "---"
            var call = Call(name: name, cursor: cursor, directory: directories[pid32] ?? lastDirectory)
            call.parse(into: &log.events)
            if let seen = call.currentDirectory {
                directories[pid32] = seen
                lastDirectory = seen
            }
            if name == "chdir", let target = call.firstPath, call.succeeded {
                let resolved = PathNormalizer.normalize(target.hasPrefix("/") ? target : call.directory + "/" + target)
                directories[pid32] = resolved
                lastDirectory = resolved
            }
        }
        return log
    }

    /// One call's line after `name(`.
    struct Call {
        let name: String
        var cursor: Cursor
        var directory: String
        /// The process's directory, when a descriptor showed it (`AT_FDCWD</dir>`).
        var currentDirectory: String?
        var firstPath: String?
        /// The call returned 0.
        var succeeded = false

        init(name: String, cursor: Cursor, directory: String) {
            self.name = name
            self.cursor = cursor
            self.directory = directory
        }

        mutating func parse(into events: inout TraceEvents) {
            let text = String(decoding: cursor.bytes, as: UTF8.self)
            succeeded = text.hasSuffix(") = 0")
            switch name {
            case "open", "stat", "lstat", "access", "execve", "chdir":
                guard let path = cursor.quoted() else { return }
                firstPath = path
                if name == "chdir" { return }
                if name == "open" {
                    _ = cursor.skip(", ")
                    let flags = cursor.token()
                    record(path, base: directory, flags: flags, into: &events)
                } else {
                    record(path, base: directory, flags: nil, into: &events)
                }
            case "openat", "newfstatat", "statx", "faccessat", "faccessat2", "execveat":
                guard let base = directoryArgument(), cursor.skip(", "), let path = cursor.quoted() else { return }
                var flags: String?
                if name == "openat" {
                    _ = cursor.skip(", ")
                    flags = cursor.token()
                }
                record(path, base: base, flags: flags, into: &events)
            case "connect":
                if let endpoint = Self.endpoint(in: text) { events.endpoints.insert(endpoint) }
            default:
                break
            }
        }

        /// `AT_FDCWD</dir>` or `3</dir>`: the directory a relative path is taken from.
        private mutating func directoryArgument() -> String? {
            if cursor.skip("AT_FDCWD") {
                if let shown = cursor.angled() {
                    currentDirectory = shown
                    directory = shown
                    return shown
                }
                return directory
            }
            guard cursor.integer() != nil else { return nil }
            return cursor.angled() ?? ""
        }

        private func record(_ path: String, base: String, flags: String?, into events: inout TraceEvents) {
            guard !path.isEmpty else { return }  // AT_EMPTY_PATH: a descriptor, not a path
            let absolute: String
            if path.hasPrefix("/") {
                absolute = path
            } else {
                guard base.hasPrefix("/") else {
                    events.problems.append("strace showed no directory for the relative path \(path)")
                    return
                }
                absolute = base + "/" + path
            }
            if let flags {
                let parts = Set(flags.split(separator: "|").map(String.init))
                if parts.contains("O_WRONLY") || parts.contains("O_TRUNC") { return }
                if parts.contains("O_DIRECTORY") {
                    events.listings.insert(absolute)
                    return
                }
            }
            events.files.insert(absolute)
        }

        /// The address in a decoded `sockaddr`.
        static func endpoint(in text: String) -> String? {
            func quoted(after marker: String) -> String? {
                guard let range = text.range(of: marker) else { return nil }
                var cursor = Cursor(Array(text[range.upperBound...].utf8)[...])
                return cursor.quoted()
            }
            func port() -> Int? {
                guard let range = text.range(of: "htons(") else { return nil }
                return Int(text[range.upperBound...].prefix { $0.isNumber })
            }
            if text.contains("sa_family=AF_INET6") {
                guard let host = quoted(after: "inet_pton(AF_INET6, "), let port = port() else { return nil }
                return Endpoint.normalize("[\(host)]:\(port)")
            }
            if text.contains("sa_family=AF_INET,") || text.contains("sa_family=AF_INET}") {
                guard let host = quoted(after: "inet_addr("), let port = port() else { return nil }
                return Endpoint.normalize("\(host):\(port)")
            }
            if text.contains("sa_family=AF_UNIX") {
                if let name = quoted(after: "sun_path=@") { return "unix:@" + name }
                if let path = quoted(after: "sun_path=") { return Endpoint.normalize("unix:" + path) }
            }
            return nil
        }
    }

    /// A reader over one line's bytes.
    struct Cursor {
        var bytes: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

        mutating func skip(_ literal: String) -> Bool {
            let expected = Array(literal.utf8)
            guard bytes.starts(with: expected) else { return false }
            bytes = bytes.dropFirst(expected.count)
            return true
        }

        mutating func skipSpaces() { bytes = bytes.drop { $0 == 0x20 } }

        mutating func integer() -> Int? {
            let digits = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !digits.isEmpty, digits.count < 19 else { return nil }
            bytes = bytes.dropFirst(digits.count)
            return Int(String(decoding: digits, as: UTF8.self))
        }

        mutating func identifier() -> String? {
            let name = bytes.prefix { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            guard !name.isEmpty else { return nil }
            bytes = bytes.dropFirst(name.count)
            return String(decoding: name, as: UTF8.self)
        }

        /// Up to the next `,` or `)` (flags, numbers).
        mutating func token() -> String {
            let text = bytes.prefix { $0 != 0x2C && $0 != 0x29 }
            bytes = bytes.dropFirst(text.count)
            return String(decoding: text, as: UTF8.self)
        }

        /// `<...>` after a descriptor, unescaped.
        mutating func angled() -> String? {
            guard bytes.first == 0x3C else { return nil }
            bytes = bytes.dropFirst()
            return unescaped(until: 0x3E)
        }

        /// A C string as strace prints it; nil for `NULL` or an address.
        mutating func quoted() -> String? {
            guard bytes.first == 0x22 else { return nil }
            bytes = bytes.dropFirst()
            let text = unescaped(until: 0x22)
            _ = skip("...")
            return text
        }

        /// Bytes up to an unescaped `end`, with strace's escapes decoded
        /// (`\"`, `\\`, `\n`, `\t`, `\r`, `\v`, `\f`, octal `\NNN`, `\xHH`).
        private mutating func unescaped(until end: UInt8) -> String? {
            var out: [UInt8] = []
            while let byte = bytes.first {
                bytes = bytes.dropFirst()
                if byte == end { return String(decoding: out, as: UTF8.self) }
                guard byte == 0x5C, let next = bytes.first else {
                    out.append(byte)
                    continue
                }
                bytes = bytes.dropFirst()
                switch next {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "x"):
                    let hex = bytes.prefix(2).prefix {
                        ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66)
                    }
                    bytes = bytes.dropFirst(hex.count)
                    out.append(UInt8(String(decoding: hex, as: UTF8.self), radix: 16) ?? 0)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(next - 0x30)
                    var taken = 0
                    while taken < 2, let digit = bytes.first, digit >= 0x30, digit <= 0x37 {
                        value = value * 8 + Int(digit - 0x30)
                        bytes = bytes.dropFirst()
                        taken += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: value))
                default: out.append(next)
                }
            }
            return nil
        }
    }
}
