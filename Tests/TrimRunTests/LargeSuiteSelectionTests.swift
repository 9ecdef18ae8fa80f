import Foundation
import Testing
import ProcessSpawn

/// Selection on one test binary holding hundreds of tests (the suite-size
/// benchmark's crate, Benchmarks/suite-size, with 600 generated tests): every
/// test executes libtest's harness `main`, its own function and a shared one,
/// so the module's indexes (harness mains, symbol → function, descriptor
/// digests by test) are what every answer goes through. The expected tests
/// follow from the generated program: `case_i` calls `steps_to_one(i)`,
/// `bucket(i)` or `step(i)` as i % 3 is 1, 2 or 0, and `bucket` takes its
/// last arm when i % 7 == 6.
@Suite(.serialized) struct LargeSuiteSelectionTests {
    static let count = 600
    let workspace: ExampleWorkspace

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-suite-\(UUID().uuidString)")
        let template = ExampleWorkspace.repository.appendingPathComponent("Benchmarks/suite-size")
        try FileManager.default.copyItem(at: template.appendingPathComponent("crate"), to: root)
        let generator = try ChildProcess.run(template.appendingPathComponent("generate-cases.sh").path,
                                             ["\(Self.count)"], stderr: .inherit)
        try #require(generator.status == 0, "generate-cases.sh failed")
        try generator.stdout.write(to: root.appendingPathComponent("src/cases.rs"))
        workspace = ExampleWorkspace(root: root)
    }

    static func cases(where predicate: (Int) -> Bool) -> Set<String> {
        Set((1...count).filter(predicate).map { "cases::case_" + String(format: "%05d", $0) })
    }

    func edit(_ file: String, _ old: String, _ new: String) throws {
        let url = workspace.root.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "\(file) lacks \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// `trim plan --json`: selected test name → the detail of its first reason.
    func plan(_ granularity: String = "block") throws -> [String: String] {
        let outcome = try workspace.run(["plan", "--json", "--granularity", granularity])
        try #require(outcome.status == 0, "trim plan failed: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        var selected: [String: String] = [:]
        for test in try #require(object["selected"] as? [[String: Any]]) {
            let reasons = try #require(test["reasons"] as? [[String: Any]])
            selected[test["test"] as! String] = reasons.first?["detail"] as? String ?? ""
        }
        return selected
    }

    func runSelected() throws {
        let outcome = try workspace.run(["run", "--no-progress"])
        try #require(outcome.status == 0, "trim run failed: \(outcome.stdout)\n\(outcome.stderr)")
    }

    @Test func selectionAmongHundredsOfTestsInOneBinary() throws {
        try runSelected()
        #expect(try plan().isEmpty, "nothing changed since the last run")

        // Every test's line moves: the harness main (which embeds them all)
        // changes, and no test's own code or descriptor does.
        try edit("src/cases.rs", "use super::*;", "// Moved down by a comment.\n\nuse super::*;")
        #expect(try plan().isEmpty, "moving every test selects none")
        try runSelected()

        // One arm of `bucket`: block grain selects exactly the tests that take
        // it, function grain every test that calls `bucket`.
        try edit("src/lib.rs", "_ => \"high\",", "_ => \"higher\",")
        let block = try plan()
        #expect(Set(block.keys) == Self.cases { $0 % 3 == 2 && $0 % 7 == 6 })
        #expect(block.values.allSatisfy { $0.contains("suite::bucket") }, "\(block.values.first ?? "")")
        #expect(Set(try plan("function").keys) == Self.cases { $0 % 3 == 2 })
        try runSelected()
        #expect(try plan().isEmpty, "the selected tests ran on the new build")

        // One test's attributes: its descriptor alone changes.
        try edit("src/lib.rs", "expected = \"divide by zero\"", "expected = \"by zero\"")
        let attributes = try plan()
        #expect(Set(attributes.keys) == ["panics::ratio_by_zero_panics"])
        #expect(attributes["panics::ratio_by_zero_panics"]?.contains("test attributes changed") == true)
    }
}
