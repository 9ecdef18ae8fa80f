/// `--db` / `TRIM_DB`: the path of an SQLite file. A URL (`postgres://…`)
/// is refused rather than taken for a file name; its scheme is named, the
/// rest (which may hold a password) never shown.
public enum DatabaseLocation {
    /// The scheme of `text` when it is written `scheme://…`, else nil.
    public static func urlScheme(of text: String) -> String? {
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return String(scheme)
    }

    public static func check(_ text: String) throws(TrimError) {
        if let scheme = urlScheme(of: text) { throw .databaseURL(scheme: scheme) }
    }
}
