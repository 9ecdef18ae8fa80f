import Foundation
import History
import Testing
import ProcessSpawn

/// What a replay of a real repository needs beyond the scripted history:
/// rows that survive a killed replay, rustc's warnings as a count, mutants
/// only where a test can fail, and what each mutant killed.
@Suite(.serialized) struct ReplaySurvivalTests {
    static let manifest = "[package]\nname = \"mini\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"

    /// A library with `warnings` unused variables, each a rustc warning.
    static func library(_ warnings: Int, factor: Int = 2) -> String {
        (0..<warnings).map { "pub fn noisy_\($0)() { let unused_\($0) = \($0); }\n" }.joined() + """
            pub fn scale(x: u32) -> u32 {
                x * \(factor)
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn scales() {
                    assert_eq!(super::scale(3), 3 * \(factor));
                }
            }

            """
    }

    @Test func aKilledReplayKeepsTheRowsOfTheCommitsItFinished() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", Self.manifest)
        try repo.write(".gitignore", "/target\n")
        for factor in 2...6 {
            try repo.write("src/lib.rs", Self.library(0, factor: factor))
            try repo.commit("scale by \(factor)")
        }
        let csv = repo.scratch.appendingPathComponent("history.csv")
        let process = try ChildProcess.start(
            Repository.binDirectory.appendingPathComponent("trim").path,
            ["simulate-history", "--commits", "5", "--repo", repo.root.path, "--csv", csv.path,
             "--scratch", repo.scratch.appendingPathComponent("replay").path],
            directory: repo.root.path, stdout: .discard, stderr: .discard)
        // Killed (no chance to clean up) once two commits are done: the baseline and one compared.
        let deadline = Date().addingTimeInterval(600)
        var rows: [CommitRecord] = []
        while process.isRunning && Date() < deadline {
            rows = HistoryCSV.parseCommits((try? String(contentsOf: csv, encoding: .utf8)) ?? "")
            if rows.count >= 2 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        process.signal(SIGKILL)
        let ended = process.wait()
        #expect(ended?.exit == .signalled(SIGKILL), "killed before the replay ended")
        let kept = HistoryCSV.parseCommits(try String(contentsOf: csv, encoding: .utf8))
        try #require(kept.count >= 2 && kept.count < 5, "\(kept)")
        let shas = try repo.git(["log", "--format=%H", "--reverse"]).split(separator: "\n").map(String.init)
        #expect(kept.map(\.commit) == Array(shas.prefix(kept.count)))
        #expect(kept[0].status == .baseline && kept[1].status == .compared, "\(kept)")
        #expect(kept[1].selected[.block] == 1 && kept[1].testsTotal == 1, "\(kept[1])")
    }

    @Test func rustcWarningsAreCountedPerCommitAndShownWithVerbose() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", Self.manifest)
        try repo.write(".gitignore", "/target\n")
        try repo.write("src/lib.rs", Self.library(1))
        try repo.commit("one warning")
        try repo.write("src/lib.rs", Self.library(3, factor: 4))
        try repo.commit("three warnings")
        func replay(_ extra: [String]) throws -> (Repository.Outcome, [CommitRecord]) {
            let csv = repo.scratch.appendingPathComponent("history\(extra.count).csv")
            let outcome = try repo.trim(["simulate-history", "--commits", "2", "--repo", repo.root.path, "--csv", csv.path,
                                         "--scratch", repo.scratch.appendingPathComponent("replay").path] + extra)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            return (outcome, HistoryCSV.parseCommits(try String(contentsOf: csv, encoding: .utf8)))
        }
        let (quiet, rows) = try replay([])
        #expect(rows.map(\.rustcWarnings) == [1, 3], "\(rows)")
        #expect(!quiet.stderr.contains("unused variable"), "\(quiet.stderr)")
        #expect(quiet.stderr.contains("3 rustc warnings"), "\(quiet.stderr)")
        let (verbose, again) = try replay(["--verbose"])
        #expect(again.map(\.rustcWarnings) == [1, 3], "\(again)")
        // Each commit's build shows its own warnings once; the full runs' rebuilds do not repeat them.
        #expect(verbose.stderr.components(separatedBy: "unused variable: `unused_2`").count - 1 == 1, "\(verbose.stderr)")
        #expect(verbose.stderr.components(separatedBy: "unused variable: `unused_0`").count - 1 == 2, "\(verbose.stderr)")
    }

    /// A workspace with a package the replay does not test (`-p core` leaves
    /// `bench` out) and a crate outside the workspace (`tools/`): the commit
    /// changes all three, and only `core` gets mutants.
    @Test func mutantsStayInThePackagesUnderTestAndReportWhatTheyKilled() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", "[workspace]\nmembers = [\"core\", \"bench\"]\nexclude = [\"tools\"]\nresolver = \"2\"\n")
        for name in ["core", "bench", "tools"] {
            try repo.write("\(name)/Cargo.toml",
                           "[package]\nname = \"\(name)\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
            try repo.write("\(name)/src/lib.rs", Self.library(0))
        }
        try repo.write(".gitignore", "target\n")
        try repo.commit("initial")
        for name in ["core", "bench", "tools"] {
            try repo.replace("\(name)/src/lib.rs", "    x * 2\n", "    if x > 100 { x - 1 } else { x * 2 + 0 }\n")
        }
        try repo.commit("scale: a high branch")
        let mutantsCSV = repo.scratch.appendingPathComponent("mutants.csv")
        let outcome = try repo.trim(["simulate-history", "--commits", "2", "--repo", repo.root.path, "-p", "core",
                                     "--mutants", "6", "--mutants-csv", mutantsCSV.path,
                                     "--scratch", repo.scratch.appendingPathComponent("replay").path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let mutants = CSV.records(try String(contentsOf: mutantsCSV, encoding: .utf8))
        try #require(!mutants.isEmpty, "\(outcome.stderr)")
        #expect(mutants.allSatisfy { $0["file"] == "core/src/lib.rs" }, "\(mutants.map { $0["file"] ?? "" })")
        let ran = mutants.filter { $0["status"] == "caught" || $0["status"] == "survived" }
        #expect(!ran.isEmpty)
        for mutant in ran {
            // One test in core: a caught mutant killed it, and block grain selected it.
            let killed = mutant["status"] == "caught" ? "1" : "0"
            #expect(mutant["killed"] == killed && mutant["killed_selected_block"] == killed, "\(mutant)")
            #expect(mutant["killed_tests"] == (killed == "1" ? "core tests::scales" : ""), "\(mutant)")
        }
        #expect(outcome.stdout.contains("block grain selected"), "\(outcome.stdout)")
    }
}
