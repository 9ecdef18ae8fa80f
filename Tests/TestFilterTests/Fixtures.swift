import TestFilter

/// Tests of a small workspace like `Examples/ledger`, plus a package with a
/// dash in its name, so every predicate has something to tell apart.
enum Fixtures {
    static let parsesDeposit = FilterableTest(
        binary: "ledger", package: "ledger", kind: "lib", name: "entry::tests::parses_deposit")
    static let overdraft = FilterableTest(
        binary: "ledger", package: "ledger", kind: "lib", name: "balance::tests::overdraft_is_refused")
    static let slowAudit = FilterableTest(
        binary: "ledger", package: "ledger", kind: "lib", name: "balance::tests::slow_audit", ignored: true)
    static let countsRefused = FilterableTest(
        binary: "ledger::report", package: "ledger", kind: "test", name: "counts_refused_lines")
    static let finalBalance = FilterableTest(
        binary: "ledger::report", package: "ledger", kind: "test", name: "reports_the_final_balance")
    static let cliArgs = FilterableTest(
        binary: "ledger::bin/ledger", package: "ledger", kind: "bin", name: "tests::parses_args")
    static let money = FilterableTest(
        binary: "money-fmt", package: "money-fmt", kind: "lib", name: "tests::formats_cents")
    static let moneyBench = FilterableTest(
        binary: "money-fmt::bench/format", package: "money-fmt", kind: "bench", name: "format_many")

    static let all = [parsesDeposit, overdraft, slowAudit, countsRefused, finalBalance, cliArgs, money, moneyBench]

    /// The names of the fixtures `expression` selects, in fixture order.
    static func selected(_ expression: String) throws -> [String] {
        let parsed = try FilterExpression(parsing: expression)
        return all.filter(parsed.matches).map(\.name)
    }

    /// `count` tests over `binaries` binaries, names that sort differently
    /// from their creation order.
    static func generated(_ count: Int, binaries: Int = 7, prefix: String = "t") -> [FilterableTest] {
        (0..<count).map { index in
            let binary = index % binaries == 0 ? "pkg\(index % 3)" : "pkg\(index % 3)::it\(index % binaries)"
            return FilterableTest(
                binary: binary, package: "pkg\(index % 3)", kind: index % binaries == 0 ? "lib" : "test",
                name: "mod\((index * 7919) % 13)::\(prefix)_\(index)")
        }
    }
}
