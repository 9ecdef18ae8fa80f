import Foundation
import Testing

/// What `trim watch` keeps in memory between rounds never changes what a
/// round selects: each round is compared with a one-shot `trim run` given the
/// same history, a database another trim made anew, and a new workspace member.
@Suite(.serialized) struct WarmRoundTests {
    static let library = """
        pub fn classify(n: i32) -> &'static str {
            if n < 0 {
                "negative"
            } else if n == 0 {
                "zero"
            } else {
                "positive"
            }
        }

        pub fn double(n: i32) -> i32 {
            n * 2
        }

        pub fn halve(n: i32) -> i32 {
            n / 2
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn negative() {
                assert_eq!(classify(-4), "negative");
            }

            #[test]
            fn positive() {
                assert_eq!(classify(3), "positive");
            }

            #[test]
            fn doubles() {
                assert_eq!(double(2), 4);
            }

            #[test]
            fn halves() {
                assert_eq!(halve(8), 4);
            }
        }

        """

    /// Each edit's round in the watch against the one-shot run of a twin
    /// crate (its own copy, its own target dir) given the same edits.
    static let edits: [(String, String)] = [
        ("n * 2", "n + n"),  // doubles
        ("n / 2", "n >> 1"),  // halves
        ("n < 0", "0 > n"),  // the classify tests
        ("n + n", "n * 2"),  // doubles again (back to bytes an earlier build had)
    ]

    /// The names of the tests a run's human output says ran (PASS/FAIL lines).
    static func ran(_ output: String) -> Set<String> {
        Set(output.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("PASS [") || line.contains("FAIL [") else { return nil }
            return line.split(separator: " ").last.map(String.init)
        })
    }

    /// The watch's output from the start of round `number`'s report to its summary line.
    static func round(_ number: Int, in output: String) -> String {
        let before = output.components(separatedBy: "trim watch: round \(number - 1):").last ?? ""
        return before.components(separatedBy: "trim watch: round \(number):").first ?? ""
    }

    @Test func eachRoundSelectsWhatAOneShotRunSelects() throws {
        let watched = try Crate(library: Self.library), twin = try Crate(library: Self.library)
        defer { watched.remove(); twin.remove() }
        let recorded = try twin.trim(["run", "--no-progress"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let watch = try BackgroundProcess(Crate.trim, ["watch"], directory: watched.root,
                                          environment: Crate.environment)
        defer { watch.stop() }
        #expect(watch.waitFor("trim watch: round 1: 4 run"), "\(watch.output)")
        usleep(1_000_000)  // cargo's Cargo.lock from round 1 is no change

        var text = Self.library
        for (index, (from, to)) in Self.edits.enumerated() {
            text = text.replacingOccurrences(of: from, with: to)
            try twin.write(text)
            let oneShot = try twin.trim(["run", "--no-progress"])
            #expect(oneShot.status == 0, "\(oneShot.stderr)")
            try watched.write(text)
            let number = index + 2
            #expect(watch.waitFor("trim watch: round \(number):"), "\(watch.output)")
            let expected = Self.ran(oneShot.stdout + oneShot.stderr)
            #expect(!expected.isEmpty, "edit \(from) → \(to) ran nothing one-shot: \(oneShot.stdout)")
            #expect(Self.ran(Self.round(number, in: watch.output)) == expected,
                    "edit \(from) → \(to): \(watch.output)")
        }
    }

    @Test func aRoundUsesADatabaseAnotherTrimMadeAnew() throws {
        let crate = try Crate(library: Self.library)
        defer { crate.remove() }
        let watch = try BackgroundProcess(Crate.trim, ["watch"], directory: crate.root,
                                          environment: Crate.environment)
        defer { watch.stop() }
        #expect(watch.waitFor("trim watch: round 1: 4 run"), "\(watch.output)")
        usleep(1_000_000)

        // Another trim, while the watch waits: a new database (its build ids
        // start again at 1) where only `negative` has a result.
        let database = crate.root.appendingPathComponent("target/trim/trim.db").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let other = try crate.trim(["run", "--no-progress", "negative"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(Self.ran(other.stdout + other.stderr) == ["tests::negative"], "\(other.stdout)")

        // An edit of `double`: the round reads the new database, so every
        // test without a result there runs too; `negative` is not affected.
        try crate.write(Self.library.replacingOccurrences(of: "n * 2", with: "n + n"))
        #expect(watch.waitFor("trim watch: round 2: 3 run, 3 passed, 0 failed, 1 not affected"), "\(watch.output)")
        #expect(Self.ran(Self.round(2, in: watch.output)) == ["tests::positive", "tests::doubles", "tests::halves"],
                "\(watch.output)")
    }

    @Test func aNewWorkspaceMemberInCargoTomlIsNoticed() throws {
        let crate = try Crate(library: Self.library)
        defer { crate.remove() }
        let watch = try BackgroundProcess(Crate.trim, ["watch", "--workspace"], directory: crate.root,
                                          environment: Crate.environment)
        defer { watch.stop() }
        #expect(watch.waitFor("trim watch: round 1: 4 run"), "\(watch.output)")
        usleep(1_000_000)

        let member = crate.root.appendingPathComponent("extra")
        try FileManager.default.createDirectory(at: member.appendingPathComponent("src"), withIntermediateDirectories: true)
        try """
            [package]
            name = "extra"
            version = "0.1.0"
            edition = "2021"

            """.write(to: member.appendingPathComponent("Cargo.toml"), atomically: true, encoding: .utf8)
        try """
            #[cfg(test)]
            mod checks {
                #[test]
                fn member_test() {
                    assert_eq!(1 + 1, 2);
                }
            }

            """.write(to: member.appendingPathComponent("src/lib.rs"), atomically: true, encoding: .utf8)
        // The manifest last: the round that sees it finds the member complete.
        let manifest = crate.root.appendingPathComponent("Cargo.toml")
        try (Crate.manifest + "\n[workspace]\nmembers = [\"extra\"]\n").write(to: manifest, atomically: true,
                                                                            encoding: .utf8)
        #expect(watch.waitFor("checks::member_test"), "\(watch.output)")
        #expect(watch.waitFor("1 run, 1 passed, 0 failed, 4 not affected"), "\(watch.output)")
    }
}
