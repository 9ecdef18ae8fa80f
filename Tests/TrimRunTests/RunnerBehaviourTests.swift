import Foundation
import Store
import Testing
import TrimModel
import ProcessSpawn

/// Runner habits from cargo-nextest, on a fixture crate written for each test:
/// retries and flaky tests, timeouts, leftover processes, fail-fast, Ctrl-C.
@Suite struct RunnerBehaviourTests {
    /// A one-package workspace whose library has the given tests module body.
    static func workspace(_ tests: String) throws -> ExampleWorkspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("src"), withIntermediateDirectories: true)
        try """
            [package]
            name = "fixture"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            """.write(to: root.appendingPathComponent("Cargo.toml"), atomically: true, encoding: .utf8)
        try """
            pub fn half(x: u32) -> u32 {
                x / 2
            }

            #[cfg(test)]
            mod tests {
                use super::*;
            \(tests)
            }
            """.write(to: root.appendingPathComponent("src/lib.rs"), atomically: true, encoding: .utf8)
        return ExampleWorkspace(root: root)
    }

    static func noProcessMatches(_ pattern: String) -> Bool {
        (try? ChildProcess.run("/usr/bin/pgrep", ["-f", pattern], stdout: .discard, stderr: .inherit))?.status == 1
    }

    @Test func aTestThatFailsThenPassesIsFlakyAndRemembered() throws {
        let workspace = try Self.workspace("""
                #[test]
                fn flaky() {
                    let attempt: u32 = std::env::var("TRIM_ATTEMPT").unwrap().parse().unwrap();
                    assert!(attempt >= 2, "attempt {attempt} fails");
                    assert_eq!(half(4), 2);
                }

                #[test]
                fn steady() {
                    assert_eq!(half(2), 1);
                }
            """)
        let outcome = try workspace.run(["run", "--no-progress", "--retries", "2"])
        #expect(outcome.status == 0, "a flaky test counts as passed: \(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("TRY 1 FAIL"))
        #expect(outcome.stdout.contains("attempt 1 fails"), "the failed try's output is shown")
        #expect(outcome.stdout.contains("FLAKY ["))
        #expect(outcome.stdout.contains("2 tests run: 2 passed (1 flaky)"))
        let results = try TrimStore(path: workspace.database).lastResults()
        #expect(results[TestKey(binary: "fixture", name: "tests::flaky")]?.outcome == .flaky)
        let plan = try workspace.run(["plan"])
        #expect(plan.stdout.contains("fixture tests::flaky  [failed-last-run]"), "\(plan.stdout)")

        let withoutRetries = try workspace.run(["run", "--no-progress", "--all"])
        #expect(withoutRetries.status == 100)
    }

    @Test func aTestPastTerminateAfterIsKilledAndHasNoCoverage() throws {
        let workspace = try Self.workspace("""
                #[test]
                fn sleeps() {
                    std::thread::sleep(std::time::Duration::from_secs(120));
                }

                #[test]
                fn quick() {
                    assert_eq!(half(2), 1);
                }
            """)
        let start = Date()
        let outcome = try workspace.run(["run", "--no-progress", "--no-fail-fast", "--slow-timeout", "1",
                                         "--terminate-after", "2"])
        #expect(Date().timeIntervalSince(start) < 60)
        #expect(outcome.status == 100, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("SLOW [>"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("TIMEOUT ["))
        #expect(outcome.stdout.contains("1 timed out"))
        let results = try TrimStore(path: workspace.database).lastResults()
        let sleeps = try #require(results[TestKey(binary: "fixture", name: "tests::sleeps")])
        #expect(sleeps.outcome == .timedOut)
        #expect(sleeps.coverage == .unknown)
        #expect(Self.noProcessMatches("tests::sleeps"))
    }

    @Test func processesATestLeavesBehindAreKilled() throws {
        let marker = "trim-orphan-\(UUID().uuidString.prefix(8))"
        let workspace = try Self.workspace("""
                #[test]
                fn spawns_orphan() {
                    std::process::Command::new("bash")
                        .args(["-c", "exec -a \(marker) sleep 300"])
                        .spawn()
                        .unwrap();
                    assert_eq!(half(8), 4);
                }
            """)
        let outcome = try workspace.run(["run", "--no-progress"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("LEAK"), "\(outcome.stdout)")
        #expect(Self.noProcessMatches(marker), "the child that would outlive its test is gone")
    }

    static let failing = """
            #[test]
            fn a_fails() {
                assert_eq!(half(3), 2, "deliberate");
            }

            #[test]
            fn b_fails() {
                assert_eq!(half(5), 3, "deliberate");
            }

            #[test]
            fn c_passes() {
                assert_eq!(half(6), 3);
            }

            #[test]
            fn d_passes() {
                assert_eq!(half(8), 4);
            }
        """

    @Test func failFastStopsSchedulingAndNoFailFastRunsEverything() throws {
        let workspace = try Self.workspace(Self.failing)
        let fast = try workspace.run(["run", "--no-progress", "-j", "1"])
        #expect(fast.status == 100)
        #expect(fast.stdout.contains("Cancelling after 1 failed test"), "\(fast.stdout)")
        #expect(fast.stdout.contains("1 test run: 0 passed, 1 failed, 3 not run (cancelled)"), "\(fast.stdout)")

        let two = try workspace.run(["run", "--no-progress", "-j", "1", "--all", "--max-fail", "2"])
        #expect(two.stdout.contains("2 tests run: 0 passed, 2 failed, 2 not run (cancelled)"), "\(two.stdout)")

        let all = try workspace.run(["run", "--no-progress", "-j", "1", "--all", "--no-fail-fast"])
        #expect(all.stdout.contains("4 tests run: 2 passed, 2 failed"), "\(all.stdout)")
        // Tests that never ran are not recorded as passed: they run next time.
        let results = try TrimStore(path: workspace.database).lastResults()
        #expect(results.count == 4)
    }

    @Test func ctrlCStopsTheRunKeepsResultsAndLeavesNoProcess() throws {
        let marker = "trim-ctrl-c-\(UUID().uuidString.prefix(8))"
        let workspace = try Self.workspace("""
                #[test]
                fn a_quick() {
                    assert_eq!(half(2), 1);
                }

                #[test]
                fn b_waits() {
                    std::fs::write(std::env::var("FIXTURE_MARKER").unwrap(), "started").unwrap();
                    std::process::Command::new("bash").args(["-c", "exec -a \(marker) sleep 300"]).status().unwrap();
                }
            """)
        let started = workspace.root.appendingPathComponent("started")
        var environment = ProcessInfo.processInfo.environment
        environment["FIXTURE_MARKER"] = started.path
        let process = try ChildProcess.start(
            ExampleWorkspace.binDirectory.appendingPathComponent("trim").path, ["run", "--no-progress", "-j", "1"],
            directory: workspace.root.path, environment: environment, stderr: .discard)
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: started.path) && Date() < deadline {
            usleep(100_000)  // a blocking wait: the test's task may not be resumed in time on a busy pool
        }
        try #require(FileManager.default.fileExists(atPath: started.path), "the waiting test never started")
        process.signal(SIGINT)
        let finished = try #require(process.wait(timeout: 120), "trim did not stop on SIGINT")
        let text = String(decoding: finished.stdout, as: UTF8.self)
        #expect(finished.status == 130, "\(text)")
        #expect(text.contains("Cancelling on signal INT"), "\(text)")
        #expect(text.contains("Summary ["))
        #expect(Self.noProcessMatches(marker), "the test's child is gone too")
        let results = try TrimStore(path: workspace.database).lastResults()
        #expect(results[TestKey(binary: "fixture", name: "tests::a_quick")]?.outcome == .passed)
    }
}
