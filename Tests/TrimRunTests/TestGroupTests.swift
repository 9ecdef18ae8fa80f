import Foundation
import Testing

/// `[test-groups.NAME] max-threads`, `test-group` and `threads-required` in
/// overrides, and `trim show-config test-groups`, on the ledger example:
/// the tests log when they start and end, and the log shows what overlapped.
@Suite struct TestGroupTests {
    static let markers = "-E=test(/habits::tests::(first|second|third)$/)"

    func run(_ workspace: ExampleWorkspace, _ arguments: [String]) throws -> String {
        let log = workspace.root.appendingPathComponent("habits-\(UUID().uuidString).log")
        let outcome = try workspace.habit(["run", "--no-progress", "--all", Self.markers] + arguments,
                                          environment: ["HABITS_LOG": log.path])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(text.split(separator: "\n").count == 6, "\(text)")
        return text
    }

    @Test func aGroupOfOneNeverOverlapsAndThreadsRequiredRunsAlone() throws {
        let workspace = try NextestHabits.ledger()
        // Without a group, four at once: first and second run side by side.
        let free = try run(workspace, ["-j", "4"])
        #expect(NextestHabits.overlap(log: free, "first", "second"), "the contrast: \(free)")

        try NextestHabits.writeConfig(workspace, """
            [test-groups.serial]
            max-threads = 1

            [[profile.default.overrides]]
            filter = "test(/habits::tests::(first|second)$/)"
            test-group = "serial"
            """)
        for _ in 1...2 {
            let grouped = try run(workspace, ["-j", "4"])
            #expect(!NextestHabits.overlap(log: grouped, "first", "second"), "\(grouped)")
        }

        try NextestHabits.writeConfig(workspace, """
            [[profile.default.overrides]]
            filter = "test(/habits::tests::first$/)"
            threads-required = "num-test-threads"
            """)
        let alone = try run(workspace, ["-j", "4"])
        #expect(!NextestHabits.overlap(log: alone, "first", "second"), "\(alone)")
        #expect(!NextestHabits.overlap(log: alone, "first", "third"), "\(alone)")
    }

    @Test func showConfigListsEachGroupAndItsTests() throws {
        let workspace = try NextestHabits.ledger()
        try NextestHabits.writeConfig(workspace, """
            [test-groups.serial]
            max-threads = 1

            [test-groups.database]
            max-threads = "num-cpus"

            [[profile.default.overrides]]
            filter = "test(/habits::tests::(first|second)$/)"
            test-group = "serial"

            [profile.ci]
            [[profile.ci.overrides]]
            filter = "package(audit)"
            test-group = "database"
            """)
        let shown = try workspace.habit(["show-config", "test-groups", "--workspace"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("group: serial (max-threads = 1), 2 tests"), "\(shown.stdout)")
        #expect(shown.stdout.contains("    ledger habits::tests::first\n    ledger habits::tests::second\n"),
                "\(shown.stdout)")
        #expect(shown.stdout.contains("group: database (max-threads = num-cpus = "), "\(shown.stdout)")
        #expect(!shown.stdout.contains("@global"))
        let ci = try workspace.habit(["show-config", "test-groups", "--workspace", "--profile", "ci", "--show-default"])
        #expect(ci.stdout.contains("group: database (max-threads = num-cpus = \(ProcessInfo.processInfo.activeProcessorCount)), 2 tests"),
                "ci's own override, then default's: \(ci.stdout)")
        #expect(ci.stdout.contains("group: serial (max-threads = 1), 2 tests"), "\(ci.stdout)")
        #expect(ci.stdout.contains("group: @global (test-threads = num-cpus"), "\(ci.stdout)")
        #expect(ci.stdout.contains("    ledger habits::tests::third\n"), "\(ci.stdout)")
    }

    @Test func badGroupsAreNamedWithTheirKey() throws {
        let workspace = try NextestHabits.ledger()
        for (text, key) in [
            ("[[profile.default.overrides]]\nfilter = \"all()\"\ntest-group = \"nope\"\n",
             "profile.default.overrides[0].test-group"),
            ("[test-groups.serial]\nmax-threads = 0\n", "test-groups.serial.max-threads"),
            ("[test-groups.serial]\n", "test-groups.serial.max-threads"),
            ("[test-groups.serial]\nmax-threads = 1\nweight = 2\n", "test-groups.serial.weight"),
            ("[profile.default]\nthreads-required = 0\n", "profile.default.threads-required"),
            ("[[profile.default.overrides]]\nfilter = \"all()\"\nthreads-required = \"lots\"\n",
             "profile.default.overrides[0].threads-required"),
        ] {
            try NextestHabits.writeConfig(workspace, text)
            let outcome = try workspace.habit(["show-config", "test-groups"])
            #expect(outcome.status == 2, "\(text)")
            #expect(outcome.stderr.contains(key), "\(text): \(outcome.stderr)")
        }
    }
}
