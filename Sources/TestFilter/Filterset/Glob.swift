/// A glob matched against a whole name, as nextest's `#glob` (globset with
/// backslash escapes off): `*` any run of characters (`/` and `::`
/// included), `?` one character, `[abc]`, `[a-z]`, `[!abc]` (or `[^abc]`) one
/// character of (not of) a set, `{a,b}` one of the alternatives (not nested).
/// A metacharacter is matched literally inside brackets: `[*]`, `[?]`, `[[]`.
/// A backslash is an ordinary character.
public struct Glob: Hashable, Sendable {
    public let pattern: String
    let compiled: CompiledRegex

    /// Throws a short description of what is wrong (for `FilterError.Reason.invalidGlob`).
    public init(_ pattern: String) throws(GlobProblem) {
        self.pattern = pattern
        let regex = try Self.translate(Array(pattern))
        guard let compiled = CompiledRegex(pattern: pattern, anchoredRegex: "\\A(?:" + regex + ")\\z") else {
            throw GlobProblem(description: "it does not translate to a valid regular expression")
        }
        self.compiled = compiled
    }

    public func matches(_ name: String) -> Bool { compiled.matchesSomePart(of: name) }

    public static func == (lhs: Glob, rhs: Glob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    public struct GlobProblem: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The glob as an (unanchored) ICU regular expression. Every literal is
    /// written as `\x{HEX}` so no character can mean anything to ICU.
    static func translate(_ glob: [Character]) throws(GlobProblem) -> String {
        var out = ""
        var index = 0
        var inAlternates = false
        while index < glob.count {
            let character = glob[index]
            switch character {
            case "*":
                out += ".*"
                while index + 1 < glob.count, glob[index + 1] == "*" { index += 1 }
            case "?":
                out += "."
            case "[":
                let (set, next) = try bracket(glob, from: index)
                out += set
                index = next
                continue
            case "{":
                if inAlternates { throw GlobProblem(description: "nested '{' alternates are not allowed") }
                inAlternates = true
                out += "(?:"
            case "}":
                if !inAlternates { throw GlobProblem(description: "'}' without an opening '{'") }
                inAlternates = false
                out += ")"
            case "," where inAlternates:
                out += "|"
            default:
                out += literal(character)
            }
            index += 1
        }
        if inAlternates { throw GlobProblem(description: "'{' is never closed") }
        return out
    }

    /// `[...]` starting at `start`; returns the regex class and the index after `]`.
    static func bracket(_ glob: [Character], from start: Int) throws(GlobProblem) -> (String, Int) {
        var index = start + 1
        var negated = false
        if index < glob.count, glob[index] == "!" || glob[index] == "^" {
            negated = true
            index += 1
        }
        var items = ""
        var first = true
        while index < glob.count {
            let character = glob[index]
            if character == "]" && !first {
                return ("[" + (negated ? "^" : "") + items + "]", index + 1)
            }
            first = false
            if index + 2 < glob.count, glob[index + 1] == "-", glob[index + 2] != "]" {
                let low = glob[index]
                let high = glob[index + 2]
                guard low <= high else {
                    throw GlobProblem(description: "range '\(low)-\(high)' runs backwards")
                }
                items += literal(low) + "-" + literal(high)
                index += 3
            } else {
                items += literal(character)
                index += 1
            }
        }
        throw GlobProblem(description: "'[' is never closed")
    }

    static func literal(_ character: Character) -> String {
        character.unicodeScalars.map { "\\x{" + String($0.value, radix: 16) + "}" }.joined()
    }
}
