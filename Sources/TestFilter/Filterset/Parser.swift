/// The filterset grammar, nextest's (tightest binding last):
///
///     expression := and-expr (("|" | "+" | "or") and-expr)*
///     and-expr   := unary (("&" | "and" | "-") unary)*
///     unary      := ("not" | "!") unary | primary
///     primary    := "(" expression ")" | predicate
///     predicate  := "all()" | "none()" | name "(" matcher ")"
///     name       := "test" | "package" | "binary" | "binary_id" | "kind"
///     matcher    := "=" text | "~" text | "#" text | "/" regex "/" | text
///
/// Binary operators of one level bind left to right: `a - b & c` is
/// `(a - b) & c`, `a & b | c` is `(a & b) | c`, `not a | b` is `(not a) | b`.
/// Whitespace (spaces, tabs, line breaks) may surround every token.
///
/// A `text` runs to the first unescaped `)`; an unescaped `,` is an error.
/// Escapes: `\n \r \t \b \f \\ \/ \) \, \u{HEX}`, nothing else. Whitespace
/// around a text is dropped (no test, package or kind name has any; write
/// `\u{20}` for a space that counts). A regex runs to the first `/` not
/// written `\/`; any other backslash pair is passed to the regex engine.
///
/// The first error stops parsing; it carries the column where it was found.
///
/// Parsing, matching and freeing the tree all recurse, so hostile input could
/// overflow the stack: parentheses and `not` may nest at most `maximumNesting`
/// deep, and an expression has at most `maximumOperators` binary operators
/// (each one deepens the tree by one).
struct Parser {
    static let maximumNesting = 256
    static let maximumOperators = 1024

    let source: String
    let characters: [Character]
    var position = 0
    private var nesting = 0
    private var operators = 0

    init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    mutating func parseWhole() throws(FilterError) -> FilterExpression.Node {
        let node = try parseExpression()
        skipWhitespace()
        if position < characters.count {
            throw error(.expectedOperator(found: tokenText(at: position)))
        }
        return node
    }

    // MARK: Operators

    private mutating func parseExpression() throws(FilterError) -> FilterExpression.Node {
        var node = try parseAnd()
        while true {
            skipWhitespace()
            if take("|") || take("+") || takeKeyword("or") {
                try countOperator()
                node = .or(node, try parseAnd())
            } else {
                return node
            }
        }
    }

    private mutating func parseAnd() throws(FilterError) -> FilterExpression.Node {
        var node = try parseUnary()
        while true {
            skipWhitespace()
            if take("&") || takeKeyword("and") {
                try countOperator()
                node = .and(node, try parseUnary())
            } else if take("-") {
                try countOperator()
                node = .difference(node, try parseUnary())
            } else {
                return node
            }
        }
    }

    private mutating func parseUnary() throws(FilterError) -> FilterExpression.Node {
        skipWhitespace()
        if take("!") || takeKeyword("not") {
            try enterNesting()
            defer { nesting -= 1 }
            return .not(try parseUnary())
        }
        return try parsePrimary()
    }

    private mutating func enterNesting() throws(FilterError) {
        nesting += 1
        guard nesting <= Self.maximumNesting else {
            throw FilterError(.nestedTooDeep(limit: Self.maximumNesting), input: source, column: position)
        }
    }

    private mutating func countOperator() throws(FilterError) {
        operators += 1
        guard operators <= Self.maximumOperators else {
            throw FilterError(.tooManyOperators(limit: Self.maximumOperators), input: source, column: position)
        }
    }

    private mutating func parsePrimary() throws(FilterError) -> FilterExpression.Node {
        skipWhitespace()
        if take("(") {
            try enterNesting()
            defer { nesting -= 1 }
            let inner = try parseExpression()
            skipWhitespace()
            guard take(")") else { throw error(.expectedCloseParen) }
            return inner
        }
        let start = position
        let name = identifier()
        guard !name.isEmpty, !Self.keywords.contains(name) else {
            position = start
            throw error(.expectedExpression)
        }
        return try parsePredicate(name, at: start)
    }

    // MARK: Predicates

    static let keywords: Set<String> = ["and", "or", "not"]
    /// nextest's predicates that need data trim does not have (the package
    /// graph, build platforms, test groups, a configured default set).
    static let unsupported: Set<String> = ["deps", "rdeps", "platform", "group", "default"]

    private enum Default { case equal, contains, glob }

    private mutating func parsePredicate(_ name: String, at start: Int) throws(FilterError) -> FilterExpression.Node {
        let make: (NameMatcher) -> FilterExpression.Node
        let defaultMatcher: Default
        switch name {
        case "all", "none":
            try expectOpenParen(after: name)
            skipWhitespace()
            if !take(")") {
                throw error(position < characters.count ? .unexpectedArgument(predicate: name) : .expectedCloseParen)
            }
            return name == "all" ? .all : .none
        case "test": (make, defaultMatcher) = (FilterExpression.Node.test, .contains)
        case "package": (make, defaultMatcher) = (FilterExpression.Node.package, .glob)
        case "binary": (make, defaultMatcher) = (FilterExpression.Node.binary, .glob)
        case "binary_id": (make, defaultMatcher) = (FilterExpression.Node.binaryID, .glob)
        case "kind": (make, defaultMatcher) = (FilterExpression.Node.kind, .equal)
        default:
            throw FilterError(
                Self.unsupported.contains(name) ? .unsupportedPredicate(name) : .unknownPredicate(name),
                input: source, column: start + 1)
        }
        try expectOpenParen(after: name)
        let matcher = try parseMatcher(for: name, default: defaultMatcher)
        skipWhitespace()
        guard take(")") else { throw error(.expectedCloseParen) }
        return make(matcher)
    }

    private mutating func expectOpenParen(after name: String) throws(FilterError) {
        skipWhitespace()
        guard take("(") else { throw error(.expectedOpenParen(predicate: name)) }
    }

    private mutating func parseMatcher(
        for predicate: String, default kind: Default
    ) throws(FilterError) -> NameMatcher {
        skipWhitespace()
        if take("/") { return try parseRegex(openedAt: position - 1) }
        var kind = kind
        if take("=") {
            kind = .equal
        } else if take("~") {
            kind = .contains
        } else if take("#") {
            kind = .glob
        }
        let textStart = position
        let text = try parseText(for: predicate)
        switch kind {
        case .equal: return .equal(text)
        case .contains: return .contains(text)
        case .glob:
            do {
                return .glob(try Glob(text))
            } catch {
                throw FilterError(
                    .invalidGlob(glob: text, problem: error.description), input: source,
                    column: textStart + 1)
            }
        }
    }

    /// A string up to the next unescaped `)` (left unconsumed), escapes
    /// decoded, surrounding raw whitespace dropped.
    private mutating func parseText(for predicate: String) throws(FilterError) -> String {
        var decoded: [(character: Character, escaped: Bool)] = []
        while true {
            guard position < characters.count else { throw error(.expectedCloseParen) }
            let character = characters[position]
            if character == ")" { break }
            if character == "," { throw error(.unexpectedComma) }
            if character == "\\" {
                decoded.append((try parseEscape(), true))
            } else {
                decoded.append((character, false))
                position += 1
            }
        }
        while let last = decoded.last, !last.escaped, last.character.isWhitespace { decoded.removeLast() }
        while let first = decoded.first, !first.escaped, first.character.isWhitespace { decoded.removeFirst() }
        guard !decoded.isEmpty else {
            throw FilterError(.emptyMatcher(predicate: predicate), input: source, column: position + 1)
        }
        return String(decoded.map(\.character))
    }

    /// At a backslash: one escape sequence, consumed.
    private mutating func parseEscape() throws(FilterError) -> Character {
        let start = position
        position += 1
        guard position < characters.count else {
            throw FilterError(.invalidEscape("\\"), input: source, column: start + 1)
        }
        let code = characters[position]
        position += 1
        switch code {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "\\": return "\\"
        case "/": return "/"
        case ")": return ")"
        case ",": return ","
        case "u":
            var hex = ""
            if position < characters.count, characters[position] == "{" {
                position += 1
                while position < characters.count, characters[position].isHexDigit, hex.count < 6 {
                    hex.append(characters[position])
                    position += 1
                }
                if position < characters.count, characters[position] == "}", !hex.isEmpty,
                    let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value)
                {
                    position += 1
                    return Character(scalar)
                }
            }
            let sequence = String(characters[start..<min(position + 1, characters.count)])
            throw FilterError(.invalidEscape(sequence), input: source, column: start + 1)
        default:
            throw FilterError(.invalidEscape("\\\(code)"), input: source, column: start + 1)
        }
    }

    /// After the opening `/`: the pattern up to the closing `/`, compiled.
    private mutating func parseRegex(openedAt open: Int) throws(FilterError) -> NameMatcher {
        var pattern = ""
        while true {
            guard position < characters.count else {
                // Point at the `)` the user probably meant to end the predicate with.
                let close = characters[(open + 1)...].firstIndex(of: ")") ?? characters.count
                throw FilterError(.expectedRegexClose, input: source, column: close + 1)
            }
            let character = characters[position]
            if character == "/" {
                position += 1
                break
            }
            if character == "\\", position + 1 < characters.count {
                let next = characters[position + 1]
                if next == "/" {
                    pattern.append("/")
                } else {
                    pattern.append(character)
                    pattern.append(next)
                }
                position += 2
            } else {
                pattern.append(character)
                position += 1
            }
        }
        guard let regex = CompiledRegex(pattern) else {
            throw FilterError(.invalidRegex(pattern: pattern), input: source, column: open + 1)
        }
        return .regex(regex)
    }

    // MARK: Tokens

    private mutating func skipWhitespace() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private mutating func take(_ character: Character) -> Bool {
        guard position < characters.count, characters[position] == character else { return false }
        position += 1
        return true
    }

    /// The keyword, when it stands alone (not the start of a longer identifier).
    private mutating func takeKeyword(_ keyword: String) -> Bool {
        let start = position
        if identifier() == keyword { return true }
        position = start
        return false
    }

    private mutating func identifier() -> String {
        let start = position
        while position < characters.count, Self.isIdentifierCharacter(characters[position]) { position += 1 }
        return String(characters[start..<position])
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }

    /// What to quote in an error: the identifier starting there, or the one character.
    private func tokenText(at index: Int) -> String {
        var end = index
        while end < characters.count, Self.isIdentifierCharacter(characters[end]) { end += 1 }
        return end > index ? String(characters[index..<end]) : String(characters[index])
    }

    private func error(_ reason: FilterError.Reason) -> FilterError {
        FilterError(reason, input: source, column: position + 1)
    }
}
