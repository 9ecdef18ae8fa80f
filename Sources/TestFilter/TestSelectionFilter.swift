/// Every filter of a run but the partition, combined as nextest combines
/// them: a test is admitted when its name passes the name filter, it is in
/// at least one of the `-E` filtersets (or none was given), and the ignored
/// rule lets it through. The partition applies afterwards, to what this
/// admits (`Partition.apply`).
public struct TestSelectionFilter: Hashable, Sendable {
    public var names: NameFilter
    /// `-E` filtersets: a test must be in one of them. Empty means all tests.
    public var expressions: [FilterExpression]
    public var runIgnored: RunIgnored

    public init(
        names: NameFilter = .everything, expressions: [FilterExpression] = [],
        runIgnored: RunIgnored = .default
    ) {
        self.names = names
        self.expressions = expressions
        self.runIgnored = runIgnored
    }

    /// Parses each `-E` expression; the first bad one throws.
    public init(
        names: NameFilter = .everything, parsing expressions: [String],
        runIgnored: RunIgnored = .default
    ) throws(FilterError) {
        var parsed: [FilterExpression] = []
        for expression in expressions { parsed.append(try FilterExpression(parsing: expression)) }
        self.init(names: names, expressions: parsed, runIgnored: runIgnored)
    }

    /// Admits everything that is not ignored: a run with no filter options.
    public static let `default` = TestSelectionFilter()

    public func admits(_ test: FilterableTest) -> Bool {
        runIgnored.admits(ignored: test.ignored)
            && names.matches(test.name)
            && (expressions.isEmpty || expressions.contains { $0.matches(test) })
    }

    /// The admitted tests, in the order given.
    public func filter(_ tests: [FilterableTest]) -> [FilterableTest] { tests.filter(admits) }
}
