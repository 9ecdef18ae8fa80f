import Foundation
import History
import Selection
import Testing
import TrimModel
import ProcessSpawn

/// `trim simulate-history` end to end: a small repository written by the
/// test (real git, real cargo, the built `trim`), whose selections at each
/// commit are known.
@Suite(.serialized) struct SimulateHistoryTests {
    static let math = """
        pub fn double(x: u32) -> u32 {
            x * 2
        }

        pub fn clamp(x: u32, limit: u32) -> u32 {
            if x > limit {
                limit
            } else {
                x
            }
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn doubles() {
                assert_eq!(double(4), 8);
            }

            #[test]
            fn clamps_high() {
                assert_eq!(clamp(9, 5), 5);
            }

            #[test]
            fn keeps_low() {
                assert_eq!(clamp(3, 5), 3);
            }
        }

        """

    static let text = """
        pub fn shout(s: &str) -> String {
            s.to_uppercase()
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn shouts() {
                assert_eq!(super::shout("hi"), "HI");
            }
        }

        """

    /// The scripted history, oldest first: (subject, edit).
    static let commits: [(String, @Sendable (Repository) throws -> Void)] = [
        ("initial", { repo in
            try repo.write("Cargo.toml", "[package]\nname = \"mini\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
            try repo.write("src/lib.rs", "pub mod math;\npub mod text;\n")
            try repo.write("src/math.rs", math)
            try repo.write("src/text.rs", text)
            try repo.write(".gitignore", "/target\n")
        }),
        // The high branch of clamp only: block 1 (clamps_high), function 2 (both clamp tests), file 3 (math.rs).
        ("clamp: cap the high branch", { repo in
            try repo.replace("src/math.rs", "        limit\n", "        limit.min(x)\n")
        }),
        // No block, no function changed; the file did.
        ("math: comment", { repo in
            try repo.replace("src/math.rs", "pub fn double", "/// Twice x.\npub fn double")
        }),
        ("text: half-written change", { repo in
            try repo.replace("src/text.rs", "s.to_uppercase()", "s.to_uppercase(")
        }),
        // Against the last commit that built: shout changed, and its test now fails.
        ("text: whisper instead", { repo in
            try repo.replace("src/text.rs", "s.to_uppercase(", "s.to_lowercase()")
        }),
        // double changed: doubles, plus shouts (failed last time); file: math.rs's 3 + shouts.
        ("math: double by adding", { repo in
            try repo.replace("src/math.rs", "    x * 2\n", "    x + x\n")
        }),
    ]

    /// Expected per commit: status, then (block, function, file) selected, failing, and affected:
    /// clamps_high now calls `min` (another path); nothing; shouts fails; shouts failed last time
    /// (doubles runs `x + x` through the same blocks as `x * 2`: changed code, same path and outcome).
    static let expected: [(status: String, selected: [Int]?, failing: Int?, affected: Int?)] = [
        ("baseline", nil, 0, nil),
        ("compared", [1, 2, 3], 0, 1),
        ("compared", [0, 0, 3], 0, 0),
        ("build-failed", nil, nil, nil),
        ("compared", [1, 1, 1], 1, 1),
        ("compared", [2, 2, 4], 1, 1),
    ]

    @Test func replaysAScriptedHistory() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        for (subject, edit) in Self.commits {
            try edit(repo)
            try repo.commit(subject)
        }
        // The user has work in progress: it must survive, and must not leak into the replay.
        try repo.replace("src/math.rs", "x + x", "x * 3")
        try repo.write("notes.txt", "todo\n")
        try repo.git(["stash", "list"])
        let before = try repo.snapshot()

        let csv = repo.scratch.appendingPathComponent("history.csv")
        let mutantsCSV = repo.scratch.appendingPathComponent("mutants.csv")
        let plans = repo.scratch.appendingPathComponent("plans")
        let outcome = try repo.trim(["simulate-history", "--commits", "6", "--repo", repo.root.path,
                                     "--csv", csv.path, "--mutants", "1", "--mutants-csv", mutantsCSV.path,
                                     "--plans", plans.path,
                                     "--scratch", repo.scratch.appendingPathComponent("replay").path])
        #expect(outcome.status == 0, "\(outcome.stderr)")

        // The user's tree, index, HEAD, branch, stash and worktrees are as they were.
        #expect(try repo.snapshot() == before)

        let rows = HistoryCSV.parseCommits(try String(contentsOf: csv, encoding: .utf8))
        let raw = CSV.records(try String(contentsOf: csv, encoding: .utf8))
        #expect(rows.count == 6)
        #expect(raw.first.map { Set($0.keys) } == Set(HistoryCSV.commitColumns))
        let shas = try repo.git(["log", "--format=%H", "--reverse"]).split(separator: "\n").map(String.init)
        #expect(rows.map(\.commit) == shas)
        #expect(rows.map(\.subject) == Self.commits.map(\.0))
        for (index, (row, expected)) in zip(rows, Self.expected).enumerated() {
            let where_ = "commit \(index + 1) \(row.subject): \(row)"
            #expect(row.status.rawValue == expected.status, "\(where_)")
            #expect(row.failing == expected.failing, "\(where_)")
            #expect(row.affected == expected.affected, "\(where_)")
            #expect(row.unexplainedTests.isEmpty, "\(where_)")
            if let selected = expected.selected {
                #expect(historyGrains.map { row.selected[$0] } == selected, "\(where_)")
                #expect(row.testsTotal == 4, "\(where_)")
                #expect(historyGrains.map { row.missed[$0] } == [0, 0, 0], "\(where_)")
                #expect(row.selectionSeconds != nil && row.fullRunSeconds != nil, "\(where_)")
            }
        }
        // --plans: each compared commit's selection at every grain, as `trim plan --json` writes it.
        let planFiles = try FileManager.default.contentsOfDirectory(atPath: plans.path).sorted()
        let compared = [2, 3, 5, 6].map { String(format: "%03d-", $0) + shas[$0 - 1].prefix(10) }
        #expect(planFiles == compared.flatMap { stem in ["block", "file", "function"].map { "\(stem).\($0).json" } })
        let clampPlan = try JSONSerialization.jsonObject(
            with: Data(contentsOf: plans.appendingPathComponent("\(compared[0]).block.json"))) as? [String: Any]
        let clampTests = (clampPlan?["selected"] as? [[String: Any]])?.compactMap { $0["test"] as? String }
        #expect(clampTests == ["math::tests::clamps_high"], "\(String(describing: clampPlan))")

        // The broken commit is recorded and skipped: no tests, no times but the (failed) build's.
        let broken = rows[3]
        #expect(broken.testsTotal == nil && broken.fullRunSeconds == nil && broken.filesChanged == 1)
        #expect(broken.buildSeconds != nil)
        #expect(raw[3]["selected_block"] == "" && raw[3]["failing"] == "")
        #expect(rows[4].failingTests == ["mini text::tests::shouts"])
        #expect(rows[0].filesChanged == 5)

        // Mutants: one on each commit whose changed lines hold a site (the first, `x + x`), none
        // missed at block or function grain.
        #expect(rows.map(\.mutantsTried) == [1, 0, 0, 0, 0, 1])
        #expect(rows.reduce(0) { $0 + $1.mutantsCaught } >= 1)
        #expect(rows.allSatisfy { $0.mutantMissed[.block] == 0 && $0.mutantMissed[.function] == 0 })
        let mutants = CSV.records(try String(contentsOf: mutantsCSV, encoding: .utf8))
        #expect(mutants.count == rows.reduce(0) { $0 + $1.mutantsTried + $1.mutantsUnviable })
        #expect(mutants.allSatisfy { $0["missed_block"] != "" ? $0["missed_block"] == "0" : true })

        // The summary table.
        #expect(outcome.stdout.contains("6 commits: 4 compared, 1 baseline, 1 did not build"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("block/file"))
        #expect(outcome.stdout.contains("affected"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("block/affected"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("missed selections under mutants: block 0, function 0"))
    }

    /// `-p` replays only that package, as `trim run -p` runs it; without it, every member.
    @Test func packageSelectionNarrowsTheReplay() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", "[workspace]\nmembers = [\"one\", \"two\"]\nresolver = \"2\"\n")
        for member in ["one", "two"] {
            try repo.write("\(member)/Cargo.toml", "[package]\nname = \"\(member)\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
            try repo.write("\(member)/src/lib.rs", "pub mod text;\n")
            try repo.write("\(member)/src/text.rs", Self.text)
        }
        try repo.write(".gitignore", "/target\n")
        try repo.commit("initial")
        try repo.replace("two/src/text.rs", "s.to_uppercase()", "s.to_uppercase().to_string()")
        try repo.commit("two: shout again")
        func totals(_ selection: [String]) throws -> [Int?] {
            let csv = repo.scratch.appendingPathComponent("history-\(selection.count).csv")
            let outcome = try repo.trim(["simulate-history", "--commits", "2", "--repo", repo.root.path, "--csv", csv.path,
                                         "--scratch", repo.scratch.appendingPathComponent("replay").path] + selection)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            return HistoryCSV.parseCommits(try String(contentsOf: csv, encoding: .utf8)).map(\.testsTotal)
        }
        #expect(try totals(["-p", "one"]) == [1, 1])
        #expect(try totals([]) == [2, 2])
    }

    @Test func refusesWhatIsNotARepositoryAndBadCounts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let repo = Repository(root: directory, scratch: directory)
        let notRepo = try repo.trim(["simulate-history", "--commits", "2", "--repo", directory.path])
        #expect(notRepo.status == 2)
        #expect(notRepo.stderr.contains("not inside a git repository"), "\(notRepo.stderr)")
        let zero = try repo.trim(["simulate-history", "--commits", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("--commits must be 1 or more"), "\(zero.stderr)")
    }

    @Test func aPlansDirectoryThatCannotBeWrittenStopsBeforeAnyBuild() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try Self.commits[0].1(repo)
        try repo.commit("initial")
        let blocker = repo.scratch.appendingPathComponent("a-file")
        try FileManager.default.createDirectory(at: repo.scratch, withIntermediateDirectories: true)
        try "".write(to: blocker, atomically: true, encoding: .utf8)
        let outcome = try repo.trim(["simulate-history", "--commits", "1", "--repo", repo.root.path,
                                     "--plans", blocker.appendingPathComponent("plans").path,
                                     "--scratch", repo.scratch.appendingPathComponent("replay").path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("cannot write \(blocker.path)/plans: \(blocker.path) is a file"),
                "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("[1/1]"), "no commit was replayed: \(outcome.stderr)")
    }
}

/// A git repository in a temporary directory, and the scratch space next to it.
struct Repository {
    let root: URL
    let scratch: URL

    static func make() throws -> Repository {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("trim-history-\(UUID().uuidString)")
        let repo = Repository(root: base.appendingPathComponent("repo"), scratch: base.appendingPathComponent("scratch"))
        try FileManager.default.createDirectory(at: repo.root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.scratch, withIntermediateDirectories: true)
        try repo.git(["init", "-q", "-b", "main"])
        return repo
    }

    func delete() { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func replace(_ path: String, _ old: String, _ new: String) throws {
        let url = root.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard text.contains(old) else { throw Failure("\(path) has no \(old.debugDescription)") }
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    func commit(_ subject: String) throws {
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", subject])
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        let outcome = try run("/usr/bin/env", ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                                               "-c", "commit.gpgsign=false"] + arguments)
        guard outcome.status == 0 else { throw Failure("git \(arguments): \(outcome.stderr)") }
        return outcome.stdout
    }

    /// Everything about the user's checkout a replay must leave alone.
    func snapshot() throws -> [String] {
        var state = [try git(["status", "--porcelain=v1", "--untracked-files=all"]),
                     try git(["rev-parse", "HEAD"]), try git(["symbolic-ref", "HEAD"]),
                     try git(["worktree", "list", "--porcelain"]), try git(["stash", "list"]),
                     try git(["diff"]), try git(["diff", "--cached"])]
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        for file in files.sorted() where !file.hasPrefix(".git/") && file != ".git" {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path, isDirectory: &isDirectory)
            state.append(isDirectory.boolValue
                ? "dir \(file)" : "\(file): \((try? Data(contentsOf: root.appendingPathComponent(file))) ?? Data())")
        }
        return state
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binDirectory: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]).deletingLastPathComponent()
    }

    func trim(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Outcome {
        try run(Self.binDirectory.appendingPathComponent("trim").path, arguments, environment: extra)
    }

    func run(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["TRIM_DB"] = nil
        // Fixed dates: the same commits, so the same mutants, on every run.
        for name in ["GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"] { environment[name] = "2024-01-01T00:00:00Z" }
        environment.merge(extra) { _, new in new }
        let finished = try ChildProcess.run(executable, arguments, directory: root.path, environment: environment)
        return Outcome(status: finished.status, stdout: String(decoding: finished.stdout, as: UTF8.self),
                       stderr: String(decoding: finished.stderr, as: UTF8.self))
    }
}
