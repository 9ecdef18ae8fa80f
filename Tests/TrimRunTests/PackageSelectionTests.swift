import Foundation
import Store
import Testing
import TrimModel
import ProcessSpawn

/// Package and target selection as `cargo test` makes it, on a real
/// four-member workspace (`MemberWorkspace`).
@Suite(.serialized) struct PackageSelectionTests {
    let all = MemberWorkspace.alphaTests.union(MemberWorkspace.betaTests).union(MemberWorkspace.gammaTests)

    @Test func defaultMembersRunAndTheBrokenMemberIsNotBuilt() throws {
        let workspace = try MemberWorkspace.make()
        let junit = workspace.root.appendingPathComponent("junit.xml")
        let outcome = try workspace.run(["run", "--no-progress", "--junit", junit.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(ExampleWorkspace.ran(outcome) == all, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("\(all.count) tests run: \(all.count) passed"), "each once: \(outcome.stdout)")
        #expect(!outcome.stderr.contains("broken"), "the member nobody asked for is not compiled")
        // Reporters show doctests like any test.
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"alpha::doctest\" tests=\"2\""), "\(xml)")
        try workspace.edit("beta/src/lib.rs") { $0.replacingOccurrences(of: "/// One more.", with: "/// Plus one.") }
        let json = try workspace.run(["run", "--message-format", "json"])
        #expect(json.stdout.contains(#""binary":"beta::doctest""#), "\(json.stdout)")
        #expect(json.stdout.contains(#""tests":1"#), "only beta's doctest: \(json.stdout)")
    }

    @Test func onePackageAndTwoPackages() throws {
        let workspace = try MemberWorkspace.make()
        let one = try workspace.run(["run", "--no-progress", "-p", "alpha"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(ExampleWorkspace.ran(one) == MemberWorkspace.alphaTests, "\(one.stdout)")
        let two = try workspace.run(["run", "--no-progress", "-p", "beta", "--package", "gam*"])
        #expect(two.status == 0, "\(two.stderr)")
        #expect(ExampleWorkspace.ran(two) == MemberWorkspace.betaTests.union(MemberWorkspace.gammaTests),
                "\(two.stdout)")
        // Records of packages not asked for are kept: everything was recorded once, nothing is new.
        let store = try TrimStore(path: workspace.database)
        #expect(Set(try store.lastResults().keys.map(\.description)) == all)
        let again = try workspace.run(["run", "--no-progress"])
        #expect(ExampleWorkspace.ran(again).isEmpty, "\(again.stdout)")
    }

    @Test func excludeNeedsWorkspaceAndLeavesPackagesOut() throws {
        let workspace = try MemberWorkspace.make()
        let bare = try workspace.run(["list", "--exclude", "broken"])
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("--exclude broken needs --workspace"), "\(bare.stderr)")
        let outcome = try workspace.run(["run", "--no-progress", "--workspace", "--exclude", "broken",
                                         "--exclude", "gamma"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(ExampleWorkspace.ran(outcome) == MemberWorkspace.alphaTests.union(MemberWorkspace.betaTests))
    }

    @Test func insideAMemberOnlyThatMemberRuns() throws {
        let workspace = try MemberWorkspace.make()
        let outcome = try workspace.run(["run", "--no-progress"], in: workspace.root.appendingPathComponent("beta/src"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(ExampleWorkspace.ran(outcome) == MemberWorkspace.betaTests, "\(outcome.stdout)")
    }

    @Test func aMemberThatDoesNotCompileFailsOnlyWhenAskedFor() throws {
        let workspace = try MemberWorkspace.make()
        let asked = try workspace.run(["list", "-p", "broken"])
        #expect(asked.status == 101, "\(asked.stderr)")
        let unknown = try workspace.run(["list", "-p", "nosuch"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("-p nosuch: no package of the workspace"), "\(unknown.stderr)")
        let other = try workspace.run(["list", "-p", "gamma"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(ExampleWorkspace.listed(other) == MemberWorkspace.gammaTests)
    }

    @Test func targetFlagsSelectTargetsAndLeaveDoctestsOut() throws {
        let workspace = try MemberWorkspace.make()
        let test = try workspace.run(["run", "--no-progress", "--test", "api"])
        #expect(test.status == 0, "\(test.stderr)")
        #expect(ExampleWorkspace.ran(test) == ["alpha::api adds_through_the_api"], "\(test.stdout)")
        let unknown = try workspace.run(["list", "--test", "nosuch"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--test nosuch: no test target of the workspace"), "\(unknown.stderr)")
        let lib = try workspace.run(["list", "-p", "alpha", "--lib"])
        #expect(ExampleWorkspace.listed(lib) == ["alpha tests::adds"], "\(lib.stdout)")
        let noDoctests = try workspace.run(["list", "--no-doctests"])
        #expect(ExampleWorkspace.listed(noDoctests)
                == ["alpha tests::adds", "alpha::api adds_through_the_api", "beta tests::increments", "gamma tests::shouts",
                    "gamma::doctest shouts_from_a_test_target"])
    }

    @Test func doctestsAreSelectedPerCrate() throws {
        let workspace = try MemberWorkspace.make()
        let first = try workspace.run(["run", "--no-progress"])
        #expect(first.status == 0, "\(first.stderr)")

        // Another crate changed: alpha's and beta's doctests are not affected.
        try workspace.edit("gamma/src/lib.rs") {
            $0.replacingOccurrences(of: "format!(\"{}!\", text.to_uppercase())", with: "text.to_uppercase() + \"!\"")
        }
        let gamma = try workspace.run(["run", "--no-progress"])
        #expect(gamma.status == 0, "\(gamma.stderr)")
        let ranGamma = ExampleWorkspace.ran(gamma)
        #expect(ranGamma.contains("gamma::doctest gamma/src/lib.rs - shout (line 3)"), "\(gamma.stdout)")
        #expect(ranGamma.isDisjoint(with: MemberWorkspace.alphaTests.union(MemberWorkspace.betaTests)), "\(gamma.stdout)")

        // alpha's own doc comment: its doctests, and beta's (beta depends on alpha), run; its unit tests do not.
        try workspace.edit("alpha/src/lib.rs") { $0.replacingOccurrences(of: "/// Doubles a number.", with: "/// Twice a number.") }
        let comment = try workspace.run(["run", "--no-progress"])
        #expect(comment.status == 0, "\(comment.stderr)")
        #expect(ExampleWorkspace.ran(comment)
                == MemberWorkspace.alphaDoctests.union(["beta::doctest beta/src/lib.rs - increment (line 3)"]),
                "\(comment.stdout)")

        // A doctest that fails fails the run, and runs again next time.
        try workspace.edit("alpha/src/lib.rs") {
            $0.replacingOccurrences(of: "assert_eq!(alpha::double(4), 8);", with: "assert_eq!(alpha::double(4), 9);")
        }
        let failing = try workspace.run(["run", "--no-progress", "--no-fail-fast"])
        #expect(failing.status == 100, "\(failing.stderr)")
        #expect(failing.stdout.contains("FAIL ["), "\(failing.stdout)")
        #expect(failing.stdout.contains("left: 8"), "the doctest's panic is shown: \(failing.stdout)")
        let store = try TrimStore(path: workspace.database)
        let result = try #require(try store.lastResults()[TestKey(binary: "alpha::doctest",
                                                                   name: "alpha/src/lib.rs - double (line 12)")])
        #expect(result.outcome == .failed)
        let plan = try workspace.run(["plan"])
        #expect(plan.stdout.contains("alpha/src/lib.rs - double (line 12)  [failed-last-run]"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("add (line 3)"), "\(plan.stdout)")
    }

    /// A package's doctests run together on a first attempt; a retry runs the doctest alone.
    @Test func aFailingDoctestIsRetriedOnItsOwn() throws {
        let workspace = try MemberWorkspace.make()
        try workspace.edit("gamma/src/lib.rs") {
            $0.replacingOccurrences(of: "/// assert_eq!(gamma::shout(\"a\"), \"A!\");", with: """
                /// let marker = std::path::Path::new("../first-attempt-done");
                /// if !marker.exists() {
                ///     std::fs::write(marker, "").unwrap();
                ///     panic!("fails the first time only");
                /// }
                """)
        }
        let outcome = try workspace.run(["run", "--no-progress", "-p", "gamma", "-p", "alpha", "--retries", "1"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("FLAKY"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("fails the first time only"), "\(outcome.stdout)")
        #expect(ExampleWorkspace.ran(outcome) == MemberWorkspace.alphaTests.union(MemberWorkspace.gammaTests)
                    .subtracting(["gamma::doctest gamma/src/lib.rs - shout (line 3)"]), "\(outcome.stdout)")
    }

    /// Ctrl-C while a doctest runs: cargo, rustdoc, the doctest and its child are stopped, exit 130.
    @Test func anInterruptedDoctestLeavesNothingRunning() throws {
        let workspace = try MemberWorkspace.make()
        let marker = "trim-doctest-\(UUID().uuidString)"
        try workspace.edit("gamma/src/lib.rs") {
            $0.replacingOccurrences(
                of: "/// assert_eq!(gamma::shout(\"a\"), \"A!\");",
                with: "/// std::process::Command::new(\"sh\").args([\"-c\", \"sleep 120; : \(marker)\"]).status().unwrap();")
        }
        let trim = try BackgroundTrim(workspace, ["run", "--no-progress", "-p", "gamma"])
        let deadline = Date().addingTimeInterval(120)
        while RunnerBehaviourTests.noProcessMatches(marker) && Date() < deadline { usleep(100_000) }
        #expect(!RunnerBehaviourTests.noProcessMatches(marker), "the doctest started")
        trim.signal(SIGINT)
        let outcome = try #require(trim.finish(timeout: 60))
        #expect(outcome.status == 130, "\(outcome.stdout)\(outcome.stderr)")
        #expect(RunnerBehaviourTests.noProcessMatches(marker), "the doctest's child is gone")
        #expect(RunnerBehaviourTests.noProcessMatches(workspace.root.lastPathComponent), "so are cargo and rustdoc")
    }

    @Test func aWholeRunAfterAOnePackageRunStillSelectsTheOthers() throws {
        let workspace = try MemberWorkspace.make()
        _ = try workspace.run(["run", "--no-progress"])
        try workspace.edit("gamma/src/lib.rs") { $0.replacingOccurrences(of: "to_uppercase()", with: "to_lowercase()") }
        let alphaOnly = try workspace.run(["run", "--no-progress", "-p", "alpha"])
        #expect(ExampleWorkspace.ran(alphaOnly).isEmpty, "\(alphaOnly.stdout)")
        let whole = try workspace.run(["run", "--no-progress", "--no-fail-fast"])
        #expect(whole.status == 100)
        #expect(ExampleWorkspace.ran(whole) == MemberWorkspace.gammaTests, "\(whole.stdout)")
    }

    /// `trim list` shows what `cargo test -- --list` and `cargo test --doc -- --list` do, run where the user is.
    @Test(arguments: ["ledger", "shop", "calc"]) func listShowsWhatCargoTestRuns(example: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-count-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: ExampleWorkspace.repository.appendingPathComponent("Examples/\(example)"),
                                         to: root)
        try? FileManager.default.removeItem(at: root.appendingPathComponent("target"))
        let workspace = ExampleWorkspace(root: root, wholeWorkspace: false)
        let target = root.appendingPathComponent("target/plain").path
        for selection in [[], ["--workspace"]] {
            var cargoCount = 0
            for arguments in [["test"] + selection + ["--", "--list"], ["test", "--doc"] + selection + ["--", "--list"]] {
                let listed = try Self.cargo(arguments, in: root, target: target)
                cargoCount += listed.split(separator: "\n").filter { $0.hasSuffix(": test") }.count
            }
            let trim = try workspace.run(["list"] + selection)
            #expect(trim.status == 0, "\(trim.stderr)")
            #expect(trim.stdout.split(separator: "\n").count == cargoCount, "\(selection): \(trim.stdout)")
            #expect(cargoCount > 0)
        }
    }

    /// cargo's stdout (`cargo test ... -- --list`), in the user's place.
    static func cargo(_ arguments: [String], in directory: URL, target: String) throws -> String {
        let finished = try ChildProcess.run(
            "/usr/bin/env", ["cargo"] + arguments, directory: directory.path,
            environment: ProcessInfo.processInfo.environment.merging(["CARGO_TARGET_DIR": target]) { _, new in new },
            stderr: .discard)
        #expect(finished.status == 0, "cargo \(arguments) failed")
        return String(decoding: finished.stdout, as: UTF8.self)
    }
}
