/// Human names for symbols, and the hash-free names used to pair functions
/// whose symbol hash changed between builds.
public enum SymbolNames {
    /// `_ZN3lib7compute17h8b615b932bfa7f2eE` → `_ZN3lib7computeE`; other symbols unchanged.
    public static func withoutHash(_ symbol: String) -> String {
        // Read in place: called for every function of every module indexed.
        let utf8 = symbol.utf8
        guard utf8.count >= 21, symbol.hasPrefix("_ZN"), utf8.last == UInt8(ascii: "E") else { return symbol }
        let suffix = utf8.suffix(20)
        guard suffix.starts(with: "17h".utf8),
            suffix.dropFirst(3).dropLast().allSatisfy({ isHexDigit($0) })
        else { return symbol }
        return String(decoding: utf8.dropLast(20), as: UTF8.self) + "E"
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
