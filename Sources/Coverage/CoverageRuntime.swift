import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The instrumentation runtime (`RuntimeSource.c`), compiled once per content
/// hash into a static archive that instrumented binaries link.
public enum CoverageRuntime {
    /// Flags the runtime is compiled with (part of the cache key).
    static let compileFlags = ["-O2", "-fPIC", "-c"]

    /// The C source of the runtime.
    public static var source: String { RuntimeSource.c }

    /// Cache key: changes whenever the source or the compile flags change.
    public static var sourceHash: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (RuntimeSource.c + "\0" + compileFlags.joined(separator: " ")).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }

    /// `<cacheDirectory>/runtime/<hash of source>/libtrimrt.a`, compiled with
    /// `cc -O2 -fPIC -c` and `ar rcs` when absent. Built under a temporary
    /// name and renamed into place, so concurrent callers are safe: each sees
    /// either no archive or a complete one.
    public static func library(cacheDirectory: URL) throws(CoverageError) -> URL {
        let directory = cacheDirectory.appendingPathComponent("runtime").appendingPathComponent(sourceHash)
        let library = directory.appendingPathComponent("libtrimrt.a")
        if isNonEmptyFile(library.path) { return library }

        let fileManager = FileManager.default
        let scratch = directory.appendingPathComponent("tmp-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw .cacheUnwritable(path: directory.path, reason: "\(error.localizedDescription)")
        }
        defer { try? fileManager.removeItem(at: scratch) }

        let sourceFile = scratch.appendingPathComponent("trimrt.c")
        do {
            try Data(RuntimeSource.c.utf8).write(to: sourceFile)
        } catch {
            throw .cacheUnwritable(path: sourceFile.path, reason: "\(error.localizedDescription)")
        }
        let compiler = try locate("cc")
        let archiver = try locate("ar")
        try run(compiler, compileFlags + ["trimrt.c", "-o", "trimrt.o"], in: scratch, product: library)
        try run(archiver, ["rcs", "libtrimrt.a", "trimrt.o"], in: scratch, product: library)

        // The source next to the archive, for whoever wonders what is linked in.
        _ = rename(sourceFile.path, directory.appendingPathComponent("trimrt.c").path)
        guard rename(scratch.appendingPathComponent("libtrimrt.a").path, library.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if isNonEmptyFile(library.path) { return library }
            throw .cacheUnwritable(path: library.path, reason: reason)
        }
        return library
    }

    private static func isNonEmptyFile(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = attributes[.size] as? NSNumber
        else { return false }
        return size.intValue > 0
    }

    /// `tool` on PATH.
    static func locate(_ tool: String) throws(CoverageError) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw .toolNotFound(tool: tool, reason: "not found on PATH (\(path))")
    }

    private static func run(_ tool: String, _ arguments: [String], in directory: URL,
                            product: URL) throws(CoverageError) {
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
            throw .runtimeBuildFailed(
                path: product.path, command: ([tool] + arguments).joined(separator: " "),
                output: "\(status)\n\(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
