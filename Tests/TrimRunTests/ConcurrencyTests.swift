import Foundation
import Store
import Testing
import TrimModel

/// Two trims at once, a rebuild under a running test phase, signals in the
/// build, and a `kill -9`: real processes, real signals, and the race window
/// forced open by tests that sleep.
@Suite struct ConcurrencyTests {
    /// Three tests that sleep while FIXTURE_SLOW names a file (written when
    /// the first starts), and one quick test. `half` is right unless `bug`.
    static func workspace(bug: Bool = false) throws -> ExampleWorkspace {
        let workspace = try RunnerBehaviourTests.workspace("""
                fn pause() {
                    if let Some(marker) = std::env::var_os("FIXTURE_SLOW") {
                        let _ = std::fs::write(marker, "started");
                        std::thread::sleep(std::time::Duration::from_millis(1500));
                    }
                }

                #[test]
                fn slow_1() { pause(); assert_eq!(half(4), 2); }

                #[test]
                fn slow_2() { pause(); assert_eq!(half(6), 3); }

                #[test]
                fn slow_3() { pause(); assert_eq!(half(8), 4); }

                #[test]
                fn quick() { assert_eq!(half(2), 1); }
            """)
        if bug { try setBug(true, in: workspace) }
        return workspace
    }

    static func setBug(_ bug: Bool, in workspace: ExampleWorkspace) throws {
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        let text = try String(contentsOf: lib, encoding: .utf8)
        let fixed = text.replacingOccurrences(of: "x / 3", with: "x / 2")
        try (bug ? fixed.replacingOccurrences(of: "x / 2", with: "x / 3") : fixed)
            .write(to: lib, atomically: true, encoding: .utf8)
    }

    static func failed(_ outcome: ExampleWorkspace.Outcome) -> Set<String> {
        Set(outcome.stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("FAIL ["), let name = line.split(separator: " ").last else { return nil }
            return String(name)
        })
    }

    @Test func twoRunsAtOnceBothKeepEveryResult() throws {
        let workspace = try Self.workspace()
        let baseline = try workspace.run(["run", "--no-progress"])
        try #require(baseline.status == 0, "\(baseline.stdout)\(baseline.stderr)")
        let started = workspace.root.appendingPathComponent("started")
        let a = try BackgroundTrim(workspace, ["run", "--no-progress", "--all", "--skip", "quick"],
                                   environment: ["FIXTURE_SLOW": started.path])
        try #require(BackgroundTrim.waitFor(started), "A's slow tests never started")
        let b = try workspace.run(["run", "--no-progress", "--all", "quick"])
        let first = try #require(a.finish())
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("3 tests run: 3 passed"), "\(first.stdout)")
        #expect(b.status == 0, "\(b.stdout)\(b.stderr)")
        #expect(b.stderr.contains("Blocking waiting for file lock"), "B waits for A: \(b.stderr)")
        #expect(b.stdout.contains("1 test run: 1 passed"), "\(b.stdout)")

        let results = try TrimStore(path: workspace.database).lastResults()
        #expect(results.count == 4, "every result of both runs landed")
        // FIXTURE_SLOW is an input the slow tests read: the same value, nothing to run.
        let plan = try workspace.run(["plan"], environment: ["FIXTURE_SLOW": started.path])
        #expect(plan.status == 0 && plan.stdout.contains("0 of 4"), "\(plan.stdout)\(plan.stderr)")
    }

    @Test func aRebuildDuringARunCannotMakeALaterRunSkipAFailingTest() throws {
        let workspace = try Self.workspace(bug: true)
        let all = try workspace.run(["run", "--no-progress", "-j1", "--no-fail-fast"])
        #expect(Self.failed(all) == ["tests::slow_1", "tests::slow_2", "tests::slow_3", "tests::quick"], "\(all.stdout)")

        let started = workspace.root.appendingPathComponent("started")
        let a = try BackgroundTrim(workspace, ["run", "--no-progress", "-j1", "--no-fail-fast"],
                                   environment: ["FIXTURE_SLOW": started.path])
        try #require(BackgroundTrim.waitFor(started))
        try Self.setBug(false, in: workspace)
        // Would rebuild the binaries A is running: it waits for A instead.
        let plan = try workspace.run(["plan"])
        #expect(plan.stderr.contains("Blocking waiting for file lock"), "\(plan.stderr)")
        let first = try #require(a.finish())
        #expect(Self.failed(first).count == 4, "A ran the binary it built (with the bug): \(first.stdout)")

        try Self.setBug(true, in: workspace)
        let last = try workspace.run(["run", "--no-progress", "-j1", "--no-fail-fast"])
        #expect(last.status == 100)
        #expect(Self.failed(last) == ["tests::slow_1", "tests::slow_2", "tests::slow_3", "tests::quick"],
                "every failing test is selected: \(last.stdout)")
    }

    /// Another program (not a trim: it does not take the lock) replaces a
    /// test binary while its tests run: their results are not recorded.
    @Test func aTestBinaryReplacedWhileItRunsHasItsResultsDropped() throws {
        let workspace = try Self.workspace()
        let started = workspace.root.appendingPathComponent("started")
        let a = try BackgroundTrim(workspace, ["run", "--no-progress", "-j1", "slow"],
                                   environment: ["FIXTURE_SLOW": started.path])
        try #require(BackgroundTrim.waitFor(started))
        let store = try TrimStore(path: workspace.database)
        let (build, _) = try #require(try store.latestBuild())
        let recorded = try #require(try store.binaries(of: build).first?.executable)
        #expect(!recorded.hasPrefix("/"), "recorded relative to the workspace: \(recorded)")
        let executable = workspace.root.appendingPathComponent(recorded).path
        let copy = executable + ".copy"
        try FileManager.default.copyItem(atPath: executable, toPath: copy)
        #expect(rename(copy, executable) == 0)
        let outcome = try #require(a.finish())
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stderr.contains("changed while trim ran"), "\(outcome.stderr)")
        let results = try store.lastResults()
        #expect(results.keys.filter { $0.name.hasPrefix("tests::slow") }.isEmpty, "\(results.keys)")
        let plan = try workspace.run(["plan"])
        #expect(plan.stdout.contains("4 of 4"), "nothing recorded, so everything runs again: \(plan.stdout)")
    }

    @Test func testsDoNotSeeTrimsOwnSettings() throws {
        let workspace = try RunnerBehaviourTests.workspace("""
                #[test]
                fn sees_only_what_cargo_test_gives() {
                    for (name, _) in std::env::vars() {
                        if name.starts_with("TRIM_") {
                            assert!(name == "TRIM_ATTEMPT" || name == "TRIM_TOTAL_ATTEMPTS"
                                || name == "TRIM_COVERAGE_FILE" || name.starts_with("TRIM_INPUTS"),
                                "trim's own setting leaked: {name}");
                        }
                    }
                    assert!(std::env::var_os("CARGO_PKG_NAME").is_some());
                }
            """)
        let database = workspace.root.appendingPathComponent("elsewhere.db")
        let outcome = try workspace.run(["run", "--no-progress"],
                                        environment: ["TRIM_DB": database.path, "TRIM_PROFILE": "default"])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: database.path))
    }

    /// A build script that sleeps keeps cargo in the build phase.
    static func slowBuildWorkspace() throws -> (ExampleWorkspace, URL) {
        let workspace = try RunnerBehaviourTests.workspace("""
                #[test]
                fn quick() { assert_eq!(half(2), 1); }
            """)
        let marker = workspace.root.appendingPathComponent("building")
        try """
            fn main() {
                std::fs::write("\(marker.path)", "building").unwrap();
                std::thread::sleep(std::time::Duration::from_secs(120));
            }
            """.write(to: workspace.root.appendingPathComponent("build.rs"), atomically: true, encoding: .utf8)
        return (workspace, marker)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalDuringTheBuildStopsCargoAndExits130(signal: Int32) throws {
        let (workspace, marker) = try Self.slowBuildWorkspace()
        let trim = try BackgroundTrim(workspace, ["run", "--no-progress"])
        try #require(BackgroundTrim.waitFor(marker), "the build script never ran")
        let sent = Date()
        trim.signal(signal)
        let outcome = try #require(trim.finish(timeout: 30), "trim did not stop")
        #expect(Date().timeIntervalSince(sent) < 15)
        #expect(outcome.status == 130, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM")"), "\(outcome.stderr)")
        #expect(BackgroundTrim.noneLeft(matching: workspace.root.path), "cargo, rustc and the build script are gone")
        #expect(!outcome.stderr.contains("Broken pipe"))
    }

    @Test func whatAKilledTrimLeftRunningIsStoppedByTheNextTrim() throws {
        let name = "trim-orphan-\(UUID().uuidString.prefix(8))"
        let workspace = try RunnerBehaviourTests.workspace("""
                #[test]
                fn waits() {
                    std::process::Command::new("bash").args(["-c", "exec -a \(name) sleep 300"]).spawn().unwrap();
                    std::fs::write(std::env::var("FIXTURE_MARKER").unwrap(), "started").unwrap();
                    std::thread::sleep(std::time::Duration::from_secs(300));
                }
            """)
        let started = workspace.root.appendingPathComponent("started")
        let trim = try BackgroundTrim(workspace, ["run", "--no-progress"], environment: ["FIXTURE_MARKER": started.path])
        try #require(BackgroundTrim.waitFor(started))
        trim.signal(SIGKILL)
        _ = trim.finish(timeout: 30)
        #expect(!BackgroundTrim.processes(matching: name).isEmpty, "kill -9 gives trim no chance to stop its test")

        let next = try workspace.run(["plan"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("stopped 1 process group(s) left running by a killed trim"), "\(next.stderr)")
        #expect(BackgroundTrim.noneLeft(matching: name), "the test and its child are gone")
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: workspace.root.appendingPathComponent("target/trim").path).filter { $0.hasPrefix("run-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
