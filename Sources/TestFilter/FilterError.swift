/// Everything that can be wrong with a filterset or a partition the user
/// typed, with where: the input, a 1-based column and a caret under it.
///
/// `description` is what to show:
///
///     error: expected ')' at column 9 in "test(foo"
///       test(foo
///               ^
public struct FilterError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// `test(foo` or `(all()`.
        case expectedCloseParen
        /// A predicate name not followed by `(`: `test foo`.
        case expectedOpenParen(predicate: String)
        /// Nothing, or something that cannot start an expression, where one
        /// must be: ``, `test(a) &`, `| all()`.
        case expectedExpression
        /// A complete expression followed by something that is not an
        /// operator: `test(a) test(b)`, `test(a))`.
        case expectedOperator(found: String)
        /// A regex matcher without its closing slash: `test(/foo)`.
        case expectedRegexClose
        /// `test()`, `package(=)`.
        case emptyMatcher(predicate: String)
        /// `test(a, b)`: predicates take one matcher; a literal comma is `\,`.
        case unexpectedComma
        /// `all(x)`, `none(x)`.
        case unexpectedArgument(predicate: String)
        /// A backslash sequence the string matchers do not know: `test(a\q)`.
        case invalidEscape(String)
        /// The regex engine refused the pattern.
        case invalidRegex(pattern: String)
        /// A malformed glob: `#[ab`, `#{a,{b}}`.
        case invalidGlob(glob: String, problem: String)
        /// Not a predicate at all: `tests(foo)`.
        case unknownPredicate(String)
        /// A nextest predicate trim has no data for: `deps`, `rdeps`,
        /// `platform`, `group`, `default`.
        case unsupportedPredicate(String)
        /// Parentheses and `not` nested deeper than the limit (the column is where it was crossed).
        case nestedTooDeep(limit: Int)
        /// More binary operators (`&`, `|`, `-`, ...) than the limit.
        case tooManyOperators(limit: Int)
        /// A partition not written `count:M/N`, `hash:M/N` or `slice:M/N`.
        case invalidPartitionFormat
        /// A shard or total that is not a whole number.
        case invalidPartitionNumber(String)
        /// `count:0/3`, `hash:4/3`.
        case shardOutOfRange(shard: Int, total: Int)
        /// `count:1/0`.
        case noShards
    }

    public let reason: Reason
    /// The whole expression or partition as given.
    public let input: String
    /// 1-based, in characters; one past the last character for errors at the end.
    public let column: Int

    public init(_ reason: Reason, input: String, column: Int) {
        self.reason = reason
        self.input = input
        self.column = column
    }

    /// `expected ')' at column 9 in "test(foo"`.
    public var message: String {
        let quoted = input.count <= Self.shownLength ? "\"\(input)\"" : "an expression of \(input.count) characters"
        return "\(Self.text(of: reason)) at column \(column) in \(quoted)"
    }

    /// The input on one line (line breaks and tabs shown as spaces) and a
    /// caret under `column`, each indented by two spaces. A long input is
    /// shown only around the column, with `…` for what is left out.
    public var caretLines: String {
        var characters = Array(input.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        var caret = max(column - 1, 0)
        if characters.count > Self.shownLength {
            let start = max(0, min(caret - Self.shownLength / 2, characters.count - Self.shownLength))
            let end = min(characters.count, start + Self.shownLength)
            let head: [Character] = start > 0 ? ["…"] : [], tail: [Character] = end < characters.count ? ["…"] : []
            characters = head + Array(characters[start..<end]) + tail
            caret = caret - start + (start > 0 ? 1 : 0)
        }
        return "  \(String(characters))\n  \(String(repeating: " ", count: caret))^"
    }

    /// Longer inputs are quoted only around the error.
    static let shownLength = 120

    public var description: String { "error: \(message)\n\(caretLines)" }

    static let knownPredicates = "all, none, test, package, binary, binary_id, kind"

    static func text(of reason: Reason) -> String {
        switch reason {
        case .expectedCloseParen: return "expected ')'"
        case .expectedOpenParen(let predicate): return "expected '(' after '\(predicate)'"
        case .expectedExpression:
            return "expected an expression: a predicate (\(knownPredicates)), 'not', '!' or '('"
        case .expectedOperator(let found):
            return "expected an operator (and, or, not, &, |, +, -, !) or the end, found '\(found)'"
        case .expectedRegexClose: return "expected '/' closing the regular expression"
        case .emptyMatcher(let predicate): return "empty matcher in '\(predicate)()'"
        case .unexpectedComma: return "unexpected ',' (a predicate takes one matcher; write '\\,' for a comma)"
        case .unexpectedArgument(let predicate): return "'\(predicate)()' takes no argument"
        case .invalidEscape(let sequence):
            return "invalid escape sequence '\(sequence)' (known: \\n \\r \\t \\b \\f \\\\ \\/ \\) \\, \\u{HEX})"
        case .invalidRegex(let pattern): return "invalid regular expression /\(pattern)/"
        case .invalidGlob(let glob, let problem): return "invalid glob '\(glob)': \(problem)"
        case .unknownPredicate(let name): return "unknown predicate '\(name)' (known: \(knownPredicates))"
        case .unsupportedPredicate(let name):
            return "predicate '\(name)()' is nextest's but trim does not support it yet"
        case .nestedTooDeep(let limit):
            return "parentheses and 'not' nested more than \(limit) deep"
        case .tooManyOperators(let limit):
            return "more than \(limit) operators (&, |, -, and, or) in one expression"
        case .invalidPartitionFormat: return "expected a partition written count:M/N, hash:M/N or slice:M/N"
        case .invalidPartitionNumber(let text): return "expected a whole number, found '\(text)'"
        case .shardOutOfRange(let shard, let total): return "shard \(shard) is not between 1 and \(total)"
        case .noShards: return "the number of shards must be at least 1"
        }
    }
}
