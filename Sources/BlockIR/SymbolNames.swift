/// Human names for symbols, and the hash-free names used to pair functions
/// whose symbol hash changed between builds.
public enum SymbolNames {
    /// The symbol without the hash that crate metadata (package version,
    /// dependencies) moves, as CLLVMShim/symbol_names.c computes it:
    /// `_ZN3lib7compute17h8b615b932bfa7f2eE` → `_ZN3lib7computeE`;
    /// `_RNvCs1a2B_3lib7compute` → `_RNvC3lib7compute`; other symbols unchanged.
    public static func withoutHash(_ symbol: String) -> String {
        if symbol.hasPrefix("_ZN") { return withoutLegacyHash(symbol) }
        if symbol.hasPrefix("_R") { return withoutV0Disambiguators(symbol) }
        return symbol
    }

    private static func withoutLegacyHash(_ symbol: String) -> String {
        // Read in place: called for every function of every module indexed.
        let utf8 = symbol.utf8
        guard utf8.count >= 21, utf8.last == UInt8(ascii: "E") else { return symbol }
        let suffix = utf8.suffix(20)
        guard suffix.starts(with: "17h".utf8),
            suffix.dropFirst(3).dropLast().allSatisfy({ isHexDigit($0) })
        else { return symbol }
        return String(decoding: utf8.dropLast(20), as: UTF8.self) + "E"
    }

    /// Every `Cs<base62>_` followed by an identifier's length (a crate root
    /// with its disambiguator) becomes `C`.
    private static func withoutV0Disambiguators(_ symbol: String) -> String {
        let utf8 = Array(symbol.utf8)
        guard utf8.contains(UInt8(ascii: "C")) else { return symbol }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            if let end = disambiguatorEnd(utf8, at: i) {
                out.append(UInt8(ascii: "C"))
                i = end
            } else {
                out.append(utf8[i])
                i += 1
            }
        }
        return out.count == utf8.count ? symbol : String(decoding: out, as: UTF8.self)
    }

    private static func disambiguatorEnd(_ utf8: [UInt8], at start: Int) -> Int? {
        guard start + 3 < utf8.count, utf8[start] == UInt8(ascii: "C"), utf8[start + 1] == UInt8(ascii: "s") else {
            return nil
        }
        var j = start + 2
        while j < utf8.count, isBase62(utf8[j]) { j += 1 }
        guard j + 1 < utf8.count, utf8[j] == UInt8(ascii: "_"),
            utf8[j + 1] >= UInt8(ascii: "1"), utf8[j + 1] <= UInt8(ascii: "9")
        else { return nil }
        return j + 1
    }

    private static func isBase62(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
            || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
    }

    /// A readable name from LLVM's demangling: Rust legacy escapes decoded and
    /// the `::h<hash>` suffix dropped unless `keepHash` (it tells apart
    /// generic instantiations that otherwise print alike).
    public static func display(demangled: String, keepHash: Bool) -> String {
        var name = demangled
        if !keepHash, let range = name.range(of: "::h", options: .backwards),
            name.distance(from: range.upperBound, to: name.endIndex) == 16,
            name[range.upperBound...].utf8.allSatisfy(isHexDigit)
        {
            name.removeSubrange(range.lowerBound...)
        }
        return decodeLegacyEscapes(name)
    }

    private static let escapes: [(String, String)] = [
        ("$LT$", "<"), ("$GT$", ">"), ("$RF$", "&"), ("$BP$", "*"), ("$LP$", "("), ("$RP$", ")"),
        ("$C$", ","), ("$SP$", "@"), ("$u20$", " "), ("$u22$", "\""), ("$u27$", "'"), ("$u2b$", "+"),
        ("$u3b$", ";"), ("$u5b$", "["), ("$u5d$", "]"), ("$u7b$", "{"), ("$u7d$", "}"), ("$u7e$", "~"),
    ]

    static func decodeLegacyEscapes(_ name: String) -> String {
        guard name.contains("$") || name.contains("..") else { return name }
        var out = name
        // Path segments that start with an escape carry a leading underscore.
        out = out.replacingOccurrences(of: "::_$", with: "::$")
        if out.hasPrefix("_$") { out.removeFirst() }
        for (escape, plain) in escapes { out = out.replacingOccurrences(of: escape, with: plain) }
        return out.replacingOccurrences(of: "..", with: "::")
    }
}
