import Foundation
import ProcessSpawn
import PrivateFiles

#if canImport(Glibc)
import Glibc
#endif

/// A small C library that trim compiles itself (the coverage runtime, the
/// input tracer): built once per content hash under `directory`, under a
/// temporary name and renamed into place, so concurrent callers each see no
/// library or a complete one. The cache is private (`PrivateDirectory`):
/// a library found there is loaded into test processes, so a directory or
/// library someone else could have planted is refused, never used or rebuilt.
public enum CachedNativeBuild {
    public enum Failure: Error, Sendable {
        case notPrivate(PrivacyError)
        case cacheUnwritable(path: String, reason: String)
        case toolNotFound(tool: String, reason: String)
        case buildFailed(path: String, command: String, output: String)
    }

    /// One command run in the scratch directory: a tool on PATH and its arguments.
    public struct Step: Sendable {
        public var tool: String
        public var arguments: [String]
        public init(_ tool: String, _ arguments: [String]) {
            self.tool = tool
            self.arguments = arguments
        }
    }

    /// A cache key for `source` built with `flags`: FNV-1a 64, hex.
    public static func hash(source: String, flags: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (source + "\0" + flags.joined(separator: " ")).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: max(0, 16 - text.count)) + text
    }

    /// `directory/product`, built by writing `source` to `directory/sourceName`'s
    /// scratch copy and running `steps` when the product is absent. The source
    /// is kept beside the product, for whoever wonders what it is. Every
    /// directory from `cacheRoot` (included) down to `directory` must be
    /// private, and so must the product.
    public static func library(in directory: URL, cacheRoot: URL, product: String, sourceName: String,
                               source: String, steps: [Step]) throws(Failure) -> URL {
        do {
            _ = try PrivateDirectory.prepare(directory, below: cacheRoot.deletingLastPathComponent())
        } catch {
            switch error {
            case .cannotCreate(let path, let reason), .cannotInspect(let path, let reason):
                throw .cacheUnwritable(path: path, reason: reason)
            case .notADirectory(let path):
                throw .cacheUnwritable(path: path, reason: "a file is in the way of the cache directory")
            default:
                throw .notPrivate(error)
            }
        }
        let library = directory.appendingPathComponent(product)
        if try isTrustedNonEmptyFile(library) { return library }
        let fileManager = FileManager.default
        let scratch = directory.appendingPathComponent("tmp-\(UUID().uuidString)")
        guard mkdir(scratch.path, 0o700) == 0 else {
            throw .cacheUnwritable(path: directory.path, reason: String(cString: strerror(errno)))
        }
        defer { try? fileManager.removeItem(at: scratch) }
        let sourceFile = scratch.appendingPathComponent(sourceName)
        do {
            try Data(source.utf8).write(to: sourceFile)
        } catch {
            throw .cacheUnwritable(path: sourceFile.path, reason: "\(error.localizedDescription)")
        }
        for step in steps {
            let tool = try locate(step.tool)
            try run(tool, step.arguments, in: scratch, product: library)
        }
        _ = rename(sourceFile.path, directory.appendingPathComponent(sourceName).path)
        // Under a umask of 002 the tools leave it group-writable, which the next run would refuse.
        var built = stat()
        if stat(scratch.appendingPathComponent(product).path, &built) == 0 {
            chmod(scratch.appendingPathComponent(product).path, built.st_mode & 0o755)
        }
        guard rename(scratch.appendingPathComponent(product).path, library.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if try isTrustedNonEmptyFile(library) { return library }
            throw .cacheUnwritable(path: library.path, reason: reason)
        }
        return library
    }

    /// True for a private, non-empty library; false when there is none or it
    /// is empty (a build cut short: built again); refused when not private.
    static func isTrustedNonEmptyFile(_ url: URL) throws(Failure) -> Bool {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { return false }
        do { try PrivateDirectory.checkFile(url) } catch { throw .notPrivate(error) }
        return status.st_size > 0
    }

    /// `tool` on PATH.
    static func locate(_ tool: String) throws(Failure) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        guard let found = ChildProcess.which(tool, environment: ["PATH": path]) else {
            throw .toolNotFound(tool: tool, reason: "not found on PATH (\(path))")
        }
        return found
    }

    private static func run(_ tool: String, _ arguments: [String], in directory: URL,
                            product: URL) throws(Failure) {
        let finished: ChildProcess.Finished
        do {
            finished = try ChildProcess.run(tool, arguments, directory: directory.path, stderr: .toStdout)
        } catch {
            throw .toolNotFound(tool: tool, reason: error.reason)
        }
        let text = String(decoding: finished.stdout, as: UTF8.self)
        guard finished.exit == .exited(0) else {
            let status: String
            switch finished.exit {
            case .exited(let code): status = "exit status \(code)"
            case .signalled(let signal): status = "signal \(signal)"
            }
            throw .buildFailed(
                path: product.path, command: ([tool] + arguments).joined(separator: " "),
                output: "\(status)\n\(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
