import Foundation
import ProcessSpawn

/// Parses bitcode in a child process (`trim-ir-worker`), so that a crash of
/// LLVM's reader on a damaged file becomes an error naming the file instead of
/// taking trim down. The worker writes its answer straight into the cache.
public struct IsolatedReader: Sendable {
    public let workerPath: String

    public init(workerPath: String? = nil) throws(BlockIRError) {
        if let workerPath {
            self.workerPath = workerPath
            return
        }
        self.workerPath = try Self.locateWorker()
    }

    /// `$TRIM_IR_WORKER`, else next to the running executable, else on PATH.
    static func locateWorker() throws(BlockIRError) -> String {
        let environment = ProcessInfo.processInfo.environment
        var searched: [String] = []
        if let explicit = environment["TRIM_IR_WORKER"], !explicit.isEmpty {
            if FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
            searched.append(explicit)
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var candidates = [URL(fileURLWithPath: executable).deletingLastPathComponent()
            .appendingPathComponent("trim-ir-worker").path]
        for dir in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(dir)/trim-ir-worker")
        }
        for candidate in candidates {
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            searched.append(candidate)
        }
        throw .workerNotFound(searched: Array(searched.prefix(3)) + (searched.count > 3 ? ["PATH"] : []))
    }

    /// Fingerprints `file` into `output` (written atomically by the worker),
    /// which may read it with up to `threads` threads.
    public func fingerprint(_ file: BitcodeFile, into output: URL, threads: Int = 1) throws(BlockIRError) {
        try run(["--threads", String(max(1, threads))], [(file, output)])
    }

    /// Fingerprints each file of `batch` into its output, one worker for
    /// them all (a worker costs more to start than a small unit costs to
    /// read). As for `blockLines(_:)`, the worker stops at the first file it
    /// fails on and the error names the batch's first file.
    public func fingerprints(_ batch: [(file: BitcodeFile, output: URL)], threads: Int = 1) throws(BlockIRError) {
        guard !batch.isEmpty else { return }
        try run(["--threads", String(max(1, threads))], batch.map { ($0.file, $0.output) })
    }

    /// Writes each file's `BlockLines` into its output (atomically,
    /// `BlockLinesCodec`), one worker for them all: a worker costs more to
    /// start (libLLVM) than a unit costs to read. The worker stops at the
    /// first file it fails on; the error names the first file of the batch,
    /// so read the files left without an answer one by one to know which.
    public func blockLines(_ batch: [(file: BitcodeFile, output: URL)]) throws(BlockIRError) {
        guard !batch.isEmpty else { return }
        try run(["--lines"], batch.map { ($0.file, $0.output) })
    }

    /// One worker on `pairs` of (file, where its answer goes): `request` says
    /// what it answers. Errors name the first file (the only one, but for
    /// block lines).
    private func run(_ request: [String], _ pairs: [(BitcodeFile, URL)]) throws(BlockIRError) {
        let (file, output) = pairs[0]
        // The worker's stderr goes to a file beside its answer; posix_spawn and
        // waitpid rather than Foundation's Process, which polls for the exit
        // every 50 ms.
        let errorsFile = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).err")
        defer { unlink(errorsFile.path) }
        let pid: pid_t
        do {
            pid = try WorkerSpawn.start(
                workerPath, request + ["--llvm-version", ReaderVersion.llvm] + pairs.flatMap { [$0.0.path, $0.1.path] },
                stderr: errorsFile.path)
        } catch {
            throw .workerFailed(path: file.path, detail: "cannot start \(workerPath): \(error)")
        }
        // LLVM's reader can also loop forever on a damaged file: a time limit.
        let limit = Self.timeLimit(forBytes: pairs.reduce(0) { $0 + $1.0.size })
        let watchdog = Watchdog()
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
            if watchdog.fire() { kill(pid, SIGKILL) }
        }
        let exit = WorkerSpawn.wait(pid)
        let timedOut = !watchdog.disarm()
        let message = ((try? String(contentsOf: errorsFile, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if timedOut { throw .parserTimedOut(path: file.path, seconds: Int(limit)) }
        switch exit {
        case .signalled(let signal):
            throw .parserCrashed(path: file.path, signal: signal)
        case .exited(0):
            return
        case .exited(WorkerProtocol.openFailed):
            throw .unreadable(path: file.path, reason: message)
        case .exited(WorkerProtocol.parseFailed):
            throw WorkerProtocol.parseError(path: file.path, file: file, report: message)
        case .exited(WorkerProtocol.otherLLVM):
            throw .workerLLVMVersion(worker: workerPath, loaded: message, expected: ReaderVersion.llvm)
        case .exited(let status):
            throw .workerFailed(path: file.path, detail: "exit status \(status): \(message)")
        }
    }
}

extension IsolatedReader {
    /// 30 s plus 2 s per MB (a 27 MB file parses in about 2 s), or
    /// `$TRIM_PARSE_TIMEOUT` seconds.
    static func timeLimit(forBytes size: Int,
                          environment: [String: String] = ProcessInfo.processInfo.environment) -> TimeInterval {
        if let text = environment["TRIM_PARSE_TIMEOUT"], let seconds = TimeInterval(text), seconds > 0 { return seconds }
        return 30 + 2 * Double(size) / 1_000_000
    }
}

/// Either the watchdog fires or the worker ends first; never both.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var state = 0 // 0 armed, 1 fired, 2 disarmed

    /// True when it fired (the worker was still running).
    func fire() -> Bool { lock.withLock { state == 0 ? { state = 1; return true }() : false } }
    /// True when disarmed in time; false when it had fired.
    func disarm() -> Bool { lock.withLock { state == 0 ? { state = 2; return true }() : state != 1 } }
}

/// What the worker and its parent agree on: exit codes and the error report.
public enum WorkerProtocol {
    public static let openFailed: Int32 = 3
    public static let parseFailed: Int32 = 4
    /// The worker's libLLVM is not the version it was asked to read with (its
    /// stderr: the version it loaded).
    public static let otherLLVM: Int32 = 5

    /// The worker's report of a parse failure: LLVM's message, then the producer if known.
    public static func report(message: String, producer: String?) -> String {
        "message: \(message)\n" + (producer.map { "producer: \($0)\n" } ?? "")
    }

    static func parseError(path: String, file: BitcodeFile, report: String) -> BlockIRError {
        var message = "invalid bitcode"
        var producer: String?
        for line in report.split(separator: "\n") {
            if line.hasPrefix("message: ") { message = String(line.dropFirst(9)) }
            if line.hasPrefix("producer: ") { producer = String(line.dropFirst(10)) }
        }
        let reader = ReaderVersion.llvm
        if let producer, let producerMajor = llvmMajor(in: producer),
           let readerMajor = Int(reader.split(separator: ".").first ?? ""), producerMajor > readerMajor {
            return .tooNew(path: path, producer: producer, reader: reader)
        }
        // Bitcode is a stream of 32-bit words: a size that is not a multiple of 4
        // was cut short; so was a file whose reader ran off its end.
        if file.size % 4 != 0 || message.localizedCaseInsensitiveContains("end of")
            || message.localizedCaseInsensitiveContains("truncated")
            || message.localizedCaseInsensitiveContains("ends too soon")
            || skipsPastTheEnd(message, bytes: file.size)
        {
            return .truncated(path: path, llvmMessage: message)
        }
        return .corrupt(path: path, llvmMessage: message)
    }

    /// LLVM's "can't skip to bit N from M" with N beyond the file's last bit.
    static func skipsPastTheEnd(_ message: String, bytes: Int) -> Bool {
        guard let range = message.range(of: "skip to bit ") else { return false }
        let digits = message[range.upperBound...].prefix(while: \.isNumber)
        guard let bit = Int(digits) else { return false }
        return bit > bytes * 8
    }

    /// 23 from "LLVM23.0.0-rust-..." or "LLVM 23.0.0".
    static func llvmMajor(in producer: String) -> Int? {
        guard let range = producer.range(of: "LLVM") else { return nil }
        let digits = producer[range.upperBound...].drop(while: { $0 == " " }).prefix(while: \.isNumber)
        return Int(digits)
    }
}

/// Starting and reaping the worker without Foundation's Process.
enum WorkerSpawn {
    typealias Exit = ProcessSpawn.Exit

    struct SpawnFailure: Error, CustomStringConvertible {
        var description: String
    }

    static func start(_ executable: String, _ arguments: [String], stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // A worker that crashes must not hold its parent's pipes open (nor
        // anything a crash handler it starts inherits).
        ProcessSpawn.closeFrom(&actions, 3)
        // Registered with trim's signal handling, which stops it on Ctrl-C.
        switch ProcessSpawn.spawnGroupLeader(executable, arguments: arguments, environment: workerEnvironment,
                                             actions: &actions) {
        case .success(let pid): return pid
        case .failure(let error): throw SpawnFailure(description: error.description)
        }
    }

    static func wait(_ pid: pid_t) -> Exit {
        defer { ChildGroups.shared.unregister(pid) }
        return ProcessSpawn.wait(pid)
    }

    /// This process's environment for every worker, made once. A crash is an
    /// expected answer on damaged input: no Swift backtrace (it takes seconds,
    /// and its helper outlives the worker).
    private static let workerEnvironment: [String] = {
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return environment.map { "\($0.key)=\($0.value)" }
    }()
}
