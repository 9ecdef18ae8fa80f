import TestFilter
import Testing

/// Parsing, matching and freeing a filter tree recurse: hostile nesting is an
/// error at a documented depth, never a stack overflow.
@Suite struct NestingLimitTests {
    static let test = FilterableTest(binary: "ledger", package: "ledger", kind: "lib", name: "a::b")

    static func parenthesised(_ depth: Int) -> String {
        String(repeating: "(", count: depth) + "test(b)" + String(repeating: ")", count: depth)
    }

    @Test func nestingUpToTheLimitParsesAndMatches() throws {
        #expect(try FilterExpression(parsing: Self.parenthesised(256)).matches(Self.test))
        let nots = String(repeating: "not ", count: 256) + "test(b)"
        #expect(try FilterExpression(parsing: nots).matches(Self.test))
        let mixed = String(repeating: "!(", count: 128) + "test(b)" + String(repeating: ")", count: 128)
        #expect(try FilterExpression(parsing: mixed).matches(Self.test))
    }

    @Test(arguments: [257, 4_000, 30_000])
    func deeperParenthesesAreAnError(depth: Int) {
        let error = #expect(throws: FilterError.self) { try FilterExpression(parsing: Self.parenthesised(depth)) }
        #expect(error?.reason == .nestedTooDeep(limit: 256))
        #expect(error?.column == 257)
    }

    @Test func deeperNotIsAnError() {
        let error = #expect(throws: FilterError.self) {
            try FilterExpression(parsing: String(repeating: "!", count: 30_000) + "all()")
        }
        #expect(error?.reason == .nestedTooDeep(limit: 256))
    }

    @Test func aLongChainOfOperatorsWorksUpToItsLimit() throws {
        let terms = (0...1024).map { "test(=t\($0))" }
        let longest = try FilterExpression(parsing: terms.joined(separator: " | "))
        #expect(longest.matches(FilterableTest(binary: "x", package: "x", kind: "lib", name: "t1024")))
        #expect(!longest.matches(Self.test))
        let error = #expect(throws: FilterError.self) {
            try FilterExpression(parsing: (terms + ["all()"]).joined(separator: " & "))
        }
        #expect(error?.reason == .tooManyOperators(limit: 1024))
    }

    @Test func aLongExpressionIsQuotedOnlyAroundTheError() {
        let error = #expect(throws: FilterError.self) { try FilterExpression(parsing: Self.parenthesised(30_000)) }
        guard let error else { return }
        #expect(error.message == "parentheses and 'not' nested more than 256 deep at column 257 "
            + "in an expression of 60007 characters")
        let lines = error.caretLines.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[0].count < 200)
        let caret = lines[1].count - 1
        #expect(Array(lines[0])[caret] == "(")
    }
}
