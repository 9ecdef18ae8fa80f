import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one process (or, for strace, one traced tree) was seen to use. Paths
/// are absolute as recorded, not yet normalised; addresses in `Endpoint`'s
/// normal form.
public struct TraceEvents: Hashable, Sendable {
    /// Opened for reading, stat'ed, accessed or executed.
    public var files: Set<String> = []
    /// Directories listed.
    public var listings: Set<String> = []
    /// Names of environment variables read.
    public var variables: Set<String> = []
    /// Network addresses connected or sent to.
    public var endpoints: Set<String> = []
    /// Variable reads were not observable (strace): every variable counts as read.
    public var environmentUnknown = false
    /// Something was not observed; `problems` says what.
    public var problems: [String] = []

    public init() {}

    public var isComplete: Bool { problems.isEmpty }

    public mutating func merge(_ other: TraceEvents) {
        files.formUnion(other.files)
        listings.formUnion(other.listings)
        variables.formUnion(other.variables)
        endpoints.formUnion(other.endpoints)
        environmentUnknown = environmentUnknown || other.environmentUnknown
        for problem in other.problems where !problems.contains(problem) { problems.append(problem) }
    }
}

/// One trace file the interposer wrote (see `InterposerSource` for the format).
public struct ProcessTrace: Hashable, Sendable {
    public var pid: Int32
    public var parentPID: Int32
    /// The fatal signal it was written from, 0 when written at exit or before an exec.
    public var signal: Int32
    /// Written just before an exec replaced the process's image (`<pid>-x<n>`).
    public var beforeExec: Bool
    public var events: TraceEvents

    static let magic = "TRIMIO1"

    /// Reads and parses one trace file.
    public static func read(_ url: URL) throws(InputTracingError) -> ProcessTrace {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableTrace(path: url.path, reason: (error as NSError).localizedDescription)
        }
        var trace = try parse(data, path: url.path)
        trace.beforeExec = url.lastPathComponent.contains("-x")
        return trace
    }

    /// Parses a trace: the header line, then `kind text NUL` records.
    public static func parse(_ data: Data, path: String) throws(InputTracingError) -> ProcessTrace {
        let parsed = data.withUnsafeBytes { raw -> Result<ProcessTrace, InputTracingError> in
            let bytes = raw.bindMemory(to: UInt8.self)
            do throws(InputTracingError) {
                return .success(try parse(bytes, path: path))
            } catch {
                return .failure(error)
            }
        }
        return try parsed.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(InputTracingError)
        -> ProcessTrace
    {
        guard let base = bytes.baseAddress, let newline = memchr(base, 0x0A, bytes.count) else {
            throw .malformedTrace(path: path, reason: "no header line")
        }
        let headerLength = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
        let headerText = String(decoding: UnsafeBufferPointer(start: base, count: headerLength), as: UTF8.self)
        let header = headerText.split(separator: " ")
        guard header.count == 6, header[0] == magic, let pid = Int32(header[1]), let parent = Int32(header[2]),
            let signal = Int32(header[3]), let flags = UInt32(header[4]), let length = Int(header[5])
        else {
            throw .malformedTrace(path: path, reason: "bad header \"\(headerText)\"")
        }
        var index = headerLength + 1
        guard bytes.count - index == length else {
            throw .malformedTrace(
                path: path,
                reason: "\(bytes.count - index) bytes of records where the header "
                    + "says \(length): the process was killed while writing it")
        }
        var events = TraceEvents()
        while index < bytes.count {
            guard let end = memchr(base + index, 0, bytes.count - index) else {
                throw .malformedTrace(path: path, reason: "a record at byte \(index) has no end")
            }
            let endIndex = UnsafeRawPointer(end) - UnsafeRawPointer(base)
            let kind = bytes[index]
            let text = String(
                decoding: UnsafeBufferPointer(start: base + index + 1, count: endIndex - index - 1),
                as: UTF8.self)
            switch kind {
            case UInt8(ascii: "f"): events.files.insert(text)
            case UInt8(ascii: "d"): events.listings.insert(text)
            case UInt8(ascii: "e"): events.variables.insert(text)
            case UInt8(ascii: "n"): if let endpoint = Endpoint.normalize(text) { events.endpoints.insert(endpoint) }
            case UInt8(ascii: "s"):
                events.problems.append(
                    "process \(pid) started \(text), a statically linked program LD_PRELOAD cannot reach: "
                        + "what it reads is not recorded")
            default: throw .malformedTrace(path: path, reason: "unknown record kind \(kind) at byte \(index)")
            }
            index = endIndex + 1
        }
        if flags & 2 != 0 {
            events.problems.append("process \(pid) could not record every event (too many, or a path too long)")
        }
        return ProcessTrace(pid: pid, parentPID: parent, signal: signal, beforeExec: false, events: events)
    }
}
