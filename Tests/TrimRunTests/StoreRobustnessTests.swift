import Foundation
import Store
import Testing
import TrimModel
import ProcessSpawn

/// The database under a killed trim and a damaged file, through the real command.
@Suite struct StoreRobustnessTests {
    static let tests = """
            #[test]
            fn a_quick() {
                assert_eq!(half(2), 1);
            }

            #[test]
            fn b_quick() {
                assert_eq!(half(4), 2);
            }

            #[test]
            fn c_stalls() {
                if std::env::var_os("FIXTURE_STALL").is_some() {
                    std::fs::write(std::env::var("FIXTURE_STALL").unwrap(), "stalled").unwrap();
                    std::thread::sleep(std::time::Duration::from_secs(300));
                }
            }
        """

    @Test func aTrimKilledMidRunKeepsWhatItFinishedAndTheNextRunIsCorrect() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.tests)
        let marker = workspace.root.appendingPathComponent("stalled")
        let process = try ChildProcess.start(
            ExampleWorkspace.binDirectory.appendingPathComponent("trim").path, ["run", "--no-progress", "-j", "1"],
            directory: workspace.root.path,
            environment: ProcessInfo.processInfo.environment.merging(["FIXTURE_STALL": marker.path]) { _, b in b },
            stdout: .discard, stderr: .discard)
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline {
            usleep(100_000)  // a blocking wait: the test's task may not be resumed in time on a busy pool
        }
        try #require(FileManager.default.fileExists(atPath: marker.path))
        // Results are committed in groups, each within 25 ms of its test's end:
        // what finished a second before the kill is in the database.
        usleep(1_000_000)
        let t0 = Date()
        process.signal(SIGKILL)  // trim alone, with no chance to clean up
        _ = process.wait()
        #expect(Date().timeIntervalSince(t0) < 10, "nothing of trim's is held open by its test's process")
        _ = try? ChildProcess.run("/usr/bin/pkill", ["-KILL", "-f", "tests::c_stalls"])

        let store = try TrimStore(path: workspace.database)
        try store.check()
        let kept = try store.lastResults()
        #expect(kept[TestKey(binary: "fixture", name: "tests::a_quick")]?.outcome == .passed)
        #expect(kept[TestKey(binary: "fixture", name: "tests::c_stalls")] == nil, "never finished: not recorded")

        let next = try workspace.run(["plan", "--json"])
        #expect(next.stdout.contains("tests::c_stalls"), "the unfinished test runs next time")
        #expect(!next.stdout.contains("tests::a_quick"), "the finished one does not")
        let again = try workspace.run(["run", "--no-progress"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try TrimStore(path: workspace.database).lastResults().count == 3)
    }

    /// Killed at once when the last test starts, while the results of the
    /// quick ones before it may still wait for their group's commit: every
    /// result in the database is whole, and exactly the tests without one
    /// are selected next time.
    @Test func aTrimKilledMidGroupKeepsWholeResultsAndSelectsTheRest() throws {
        let quick = (0..<40).map { n in
            """
                #[test]
                fn q\(n < 10 ? "0" : "")\(n)() {
                    assert_eq!(half(\(2 * n)), \(n));
                }

            """
        }.joined()
        let workspace = try RunnerBehaviourTests.workspace(quick + """
                #[test]
                fn z_stalls() {
                    if let Some(marker) = std::env::var_os("FIXTURE_STALL") {
                        std::fs::write(marker, "stalled").unwrap();
                        std::thread::sleep(std::time::Duration::from_secs(300));
                    }
                }
            """)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let cache = ["TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
        let listed = try workspace.run(["list"], environment: cache)
        try #require(listed.status == 0, "\(listed.stderr)")
        let marker = workspace.root.appendingPathComponent("stalled")
        var environment = ProcessInfo.processInfo.environment.merging(cache) { _, ours in ours }
        environment["FIXTURE_STALL"] = marker.path
        let process = try ChildProcess.start(
            ExampleWorkspace.binDirectory.appendingPathComponent("trim").path, ["run", "--no-progress", "-j", "1"],
            directory: workspace.root.path, environment: environment, stdout: .discard, stderr: .discard)
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline { usleep(1_000) }
        try #require(FileManager.default.fileExists(atPath: marker.path))
        process.signal(SIGKILL)
        _ = process.wait()
        _ = try? ChildProcess.run("/usr/bin/pkill", ["-KILL", "-f", "tests::z_stalls"])

        let store = try TrimStore(path: workspace.database)
        try store.check()
        let kept = try store.lastResults()
        print("killed mid-group: \(kept.count) of 40 finished results were committed")
        #expect(kept[TestKey(binary: "fixture", name: "tests::z_stalls")] == nil, "never finished: not recorded")
        for result in kept.values {
            #expect(result.outcome == .passed && result.coverage == .complete && !result.hits.isEmpty,
                    "a committed result is whole: \(result.key) \(result.outcome) \(result.coverage) \(result.hits.count)")
        }
        let all = Set((0..<40).map { "fixture tests::q\($0 < 10 ? "0" : "")\($0)" } + ["fixture tests::z_stalls"])
        let recorded = Set(kept.keys.map { "\($0.binary) \($0.name)" })
        let selected = Set(try CodegenUnitTests.plan(workspace, environment: cache).keys)
        #expect(selected == all.subtracting(recorded), "exactly the tests without a committed result run again")

        let again = try workspace.run(["run", "--no-progress"], environment: cache)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try TrimStore(path: workspace.database).lastResults().count == 41)
    }

    @Test func aDamagedDatabaseIsAClearError() throws {
        let workspace = try RunnerBehaviourTests.workspace(Self.tests)
        let database = workspace.root.appendingPathComponent("damaged.db")
        try Data("this is not a database, just text that happens to be here".utf8).write(to: database)
        let outcome = try workspace.run(["run", "--no-progress", "--db", database.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(database.path), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("delete"), "it says how to recover")
    }
}
