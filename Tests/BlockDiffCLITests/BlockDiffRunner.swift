import Foundation
import Testing
import ProcessSpawn

/// How one `blockdiff` run ended, with everything it printed.
struct BlockDiffRun: Sendable, CustomStringConvertible {
    var arguments: [String]
    /// The exit status, or the signal number when `signaled`.
    var status: Int32
    /// True when the process ended by a signal (Foundation's `.uncaughtSignal`).
    var signaled: Bool
    /// True when the run outlived its time limit and was killed by the runner.
    var timedOut: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    /// Ended by `exit(status)` on its own, not by a signal or the runner's kill.
    func exited(with expected: Int32) -> Bool { !signaled && !timedOut && status == expected }

    var description: String {
        let end = timedOut ? "killed after timing out" : signaled ? "signal \(status)" : "exit \(status)"
        return "blockdiff \(arguments.joined(separator: " ")) → \(end)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// Runs the `blockdiff` executable built next to this test bundle.
enum BlockDiffRunner {
    /// Where the fingerprint cache of a run lives.
    enum Cache: Sendable {
        /// A fresh directory of its own, passed with `--cache-dir` (the default).
        case fresh
        /// This directory, passed with `--cache-dir` (shared between runs).
        case shared(URL)
        /// No `--cache-dir` argument (for argument-parsing tests); `TRIM_CACHE_DIR`
        /// still points at a private directory so the user's cache is never touched.
        case omitted
    }

    /// `.build/<config>/blockdiff`: SwiftPM builds every product before it runs the
    /// tests, and the test bundle is itself an executable in that directory.
    static let executable: Result<URL, LocateError> = {
        var searched: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["BLOCKDIFF_EXECUTABLE"], !explicit.isEmpty {
            if FileManager.default.isExecutableFile(atPath: explicit) { return .success(URL(fileURLWithPath: explicit)) }
            searched.append(explicit)
        }
        var directories: [URL] = []
        if let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: me).deletingLastPathComponent())
        }
        directories += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in directories {
            let candidate = directory.appendingPathComponent("blockdiff")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return .success(candidate) }
            searched.append(candidate.path)
        }
        return .failure(LocateError(searched: searched))
    }()

    struct LocateError: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "cannot find the built blockdiff executable (looked at: \(searched.joined(separator: ", "))); "
                + "run `swift build` first or set BLOCKDIFF_EXECUTABLE"
        }
    }

    /// Runs `blockdiff arguments…` and waits for it without blocking the
    /// task pool; a run that outlives
    /// `timeout` is killed and reported with `timedOut`.
    static func run(_ arguments: [String], cache: Cache = .fresh,
                    timeout: TimeInterval = 60, environment extra: [String: String] = [:]) async throws -> BlockDiffRun {
        let executable = try executable.get()
        let scratch = try TemporaryDirectory(prefix: "blockdiff-run")
        defer { scratch.remove() }

        var fullArguments = arguments
        switch cache {
        case .fresh: fullArguments += ["--cache-dir", scratch.url.appendingPathComponent("cache").path]
        case .shared(let directory): fullArguments += ["--cache-dir", directory.path]
        case .omitted: break
        }
        var environment = ProcessInfo.processInfo.environment
        environment["TRIM_CACHE_DIR"] = scratch.url.appendingPathComponent("env-cache").path
        environment["TRIM_IR_WORKER"] = nil  // the worker built with this blockdiff, found next to it
        environment.merge(extra) { _, new in new }

        let start = Date()
        let child = try ChildProcess.start(executable.path, fullArguments, environment: environment)
        // Waited for on a thread of its own: the test's task never blocks the shared pool.
        let (finished, timedOut) = await withCheckedContinuation {
            (continuation: CheckedContinuation<(ChildProcess.Finished, Bool), Never>) in
            Thread {
                if let ended = child.wait(timeout: timeout) { return continuation.resume(returning: (ended, false)) }
                // The worker first: killing blockdiff alone would leave it spinning, orphaned.
                for worker in descendants(of: child.pid) { kill(worker, SIGKILL) }
                child.signal(SIGKILL)
                continuation.resume(returning: (child.wait()!, true))
            }.start()
        }
        let seconds = Date().timeIntervalSince(start)
        let (status, signalled): (Int32, Bool)
        switch finished.exit {
        case .exited(let code): (status, signalled) = (code, false)
        case .signalled(let signal): (status, signalled) = (signal, true)
        }
        return BlockDiffRun(
            arguments: arguments, status: status, signaled: signalled, timedOut: timedOut,
            stdout: String(decoding: finished.stdout, as: UTF8.self),
            stderr: String(decoding: finished.stderr, as: UTF8.self),
            seconds: seconds)
    }
}

/// The processes below `pid` (its workers), read from /proc; deepest first.
func descendants(of pid: pid_t) -> [pid_t] {
    var children: [pid_t: [pid_t]] = [:]
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for entry in entries {
        guard let child = pid_t(entry),
            let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { continue }
        // "pid (comm) state ppid …": comm may hold spaces, so split after its ')'.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(child) }
    }
    var result: [pid_t] = []
    func visit(_ p: pid_t) {
        for c in children[p] ?? [] {
            visit(c)
            result.append(c)
        }
    }
    visit(pid)
    return result
}

/// A directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory: Sendable {
    let url: URL
    var path: String { url.path }

    init(prefix: String) throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        url = base
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
