/// A string as a dictionary key, hashed whole, eight bytes at a step, into
/// one word for the table's hasher: for tables that take every symbol of a
/// crate, where `Hasher` over each byte cost most of a lookup. Not
/// `SymbolKey`'s tail: names without the hash share theirs (every closure of
/// a crate ends alike) and would all collide.
struct WholeStringKey: Hashable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: WholeStringKey, b: WholeStringKey) -> Bool { a.string == b.string }

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
