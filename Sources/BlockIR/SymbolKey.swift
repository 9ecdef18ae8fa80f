/// A symbol as a dictionary key, hashed by its last bytes and its length.
///
/// Rust's symbols share long prefixes (the crate and module path) and end
/// in a hash of their own (`17h<16 hex digits>E`), so the tail tells them
/// apart; hashing all of a ~100-byte symbol cost most of a lookup in the
/// tables selection consults for every function a test ran. Equality is
/// the whole symbol's: a shared tail only costs a comparison.
public struct SymbolKey: Hashable, Sendable {
    public let symbol: String

    public init(_ symbol: String) { self.symbol = symbol }

    public static func == (a: SymbolKey, b: SymbolKey) -> Bool { a.symbol == b.symbol }

    public func hash(into hasher: inout Hasher) {
        // A native string's bytes read in place, without a copy of the string
        // (a retain and a release for every lookup); any other made native first.
        let done: Void? = symbol.utf8.withContiguousStorageIfAvailable { Self.hash($0, into: &hasher) }
        guard done == nil else { return }
        var native = symbol
        native.withUTF8 { Self.hash($0, into: &hasher) }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(tailLength))))
    }

    static let tailLength = 24
}
