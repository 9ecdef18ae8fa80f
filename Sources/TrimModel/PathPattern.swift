/// A path glob, matched segment by segment: `*` any run of characters but
/// `/`, `?` one character but `/`, `**` as a whole segment any number of
/// segments (none included). A pattern that matches a directory matches
/// everything under it (`migrations` = `migrations/**`). Relative patterns
/// are relative to the workspace root; absolute ones match absolute paths.
/// A trailing `/` is ignored.
public struct PathPattern: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    let segments: [Substring]
    public let isAbsolute: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        isAbsolute = pattern.hasPrefix("/")
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
    }

    public var description: String { pattern }

    /// The leading segments without wildcards: the directory a walk for
    /// matching files can start from ("" for the root).
    public var literalPrefix: String {
        let literal = segments.prefix { !$0.contains(where: { "*?".contains($0) }) }
        return literal.joined(separator: "/")
    }

    /// Whether `path` (relative to the workspace root, or absolute for an
    /// absolute pattern; normalised, no trailing `/`) or a directory above it matches.
    public func matches(_ path: String) -> Bool {
        if path.hasPrefix("/") != isAbsolute { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return Self.match(segments[...], parts[...])
    }

    /// The whole pattern against a prefix of the path (what is left is under a matched directory).
    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return true }
        if first == "**" {
            let rest = pattern.dropFirst()
            var tail = path
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let segment = path.first,
            matchSegment(Array(first.unicodeScalars)[...], Array(segment.unicodeScalars)[...])
        else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func matchSegment(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>) -> Bool
    {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*":
            var tail = text
            while true {
                if matchSegment(pattern.dropFirst(), tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        case "?":
            return !text.isEmpty && matchSegment(pattern.dropFirst(), text.dropFirst())
        default:
            return text.first == first && matchSegment(pattern.dropFirst(), text.dropFirst())
        }
    }
}

/// Lexical path normalisation: `.` and empty segments dropped, `..` removes
/// the segment before it (never above the root). Symbolic links are not followed.
public enum PathNormalizer {
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
