import BlockIR
import Foundation
@testable import TrimPipeline
import Store
import Testing
import TrimModel

/// `trim run` end to end on the bundled example: real cargo, real processes,
/// a real database. One run is shared by the checks that only read it.
@Suite(.serialized) struct TrimRunTests {
    /// The first run of the example with the extra tests, made once.
    static let firstRun: Result<(ExampleWorkspace, ExampleWorkspace.Outcome), any Error> = Result {
        let workspace = try ExampleWorkspace()
        let outcome = try workspace.run(["run", "--no-progress", "--no-fail-fast"])
        return (workspace, outcome)
    }

    static let expectedTests: Set<String> = [
        "ledger entry::tests::parses_deposit", "ledger entry::tests::parses_withdrawal",
        "ledger entry::tests::rejects_garbage", "ledger balance::tests::deposit_adds",
        "ledger balance::tests::overdraft_is_refused", "ledger balance::tests::exact_withdrawal_empties_the_account",
        "ledger balance::tests::fee_is_charged", "ledger extra::tests::adds", "ledger extra::tests::fails",
        "ledger extra::tests::aborts", "ledger extra::tests::slow", "ledger extra::tests::killed_after_its_child",
        "ledger::report reports_the_final_balance", "ledger::report counts_refused_lines",
        "ledger::report starts_with_the_header",
        "audit tests::fees_above_balance_are_suspicious", "audit tests::healthy_account_is_not",
    ]

    func results() throws -> (ExampleWorkspace, ExampleWorkspace.Outcome, [TestKey: TestResultRecord], TrimStore) {
        let (workspace, outcome) = try Self.firstRun.get()
        let store = try TrimStore(path: workspace.database)
        return (workspace, outcome, try store.lastResults(), store)
    }

    @Test func everyTestIsListedRunAndRecorded() throws {
        let (_, outcome, results, _) = try results()
        #expect(Set(results.keys.map(\.description)) == Self.expectedTests)
        for test in Self.expectedTests {
            let parts = test.split(separator: " ", maxSplits: 1)
            #expect(outcome.stdout.contains("] \(parts[0]) \(parts[1])\n"), "no line for \(test)")
        }
        #expect(outcome.stdout.contains("PASS ["))
        #expect(outcome.stdout.contains("17 tests run: 14 passed, 3 failed"), "\(outcome.stdout)")
    }

    @Test func runExitsWithTestFailureStatus() throws {
        let (_, outcome, _, _) = try results()
        #expect(outcome.status == 100, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("FAIL ["))
        #expect(outcome.stdout.contains("a deliberately failing test"), "the failure's output is shown")
    }

    func symbols(_ record: TestResultRecord) -> [String] { record.hits.map(\.symbol) }

    @Test func aTestHasTheBlocksOfWhatItCallsAndNoneOfTheRest() throws {
        let (_, _, results, _) = try results()
        let adds = try #require(results[TestKey(binary: "ledger", name: "extra::tests::adds")])
        #expect(adds.outcome == .passed)
        #expect(adds.coverage == .complete)
        #expect(symbols(adds).contains { $0.contains("5extra3add") })
        #expect(!symbols(adds).contains { $0.contains("5extra3mul") })
    }

    @Test func twoBranchesOfOneIfHaveDifferentBlocks() throws {
        let (_, _, results, _) = try results()
        func applyBlocks(_ name: String) throws -> [UInt32] {
            let record = try #require(results[TestKey(binary: "ledger", name: name)])
            return try #require(record.hits.first { $0.symbol.contains("7balance5apply") }).blocks
        }
        let refused = try applyBlocks("balance::tests::overdraft_is_refused")
        let emptied = try applyBlocks("balance::tests::exact_withdrawal_empties_the_account")
        #expect(refused != emptied)
        #expect(!Set(refused).isSubset(of: Set(emptied)) && !Set(emptied).isSubset(of: Set(refused)))
    }

    @Test func aFailingTestIsRecordedWithItsCoverage() throws {
        let (_, _, results, _) = try results()
        let fails = try #require(results[TestKey(binary: "ledger", name: "extra::tests::fails")])
        #expect(fails.outcome == .failed)
        #expect(fails.coverage == .complete)
        #expect(symbols(fails).contains { $0.contains("5extra3mul") })
        #expect(fails.output?.contains("a deliberately failing test") == true)
    }

    @Test func anAbortingTestHasNoTrustedCoverage() throws {
        let (_, outcome, results, _) = try results()
        let aborts = try #require(results[TestKey(binary: "ledger", name: "extra::tests::aborts")])
        #expect(aborts.outcome == .crashed)
        #expect(aborts.coverage != .complete)
        #expect(outcome.stdout.contains("SIGABRT ["), "\(outcome.stdout)")
    }

    @Test func aKilledTestDoesNotTakeItsChildsCoverage() throws {
        let (_, outcome, results, _) = try results()
        let killed = try #require(results[TestKey(binary: "ledger", name: "extra::tests::killed_after_its_child")])
        #expect(killed.outcome == .crashed)
        #expect(killed.coverage == .unknown, "its child's dump is not its own")
        #expect(killed.hits.isEmpty)
        #expect(outcome.stdout.contains("SIGKILL ["))
    }

    @Test func theUsersOwnTargetIsUntouched() throws {
        let (workspace, _, _, _) = try results()
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("target/debug").path))
        #expect(FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("target/trim").path))
    }

    @Test func theBuildIsRecordedWithItsFacts() throws {
        let (_, _, results, store) = try results()
        let (build, facts) = try #require(try store.latestBuild())
        #expect(facts.toolchain.contains("rustc 1."))
        #expect(facts.rustflags.contains("sancov-module"))
        #expect(results.values.allSatisfy { $0.build == build })
        let modules = try store.modules(of: build)
        #expect(modules.contains { $0.path.hasPrefix("ledger-") && $0.path.hasSuffix(".bc") })
        #expect(modules.allSatisfy { !$0.fingerprint.functions.isEmpty })
    }

    /// Builds no result runs on are collected once a few have piled up, not
    /// after every run; the builds results run on are never collected.
    @Test func oldBuildsAreCollectedOnceAFewPileUp() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let balance = workspace.root.appendingPathComponent("src/balance.rs")
        let original = try String(contentsOf: balance, encoding: .utf8)
        let spellings = ["if amount > account.balance {", "if account.balance.lt(&amount) {",
                         "if amount.gt(&account.balance) {", "if !(account.balance >= amount) {"]
        var most = 0
        for round in 0..<8 {
            let text = round % 2 == 0
                ? original.replacingOccurrences(of: "if account.balance < amount {", with: spellings[round / 2])
                : original
            try text.write(to: balance, atomically: true, encoding: .utf8)
            let outcome = try workspace.run(["run", "--no-progress"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let store = try TrimStore(path: workspace.database)
            let referenced = Set(try store.lastResults().values.map(\.build))
            let builds = try store.builds().map(\.0)
            #expect(referenced.isSubset(of: Set(builds)), "a build a result ran on was collected")
            most = max(most, builds.count - referenced.count)
        }
        #expect(most <= RunPipeline.buildsLeftBeforeCollecting + 1, "unreferenced builds were collected: at most \(most)")
        #expect(most >= 2, "not every run collects")
    }

    @Test func listPrintsEveryTestWithoutRunningAny() throws {
        let workspace = try ExampleWorkspace()
        let outcome = try workspace.run(["list"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = Set(outcome.stdout.split(separator: "\n").map(String.init))
        #expect(Self.expectedTests.isSubset(of: lines), "\(lines.symmetricDifference(Self.expectedTests))")
        #expect(lines.contains("ledger extra::tests::ignored (ignored)"))
        #expect(!FileManager.default.fileExists(atPath: workspace.database.path), "list records nothing")
    }

    @Test func cargoTrimIsTheSameCommand() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        let outcome = try workspace.run(["trim", "list", "--workspace"], executable: "cargo-trim")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("ledger::report starts_with_the_header"))
    }

    @Test func aBuildErrorIsShownAndExitsWithBuildFailureStatus() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try (try String(contentsOf: lib, encoding: .utf8) + "\npub fn broken() -> u32 { \"not a number\" }\n")
            .write(to: lib, atomically: true, encoding: .utf8)
        let outcome = try workspace.run(["run", "--no-progress"])
        #expect(outcome.status == 101)
        #expect(outcome.stderr.contains("mismatched types"), "cargo's own message is shown")
    }

    @Test func outsideAWorkspaceIsAClearError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("trim-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let workspace = try ExampleWorkspace(withExtraTests: false)
        let outcome = try workspace.run(["list", "-C", empty.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(empty.path): no Cargo.toml in the workspace directory"), "\(outcome.stderr)")
        let outside = try workspace.run(["list"], in: empty)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("not inside a cargo workspace"), "\(outside.stderr)")
    }
}
