import Foundation

/// A binary's SanitizerCoverage PC table as the runtime wrote it: for every
/// slot, its link-time address and whether it is a function's entry.
public struct PCTable: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// The slot's PC minus its object's load bias: the address `.symtab` uses.
        public var address: UInt64
        /// The first slot of a function: `address` is the function's own address.
        public var isFunctionEntry: Bool

        public init(address: UInt64, isFunctionEntry: Bool) {
            self.address = address
            self.isFunctionEntry = isFunctionEntry
        }
    }

    /// The slots one loaded object contributed (one per instrumented object).
    public struct Range: Sendable, Hashable {
        public var firstSlot: UInt32
        public var slotCount: UInt32
        public var loadBias: UInt64
        /// The shared object's path; nil for the main executable.
        public var object: String?

        public init(firstSlot: UInt32, slotCount: UInt32, loadBias: UInt64, object: String?) {
            self.firstSlot = firstSlot
            self.slotCount = slotCount
            self.loadBias = loadBias
            self.object = object
        }
    }

    public var path: String
    /// One entry per slot, in slot order.
    public var entries: [Entry]
    public var ranges: [Range]
    /// False when the runtime could not register every range.
    public var isComplete: Bool

    public var slotCount: UInt32 { UInt32(entries.count) }

    static let magic = "TRIMPCT1"
    static let headerSize = 32

    public init(path: String = "", entries: [Entry], ranges: [Range], isComplete: Bool = true) {
        self.path = path
        self.entries = entries
        self.ranges = ranges
        self.isComplete = isComplete
    }

    /// Whether both tables give every slot the same address, entry flag and
    /// range, whatever file they were read from.
    public func hasSameSlots(as other: PCTable) -> Bool {
        entries == other.entries && ranges == other.ranges && isComplete == other.isComplete
    }

    /// The range holding `slot`.
    public func range(of slot: UInt32) -> Range? {
        ranges.first { slot >= $0.firstSlot && slot - $0.firstSlot < $0.slotCount }
    }

    public static func read(_ url: URL) throws(CoverageError) -> PCTable {
        try parse(readFile(url), path: url.path)
    }

    public static func parse(_ data: Data, path: String) throws(CoverageError) -> PCTable {
        try data.withByteView { view throws(CoverageError) in
            guard view.count > 0 else {
                throw .truncated(path: path, expectedBytes: headerSize, actualBytes: 0)
            }
            guard view.matches(magic) || (view.count < magic.utf8.count && view.matches(String(magic.prefix(view.count))))
            else { throw .notCoverageFile(path: path, expected: "PC table") }
            guard view.count >= headerSize, let version = view.u32(8), let header = view.u32(12),
                let entryCount = view.u32(16), let guardCount = view.u32(20), let rangeCount = view.u32(24),
                let flags = view.u32(28)
            else { throw .truncated(path: path, expectedBytes: headerSize, actualBytes: view.count) }
            guard version == RuntimeSource.formatVersion else {
                throw .unsupportedFormat(path: path, version: version)
            }
            guard header == UInt32(headerSize) else {
                throw .corrupt(path: path, reason: "header size \(header), expected \(headerSize)")
            }
            guard entryCount == guardCount else {
                throw .corrupt(path: path, reason: "\(entryCount) PC entries for \(guardCount) guards; build with "
                    + "both -sanitizer-coverage-trace-pc-guard and -sanitizer-coverage-pc-table")
            }
            // Each range takes at least 24 bytes and each entry 16: bound the counts before allocating.
            let minimum = headerSize + Int(rangeCount) * 24 + Int(entryCount) * 16
            guard view.count >= minimum else {
                throw .truncated(path: path, expectedBytes: minimum, actualBytes: view.count)
            }
            var offset = headerSize
            var ranges: [Range] = []
            var nextSlot: UInt32 = 0
            for _ in 0..<rangeCount {
                guard let first = view.u32(offset), let count = view.u32(offset + 4), let bias = view.u64(offset + 8),
                    let rangeFlags = view.u32(offset + 16), let nameLength = view.u32(offset + 20)
                else { throw .truncated(path: path, expectedBytes: offset + 24, actualBytes: view.count) }
                let padded = (Int(nameLength) + 7) & ~7
                guard let name = view.string(offset + 24, Int(nameLength)), view.contains(offset + 24, padded) else {
                    throw .truncated(path: path, expectedBytes: offset + 24 + padded, actualBytes: view.count)
                }
                guard first == nextSlot, UInt64(first) + UInt64(count) <= UInt64(entryCount) else {
                    throw .corrupt(path: path, reason: "range of \(count) slots at \(first) does not follow slot \(nextSlot)")
                }
                nextSlot = first + count
                ranges.append(Range(firstSlot: first, slotCount: count, loadBias: bias,
                                    object: rangeFlags & 1 != 0 ? nil : name))
                offset += 24 + padded
            }
            guard nextSlot == entryCount else {
                throw .corrupt(path: path, reason: "ranges cover \(nextSlot) of \(entryCount) slots")
            }
            let expected = offset + Int(entryCount) * 16
            guard view.count == expected else {
                if view.count < expected {
                    throw .truncated(path: path, expectedBytes: expected, actualBytes: view.count)
                }
                throw .corrupt(path: path, reason: "\(view.count) bytes, \(expected) expected")
            }
            var entries: [Entry] = []
            entries.reserveCapacity(Int(entryCount))
            for index in 0..<Int(entryCount) {
                let at = offset + index * 16
                entries.append(Entry(address: view.u64(at)!, isFunctionEntry: view.u64(at + 8)! & 1 != 0))
            }
            return PCTable(path: path, entries: entries, ranges: ranges, isComplete: flags & 2 == 0)
        }
    }
}
