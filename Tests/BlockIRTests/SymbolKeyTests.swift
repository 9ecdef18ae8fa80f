import BlockIR
import Testing

/// Symbols as keys hashed by their tails: equality stays the whole symbol's.
@Suite struct SymbolKeyTests {
    @Test func symbolsSharingTheirTailStayApart() {
        let tail = "17h0123456789abcdefE"
        let a = "_ZN4shop9inventory7reserve" + tail, b = "_ZN4shop9inventory7release" + tail
        let short = "main"
        var table: [SymbolKey: Int] = [:]
        table[SymbolKey(a)] = 1
        table[SymbolKey(b)] = 2
        table[SymbolKey(short)] = 3
        #expect(table.count == 3)
        #expect(table[SymbolKey(a)] == 1 && table[SymbolKey(b)] == 2 && table[SymbolKey(short)] == 3)
        #expect(SymbolKey(a) != SymbolKey(b))
        #expect(table[SymbolKey("_ZN4shop9inventory7restock" + tail)] == nil)
        // The same symbol built another way hashes the same.
        let rebuilt = String(decoding: Array(a.utf8), as: UTF8.self)
        #expect(SymbolKey(rebuilt).hashValue == SymbolKey(a).hashValue)
    }
}
