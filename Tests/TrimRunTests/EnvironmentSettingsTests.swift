import Foundation
import Testing

/// `TRIM_PROFILE`, `TRIM_TEST_THREADS`, `TRIM_RETRIES`, `TRIM_HIDE_PROGRESS_BAR`
/// and the four display variables, as nextest reads `NEXTEST_*`: used when
/// the command line is silent, beaten by it, refused by name when bad, and
/// never passed to tests.
@Suite struct EnvironmentSettingsTests {
    @Test func settingsComeFromTheEnvironmentAndNeverReachTests() throws {
        let workspace = try NextestHabits.ledger(module: NextestHabits.module + NextestHabits.environmentCheck)
        try NextestHabits.writeConfig(workspace, """
            [profile.ci]
            fail-fast = false
            """)
        let log = workspace.root.appendingPathComponent("habits.log")
        let settings = [
            "TRIM_PROFILE": "ci", "TRIM_TEST_THREADS": "1", "TRIM_RETRIES": "1", "TRIM_HIDE_PROGRESS_BAR": "1",
            "TRIM_STATUS_LEVEL": "fail", "TRIM_FINAL_STATUS_LEVEL": "none", "TRIM_FAILURE_OUTPUT": "never",
            "TRIM_SUCCESS_OUTPUT": "never", "HABITS_LOG": log.path,
        ]
        let outcome = try workspace.habit(["run", "--no-progress", "-E", "test(habits::)"], environment: settings)
        #expect(outcome.status == 100, "\(outcome.stdout)\(outcome.stderr)")
        // ci's fail-fast = false: everything ran; the environment check passed.
        #expect(outcome.stdout.contains("6 tests run: 4 passed, 2 failed"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("sees_no_trim_settings"), "it passed, and PASS lines are hidden")
        #expect(outcome.stdout.lines(containing: "PASS [").isEmpty, "\(outcome.stdout)")
        #expect(outcome.stdout.lines(containing: "(after 2 tries)").count == 2, "TRIM_RETRIES=1: \(outcome.stdout)")
        #expect(!outcome.stdout.contains("LOUD-OUTPUT"), "TRIM_FAILURE_OUTPUT=never")
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 6, "\(text)")
        #expect(!NextestHabits.overlaps(log: text), "TRIM_TEST_THREADS=1: \(text)")

        // The command line wins.
        var loud = settings
        loud["TRIM_PROFILE"] = "nightly"
        let given = try workspace.habit(["run", "--no-progress", "--all", "-E", "test(habits::)", "--profile", "ci",
                                         "--retries", "0", "--status-level", "pass", "--failure-output", "immediate"],
                                        environment: loud)
        #expect(given.stdout.lines(containing: "PASS [").count == 4, "\(given.stdout)\(given.stderr)")
        #expect(given.stdout.lines(containing: "(after 2 tries)").isEmpty, "\(given.stdout)")
        #expect(given.stdout.contains("LOUD-OUTPUT"), "\(given.stdout)")
    }

    @Test func badValuesNameTheVariable() throws {
        let workspace = try NextestHabits.ledger()
        for (name, value) in [("TRIM_TEST_THREADS", "0"), ("TRIM_TEST_THREADS", "lots"), ("TRIM_RETRIES", "-1"),
                              ("TRIM_HIDE_PROGRESS_BAR", "maybe"), ("TRIM_STATUS_LEVEL", "loud"),
                              ("TRIM_FINAL_STATUS_LEVEL", "retry"), ("TRIM_SUCCESS_OUTPUT", "later"),
                              ("TRIM_FAILURE_OUTPUT", "sometimes"), ("TRIM_PROFILE", "nightly")] {
            let outcome = try workspace.habit(["run"], environment: [name: value])
            #expect(outcome.status == 2, "\(name)=\(value): \(outcome.stdout)")
            #expect(outcome.stderr.contains(name == "TRIM_PROFILE" ? "nightly" : "\(name)=\(value)"),
                    "\(name)=\(value): \(outcome.stderr)")
        }
    }

    @Test func theProgressLineIsHiddenByFlagOrVariable() throws {
        let workspace = try NextestHabits.ledger()
        let passing = OutputAndCaptureTests.passing
        let shown = try NextestHabits.inTerminal(workspace, ["run", "--workspace", "--all", passing])
        #expect(shown.contains("Running 0/3"), "a terminal gets the progress line: \(shown)")
        let flag = try NextestHabits.inTerminal(workspace, ["run", "--workspace", "--all", passing, "--hide-progress-bar"])
        #expect(flag.contains("Summary ["), "\(flag)")
        #expect(!flag.contains("Running 0/3"), "\(flag)")
        let variable = try NextestHabits.inTerminal(workspace, ["run", "--workspace", "--all", passing],
                                                    environment: ["TRIM_HIDE_PROGRESS_BAR": "1"])
        #expect(variable.contains("Summary ["), "\(variable)")
        #expect(!variable.contains("Running 0/3"), "\(variable)")
    }
}
