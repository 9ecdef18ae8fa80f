import Foundation

/// How a predicate's argument matches a name: `=exact`, `~contains`,
/// `/regex/`, `#glob`, or the predicate's default when no prefix is written.
public enum NameMatcher: Hashable, Sendable, CustomStringConvertible {
    /// The whole name equals the string.
    case equal(String)
    /// The name contains the string.
    case contains(String)
    /// The whole name matches the glob.
    case glob(Glob)
    /// Some part of the name matches the regular expression (anchor it with
    /// `^...$` to match the whole name).
    case regex(CompiledRegex)

    public func matches(_ name: String) -> Bool {
        switch self {
        case .equal(let value): return name == value
        case .contains(let value): return value.isEmpty || name.contains(value)
        case .glob(let glob): return glob.matches(name)
        case .regex(let regex): return regex.matchesSomePart(of: name)
        }
    }

    /// The matcher written with its explicit prefix, escapes restored, so it
    /// parses back to itself.
    public var description: String {
        switch self {
        case .equal(let value): return "=" + Self.escaped(value)
        case .contains(let value): return "~" + Self.escaped(value)
        case .glob(let glob): return "#" + Self.escaped(glob.pattern)
        case .regex(let regex): return "/" + regex.pattern.replacingOccurrences(of: "/", with: "\\/") + "/"
        }
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ")": out += "\\)"
            case ",": out += "\\,"
            case "/": out += "\\/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " " where out.isEmpty: out += "\\u{20}"
            default: out.append(character)
            }
        }
        if out.hasSuffix(" ") { out = String(out.dropLast()) + "\\u{20}" }
        return out
    }
}

/// A regular expression compiled once (ICU's, through Foundation), compared
/// and hashed by its pattern. `NSRegularExpression` is immutable and safe to
/// use from several threads, hence `@unchecked Sendable`.
public final class CompiledRegex: Hashable, @unchecked Sendable {
    public let pattern: String
    private let regex: NSRegularExpression

    /// Nil when the pattern does not compile.
    public init?(_ pattern: String) {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.pattern = pattern
        self.regex = regex
    }

    init?(pattern: String, anchoredRegex: String) {
        guard let regex = try? NSRegularExpression(pattern: anchoredRegex, options: [.dotMatchesLineSeparators])
        else { return nil }
        self.pattern = pattern
        self.regex = regex
    }

    public func matchesSomePart(of text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    public static func == (lhs: CompiledRegex, rhs: CompiledRegex) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}
