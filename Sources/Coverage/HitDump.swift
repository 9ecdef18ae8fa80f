import Foundation

/// The slots one process executed, as the runtime wrote them (format in
/// `RuntimeSource`): a 32-byte header and a bitset over the guard range.
public struct HitDump: Sendable, Hashable {
    /// Where the dump was read from (empty when parsed from memory).
    public var path: String
    /// Number of coverage slots (guards) in the binary.
    public var slotCount: UInt32
    /// Slots that were executed, ascending.
    public var hitSlots: [UInt32]
    /// The fatal signal the dump was written from, nil after a normal exit
    /// (including `exit(101)` of a failed Rust test).
    public var endedBySignal: Int32?
    /// The process that wrote the dump.
    public var processID: Int32
    /// False when the runtime could not register every guard range (slots
    /// of some objects were never recorded): treat coverage as unknown.
    public var isComplete: Bool

    static let magic = "TRIMCOV1"
    static let headerSize = 32
    static let signalFlag: UInt32 = 1
    static let incompleteFlag: UInt32 = 2

    public init(path: String = "", slotCount: UInt32, hitSlots: [UInt32], endedBySignal: Int32?,
                processID: Int32 = 0, isComplete: Bool = true) {
        self.path = path
        self.slotCount = slotCount
        self.hitSlots = hitSlots
        self.endedBySignal = endedBySignal
        self.processID = processID
        self.isComplete = isComplete
    }

    /// Reads a dump; a missing, truncated or damaged file is a typed error.
    public static func read(_ url: URL) throws(CoverageError) -> HitDump {
        try parse(readSmallFile(url), path: url.path)
    }

    public static func parse(_ data: Data, path: String) throws(CoverageError) -> HitDump {
        try data.withByteView { view throws(CoverageError) in
            guard view.count > 0 else {
                throw .truncated(path: path, expectedBytes: headerSize, actualBytes: 0)
            }
            guard view.matches(magic) || (view.count < magic.utf8.count && view.matches(String(magic.prefix(view.count))))
            else { throw .notCoverageFile(path: path, expected: "hit dump") }
            guard view.count >= headerSize, let version = view.u32(8), let header = view.u32(12),
                let slots = view.u32(16), let signal = view.u32(20), let pid = view.u32(24),
                let flags = view.u32(28)
            else { throw .truncated(path: path, expectedBytes: headerSize, actualBytes: view.count) }
            guard version == RuntimeSource.formatVersion else {
                throw .unsupportedFormat(path: path, version: version)
            }
            guard header == UInt32(headerSize) else {
                throw .corrupt(path: path, reason: "header size \(header), expected \(headerSize)")
            }
            let expected = headerSize + (Int(slots) + 7) / 8
            guard view.count == expected else {
                if view.count < expected {
                    throw .truncated(path: path, expectedBytes: expected, actualBytes: view.count)
                }
                throw .corrupt(path: path, reason: "\(view.count) bytes for \(slots) slots (\(expected) expected)")
            }
            let bySignal = flags & signalFlag != 0
            guard bySignal == (signal != 0), signal < 128 else {
                throw .corrupt(path: path, reason: "signal \(signal) disagrees with flags \(flags)")
            }
            var hits: [UInt32] = []
            for byteIndex in 0..<((Int(slots) + 7) / 8) {
                var byte = view.bytes[headerSize + byteIndex]
                while byte != 0 {
                    let bit = UInt32(byte.trailingZeroBitCount)
                    let slot = UInt32(byteIndex) * 8 + bit
                    if slot < slots { hits.append(slot) }
                    byte &= byte - 1
                }
            }
            return HitDump(path: path, slotCount: slots, hitSlots: hits,
                           endedBySignal: bySignal ? Int32(signal) : nil,
                           processID: Int32(bitPattern: pid), isComplete: flags & incompleteFlag == 0)
        }
    }
}
