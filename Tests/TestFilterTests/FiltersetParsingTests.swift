import TestFilter
import Testing

/// The grammar: precedence, each operator and its spellings, and errors.
@Suite struct FiltersetParsingTests {
    static func normalized(_ expression: String) throws -> String {
        try FilterExpression(parsing: expression).normalized
    }

    @Test(arguments: [
        // nextest's documented examples.
        ("test(a) & test(b) | test(c)", "((test(~a) & test(~b)) | test(~c))"),
        ("test(a) | test(b) & test(c)", "(test(~a) | (test(~b) & test(~c)))"),
        ("test(a) & test(b) - test(c)", "((test(~a) & test(~b)) - test(~c))"),
        ("not test(a) | test(b)", "(not test(~a) | test(~b))"),
        // `-` binds like `&`, left to right.
        ("test(a) - test(b) & test(c)", "((test(~a) - test(~b)) & test(~c))"),
        ("test(a) - test(b) - test(c)", "((test(~a) - test(~b)) - test(~c))"),
        ("test(a) | test(b) - test(c)", "(test(~a) | (test(~b) - test(~c)))"),
        // Left to right within a level.
        ("test(a) | test(b) + test(c)", "((test(~a) | test(~b)) | test(~c))"),
        ("test(a) & test(b) and test(c)", "((test(~a) & test(~b)) & test(~c))"),
        // `not` binds tighter than everything but parentheses.
        ("not test(a) & test(b)", "(not test(~a) & test(~b))"),
        ("!test(a) - !test(b)", "(not test(~a) - not test(~b))"),
        ("not (test(a) | test(b))", "not (test(~a) | test(~b))"),
        ("not not all()", "not not all()"),
        ("!!none()", "not not none()"),
        ("not(all())", "not all()"),
        // Parentheses override.
        ("test(a) & (test(b) | test(c))", "(test(~a) & (test(~b) | test(~c)))"),
        ("((test(a)))", "test(~a)"),
        // Keyword spellings, case as nextest: lower case only.
        ("test(a) or test(b) and test(c)", "(test(~a) | (test(~b) & test(~c)))"),
        ("test(a) + test(b)", "(test(~a) | test(~b))"),
        // Whitespace anywhere between tokens, line breaks included, or none.
        ("  test( a )\n  |\ttest(b)  ", "(test(~a) | test(~b))"),
        ("test(a)|test(b)&!test(c)", "(test(~a) | (test(~b) & not test(~c)))"),
        ("all()-none()", "(all() - none())"),
        // Default matchers: test contains, package/binary/binary_id glob, kind equal.
        ("package(ledger)", "package(#ledger)"),
        ("binary(ledger)", "binary(#ledger)"),
        ("binary_id(ledger)", "binary_id(#ledger)"),
        ("kind(lib)", "kind(=lib)"),
        ("test(=x) | test(~x) | test(#x) | test(/x/)", "(((test(=x) | test(~x)) | test(#x)) | test(/x/))"),
    ])
    func precedence(expression: String, expected: String) throws {
        #expect(try Self.normalized(expression) == expected)
    }

    @Test(arguments: [
        "test(a) | test(b) & not test(c) - kind(lib)",
        "package(#led*) & (binary(/re?port/) | kind(~li))",
        "test(a\\)b\\,c\\/d\\\\e) | test(=\\u{20}x\\u{20})",
        "test(/a\\/b\\d/) - none()",
    ])
    func normalizedFormParsesBackToTheSameTree(expression: String) throws {
        let parsed = try FilterExpression(parsing: expression)
        let again = try FilterExpression(parsing: parsed.normalized)
        #expect(again.root == parsed.root)
    }

    // Each operator as a set operation over the fixtures.
    @Test func operatorsAreSetOperations() throws {
        let deposit = "entry::tests::parses_deposit"
        let overdraft = "balance::tests::overdraft_is_refused"
        let slow = "balance::tests::slow_audit"
        let final = "reports_the_final_balance"
        #expect(try Fixtures.selected("test(balance) & test(refused)") == [overdraft])
        #expect(try Fixtures.selected("test(balance) and test(refused)") == [overdraft])
        #expect(try Fixtures.selected("test(balance) | test(deposit)") == [deposit, overdraft, slow, final])
        #expect(try Fixtures.selected("test(balance) or test(deposit)") == [deposit, overdraft, slow, final])
        #expect(try Fixtures.selected("test(balance) + test(deposit)") == [deposit, overdraft, slow, final])
        #expect(try Fixtures.selected("test(balance) - test(slow)") == [overdraft, final])
        #expect(
            try Fixtures.selected("test(balance) - test(slow)")
                == Fixtures.selected("test(balance) & not test(slow)"))
        #expect(try Fixtures.selected("not kind(lib) & not kind(test)") == ["tests::parses_args", "format_many"])
        #expect(try Fixtures.selected("!kind(lib) & !kind(test)") == ["tests::parses_args", "format_many"])
        #expect(try Fixtures.selected("all()") == Fixtures.all.map(\.name))
        #expect(try Fixtures.selected("none()") == [])
        #expect(try Fixtures.selected("not none()") == Fixtures.all.map(\.name))
        #expect(try Fixtures.selected("all() - all()") == [])
    }

    // `a | b & c` must not be read as `(a | b) & c`: a test in `a` only tells them apart.
    @Test func precedenceDecidesWhatRuns() throws {
        let onlyA = "test(deposit) | test(refused) & kind(bin)"
        #expect(try Fixtures.selected(onlyA) == ["entry::tests::parses_deposit"])
        #expect(try Fixtures.selected("(test(deposit) | test(refused)) & kind(bin)") == [])
        #expect(
            try Fixtures.selected("not test(deposit) & kind(lib)")
                == ["balance::tests::overdraft_is_refused", "balance::tests::slow_audit", "tests::formats_cents"])
        #expect(try Fixtures.selected("not (test(deposit) & kind(lib))").count == Fixtures.all.count - 1)
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        let expression: String
        let reason: FilterError.Reason
        let column: Int
        var testDescription: String { expression }
    }

    @Test(arguments: [
        Malformed(expression: "test(foo", reason: .expectedCloseParen, column: 9),
        Malformed(expression: "(test(a) | test(b)", reason: .expectedCloseParen, column: 19),
        Malformed(expression: "test(=a b", reason: .expectedCloseParen, column: 10),
        Malformed(expression: "test(/a/ b)", reason: .expectedCloseParen, column: 10),
        Malformed(expression: "all(", reason: .expectedCloseParen, column: 5),
        Malformed(expression: "", reason: .expectedExpression, column: 1),
        Malformed(expression: "   ", reason: .expectedExpression, column: 4),
        Malformed(expression: "test(a) &", reason: .expectedExpression, column: 10),
        Malformed(expression: "test(a) | | test(b)", reason: .expectedExpression, column: 11),
        Malformed(expression: "and test(a)", reason: .expectedExpression, column: 1),
        Malformed(expression: "not", reason: .expectedExpression, column: 4),
        Malformed(expression: "()", reason: .expectedExpression, column: 2),
        Malformed(expression: "$", reason: .expectedExpression, column: 1),
        Malformed(expression: "test(a) test(b)", reason: .expectedOperator(found: "test"), column: 9),
        Malformed(expression: "test(a))", reason: .expectedOperator(found: ")"), column: 8),
        Malformed(expression: "test(a) ^ test(b)", reason: .expectedOperator(found: "^"), column: 9),
        Malformed(expression: "test foo", reason: .expectedOpenParen(predicate: "test"), column: 6),
        Malformed(expression: "all", reason: .expectedOpenParen(predicate: "all"), column: 4),
        Malformed(expression: "tests(foo)", reason: .unknownPredicate("tests"), column: 1),
        Malformed(expression: "test(a) | Test(b)", reason: .unknownPredicate("Test"), column: 11),
        Malformed(expression: "nottest(a)", reason: .unknownPredicate("nottest"), column: 1),
        Malformed(expression: "kind(lib) - deps(ledger)", reason: .unsupportedPredicate("deps"), column: 13),
        Malformed(expression: "rdeps(a)", reason: .unsupportedPredicate("rdeps"), column: 1),
        Malformed(expression: "platform(host)", reason: .unsupportedPredicate("platform"), column: 1),
        Malformed(expression: "test()", reason: .emptyMatcher(predicate: "test"), column: 6),
        Malformed(expression: "package(=   )", reason: .emptyMatcher(predicate: "package"), column: 13),
        Malformed(expression: "all(x)", reason: .unexpectedArgument(predicate: "all"), column: 5),
        Malformed(expression: "none( x )", reason: .unexpectedArgument(predicate: "none"), column: 7),
        Malformed(expression: "test(a, b)", reason: .unexpectedComma, column: 7),
        Malformed(expression: "test(a\\q)", reason: .invalidEscape("\\q"), column: 7),
        Malformed(expression: "test(\\u{zz})", reason: .invalidEscape("\\u{z"), column: 6),
        Malformed(expression: "test(\\u{110000})", reason: .invalidEscape("\\u{110000}"), column: 6),
        Malformed(expression: "test(/foo)", reason: .expectedRegexClose, column: 10),
        Malformed(expression: "test(/foo", reason: .expectedRegexClose, column: 10),
        Malformed(expression: "test(/(/)", reason: .invalidRegex(pattern: "("), column: 6),
        Malformed(expression: "test(a) | test(/[/)", reason: .invalidRegex(pattern: "["), column: 16),
        Malformed(
            expression: "package(#[ab)", reason: .invalidGlob(glob: "[ab", problem: "'[' is never closed"), column: 10),
        Malformed(
            expression: "package(#{a\\,{b}})",
            reason: .invalidGlob(glob: "{a,{b}}", problem: "nested '{' alternates are not allowed"), column: 10),
        Malformed(
            expression: "binary(a})", reason: .invalidGlob(glob: "a}", problem: "'}' without an opening '{'"),
            column: 8),
        Malformed(
            expression: "test(#[z-a])", reason: .invalidGlob(glob: "[z-a]", problem: "range 'z-a' runs backwards"),
            column: 7),
    ])
    func malformedExpressionsSayWhatAndWhere(_ malformed: Malformed) {
        #expect(throws: FilterError(malformed.reason, input: malformed.expression, column: malformed.column)) {
            _ = try FilterExpression(parsing: malformed.expression)
        }
    }

    @Test func errorTextQuotesTheInputAndPointsAtTheColumn() throws {
        let error = #expect(throws: FilterError.self) { _ = try FilterExpression(parsing: "test(foo") }
        #expect(error?.message == "expected ')' at column 9 in \"test(foo\"")
        #expect(
            error?.description == """
                error: expected ')' at column 9 in "test(foo"
                  test(foo
                          ^
                """)

        let unknown = #expect(throws: FilterError.self) { _ = try FilterExpression(parsing: "test(a) | tset(b)") }
        #expect(
            unknown?.description == """
                error: unknown predicate 'tset' (known: all, none, test, package, binary, binary_id, kind) \
                at column 11 in "test(a) | tset(b)"
                  test(a) | tset(b)
                            ^
                """)

        // A line break in the expression is shown as a space so the caret stays under its column.
        let multiline = #expect(throws: FilterError.self) { _ = try FilterExpression(parsing: "test(a)\n| !") }
        #expect(multiline?.column == 12)
        #expect(multiline?.caretLines == "  test(a) | !\n             ^")
    }

    @Test func typedThrowsCarryTheErrorType() {
        do {
            _ = try FilterExpression(parsing: "test(a")
            Issue.record("parsed")
        } catch {
            // `error` is a FilterError statically: typed throws.
            #expect(error.reason == .expectedCloseParen)
            #expect(error.input == "test(a")
        }
    }
}
