/// The symbols and names of one crate's merge, numbered in the order first
/// met: each occurrence is hashed once, when it is numbered, and the merge
/// works on the numbers after (a reference used to cost two or three
/// lookups by string, a quarter of the merge).
struct InternedSymbols {
    private(set) var strings: [String] = []
    private var ids: [Key: Int32] = [:]

    var count: Int { strings.count }

    init(capacity: Int) {
        strings.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    mutating func intern(_ string: String) -> Int32 {
        let key = Key(string)
        if let id = ids[key] { return id }
        let id = Int32(strings.count)
        strings.append(string)
        ids[key] = id
        return id
    }

    /// The number of a string already interned, nil for any other.
    func id(of string: String) -> Int32? { ids[Key(string)] }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// A string hashed whole, eight bytes at a step, into one word for the
    /// table's hasher. Not `SymbolKey`'s tail: names without the hash share
    /// theirs (every closure of a crate ends alike) and would all collide.
    private struct Key: Hashable {
        let string: String

        init(_ string: String) { self.string = string }

        static func == (a: Key, b: Key) -> Bool { a.string == b.string }

        func hash(into hasher: inout Hasher) {
            let done: UInt64? = string.utf8.withContiguousStorageIfAvailable(Self.digest)
            if let done { return hasher.combine(done) }
            var native = string
            hasher.combine(native.withUTF8(Self.digest))
        }

        private static func digest(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var h = UInt64(bytes.count) &* 0x9e37_79b9_7f4a_7c15
            let raw = UnsafeRawBufferPointer(bytes)
            var i = 0
            while i + 8 <= raw.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xbf58_476d_1ce4_e5b9
                h ^= h >> 29
                i += 8
            }
            var tail: UInt64 = 0
            while i < raw.count {
                tail = tail << 8 | UInt64(raw[i])
                i += 1
            }
            h = (h ^ tail) &* 0x94d0_49bb_1331_11eb
            return h ^ (h >> 31)
        }
    }
}

/// One function copy's references as numbers, block by block, in one flat
/// array: block b's are `ids[offsets[b]..<offsets[b + 1]]`. Both are empty
/// when no block of the copy names a function.
struct BlockReferenceIDs {
    private var offsets: [Int32] = []
    private(set) var ids: [Int32] = []

    static let none = BlockReferenceIDs()

    init() {}

    init(_ function: FunctionFingerprint, symbols: inout InternedSymbols) {
        guard function.blocks.contains(where: { !$0.references.isEmpty }) else { return }
        offsets.reserveCapacity(function.blocks.count + 1)
        offsets.append(0)
        for block in function.blocks {
            for reference in block.references { ids.append(symbols.intern(reference)) }
            offsets.append(Int32(ids.count))
        }
    }

    subscript(block: Int) -> ArraySlice<Int32> {
        offsets.isEmpty ? [] : ids[Int(offsets[block])..<Int(offsets[block + 1])]
    }
}
