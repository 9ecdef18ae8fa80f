import Foundation
import Testing

/// nextest's output options on the ledger example: `--no-capture`,
/// `--test-threads`, `--ff`/`--nff`, status levels, when output is shown,
/// and the same settings as profile keys.
@Suite struct OutputAndCaptureTests {
    static let passing = "-E=test(/habits::tests::(first|second|third)$/)"

    @Test func noCapturePassesOutputThroughOneTestAtATime() throws {
        let workspace = try NextestHabits.ledger()
        let captured = try workspace.habit(["run", "--no-progress", "--all", Self.passing, "-j", "3"])
        #expect(captured.status == 0, "\(captured.stdout)\(captured.stderr)")
        #expect(!captured.stdout.contains("BEGIN-"), "captured and passing: output not shown")

        let through = try workspace.habit(["run", "--all", Self.passing, "--nocapture", "--test-threads", "3"])
        #expect(through.status == 0, "\(through.stdout)\(through.stderr)")
        #expect(through.stderr.contains("--no-capture runs tests one at a time"), "\(through.stderr)")
        let markers = through.stdout.split(separator: "\n").filter { $0.hasPrefix("BEGIN-") || $0.hasPrefix("END-") }
        #expect(markers.count == 6, "\(through.stdout)")
        // One at a time: every BEGIN is followed by its own END.
        for pair in stride(from: 0, to: markers.count - 1, by: 2) {
            #expect(markers[pair].hasPrefix("BEGIN-") && markers[pair + 1] == "END-" + markers[pair].dropFirst(6),
                    "\(markers)")
        }
        #expect(through.stdout.lines(containing: "PASS [").count == 3)

        let spelled = try workspace.habit(["run", "--all", Self.passing, "--no-capture"])
        #expect(spelled.stdout.lines(containing: "BEGIN-").count == 3, "\(spelled.stdout)")
    }

    @Test func statusLevelsAndOutputSettingsFromFlags() throws {
        let workspace = try NextestHabits.ledger()
        let quiet = try workspace.habit(["run", "--no-progress", "--nff", "-j", "2", "-E", "test(habits::)",
                                         "--status-level", "fail", "--final-status-level", "none",
                                         "--failure-output", "never"])
        #expect(quiet.status == 100)
        #expect(quiet.stdout.lines(containing: "PASS [").isEmpty, "\(quiet.stdout)")
        #expect(quiet.stdout.lines(containing: "FAIL [").count == 2, "\(quiet.stdout)")
        #expect(!quiet.stdout.contains("LOUD-OUTPUT"), "failure output never shown")
        let summary = quiet.stdout.offset(of: "Summary [")
        #expect(quiet.stdout.contains("5 tests run: 3 passed, 2 failed"), "--nff ran everything: \(quiet.stdout)")
        #expect(!quiet.stdout[quiet.stdout.index(quiet.stdout.startIndex, offsetBy: summary)...].contains("FAIL ["),
                "final-status-level none: nothing after the summary")

        let final = try workspace.habit(["run", "--no-progress", "--all", "--no-fail-fast", "-E", "test(habits::)",
                                         "--failure-output", "final", "--success-output", "immediate",
                                         "--final-status-level", "all"])
        let out = final.stdout
        // Immediate success output: a passing test's markers right after its PASS line.
        #expect(out.lines(containing: "BEGIN-").count == 3, "\(out)")
        // Final failure output: after every status line, before the summary.
        let lastStatus = max(out.range(of: "FAIL [", options: .backwards).map { out.distance(from: out.startIndex, to: $0.lowerBound) } ?? 0, 0)
        let firstLoud = out.offset(of: "LOUD-OUTPUT")
        let summaryAt = out.offset(of: "Summary [")
        #expect(firstLoud < summaryAt, "\(out)")
        // Listed again after the summary: every status (all).
        let after = String(out[out.index(out.startIndex, offsetBy: summaryAt)...])
        #expect(after.lines(containing: "PASS [").count == 3, "\(after)")
        #expect(after.lines(containing: "FAIL [").count == 2, "\(after)")
        #expect(lastStatus > summaryAt, "the last FAIL line is the final listing")
        // During the run the failures' output was not shown yet.
        let beforeOutputs = String(out[..<out.index(out.startIndex, offsetBy: firstLoud)])
        #expect(beforeOutputs.lines(containing: "FAIL [").count == 2, "\(out)")

        // Skipped (not affected) tests are shown at `skip`.
        let skips = try workspace.habit(["run", "--no-progress", Self.passing, "--status-level", "skip"])
        #expect(skips.status == 0, "\(skips.stdout)\(skips.stderr)")
        #expect(skips.stdout.lines(containing: "SKIP [").count == 3, "\(skips.stdout)")
    }

    @Test func failFastFlagsWinOverTheProfile() throws {
        let workspace = try NextestHabits.ledger()
        try NextestHabits.writeConfig(workspace, """
            [profile.default]
            fail-fast = false
            test-threads = 1
            """)
        let failures = "-E=test(/habits::tests::(loud|other)_failure$/)"
        let all = try workspace.habit(["run", "--no-progress", failures])
        #expect(all.stdout.contains("2 tests run: 0 passed, 2 failed"), "\(all.stdout)")
        let fast = try workspace.habit(["run", "--no-progress", "--all", failures, "--ff"])
        #expect(fast.status == 100)
        #expect(fast.stdout.contains("1 test run: 0 passed, 1 failed"), "\(fast.stdout)")
        #expect(fast.stdout.contains("1 not run (cancelled)"), "\(fast.stdout)")
        try NextestHabits.writeConfig(workspace, "")
        let nff = try workspace.habit(["run", "--no-progress", "--all", failures, "--nff", "--test-threads", "1"])
        // -N: N fewer than the cores (at least one), as nextest, with or without `=`.
        for spelling in [["--test-threads", "-1"], ["--test-threads=-1"], ["-j", "-1"]] {
            let fewer = try workspace.habit(["run", "--no-progress", "--all", failures, "--nff"] + spelling)
            #expect(fewer.stdout.contains("2 tests run: 0 passed, 2 failed"), "\(spelling): \(fewer.stdout)\(fewer.stderr)")
        }
        #expect(nff.stdout.contains("2 tests run: 0 passed, 2 failed"), "\(nff.stdout)")
    }

    @Test func theSameSettingsAsProfileKeys() throws {
        let workspace = try NextestHabits.ledger()
        try NextestHabits.writeConfig(workspace, """
            [profile.ci]
            status-level = "fail"
            final-status-level = "pass"
            failure-output = "never"
            success-output = "final"
            fail-fast = false
            test-threads = 2
            """)
        let ci = try workspace.habit(["run", "--no-progress", "--profile", "ci", "-E", "test(habits::)"])
        #expect(ci.status == 100)
        let summaryAt = ci.stdout.offset(of: "Summary [")
        let before = String(ci.stdout.prefix(summaryAt))
        let after = String(ci.stdout.dropFirst(summaryAt))
        #expect(before.lines(containing: "PASS [").isEmpty, "\(ci.stdout)")
        #expect(before.lines(containing: "FAIL [").count == 2, "\(ci.stdout)")
        #expect(!ci.stdout.contains("LOUD-OUTPUT"), "\(ci.stdout)")
        #expect(before.lines(containing: "BEGIN-").count == 3, "success output at the end: \(ci.stdout)")
        #expect(after.lines(containing: "PASS [").count == 3, "\(ci.stdout)")
        // The command line wins over the profile.
        let loud = try workspace.habit(["run", "--no-progress", "--all", "--profile", "ci", "-E", "test(habits::)",
                                        "--failure-output", "immediate", "--status-level", "pass"])
        #expect(loud.stdout.contains("LOUD-OUTPUT"), "\(loud.stdout)")
        #expect(loud.stdout.lines(containing: "PASS [").count >= 3, "\(loud.stdout)")
    }

    @Test func libtestArgumentsAfterDoubleDashAreNextests() throws {
        let workspace = try NextestHabits.ledger()
        let exact = try workspace.habit(["list", "--", "--exact", "habits::tests::first"])
        #expect(exact.stdout == "ledger habits::tests::first\n", "\(exact.stdout)\(exact.stderr)")
        let skipped = try workspace.habit(["list", "habits::tests::", "--", "--skip", "failure", "--skip", "third"])
        #expect(skipped.stdout == "ledger habits::tests::first\nledger habits::tests::second\n", "\(skipped.stdout)")
        let filterset = try workspace.habit(["list", "--filterset", "test(=habits::tests::first)"])
        #expect(filterset.stdout == "ledger habits::tests::first\n", "nextest's newer spelling of -E: \(filterset.stdout)")
        let substring = try workspace.habit(["list", "--", "tests::first"])
        #expect(substring.stdout == "ledger habits::tests::first\n", "\(substring.stdout)")
        let nocapture = try workspace.habit(["run", "--", "--nocapture"])
        #expect(nocapture.status == 2)
        #expect(nocapture.stderr.contains("give trim run --no-capture"), "\(nocapture.stderr)")
        let other = try workspace.habit(["run", "--", "--test-threads=1"])
        #expect(other.status == 2)
        #expect(other.stderr.contains("--test-threads=1: trim takes only --exact"), "\(other.stderr)")
    }

    @Test func badValuesNameTheFlagOrKeyAndExitTwo() throws {
        let workspace = try NextestHabits.ledger()
        for (arguments, named) in [
            (["--status-level", "loud"], "--status-level"), (["--final-status-level", "retry"], "--final-status-level"),
            (["--failure-output", "later"], "--failure-output"), (["--success-output", "sometimes"], "--success-output"),
            (["--test-threads", "0"], "--test-threads"), (["--test-threads", "many"], "--test-threads"),
            (["--ff", "--nff"], "--fail-fast"), (["--ff", "--max-fail", "2"], "--max-fail"),
        ] {
            let outcome = try workspace.habit(["run"] + arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.stderr.contains(named), "\(arguments): \(outcome.stderr)")
        }
        for (key, value) in [("status-level", "\"loud\""), ("final-status-level", "\"retry\""),
                             ("failure-output", "\"later\""), ("success-output", "true"), ("test-threads", "0")] {
            try NextestHabits.writeConfig(workspace, "[profile.default]\n\(key) = \(value)\n")
            let outcome = try workspace.habit(["run"])
            #expect(outcome.status == 2, "\(key)")
            #expect(outcome.stderr.contains("profile.default.\(key)"), "\(key): \(outcome.stderr)")
        }
    }
}
