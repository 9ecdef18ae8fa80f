import Foundation
import Testing

/// `trim run` decides which tests the build affects while cargo links the
/// last test executables, once every crate of the recorded builds is merged;
/// it uses that decision only for the build cargo then finishes with (the
/// same crates, bytes, facts and source files), else decides after the
/// build, as `trim plan` always does.
@Suite(.serialized) struct EarlySelectionTests: WrittenWorkspaceSuite {
    static let files: [String: String] = [
        "Cargo.toml": """
            [workspace]
            members = ["core", "app"]
            resolver = "2"
            """,
        "core/Cargo.toml": """
            [package]
            name = "core_math"
            version = "0.1.0"
            edition = "2021"
            """,
        "core/src/lib.rs": """
            pub fn clamp(x: i64, low: i64, high: i64) -> i64 {
                if x < low { low } else if x > high { high } else { x }
            }

            pub fn double(x: i64) -> i64 {
                x * 2
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn clamps_below() { assert_eq!(super::clamp(-5, 0, 10), 0); }
                #[test]
                fn doubles() { assert_eq!(super::double(4), 8); }
            }
            """,
        "core/tests/bounds.rs": """
            #[test]
            fn clamps_above() { assert_eq!(core_math::clamp(50, 0, 10), 10); }
            """,
        "app/Cargo.toml": """
            [package]
            name = "app"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            core_math = { path = "../core" }
            """,
        "app/src/lib.rs": """
            pub fn score(x: i64) -> i64 {
                core_math::clamp(core_math::double(x), 0, 100)
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn scores() { assert_eq!(super::score(7), 14); }
                #[test]
                fn adds() { assert_eq!(1 + 1, 2); }
            }
            """,
    ]

    let workspace: ExampleWorkspace
    var environment: [String: String] = [:]

    init() throws {
        workspace = try Self.write(Self.files, prefix: "trim-early")
    }

    /// `trim run` with its phases timed: the tests it ran ("binary name"), and whether it decided early.
    func run() throws -> (ran: Set<String>, decidedEarly: Bool) {
        var timed = environment
        timed["TRIM_TIMINGS"] = "1"
        let outcome = try workspace.run(["run", "--no-progress"], environment: timed)
        try #require(outcome.status == 0, "trim run failed: \(outcome.stdout)\n\(outcome.stderr)")
        let ran = outcome.stdout.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.first == "PASS" || fields.first == "FAIL", fields.count >= 2 else { return nil }
            return fields.suffix(2).joined(separator: " ")
        }
        return (Set(ran), outcome.stderr.contains("select (decided while cargo linked)"))
    }

    /// Each round edits `double`: the tests that run it run (core's
    /// `doubles`, app's `scores`), the others do not, decided early or not.
    @Test mutating func aRunDecidedWhileCargoLinksRunsTheTestsTheEditAffects() throws {
        use(units: "16")
        try record()
        var decidedEarly = false
        // A new spelling each round, so that each run rebuilds: the store is
        // read long before the last crate is merged, but no timing is promised.
        var current = "x * 2"
        for spelling in ["x * 2 + 0", "x + x", "2 * x"] {
            try edit("core/src/lib.rs", current, spelling)
            current = spelling
            let (ran, early) = try run()
            #expect(Set(ran.map { String($0.split(separator: " ").last!) }) == ["tests::doubles", "tests::scores"],
                    "\(spelling): ran \(ran)")
            decidedEarly = decidedEarly || early
        }
        #expect(decidedEarly, "no run decided while cargo linked")
    }

    /// A crate the recorded builds lack (a new integration test file): the
    /// decision made before it was merged is not the one for this build.
    @Test mutating func aNewCrateIsDecidedWithTheRestAndItsTestsRun() throws {
        use(units: "16")
        try record()
        try Self.write(["core/tests/extra.rs": "#[test]\nfn doubles_zero() { assert_eq!(core_math::double(0), 0); }\n"],
                       into: workspace.root)
        try edit("core/src/lib.rs", "x * 2", "x + x")
        let planned = try plan()
        #expect(planned.contains { $0.hasSuffix(" doubles_zero") }, "the new test is selected: \(planned)")
        let (ran, _) = try run()
        #expect(ran == planned, "ran \(ran), planned \(planned)")
    }
}

extension EarlySelectionTests {
    static func write(_ files: [String: String], into root: URL) throws {
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
    }
}
