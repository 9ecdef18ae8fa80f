import Foundation
import FoundationXML
import Testing

/// The machine-readable outputs of a real run: JUnit XML and JSON event lines.
@Suite struct ReportOutputTests {
    static let tests = """
            #[test]
            fn halves() {
                assert_eq!(half(4), 2);
            }

            #[test]
            fn rounds_down() {
                assert_eq!(half(5), 3, "deliberate <failure> & \\"quotes\\"");
            }

            #[test]
            fn other() {
                assert_eq!(2 + 2, 4);
            }
        """

    @Test func junitReportsEveryTestAndListsSkippedOnesWhenAsked() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.tests)
        let report = workspace.root.appendingPathComponent("reports/junit.xml")
        let outcome = try workspace.run(["run", "--no-progress", "--no-fail-fast", "--junit", report.path])
        #expect(outcome.status == 100)
        let document = try XMLDocument(contentsOf: report)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        let cases = try root.nodes(forXPath: "//testcase") as? [XMLElement] ?? []
        #expect(Set(cases.compactMap { $0.attribute(forName: "name")?.stringValue })
                == ["tests::halves", "tests::rounds_down", "tests::other"])
        let failing = "//testcase[@name='tests::rounds_down']"
        #expect(try root.nodes(forXPath: failing + "/failure").count == 1)
        let texts = try root.nodes(forXPath: failing + "/*").compactMap(\.stringValue).joined()
        #expect(texts.contains("deliberate <failure> & \"quotes\""), "the output survives escaping: \(texts)")

        // A profile asking for skipped tests: after a change only `half`'s tests run.
        let config = workspace.root.appendingPathComponent(".config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try """
            [profile.default]
            fail-fast = false

            [profile.default.junit]
            path = "\(report.path)"
            store-skipped = true
            """.write(to: config.appendingPathComponent("trim.toml"), atomically: true, encoding: .utf8)
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try (try String(contentsOf: lib, encoding: .utf8)).replacingOccurrences(of: "x / 2", with: "(x + 1) / 2")
            .write(to: lib, atomically: true, encoding: .utf8)
        _ = try workspace.run(["run", "--no-progress"])
        let second = try XMLDocument(contentsOf: report)
        let skipped = try second.nodes(forXPath: "//testcase[skipped]") as? [XMLElement] ?? []
        #expect(skipped.compactMap { $0.attribute(forName: "name")?.stringValue } == ["tests::other"])
    }

    @Test func jsonEventsAreOneObjectPerLine() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.tests)
        let outcome = try workspace.run(["run", "--no-fail-fast", "--message-format", "json"])
        #expect(outcome.status == 100)
        let lines = outcome.stdout.split(separator: "\n")
        let events = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        #expect(events.first?["type"] as? String == "run-started")
        #expect(events.last?["type"] as? String == "run-finished")
        let finished = events.filter { $0["type"] as? String == "test-finished" }
        #expect(finished.count == 3)
        let failed = try #require(finished.first { $0["test"] as? String == "tests::rounds_down" })
        #expect(failed["status"] as? String == "failed")
        #expect((failed["output"] as? String)?.contains("deliberate") == true)
        #expect(finished.allSatisfy { $0["binary"] as? String == "fixture" && $0["duration"] is Double })
        #expect(outcome.stderr.contains("Summary ["), "people's output goes to stderr")
    }
}
