import Foundation
import Glibc

/// Changes under a directory tree through Linux inotify: every directory is
/// watched (new ones as they appear), the ignored ones (`target/`, `.git/`,
/// cargo's target directory) and everything under them never.
final class FileWatcher {
    private let descriptor: Int32
    let root: String
    private let ignored: [String]
    /// Watch descriptor → the directory it watches.
    private var directories: [Int32: String] = [:]

    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY
                                     | IN_DELETE_SELF)

    /// `ignored`: absolute directories left out with everything under them.
    init(root: String, ignoring ignored: [String]) throws(EditorError) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw .watch("cannot watch \(root): inotify_init1: \(String(cString: strerror(errno)))") }
        self.root = root
        self.ignored = ignored.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        try add(root)
    }

    deinit { close(descriptor) }

    func isIgnored(_ path: String) -> Bool {
        ignored.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    private func add(_ directory: String) throws(EditorError) {
        guard !isIgnored(directory) else { return }
        let watch = inotify_add_watch(descriptor, directory, Self.mask)
        if watch < 0 {
            // A directory that vanished meanwhile is no error; running out of watches is.
            if errno == ENOENT || errno == ENOTDIR { return }
            throw .watch("cannot watch \(directory): \(String(cString: strerror(errno)))"
                         + (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""))
        }
        directories[watch] = directory
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for entry in entries {
            let path = directory + "/" + entry
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                !Self.isSymbolicLink(path) {
                try add(path)
            }
        }
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Waits up to `timeout` seconds for changes; the paths changed (absolute), empty on a timeout.
    func changes(timeout: TimeInterval) throws(EditorError) -> [String] {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(0, timeout * 1000)))
        if ready < 0 && errno != EINTR { throw .watch("cannot watch \(root): poll: \(String(cString: strerror(errno)))") }
        guard ready > 0 else { return [] }
        var changed: [String] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (watch, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<min(count, nameStart + length)].prefix { $0 != 0 }
                offset = nameStart + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    changed.append(root)  // events were lost: count it as a change
                    continue
                }
                guard let directory = directories[watch] else { continue }
                if mask & UInt32(IN_IGNORED) != 0 {
                    directories.removeValue(forKey: watch)
                    continue
                }
                let path = nameBytes.isEmpty ? directory : directory + "/" + String(decoding: nameBytes, as: UTF8.self)
                if isIgnored(path) { continue }
                if mask & UInt32(IN_ISDIR) != 0 && mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { try add(path) }
                changed.append(path)
            }
        }
        return changed
    }
}
