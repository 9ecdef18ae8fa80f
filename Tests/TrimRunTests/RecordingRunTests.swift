import Foundation
import Store
import Testing
import TrimModel

/// The recording run with several tests at once: results are recorded off
/// the test slots and test starts are not waited for, so every result must
/// still land, each with its own coverage, and the event stream stay in order.
@Suite struct RecordingRunTests {
    static let count = 48

    /// `count` tests, each calling its own function (so each has hits no other test has).
    static func workspace() throws -> ExampleWorkspace {
        var body = ""
        for index in 0..<count {
            body += """

                #[test]
                fn case_\(index)() {
                    assert_eq!(own_\(index)_x(), \(index));
                }

                fn own_\(index)_x() -> u32 {
                    std::hint::black_box(\(index))
                }

            """
        }
        return try RunnerBehaviourTests.workspace(body)
    }

    @Test func concurrentResultsAllLandWithTheirOwnCoverage() throws {
        let workspace = try Self.workspace()
        let run = try workspace.run(["run", "--no-progress", "-j", "4", "--message-format", "json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")

        let store = try TrimStore(path: workspace.database)
        try store.check()
        let results = try store.lastResults()
        for index in 0..<Self.count {
            let result = try #require(results[TestKey(binary: "fixture", name: "tests::case_\(index)")])
            #expect(result.outcome == .passed)
            #expect(result.coverage == .complete, "tests::case_\(index)")
            #expect(result.hits.contains { $0.symbol.contains("own_\(index)_x") },
                    "tests::case_\(index) ran its own function")
            #expect(!result.hits.contains { $0.symbol.contains("own_\((index + 1) % Self.count)_x") },
                    "and not its neighbour's")
        }

        // Each test's start comes before its end in the stream, and every test has both.
        var started = Set<String>(), finished = Set<String>()
        for line in run.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let type = object["type"] as? String, let test = object["test"] as? String
            else { continue }
            if type == "test-started" {
                #expect(!finished.contains(test), "\(test) started after it finished")
                started.insert(test)
            } else if type == "test-finished" {
                #expect(started.contains(test), "\(test) finished before it started")
                finished.insert(test)
            }
        }
        #expect(finished.count == Self.count)

        let again = try workspace.run(["run", "--no-progress", "-j", "4"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 tests run"), "every result recorded: nothing runs again\n\(again.stdout)")
    }
}
