import Foundation
import TrimModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One test attempt's tracing: the environment and command line it runs
/// with, and, once it has ended, its traces read back as `TestInputs`.
///
/// Files: `<directory>/<stem>.<pid>.io` for each process the interposer
/// reached (`<stem>.<pid>-x<n>.io` for what a process saw before its n-th
/// exec), or `<directory>/<stem>.strace`.
public struct TraceSession: Hashable, Sendable {
    public let method: TracingMethod
    public let directory: URL
    public let stem: String

    public init(method: TracingMethod, directory: URL, stem: String) {
        self.method = method
        self.directory = directory
        self.stem = stem
    }

    /// The value of `TRIM_INPUTS_FILE` (preload).
    public var tracePattern: String { directory.appendingPathComponent("\(stem).%p.io").path }
    /// strace's output file (strace).
    public var straceOutput: URL { directory.appendingPathComponent("\(stem).strace") }

    /// `environment` with what the method needs: for preload, `LD_PRELOAD`
    /// (the interposer appended to any value there) and `TRIM_INPUTS_FILE`.
    public func environment(adding environment: [String: String]) -> [String: String] {
        guard case .preload(let library) = method else { return environment }
        return environment.merging(
            InputTracer.environment(library: library, traceFile: tracePattern, base: environment)
        ) { _, new in new }
    }

    /// The command to start: the test itself, or strace running it.
    public func command(executable: String, arguments: [String]) -> (executable: String, arguments: [String]) {
        guard case .strace(let strace) = method else { return (executable, arguments) }
        return StraceLog.command(
            strace: strace, output: straceOutput.path, executable: executable,
            arguments: arguments)
    }

    /// The events of every process of the attempt, merged.
    /// - Parameters:
    ///   - testPID: the pid of the process the runner started (preload: the
    ///     test; its own trace must be there, or the record is incomplete).
    ///   - testDirectory: the test's working directory (strace's relative paths).
    /// - Returns: the events, and the test's own pid as the trace shows it
    ///   (under strace, the runner's pid is strace's; the test is its child).
    public func traces(testPID: Int32?, testDirectory: String) -> (events: TraceEvents, testPID: Int32?) {
        var events = TraceEvents()
        switch method {
        case .unavailable(let reason):
            events.problems.append("its inputs could not be traced: \(reason)")
            return (events, testPID)
        case .strace:
            let log = StraceLog.read(straceOutput, initialDirectory: testDirectory)
            return (log.events, log.rootPID)
        case .preload:
            var sawTest = false
            for url in traceFiles() {
                do {
                    let trace = try ProcessTrace.read(url)
                    if trace.pid == testPID, !trace.beforeExec { sawTest = true }
                    events.merge(trace.events)
                } catch {
                    events.problems.append(error.description)
                }
            }
            if let testPID, !sawTest {
                events.problems.append(
                    "the test's process (\(testPID)) left no input trace: it was killed, "
                        + "or LD_PRELOAD did not reach it")
            }
            return (events, testPID)
        }
    }

    /// Reads the traces and makes them `TestInputs` (see `InputCollector.inputs`).
    public func inputs(
        testPID: Int32?, testDirectory: String, filter: InputFilter, environment: [String: String],
        watchPatterns: ([String]) -> [String] = { _ in [] }
    ) -> TestInputs {
        let (events, _) = traces(testPID: testPID, testDirectory: testDirectory)
        return InputCollector.inputs(
            from: events, method: method.name, filter: filter, environment: environment,
            watchPatterns: watchPatterns)
    }

    /// This attempt's trace files (finished ones; temporary files left by a
    /// process killed while writing are not).
    public func traceFiles() -> [URL] {
        switch method {
        case .unavailable: return []
        case .strace: return FileManager.default.fileExists(atPath: straceOutput.path) ? [straceOutput] : []
        case .preload:
            let prefix = stem + "."
            return Self.names(in: directory.path, prefix: prefix).filter { Self.isTraceName($0, prefix: prefix) }
                .sorted().map { directory.appendingPathComponent($0) }
        }
    }

    /// `<prefix><pid>.io` or `<prefix><pid>-x<n>.io`, by bytes (once per
    /// test: Character-wise matching cost more than reading the trace).
    static func isTraceName(_ name: String, prefix: String) -> Bool {
        let bytes = Array(name.utf8), head = prefix.utf8.count
        guard bytes.count > head + 3, bytes.starts(with: prefix.utf8), bytes.suffix(3).elementsEqual(".io".utf8)
        else { return false }
        let middle = bytes[head..<(bytes.count - 3)]
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard let dash = middle.firstIndex(of: UInt8(ascii: "-")) else { return middle.allSatisfy(isDigit) }
        let pid = middle[..<dash], exec = middle[(dash + 1)...]
        return !pid.isEmpty && pid.allSatisfy(isDigit) && exec.first == UInt8(ascii: "x")
            && exec.dropFirst().allSatisfy(isDigit)
    }

    /// Deletes this attempt's trace files.
    public func removeFiles() {
        for name in Self.names(in: directory.path, prefix: stem + ".")
        where name.hasSuffix(".io") || name.hasSuffix(".strace") {
            unlink(directory.appendingPathComponent(name).path)
        }
    }

    /// The entries of `directory` starting with `prefix`, by readdir (a run's
    /// scratch directory holds every test's files: Foundation's listing of
    /// it costs more than the rest of collecting a test's inputs).
    static func names(in directory: String, prefix: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        let length = prefix.utf8.count
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    name -> String? in strncmp(name, prefix, length) == 0 ? String(validatingCString: name) : nil
                }
            }
            if let name { names.append(name) }
        }
        return names
    }
}
