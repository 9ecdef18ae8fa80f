import Foundation
import Testing

/// `trim watch` end to end: a real trim process, real edits of the crate's files.
@Suite(.serialized) struct WatchTests {
    static let library = """
        pub fn pause() -> u64 {
            0
        }

        pub fn double(n: i32) -> i32 {
            n * 3
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn doubles() {
                assert_eq!(double(2), 4);
            }

            #[test]
            fn slow() {
                let seconds = pause();
                if seconds > 0 {
                    if let Some(marker) = std::env::var_os("WATCH_MARKER") {
                        std::fs::write(marker, "started").unwrap();
                    }
                    std::thread::sleep(std::time::Duration::from_secs(seconds));
                }
            }
        }

        """

    @Test func roundsFollowEditsACancelledRoundKeepsItsTestsSelectedAndCtrlCLeavesNothing() throws {
        let crate = try Crate(library: Self.library)
        defer { crate.remove() }
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("trim-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        var environment = Crate.environment
        environment["WATCH_MARKER"] = marker.path
        let watch = try BackgroundProcess(Crate.trim, ["watch", "--no-fail-fast"], directory: crate.root,
                                          environment: environment)
        defer { watch.stop() }

        // Round 1 at start: both tests, doubles fails.
        #expect(watch.waitFor("trim watch: round 1: 2 run, 1 passed, 1 failed, 0 not affected"), "\(watch.output)")
        // cargo wrote Cargo.lock in round 1; that is no change to run for.
        usleep(1_000_000)
        #expect(!watch.output.contains("round 2"), "\(watch.output)")

        // The fix: only doubles runs again.
        try crate.write(Self.library.replacingOccurrences(of: "n * 3", with: "n * 2"))
        #expect(watch.waitFor("trim watch: round 2: 1 run, 1 passed, 0 failed, 1 not affected"), "\(watch.output)")

        // A 60-second pause selects slow; a newer edit while it runs cancels the round.
        let fixed = Self.library.replacingOccurrences(of: "n * 3", with: "n * 2")
        try crate.write(fixed.replacingOccurrences(of: "    0\n}", with: "    60\n}"))
        let deadline = Date().addingTimeInterval(240)
        while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline { usleep(50_000) }
        #expect(FileManager.default.fileExists(atPath: marker.path), "\(watch.output)")
        try crate.write(fixed.replacingOccurrences(of: "    0\n}", with: "    1\n}"))
        #expect(watch.waitFor("trim watch: round 3 cancelled by a newer change"), "\(watch.output)")
        let third = watch.output.components(separatedBy: "trim watch: round 2:").last ?? ""
        #expect(!third.contains("FAIL") && !third.contains("CRASH"),
                "a test stopped by a newer change is no failure: \(third)")
        // Killed before it finished, slow was not recorded: it runs again (its last result is still the 0-second one).
        #expect(watch.waitFor("trim watch: round 4: 1 run, 1 passed, 0 failed, 1 not affected"), "\(watch.output)")
        let path = try crate.trim(["path", "slow"])
        #expect(path.stdout.hasPrefix("lines tests::slow (passed, 1."), "\(path.stdout)")

        // A build error is shown; watching goes on.
        try crate.write(fixed + "\nfn broken( {\n")
        #expect(watch.waitFor("trim watch: round 5 failed:"), "\(watch.output)")
        #expect(watch.output.contains("error"))
        try crate.write(fixed)
        #expect(watch.waitFor("trim watch: round 6:"), "\(watch.output)")

        // Ctrl-C: 130, and nothing trim started is left.
        try crate.write(fixed.replacingOccurrences(of: "    0\n}", with: "    60\n}"))
        try? FileManager.default.removeItem(at: marker)
        while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline.addingTimeInterval(240) {
            usleep(50_000)
        }
        watch.signal(SIGINT)
        #expect(watch.finish() == 130, "\(watch.output)")
        #expect(BackgroundProcess.processes(mentioning: crate.root.path).isEmpty)
    }

    @Test func aDirectoryThatIsNoCargoWorkspaceIsAClearError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("trim-watch-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let watch = try BackgroundProcess(Crate.trim, ["watch", "-C", empty.path], directory: empty,
                                          environment: Crate.environment)
        defer { watch.stop() }
        #expect(watch.finish() == 2, "\(watch.output)")
        #expect(watch.output.contains("trim: error:"))
    }
}
