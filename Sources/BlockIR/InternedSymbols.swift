/// The symbols and names of one crate's merge, numbered in the order first
/// met: each occurrence is hashed once, when it is numbered, and the merge
/// works on the numbers after (a reference used to cost two or three
/// lookups by string, a quarter of the merge).
struct InternedSymbols {
    private(set) var strings: [String] = []
    private var ids: [WholeStringKey: Int32] = [:]

    var count: Int { strings.count }

    init(capacity: Int) {
        strings.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    mutating func intern(_ string: String) -> Int32 {
        let key = WholeStringKey(string)
        if let id = ids[key] { return id }
        let id = Int32(strings.count)
        strings.append(string)
        ids[key] = id
        return id
    }

    /// The number of a string already interned, nil for any other.
    func id(of string: String) -> Int32? { ids[WholeStringKey(string)] }

    subscript(id: Int32) -> String { strings[Int(id)] }
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
