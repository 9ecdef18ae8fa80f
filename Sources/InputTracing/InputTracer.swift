import NativeBuild
import Foundation
import PrivateFiles
import ProcessSpawn

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public struct InputTracer: Sendable {
    /// The variable naming each process's trace file; `%p` in it becomes the
    /// writer's process id (a test's children write traces of their own).
    public static let traceFileVariable = "TRIM_INPUTS_FILE"
    /// Set by the interposer on a child whose environment it had to restore.
    public static let injectedVariable = "TRIM_INPUTS_INJECTED"
    /// Flags the interposer is compiled with (part of the cache key).
    static let compileFlags = ["-shared", "-fPIC", "-O2", "-Wall", "-Wextra"]
    static let linkFlags = ["-ldl"]

    /// The interposer, when it could be built.
    public let library: URL?
    /// `strace`, when it is installed.
    public let strace: String?
    /// Whether `strace` can trace here (a container may forbid ptrace): tried once, when first needed.
    private let straceCheck: StraceCheck

    // MARK: - The interposer library

    /// The C source of the interposer.
    public static var source: String { InterposerSource.c }

    /// Cache key: changes whenever the source or the flags change.
    public static var sourceHash: String {
        CachedNativeBuild.hash(source: InterposerSource.c, flags: compileFlags + linkFlags)
    }

    /// `<cacheDirectory>/inputs/<hash of source>/libtrimio.so`, compiled with
    /// `cc -shared -fPIC -O2 ... -ldl` when absent (see `CachedNativeBuild`).
    public static func library(cacheDirectory: URL) throws(InputTracingError) -> URL {
        let directory = cacheDirectory.appendingPathComponent("inputs").appendingPathComponent(sourceHash)
        do {
            return try CachedNativeBuild.library(
                in: directory, cacheRoot: cacheDirectory, product: "libtrimio.so", sourceName: "trimio.c",
                source: InterposerSource.c,
                steps: [.init("cc", compileFlags + ["-o", "libtrimio.so", "trimio.c"] + linkFlags)])
        } catch {
            switch error {
            case .notPrivate(let problem): throw .untrustedCache(problem)
            case .cacheUnwritable(let path, let reason): throw .cacheUnwritable(path: path, reason: reason)
            case .toolNotFound(let tool, let reason): throw .toolNotFound(tool: tool, reason: reason)
            case .buildFailed(let path, let command, let output):
                throw .libraryBuildFailed(path: path, command: command, output: output)
            }
        }
    }

    /// The variables a traced process needs: `LD_PRELOAD` with `library`
    /// appended to any value `base` has, and `TRIM_INPUTS_FILE = traceFile`
    /// (a path with `%p`; relative paths are taken against the process's
    /// directory at start-up). Merge the result over the test's environment.
    public static func environment(library: URL, traceFile: String, base: [String: String] = [:])
        -> [String: String]
    {
        var preload = library.path
        if let existing = base["LD_PRELOAD"], !existing.isEmpty {
            let entries = existing.split(whereSeparator: { $0 == ":" || $0 == " " }).map(String.init)
            preload = entries.contains(library.path) ? existing : existing + ":" + library.path
        }
        return ["LD_PRELOAD": preload, traceFileVariable: traceFile]
    }

    // MARK: - Choosing how to trace

    /// Builds the interposer into `cacheDirectory` and looks for `strace` on
    /// `PATH`. Throws when neither is usable, or when the cache is not private.
    public init(cacheDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(InputTracingError)
    {
        var library: URL?
        var failure: InputTracingError?
        do {
            library = try Self.library(cacheDirectory: cacheDirectory)
        } catch {
            // A planted library is an attack to report, not a reason to fall back to strace.
            if case .untrustedCache = error { throw error }
            failure = error
        }
        let strace = Self.which("strace", in: environment)
        if library == nil, strace == nil, let failure { throw failure }
        self.init(library: library, strace: strace)
    }

    public init(library: URL?, strace: String?) {
        self.library = library
        self.strace = strace
        straceCheck = StraceCheck(strace)
    }

    /// Preloading when `executable` is a dynamically linked ELF file (it has
    /// an interpreter, `PT_INTERP`, which is what honours `LD_PRELOAD`);
    /// `strace -f` otherwise (statically linked, static-pie, not ELF) or when
    /// the interposer could not be built; `unavailable` when neither works.
    public func method(for executable: String) -> TracingMethod {
        let linkage: Linkage
        do {
            linkage = try Self.linkage(of: executable)
        } catch {
            return straceMethod(or: error.description)
        }
        if case .dynamic = linkage, let library { return .preload(library: library) }
        switch linkage {
        case .dynamic: return straceMethod(or: "the input tracer could not be built")
        case .static: return straceMethod(or: "\(executable) is statically linked (LD_PRELOAD cannot reach it)")
        case .notELF: return straceMethod(or: "\(executable) is not an ELF executable")
        }
    }

    /// `method(for:)` unless `choice` asks for strace everywhere or for no tracing.
    public func method(for executable: String, choice: TracingChoice) -> TracingMethod {
        switch choice {
        case .automatic: return method(for: executable)
        case .strace: return straceMethod(or: "TRIM_INPUT_TRACING=strace")
        case .off: return .unavailable(reason: "input tracing is off (TRIM_INPUT_TRACING=off)")
        }
    }

    private func straceMethod(or why: String) -> TracingMethod {
        guard let strace else { return .unavailable(reason: why + " and strace is not installed") }
        if let problem = straceCheck.problem { return .unavailable(reason: why + " and " + problem) }
        return .strace(path: strace)
    }

    /// A new directory for one run's trace files: under `/dev/shm` when that
    /// is a writable tmpfs (creating a file in memory costs ~10 µs; on a busy
    /// disk 0.1–0.8 ms, which would be most of tracing's cost for a small
    /// test), else under `fallback`. The caller removes it when the run ends
    /// (each test's files are removed as soon as they are read).
    public static func traceDirectory(fallback: URL) -> URL {
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let shmIsTmpfs = mounts.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == "/dev/shm" && fields[2] == "tmpfs"
        }
        if shmIsTmpfs, access("/dev/shm", W_OK) == 0 {
            removeAbandonedTraceDirectories(in: URL(fileURLWithPath: "/dev/shm"))
            let name = "\(traceDirectoryPrefix)\(getuid())-\(getpid())-\(UUID().uuidString.prefix(8))"
            let directory = URL(fileURLWithPath: "/dev/shm/\(name)")
            if mkdir(directory.path, 0o700) == 0 { return directory }
        }
        let directory = fallback.appendingPathComponent("inputs-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static let traceDirectoryPrefix = "trim-inputs-"

    /// Removes this user's `trim-inputs-<uid>-<pid>-<random>` directories
    /// whose run is gone (killed before it could clean up).
    @discardableResult
    public static func removeAbandonedTraceDirectories(in parent: URL) -> [URL] {
        let ownName = "\(traceDirectoryPrefix)\(getuid())-"
        return Leftovers.sweep(parent) { name in
            guard name.hasPrefix(ownName) else { return nil }
            return name.dropFirst(ownName.count).split(separator: "-").first.flatMap { pid_t($0) }
        }
    }

    /// Where one test attempt's traces go: `<directory>/<stem>.<pid>.io`
    /// (preload) or `<directory>/<stem>.strace` (strace).
    public func session(method: TracingMethod, directory: URL, stem: String) -> TraceSession {
        TraceSession(method: method, directory: directory, stem: stem)
    }

    /// `tool` on `PATH` (an absolute or relative path with a slash is taken as it is).
    static func which(_ tool: String, in environment: [String: String]) -> String? {
        if tool.contains("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// `strace -f -- /bin/true`, run once: nil when strace works, else why not.
final class StraceCheck: @unchecked Sendable {
    private let strace: String?
    private let lock = NSLock()
    private var result: String??

    init(_ strace: String?) { self.strace = strace }

    var problem: String? {
        lock.withLock {
            if let known = result { return known }
            var answer: String?
            if let strace {
                let (status, output) = ToolRun.run(
                    strace, ["-f", "-qq", "-o", "/dev/null", "--", "/bin/true"], in: URL(fileURLWithPath: "/"))
                if status != 0 {
                    let first = output.split(separator: "\n").first.map(String.init) ?? "exit status \(status)"
                    answer = "strace cannot trace here (\(first))"
                }
            }
            result = .some(answer)
            return answer
        }
    }
}

/// What the user asked for (`TRIM_INPUT_TRACING`): the method that fits each
/// binary, strace for every binary (to compare), or none (to measure what
/// tracing costs; every test's inputs are then unknown, so it is selected on
/// every run).
public enum TracingChoice: String, Sendable, CaseIterable {
    case automatic = "auto"
    case strace
    case off

    public static let variable = "TRIM_INPUT_TRACING"

    /// The choice in `environment`; nil when the value is not one of the names.
    public static func from(environment: [String: String]) -> TracingChoice? {
        guard let text = environment[variable], !text.isEmpty else { return .automatic }
        return TracingChoice(rawValue: text)
    }
}

/// How a test's inputs are traced.
public enum TracingMethod: Hashable, Sendable, CustomStringConvertible {
    /// `LD_PRELOAD` of the interposer: files, variables, addresses.
    case preload(library: URL)
    /// `strace -f`: files and addresses; variable reads are not system calls,
    /// so the whole environment counts as read.
    case strace(path: String)
    /// Neither works here; the test's inputs are not recorded.
    case unavailable(reason: String)

    /// `preload`, `strace` or `none`: what `TestInputs.method` records.
    public var name: String {
        switch self {
        case .preload: return "preload"
        case .strace: return "strace"
        case .unavailable: return "none"
        }
    }

    public var description: String {
        switch self {
        case .preload(let library): return "preload (\(library.path))"
        case .strace(let path): return "strace (\(path))"
        case .unavailable(let reason): return "none: \(reason)"
        }
    }
}

/// Runs a tool to completion, output captured.
enum ToolRun {
    static func run(_ tool: String, _ arguments: [String], in directory: URL) -> (Int32, String) {
        let finished: ChildProcess.Finished
        do {
            finished = try ChildProcess.run(tool, arguments, directory: directory.path, stderr: .toStdout)
        } catch {
            return (-1, error.reason)
        }
        let text = String(decoding: finished.stdout, as: UTF8.self)
        if case .signalled(let signal) = finished.exit { return (-1, "signal \(signal)\n" + text) }
        return (finished.status, text)
    }
}
