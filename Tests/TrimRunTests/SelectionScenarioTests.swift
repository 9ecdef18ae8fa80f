import Foundation
import Testing

/// Scripted edits of the example workspace, each checked against the truth
/// from running the whole suite: block and function grain select every test
/// that fails after the edit, and block grain selects no more than function.
@Suite(.serialized) struct SelectionScenarioTests {
    let workspace: ExampleWorkspace

    init() throws {
        workspace = try ExampleWorkspace(withExtraTests: false)
        try edit("Cargo.toml", "[dependencies]\n", "[dependencies]\n\n[features]\nfast = []\n")
    }

    func edit(_ file: String, _ old: String, _ new: String) throws {
        let url = workspace.root.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old), "\(file) lacks \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// `trim plan --json` at a grain: the selected tests as "binary name".
    func plan(_ granularity: String = "block", _ extra: [String] = []) throws -> Set<String> {
        let outcome = try workspace.run(["plan", "--json", "--granularity", granularity] + extra)
        try #require(outcome.status == 0, "trim plan failed: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let selected = try #require(object["selected"] as? [[String: Any]])
        return Set(selected.map { "\($0["binary"] as! String) \($0["test"] as! String)" })
    }

    func reasons(_ granularity: String = "block") throws -> [String: String] {
        let outcome = try workspace.run(["plan", "--json", "--granularity", granularity])
        try #require(outcome.status == 0, "trim plan failed: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        var kinds: [String: String] = [:]
        for test in try #require(object["selected"] as? [[String: Any]]) {
            let first = (test["reasons"] as? [[String: Any]])?.first?["kind"] as? String
            kinds["\(test["binary"] as! String) \(test["test"] as! String)"] = first
        }
        return kinds
    }

    /// Runs what trim selects (or everything with --all); returns the failing tests.
    @discardableResult
    func run(all: Bool = false, _ extra: [String] = []) throws -> Set<String> {
        let outcome = try workspace.run(["run", "--no-progress", "--no-fail-fast"] + (all ? ["--all"] : []) + extra)
        #expect(outcome.status == 0 || outcome.status == 100, "\(outcome.stderr)")
        return Set(outcome.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("FAIL [") || line.contains("SIGABRT [") else { return nil }
            return line.split(separator: "]", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        })
    }

    /// The safety and precision checks every scenario makes.
    func check(_ scenario: String, extra: [String] = []) throws
        -> (block: Set<String>, function: Set<String>, failing: Set<String>)
    {
        let block = try plan("block", extra), function = try plan("function", extra)
        let failing = try run(all: true, extra)
        #expect(failing.isSubset(of: block), "\(scenario): block grain missed \(failing.subtracting(block))")
        #expect(failing.isSubset(of: function), "\(scenario): function grain missed \(failing.subtracting(function))")
        #expect(block.isSubset(of: function), "\(scenario): block grain selected \(block.subtracting(function)) beyond function grain")
        return (block, function, failing)
    }

    static let withdrawing: Set<String> = [
        "ledger balance::tests::overdraft_is_refused", "ledger balance::tests::exact_withdrawal_empties_the_account",
        "ledger::report reports_the_final_balance", "ledger::report counts_refused_lines",
    ]

    @Test func editScenarios() throws {
        // First run: every test is new.
        #expect(try reasons().values.allSatisfy { $0 == "new-test" })
        try run()
        #expect(try plan().isEmpty, "nothing changed since the last run")

        // A comment-only edit selects nothing.
        try edit("src/balance.rs", "/// Applies one entry;", "// Moved down by a comment.\n\n/// Applies one entry;")
        var grains = try check("comment")
        #expect(grains.block.isEmpty && grains.function.isEmpty)

        // One branch: block grain picks the tests that took it; function grain all tests of `apply`.
        try edit("src/balance.rs", "if account.balance < amount {", "if account.balance <= amount {")
        let before = try plan()
        grains = try check("branch")
        #expect(before == Self.withdrawing)
        #expect(grains.function.count > grains.block.count)
        #expect(grains.function.contains("ledger balance::tests::deposit_adds"))

        // The broken test is selected again until it passes.
        #expect(try reasons()["ledger balance::tests::exact_withdrawal_empties_the_account"] == "failed-last-run")
        try edit("src/balance.rs", "if account.balance <= amount {", "if account.balance < amount {")
        #expect(try plan().contains("ledger balance::tests::exact_withdrawal_empties_the_account"))
        #expect(try run().isEmpty)
        #expect(try plan().isEmpty)

        // A new test is selected, and only it.
        try edit("src/entry.rs", "    #[test]\n    fn rejects_garbage()", """
                #[test]
                fn parses_fee() {
                    assert_eq!(parse_entry("fee"), Some(Entry::Fee));
                }

                #[test]
                fn rejects_garbage()
            """)
        #expect(try reasons() == ["ledger entry::tests::parses_fee": "new-test"])
        _ = try check("new test")

        // A changed const selects the tests that used it.
        try edit("src/balance.rs", "pub const FEE: u64 = 2;", "pub const FEE: u64 = 3;")
        grains = try check("const")
        var failedBefore = grains.failing
        #expect(failedBefore == ["ledger balance::tests::fee_is_charged"])
        #expect(grains.block.contains("ledger balance::tests::fee_is_charged"))
        #expect(grains.block.contains("audit tests::fees_above_balance_are_suspicious"))
        #expect(!grains.block.contains("ledger entry::tests::parses_deposit"))

        // A changed include_str! file selects the tests that used it.
        try edit("src/report_header.txt", "LEDGER REPORT", "LEDGER STATEMENT")
        grains = try check("include_str")
        #expect(grains.block.subtracting(failedBefore) == [
            "ledger::report reports_the_final_balance", "ledger::report counts_refused_lines",
            "ledger::report starts_with_the_header",
        ])
        failedBefore = grains.failing

        // A #[should_panic]-style attribute lives outside every function: still seen.
        try edit("src/entry.rs", "    #[test]\n    fn parses_withdrawal()", "    #[test]\n    #[ignore]\n    fn parses_withdrawal()")
        try edit("src/entry.rs", "    #[test]\n    #[ignore]\n    fn parses_withdrawal()", "    #[test]\n    #[should_panic]\n    fn parses_withdrawal()")
        grains = try check("attribute")
        #expect(grains.block.subtracting(failedBefore) == ["ledger entry::tests::parses_withdrawal"])
        #expect(grains.failing.contains("ledger entry::tests::parses_withdrawal"), "it no longer panics: fails")

        // A feature change selects everything.
        let everything = try plan("block", ["--all"])
        grains = try check("features", extra: ["--features", "fast"])
        #expect(grains.block == everything)
        #expect(try reasons().values.allSatisfy { $0 == "build-changed" || $0 == "failed-last-run" },
                "back without the feature: the build changed again")
    }
}
