import TestFilter
import Testing

/// Name filters (`-- NAME --exact --skip`), `--run-ignored`, and how they
/// combine with `-E` filtersets.
@Suite struct SelectionFilterTests {
    let names = [
        "entry::tests::parses_deposit", "balance::tests::overdraft_is_refused", "balance::tests::slow_audit",
        "counts_refused_lines",
    ]

    func kept(_ filter: NameFilter) -> [String] { names.filter(filter.matches) }

    @Test func noPatternsKeepsEverything() {
        #expect(kept(NameFilter()) == names)
        #expect(kept(.everything) == names)
        #expect(kept(NameFilter(exact: true)) == names)
    }

    @Test func patternsAreSubstringsAndAnyOneSuffices() {
        #expect(kept(NameFilter(patterns: ["refused"])) == [names[1], names[3]])
        #expect(kept(NameFilter(patterns: ["deposit", "slow"])) == [names[0], names[2]])
        #expect(kept(NameFilter(patterns: ["balance::tests::"])) == [names[1], names[2]])
        #expect(kept(NameFilter(patterns: ["no_such_test"])) == [])
        #expect(kept(NameFilter(patterns: [""])) == names)
    }

    @Test func exactWantsTheWholeName() {
        #expect(kept(NameFilter(patterns: ["refused"], exact: true)) == [])
        #expect(
            kept(NameFilter(patterns: ["counts_refused_lines", "balance::tests::slow_audit"], exact: true))
                == [names[2], names[3]])
    }

    @Test func skipRemovesSubstringsOrExactNames() {
        #expect(kept(NameFilter(skip: ["balance"])) == [names[0], names[3]])
        #expect(kept(NameFilter(skip: ["deposit", "slow"])) == [names[1], names[3]])
        #expect(kept(NameFilter(patterns: ["refused"], skip: ["lines"])) == [names[1]])
        // Skip wins over a pattern that names the test.
        #expect(kept(NameFilter(patterns: ["counts_refused_lines"], exact: true, skip: ["counts_refused_lines"])) == [])
        // With --exact, --skip is exact too (as libtest does).
        #expect(kept(NameFilter(exact: true, skip: ["balance"])) == names)
        #expect(kept(NameFilter(exact: true, skip: ["balance::tests::slow_audit"])) == [names[0], names[1], names[3]])
    }

    @Test func runIgnored() {
        #expect(RunIgnored.default.admits(ignored: false) && !RunIgnored.default.admits(ignored: true))
        #expect(!RunIgnored.only.admits(ignored: false) && RunIgnored.only.admits(ignored: true))
        #expect(RunIgnored.all.admits(ignored: false) && RunIgnored.all.admits(ignored: true))
        #expect(RunIgnored(argument: "default") == .default)
        #expect(RunIgnored(argument: "only") == .only)
        #expect(RunIgnored(argument: "ignored-only") == .only)
        #expect(RunIgnored(argument: "all") == .all)
        #expect(RunIgnored(argument: "some") == nil)
        #expect(RunIgnored.allCases.map(\.rawValue) == ["default", "only", "all"])
    }

    func admitted(_ filter: TestSelectionFilter) -> [String] { filter.filter(Fixtures.all).map(\.name) }

    @Test func byDefaultEverythingButIgnoredTests() {
        #expect(admitted(.default) == Fixtures.all.filter { !$0.ignored }.map(\.name))
        #expect(admitted(TestSelectionFilter(runIgnored: .only)) == ["balance::tests::slow_audit"])
        #expect(admitted(TestSelectionFilter(runIgnored: .all)) == Fixtures.all.map(\.name))
    }

    @Test func aTestInAnyExpressionIsAdmitted() throws {
        let filter = try TestSelectionFilter(parsing: ["kind(bin)", "binary(report)"])
        #expect(admitted(filter) == ["counts_refused_lines", "reports_the_final_balance", "tests::parses_args"])
        // The same as one expression joined with `|`.
        #expect(admitted(filter) == admitted(try TestSelectionFilter(parsing: ["kind(bin) | binary(report)"])))
    }

    @Test func namesAndExpressionsMustBothAgree() throws {
        let filter = try TestSelectionFilter(
            names: NameFilter(patterns: ["parses", "final"]),
            parsing: ["package(ledger) - kind(test)"])
        #expect(admitted(filter) == ["entry::tests::parses_deposit", "tests::parses_args"])
    }

    @Test func ignoredRuleAppliesOnTopOfExpressions() throws {
        let expressions = ["test(/^balance::/)"]
        #expect(admitted(try TestSelectionFilter(parsing: expressions)) == ["balance::tests::overdraft_is_refused"])
        #expect(
            admitted(try TestSelectionFilter(parsing: expressions, runIgnored: .only)) == ["balance::tests::slow_audit"]
        )
        #expect(admitted(try TestSelectionFilter(parsing: expressions, runIgnored: .all)).count == 2)
    }

    @Test func theFirstBadExpressionThrows() {
        #expect(throws: FilterError(.expectedCloseParen, input: "test(b", column: 7)) {
            _ = try TestSelectionFilter(parsing: ["test(a)", "test(b", "bogus(c)"])
        }
    }
}
