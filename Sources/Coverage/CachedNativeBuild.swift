import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small C library that trim compiles itself (the coverage runtime, the
/// input tracer): built once per content hash under `directory`, under a
/// temporary name and renamed into place, so concurrent callers each see no
/// library or a complete one.
public enum CachedNativeBuild {
    public enum Failure: Error, Sendable {
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
    /// is kept beside the product, for whoever wonders what it is. With
    /// `privateRoot` (an ancestor of `directory`), the root is created 0700 and
    /// the product is returned only when it and the directories down to it are
    /// the user's own and not writable by group or others.
    public static func library(in directory: URL, product: String, sourceName: String, source: String,
                               steps: [Step], privateRoot: URL? = nil) throws(Failure) -> URL {
        let library = directory.appendingPathComponent(product)
        if let privateRoot { try PrivateDirectory.prepare(privateRoot) }
        let built = try build(library, in: directory, product: product, sourceName: sourceName, source: source,
                              steps: steps)
        if let privateRoot { try PrivateDirectory.verify(built, under: privateRoot) }
        return built
    }

    private static func build(_ library: URL, in directory: URL, product: String, sourceName: String, source: String,
                              steps: [Step]) throws(Failure) -> URL {
        if isNonEmptyFile(library.path) { return library }
        let fileManager = FileManager.default
        let scratch = directory.appendingPathComponent("tmp-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw .cacheUnwritable(path: directory.path, reason: "\(error.localizedDescription)")
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
        guard rename(scratch.appendingPathComponent(product).path, library.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if isNonEmptyFile(library.path) { return library }
            throw .cacheUnwritable(path: library.path, reason: reason)
        }
        return library
    }

    static func isNonEmptyFile(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = attributes[.size] as? NSNumber
        else { return false }
        return size.intValue > 0
    }

    /// `tool` on PATH.
    static func locate(_ tool: String) throws(Failure) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw .toolNotFound(tool: tool, reason: "not found on PATH (\(path))")
    }

    private static func run(_ tool: String, _ arguments: [String], in directory: URL,
                            product: URL) throws(Failure) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .toolNotFound(tool: tool, reason: "\(error.localizedDescription)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let status = process.terminationReason == .exit
                ? "exit status \(process.terminationStatus)" : "signal \(process.terminationStatus)"
            throw .buildFailed(
                path: product.path, command: ([tool] + arguments).joined(separator: " "),
                output: "\(status)\n\(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
