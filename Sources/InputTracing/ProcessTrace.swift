import Foundation

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
        let bytes = [UInt8](data)
        guard let newline = bytes.firstIndex(of: 0x0A) else {
            throw .malformedTrace(path: path, reason: "no header line")
        }
        let header = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 5, header[0] == magic, let pid = Int32(header[1]), let parent = Int32(header[2]),
            let signal = Int32(header[3]), let flags = UInt32(header[4])
        else {
            throw .malformedTrace(path: path, reason: "bad header \"\(String(decoding: bytes[..<newline], as: UTF8.self))\"")
        }
        var events = TraceEvents()
        var index = newline + 1
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(of: 0) else {
                throw .malformedTrace(path: path, reason: "a record at byte \(index) has no end")
            }
            let kind = bytes[index]
            let text = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
            switch kind {
            case UInt8(ascii: "f"): events.files.insert(text)
            case UInt8(ascii: "d"): events.listings.insert(text)
            case UInt8(ascii: "e"): events.variables.insert(text)
            case UInt8(ascii: "n"): if let endpoint = Endpoint.normalize(text) { events.endpoints.insert(endpoint) }
            default: throw .malformedTrace(path: path, reason: "unknown record kind \(kind) at byte \(index)")
            }
            index = end + 1
        }
        if flags & 2 != 0 {
            events.problems.append("process \(pid) could not record every event (too many, or a path too long)")
        }
        return ProcessTrace(pid: pid, parentPID: parent, signal: signal, beforeExec: false, events: events)
    }
}
