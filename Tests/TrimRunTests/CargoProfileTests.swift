import Foundation
import Testing

/// `--release` / `--cargo-profile NAME` on the ledger example: a build in
/// another cargo profile is another build, with records of its own, so
/// switching profiles never reuses the other profile's results and
/// switching back finds each profile's own.
@Suite struct CargoProfileTests {
    static let module = """
        #[cfg(test)]
        mod tests {
            #[test]
            fn built_with_debug_assertions() {
                assert!(cfg!(debug_assertions), "this is a release build");
            }
        }
        """

    @Test func eachProfileKeepsItsOwnRecords() throws {
        let workspace = try NextestHabits.ledger(module: Self.module)
        let dev = try workspace.habit(["run", "--no-progress"])
        #expect(dev.status == 0, "\(dev.stdout)\(dev.stderr)")
        let total = try #require(dev.stdout.lines(containing: "Summary [").first)
        #expect(total.contains("tests run:") && !total.contains("skipped"), "\(total)")
        let count = dev.stdout.lines(containing: "PASS [").count

        // Release: every test runs again, built without debug assertions.
        let release = try workspace.habit(["run", "--no-progress", "--no-fail-fast", "--release"])
        #expect(release.status == 100, "\(release.stdout)\(release.stderr)")
        #expect(release.stdout.contains("\(count) tests run: \(count - 1) passed, 1 failed"), "\(release.stdout)")
        #expect(release.stdout.contains("this is a release build"))
        let trim = workspace.root.appendingPathComponent("target/trim")
        #expect(FileManager.default.fileExists(atPath: trim.appendingPathComponent("release/deps").path))
        #expect(FileManager.default.fileExists(atPath: trim.appendingPathComponent("trim-release.db").path))

        // Back to dev: its own records, untouched by the release run.
        let devAgain = try workspace.habit(["run", "--no-progress"])
        #expect(devAgain.status == 0, "\(devAgain.stdout)\(devAgain.stderr)")
        #expect(devAgain.stdout.contains("0 tests run: 0 passed, \(count) skipped"), "\(devAgain.stdout)")

        // Release again, spelled the long way: only its failure runs.
        let releaseAgain = try workspace.habit(["run", "--no-progress", "--cargo-profile", "release"])
        #expect(releaseAgain.status == 100)
        #expect(releaseAgain.stdout.contains("1 test run: 0 passed, 1 failed, \(count - 1) skipped"),
                "\(releaseAgain.stdout)")

        let list = try workspace.habit(["list", "-T", "json", "--release"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let meta = try #require(document["rust-build-meta"] as? [String: Any])
        #expect(meta["base-output-directories"] as? [String] == ["release"], "\(meta)")
    }

    @Test func badProfilesAreRefused() throws {
        let workspace = try NextestHabits.ledger(module: Self.module)
        let both = try workspace.habit(["run", "--release", "--cargo-profile", "dev"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--release and --cargo-profile dev"), "\(both.stderr)")
        let odd = try workspace.habit(["run", "--cargo-profile", "no such"])
        #expect(odd.status == 2)
        #expect(odd.stderr.contains("--cargo-profile no such"), "\(odd.stderr)")
        let unknown = try workspace.habit(["run", "--cargo-profile", "nightly"])
        #expect(unknown.status == 101, "cargo's own refusal, as a build failure")
        #expect(unknown.stderr.contains("profile `nightly` is not defined"), "\(unknown.stderr)")
    }
}
