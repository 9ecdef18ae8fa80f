import Foundation
import Store
import Testing
import TrimModel

/// Filters, partitions and profiles end to end, on fixture crates.
@Suite struct FilterAndProfileTests {
    static let many: String = (1...12).map { i in
        """
            #[test]
            fn case_\(i)() {
                assert_eq!(half(\(2 * i)), \(i));
            }

        """
    }.joined() + """
            #[test]
            #[ignore]
            fn expensive() {
                assert_eq!(half(100), 50);
            }

            #[test]
            fn flaky_once() {
                let attempt: u32 = std::env::var("TRIM_ATTEMPT").unwrap().parse().unwrap();
                assert!(attempt >= 2);
            }
        """

    func ran(_ outcome: ExampleWorkspace.Outcome) -> Set<String> {
        Set(outcome.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.contains(" [") && (line.contains("PASS") || line.contains("FAIL") || line.contains("FLAKY"))
            else { return nil }
            return line.split(separator: "]", maxSplits: 1).last.map {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " (passed on try 2)", with: "")
            }
        })
    }

    @Test func nameFiltersExpressionsAndIgnoredTests() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.many)
        let byName = try workspace.run(["run", "--no-progress", "--all", "case_1"])
        #expect(ran(byName) == ["fixture tests::case_1", "fixture tests::case_10", "fixture tests::case_11",
                                "fixture tests::case_12"])
        let exact = try workspace.run(["run", "--no-progress", "--all", "--exact", "tests::case_1"])
        #expect(ran(exact) == ["fixture tests::case_1"])
        let expression = try workspace.run(["run", "--no-progress", "--all", "-E", "test(/case_[23]$/) | test(=tests::case_7)"])
        #expect(ran(expression) == ["fixture tests::case_2", "fixture tests::case_3", "fixture tests::case_7"])
        let ignored = try workspace.run(["run", "--no-progress", "--all", "--run-ignored", "only"])
        #expect(ran(ignored) == ["fixture tests::expensive"])
        let bad = try workspace.run(["run", "-E", "test(case"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("expected ')'"), "\(bad.stderr)")
    }

    @Test func filtersNarrowTheSelectionAndNeverWidenIt() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.many)
        _ = try workspace.run(["run", "--no-progress", "--retries", "1"])
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try (try String(contentsOf: lib, encoding: .utf8)).replacingOccurrences(of: "x / 2", with: "x >> 1")
            .write(to: lib, atomically: true, encoding: .utf8)
        // Every case calls `half`: all selected; the filter keeps two of them.
        let narrowed = try workspace.run(["run", "--no-progress", "-E", "test(=tests::case_4) | test(=tests::case_5)"])
        #expect(ran(narrowed) == ["fixture tests::case_4", "fixture tests::case_5"])
        // Now nothing changed for case_4: a filter naming it does not run it.
        let unaffected = try workspace.run(["run", "--no-progress", "case_4"])
        #expect(ran(unaffected).isEmpty, "\(unaffected.stdout)")
        #expect(unaffected.stdout.contains("0 tests run"))
        let forced = try workspace.run(["run", "--no-progress", "--all", "case_4"])
        #expect(ran(forced) == ["fixture tests::case_4"])
    }

    @Test func partitionsCoverEveryTestExactlyOnce() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.many)
        for kind in ["count", "hash"] {
            var seen: [String: Int] = [:]
            for shard in 1...3 {
                let outcome = try workspace.run(["run", "--no-progress", "--all", "--retries", "1",
                                                 "--partition", "\(kind):\(shard)/3"])
                for test in ran(outcome) { seen[test, default: 0] += 1 }
            }
            #expect(seen.count == 13, "\(kind): \(seen.keys.sorted())")
            #expect(seen.values.allSatisfy { $0 == 1 }, "\(kind): \(seen)")
        }
        let bad = try workspace.run(["run", "--partition", "count:4/3"])
        #expect(bad.status == 2)
    }

    func writeConfig(_ workspace: ExampleWorkspace, _ text: String) throws {
        let dir = workspace.root.appendingPathComponent(".config")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("trim.toml"), atomically: true, encoding: .utf8)
    }

    @Test func profilesSetRetriesAndOverridesMatchByFilter() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.many)
        try writeConfig(workspace, """
            [profile.default]
            fail-fast = false

            [profile.ci]
            retries = 0

            [[profile.ci.overrides]]
            filter = "test(flaky)"
            retries = 1
            """)
        let plain = try workspace.run(["run", "--no-progress"])
        #expect(plain.status == 100, "no retries by default: flaky_once fails")
        #expect(plain.stdout.contains("13 tests run: 12 passed, 1 failed"), "fail-fast = false ran everything: \(plain.stdout)")
        let ci = try workspace.run(["run", "--no-progress", "--profile", "ci"])
        #expect(ci.status == 0, "\(ci.stdout)")
        #expect(ci.stdout.contains("FLAKY ["))
        let unknown = try workspace.run(["run", "--profile", "nightly"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("nightly"))
    }

    @Test func aBadConfigurationNamesTheFileAndTheKey() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.many)
        try writeConfig(workspace, """
            [profile.default]
            retries = 1
            slow-timout = "5s"
            """)
        let outcome = try workspace.run(["run", "--no-progress"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(".config/trim.toml"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("slow-timout"))
        try writeConfig(workspace, """
            [[profile.default.overrides]]
            filter = "test(("
            retries = 2
            """)
        let badFilter = try workspace.run(["run", "--no-progress"])
        #expect(badFilter.status == 2)
        #expect(badFilter.stderr.contains("profile.default.overrides[0].filter"), "\(badFilter.stderr)")
    }

    /// Nested 30,000 deep, it used to overflow the parser's stack on every run.
    @Test func aFilterNestedTooDeepIsAClearErrorNotACrash() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.many)
        let deep = String(repeating: "(", count: 30_000) + "test(a)" + String(repeating: ")", count: 30_000)
        try writeConfig(workspace, """
            [[profile.default.overrides]]
            filter = "\(deep)"
            retries = 2
            """)
        let configured = try workspace.run(["run", "--no-progress"])
        #expect(configured.status == 2)
        #expect(configured.stderr.contains("profile.default.overrides[0].filter"), "\(configured.stderr.prefix(500))")
        #expect(configured.stderr.contains("nested more than 256 deep"), "\(configured.stderr.prefix(500))")
        #expect(configured.stderr.count < 1_000, "the expression is not echoed whole")
        try writeConfig(workspace, "")
        let given = try workspace.run(["list", "-E", deep])
        #expect(given.status == 2)
        #expect(given.stderr.contains("nested more than 256 deep at column 257"), "\(given.stderr.prefix(500))")
    }
}
