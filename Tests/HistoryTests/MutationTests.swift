import Foundation
import Testing

@testable import History

/// The mutation operators on source text: what they find, what they leave alone.
@Suite struct MutationTests {
    static let source = """
        use std::collections::HashMap; // a < b in a comment
        const LIMIT: u64 = 1_000;

        /// Doc: if x > 1 {
        pub fn apply(balance: u64, amount: u64) -> Result<Vec<u8>, String> {
            let label = "a < b, 7 + 8";
            let c = 'x';
            let raw = r#"x == 3"#;
            if balance < amount {
                return Err(format!("{} - {}", balance, amount));
            }
            let mut total = balance - amount;
            total += 2u32 as u64;
            let pi = 3.5;
            let t = (1, 2).0;
            for i in 0..10 {
                total = total + i;
            }
            while total >= LIMIT {
                total -= 1;
            }
            Ok(vec![])
        }

        fn bound<T: Clone + Send>(x: T) -> T where T: 'static + Copy {
            x
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn checks() {
                assert_eq!(super::apply(5, 3), Ok(vec![]));
            }
        }
        """

    static var sites: [Mutation] { MutationSites.find(in: source, file: "src/lib.rs") }

    func described(_ sites: [Mutation]) -> [String] {
        sites.map { "\($0.line) \($0.kind.rawValue) \($0.original) → \($0.replacement)" }
    }

    @Test func findsEachOperatorOutsideCommentsStringsAndGenerics() {
        let found = Set(described(Self.sites))
        let expected: Set<String> = [
            "2 change-integer 1_000 → 1001",
            "9 flip-comparison < → <=",
            "9 negate-condition balance < amount → !(balance < amount)",
            "12 swap-plus-minus - → +",
            "13 swap-plus-minus += → -=",
            "13 change-integer 2u32 → 3u32",
            "15 change-integer 1 → 2",
            "15 change-integer 2 → 3",
            "16 change-integer 0 → 1",
            "16 change-integer 10 → 11",
            "17 swap-plus-minus + → -",
            "19 flip-comparison >= → >",
            "19 negate-condition total >= LIMIT → !(total >= LIMIT)",
            "20 swap-plus-minus -= → +=",
            "20 change-integer 1 → 2",
            "33 change-integer 5 → 6",
            "33 change-integer 3 → 4",
        ]
        #expect(found == expected, "unexpected: \(found.subtracting(expected)), missing: \(expected.subtracting(found))")
    }

    @Test func marksTestCode() {
        let inTests = Self.sites.filter(\.inTestCode).map(\.line)
        #expect(Set(inTests) == [33])
        let integration = MutationSites.find(in: "fn f() -> u8 { 1 }\n", file: "tests/report.rs")
        #expect(integration.allSatisfy(\.inTestCode) && !integration.isEmpty)
    }

    @Test func restrictsToTheGivenLines() {
        let sites = MutationSites.find(in: Self.source, file: "src/lib.rs", lines: [9, 12])
        #expect(Set(sites.map(\.line)) == [9, 12])
    }

    @Test func appliesAtTheExactColumnAndRefusesAnotherText() throws {
        let site = try #require(Self.sites.first { $0.kind == .flipComparison && $0.line == 9 })
        let mutated = try #require(site.apply(to: Self.source))
        #expect(mutated.contains("    if balance <= amount {"))
        #expect(mutated.split(separator: "\n", omittingEmptySubsequences: false).count
            == Self.source.split(separator: "\n", omittingEmptySubsequences: false).count)
        // Only that line changed.
        let before = Self.source.split(separator: "\n", omittingEmptySubsequences: false)
        let after = mutated.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(zip(before, after).filter { $0 != $1 }.count == 1)
        #expect(site.apply(to: "fn x() {}\n") == nil)
    }

    @Test func choiceIsDeterministicSpreadOverOperatorsAndPrefersCodeUnderTest() {
        let a = MutationSites.choose(Self.sites, seed: "abc", limit: 6)
        let b = MutationSites.choose(Self.sites, seed: "abc", limit: 6)
        #expect(a == b)
        #expect(Set(a.prefix(4).map(\.kind)).count == 4)
        #expect(a.allSatisfy { !$0.inTestCode })
        let all = MutationSites.choose(Self.sites, seed: "abc", limit: .max)
        #expect(all.count == Self.sites.count)
        #expect(all.last?.inTestCode == true)
    }

    @Test func handlesCharLiteralsLifetimesAndNestedComments() {
        let text = """
            fn f<'a>(s: &'a str) -> usize { /* outer /* inner 1 + 2 */ still 3 - 4 */ s.len() + 9 }
            fn g() -> char { if 'a' == 'b' { '}' } else { '\\'' } }
            """
        let found = described(MutationSites.find(in: text, file: "src/x.rs"))
        #expect(found.contains("1 swap-plus-minus + → -"))
        #expect(found.contains("1 change-integer 9 → 10"))
        #expect(!found.contains { $0.contains(" 1 → ") || $0.contains(" 3 → ") || $0.contains(" 4 → ") })
        #expect(found.contains("2 flip-comparison == → !="))
    }
}

@Suite struct DiffAndCSVTests {
    @Test func addedLinesOfAZeroContextDiff() {
        let diff = """
            diff --git a/src/a.rs b/src/a.rs
            index 1..2 100644
            --- a/src/a.rs
            +++ b/src/a.rs
            @@ -3 +3 @@ fn x
            -old
            +new
            @@ -10,0 +11,2 @@
            +one
            +two
            @@ -20,3 +22,0 @@
            -gone
            diff --git a/src/gone.rs b/src/gone.rs
            --- a/src/gone.rs
            +++ /dev/null
            @@ -1,2 +0,0 @@
            """
        #expect(UnifiedDiff.addedLines(diff) == ["src/a.rs": [3, 11, 12]])
    }

    @Test func csvQuotesAndParsesBack() {
        let fields = ["plain", "with, comma", "with \"quotes\"", "two\nlines", ""]
        let text = CSV.line(fields) + CSV.line(["a", "b", "c", "d", "e"])
        #expect(CSV.parse(text) == [fields, ["a", "b", "c", "d", "e"]])
    }

    @Test func commitRowsRoundTrip() {
        var compared = CommitRecord(commit: "abc", subject: "fix: a, b", status: .compared, filesChanged: 2)
        compared.testsTotal = 12
        compared.selected = [.block: 4, .function: 8, .file: 9]
        compared.failing = 1
        compared.missed = [.block: 0, .function: 0, .file: 0]
        compared.buildSeconds = 1.5
        compared.selectionSeconds = 0.25
        compared.fullRunSeconds = 2
        compared.mutantsTried = 2
        compared.mutantsCaught = 1
        compared.mutantMissed = [.block: 0, .function: 0, .file: 1]
        compared.failingTests = ["ledger balance::tests::x"]
        compared.missedTests = ["file:ledger balance::tests::y"]
        var broken = CommitRecord(commit: "def", subject: "wip", status: .buildFailed, filesChanged: 1)
        broken.note = "the build failed"
        let text = HistoryCSV.commits([compared, broken])
        let lines = text.split(separator: "\n")
        #expect(lines.first == Substring(HistoryCSV.commitColumns.joined(separator: ",")))
        let back = HistoryCSV.parseCommits(text)
        #expect(back.count == 2)
        #expect(back[0].subject == "fix: a, b")
        #expect(back[0].selected[.function] == 8)
        #expect(back[0].missed[.block] == 0)
        #expect(back[0].mutantMissed[.file] == 1)
        #expect(back[0].failingTests == ["ledger balance::tests::x"])
        #expect(back[0].fullRunSeconds == 2)
        #expect(back[1].status == .buildFailed)
        #expect(back[1].selected[.block] == nil && back[1].testsTotal == nil)
    }

    @Test func summaryStatistics() {
        func row(_ total: Int, _ block: Int, _ function: Int, _ file: Int, missed: Int = 0) -> CommitRecord {
            var r = CommitRecord(commit: "c", subject: "", status: .compared, filesChanged: 1)
            r.testsTotal = total
            r.selected = [.block: block, .function: function, .file: file]
            r.missed = [.block: missed, .function: 0, .file: 0]
            return r
        }
        let records = [CommitRecord(commit: "b", subject: "", status: .baseline, filesChanged: 3),
                       row(10, 1, 2, 5), row(10, 2, 4, 5), row(10, 3, 6, 10, missed: 1),
                       CommitRecord(commit: "x", subject: "", status: .buildFailed, filesChanged: 1)]
        let summary = HistorySummary(records)
        #expect(summary.commits == 5 && summary.compared == 3 && summary.baseline == 1 && summary.buildFailed == 1)
        #expect(summary.grains[.block]?.average == 20)
        #expect(summary.grains[.block]?.median == 20)
        #expect(summary.grains[.block]?.p90 == 30)
        #expect(summary.grains[.block]?.missed == 1)
        #expect(summary.grains[.file]?.median == 50)
        #expect(abs((summary.ratio(.block, to: .function) ?? 0) - 0.5) < 1e-9)
        #expect(summary.text.contains("block                     20.0%   20.0%   30.0%                1"))
        #expect(HistorySummary.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9)
        #expect(HistorySummary.median([4, 1, 3, 2]) == 2.5)
    }
}

@Suite struct ScratchSpaceTests {
    @Test func theDefaultPathIsFixedPerRepository() {
        let a = ScratchSpace.default(gitCommonDirectory: "/home/me/project/.git")
        let again = ScratchSpace.default(gitCommonDirectory: "/home/me/project/.git")
        let other = ScratchSpace.default(gitCommonDirectory: "/home/me/other/.git")
        #expect(a.root == again.root)
        #expect(a.root != other.root)
        #expect(a.worktree.path.hasPrefix(a.root.path + "/") && a.targetDirectory.path.hasPrefix(a.root.path + "/"))
        #expect(a.root.lastPathComponent.count == 16)
    }

    @Test func refusesToReplayWithASharedTargetDirectory() throws {
        // The test process has no CARGO_TARGET_DIR pointing into this scratch space.
        let space = ScratchSpace(root: URL(fileURLWithPath: "/nonexistent/trim-history-test"))
        let target = ReplayTarget(topLevel: URL(fileURLWithPath: "/nonexistent"), subdirectory: "", scratch: space)
        #expect(throws: HistoryError.self) {
            try HistoryReplay.run(HistoryOptions(directory: target.topLevel, commits: 1), target: target,
                                  progress: { _ in })
        }
        #expect(HistoryReplay.requiredEnvironment(target) == ["CARGO_TARGET_DIR": space.targetDirectory.path])
    }
}
