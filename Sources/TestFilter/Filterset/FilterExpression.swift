/// A parsed filterset (`-E`): a set of tests described by predicates and set
/// operators, as cargo-nextest's filterset DSL. See `Parser.swift` for the
/// grammar.
public struct FilterExpression: Hashable, Sendable, CustomStringConvertible {
    /// The expression as the user wrote it.
    public let source: String
    /// The parsed tree.
    public let root: Node

    public indirect enum Node: Hashable, Sendable {
        case all
        case none
        /// `test(M)`: libtest's name.
        case test(NameMatcher)
        /// `package(M)`: the package name.
        case package(NameMatcher)
        /// `binary(M)`: the binary id (`ledger::report`) or the binary name
        /// (`report`; for a library's unit tests the crate name).
        case binary(NameMatcher)
        /// `binary_id(M)`: the binary id only.
        case binaryID(NameMatcher)
        /// `kind(M)`: the target kind (`lib`, `test`, `bin`, ...).
        case kind(NameMatcher)
        case not(Node)
        case and(Node, Node)
        case or(Node, Node)
        /// `a - b`, the same set as `a & not b`.
        case difference(Node, Node)
    }

    public init(parsing source: String) throws(FilterError) {
        self.source = source
        var parser = Parser(source)
        self.root = try parser.parseWhole()
    }

    public func matches(_ test: FilterableTest) -> Bool { root.matches(test) }

    public var description: String { source }

    /// Fully parenthesised, every matcher with its prefix: how the expression
    /// was understood (`test(a) | test(b) & test(c)` gives
    /// `(test(~a) | (test(~b) & test(~c)))`). It parses back to the same tree.
    public var normalized: String { root.normalized }
}

extension FilterExpression.Node {
    public func matches(_ test: FilterableTest) -> Bool {
        switch self {
        case .all: return true
        case .none: return false
        case .test(let matcher): return matcher.matches(test.name)
        case .package(let matcher): return matcher.matches(test.package)
        case .binary(let matcher): return matcher.matches(test.binary) || matcher.matches(test.binaryName)
        case .binaryID(let matcher): return matcher.matches(test.binary)
        case .kind(let matcher): return matcher.matches(test.kind)
        case .not(let inner): return !inner.matches(test)
        case .and(let left, let right): return left.matches(test) && right.matches(test)
        case .or(let left, let right): return left.matches(test) || right.matches(test)
        case .difference(let left, let right): return left.matches(test) && !right.matches(test)
        }
    }

    public var normalized: String {
        switch self {
        case .all: return "all()"
        case .none: return "none()"
        case .test(let matcher): return "test(\(matcher))"
        case .package(let matcher): return "package(\(matcher))"
        case .binary(let matcher): return "binary(\(matcher))"
        case .binaryID(let matcher): return "binary_id(\(matcher))"
        case .kind(let matcher): return "kind(\(matcher))"
        case .not(let inner): return "not \(inner.normalized)"
        case .and(let left, let right): return "(\(left.normalized) & \(right.normalized))"
        case .or(let left, let right): return "(\(left.normalized) | \(right.normalized))"
        case .difference(let left, let right): return "(\(left.normalized) - \(right.normalized))"
        }
    }
}
