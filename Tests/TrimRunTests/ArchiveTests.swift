import Foundation
import ProcessSpawn
import Testing

/// `trim archive` and `trim run --archive-file`: the ledger example built
/// once in one checkout, its partitions run from elsewhere in another
/// checkout (`--workspace-remap`) without building, recorded there so a plan
/// in that checkout has nothing left to run; and archives trim must refuse.
@Suite struct ArchiveTests {
    /// A test that passes only in the checkout named "remapped", run from its
    /// package directory; one that reads what the build script wrote, through OUT_DIR.
    static let module = """
        #[cfg(test)]
        mod tests {
            #[test]
            fn reads_what_its_build_script_wrote() {
                let out = std::env::var("OUT_DIR").expect("OUT_DIR is set, as cargo test sets it");
                let text = std::fs::read_to_string(std::path::Path::new(&out).join("generated.txt")).unwrap();
                assert_eq!(text, "from the build script\\n");
            }

            #[test]
            fn runs_in_the_remapped_checkout() {
                let manifest = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
                let here = std::env::current_dir().unwrap().canonicalize().unwrap();
                assert_eq!(here, manifest.canonicalize().unwrap());
                let name = std::fs::read_to_string(manifest.join("checkout-name")).unwrap();
                assert_eq!(name.trim(), "remapped", "ran in the checkout the archive was built in");
            }
        }
        """

    static func temporaryDirectory(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Two copies of the ledger: one to build the archive in, one to run it in.
    static func checkouts() throws -> (built: ExampleWorkspace, remapped: ExampleWorkspace) {
        let built = try NextestHabits.ledger(module: module)
        let remapped = ExampleWorkspace(root: try temporaryDirectory("remapped").appendingPathComponent("ledger"))
        try FileManager.default.copyItem(at: built.root, to: remapped.root)
        try """
            fn main() {
                let out = std::env::var("OUT_DIR").unwrap();
                std::fs::write(std::path::Path::new(&out).join("generated.txt"), "from the build script\\n").unwrap();
            }
            """.write(to: built.root.appendingPathComponent("build.rs"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: built.root.appendingPathComponent("build.rs"),
                                         to: remapped.root.appendingPathComponent("build.rs"))
        try "built\n".write(to: built.root.appendingPathComponent("checkout-name"), atomically: true, encoding: .utf8)
        try "remapped\n".write(to: remapped.root.appendingPathComponent("checkout-name"), atomically: true, encoding: .utf8)
        return (built, remapped)
    }

    @Test func partitionsOfAnArchiveRunInAnotherCheckoutAndAreRecordedThere() throws {
        let (built, remapped) = try Self.checkouts()
        let archive = try Self.temporaryDirectory("archive").appendingPathComponent("ledger.tar.zst")
        let made = try built.habit(["archive", "--workspace", "--archive-file", archive.path])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stderr.contains("archived 4 test binaries"), "\(made.stderr)")
        let plain = archive.deletingLastPathComponent().appendingPathComponent("ledger.tar")
        #expect(try built.habit(["archive", "--workspace", "--archive-file", plain.path]).status == 0)
        // As on another machine: the build's target dir is gone.
        try FileManager.default.removeItem(at: built.root.appendingPathComponent("target"))

        // From a third directory: nothing of either checkout is the current directory.
        let elsewhere = try Self.temporaryDirectory("elsewhere")
        var passed: [String] = []
        for part in ["hash:1/2", "hash:2/2"] {
            let run = try remapped.run(["run", "--no-progress", "--archive-file", archive.path,
                                        "--workspace-remap", remapped.root.path, "--partition", part],
                                       environment: NextestHabits.environment, in: elsewhere)
            #expect(run.status == 0, "\(part): \(run.stdout)\(run.stderr)")
            let lines = run.stdout.lines(containing: "PASS [")
            #expect(!lines.isEmpty, "\(part) ran nothing: \(run.stdout)")
            passed += lines
        }
        #expect(passed.contains { $0.contains("runs_in_the_remapped_checkout") }, "\(passed)")
        #expect(passed.contains { $0.contains("reads_what_its_build_script_wrote") }, "\(passed)")
        #expect(Set(passed.map { $0.split(separator: "]").last.map(String.init) ?? $0 }).count == passed.count)
        // cargo built nothing in the remapped checkout: the binaries came from the archive.
        let trimTarget = remapped.root.appendingPathComponent("target/trim")
        #expect(!FileManager.default.fileExists(atPath: trimTarget.appendingPathComponent("debug").path))
        #expect(FileManager.default.fileExists(atPath: trimTarget.appendingPathComponent("trim.db").path))

        // The checkout's own build selects nothing: both partitions' results count; nor does the archive again.
        let plan = try remapped.habit(["plan"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("0 of \(passed.count) tests selected"), "\(plan.stdout)")
        let again = try remapped.habit(["run", "--no-progress", "--archive-file", archive.path])
        #expect(again.status == 0 && again.stdout.contains("0 tests run: 0 passed, \(passed.count) skipped"),
                "\(again.stdout)\(again.stderr)")

        // A checkout whose sources differ from the archive's is refused, and nothing runs.
        let balance = remapped.root.appendingPathComponent("src/balance.rs")
        try (try String(contentsOf: balance, encoding: .utf8) + "\n// edited after the archive was built\n")
            .write(to: balance, atomically: true, encoding: .utf8)
        let stale = try remapped.habit(["run", "--no-progress", "--archive-file", archive.path])
        #expect(stale.status == 2)
        #expect(stale.stderr.contains(archive.path) && stale.stderr.contains("other sources")
                && stale.stderr.contains("src/balance.rs"), "\(stale.stderr)")
        #expect(!stale.stdout.contains("PASS"), "\(stale.stdout)")

        // Damaged copies of a real archive: truncated, and one byte changed inside a binary.
        let bytes = try Data(contentsOf: plain)
        let truncated = plain.deletingLastPathComponent().appendingPathComponent("truncated.tar")
        try bytes.prefix(bytes.count / 3).write(to: truncated)
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0xFF
        let corrupt = plain.deletingLastPathComponent().appendingPathComponent("corrupt.tar")
        try flipped.write(to: corrupt)
        let zstdTruncated = plain.deletingLastPathComponent().appendingPathComponent("truncated.tar.zst")
        let compressed = try Data(contentsOf: archive)
        try compressed.prefix(compressed.count / 2).write(to: zstdTruncated)
        try String(contentsOf: built.root.appendingPathComponent("src/balance.rs"), encoding: .utf8)
            .write(to: balance, atomically: true, encoding: .utf8)
        for (file, says) in [(truncated, "truncated"), (corrupt, "corrupt"), (zstdTruncated, "does not decompress")] {
            let run = try remapped.habit(["run", "--no-progress", "--archive-file", file.path])
            #expect(run.status == 2, "\(file.lastPathComponent): \(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("\(file.path): ") && run.stderr.contains(says), "\(run.stderr)")
        }
    }

    /// Archives made by `tar` itself, each wrong in one way.
    @Test func badArchivesAreRefusedWithoutWritingOutside() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        let files = try Self.temporaryDirectory("bad-archives")
        let content = files.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        let manifest = #"{"format":"trim-archive","version":1}"#
        try manifest.write(to: content.appendingPathComponent("trim-archive.json"), atomically: true, encoding: .utf8)
        try "escaped\n".write(to: files.appendingPathComponent("escape-marker"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: content.appendingPathComponent("link").path,
                                                   withDestinationPath: "/tmp")
        func tar(_ name: String, _ members: [String]) throws -> URL {
            let file = files.appendingPathComponent(name)
            let done = try ChildProcess.run("/usr/bin/tar", ["--format=ustar", "-P", "-cf", file.path,
                                                             "-C", content.path] + members)
            #expect(done.status == 0, "\(String(decoding: done.stderr, as: UTF8.self))")
            return file
        }
        let climbing = try tar("climbing.tar", ["trim-archive.json", "../escape-marker"])
        let absolute = try tar("absolute.tar", ["trim-archive.json", files.appendingPathComponent("escape-marker").path])
        let linked = try tar("linked.tar", ["trim-archive.json", "link"])
        try "other\n".write(to: content.appendingPathComponent("other.txt"), atomically: true, encoding: .utf8)
        let foreign = try tar("foreign.tar", ["other.txt", "trim-archive.json"])
        try #"{"format":"trim-archive","version":99}"#.write(to: content.appendingPathComponent("trim-archive.json"),
                                                              atomically: true, encoding: .utf8)
        let newer = try tar("newer.tar", ["trim-archive.json"])
        let climbingCompressed = files.appendingPathComponent("climbing.tar.zst")
        let zstd = try ChildProcess.run("/usr/bin/zstd", ["-q", climbing.path, "-o", climbingCompressed.path])
        #expect(zstd.status == 0, "\(String(decoding: zstd.stderr, as: UTF8.self))")
        let text = files.appendingPathComponent("text.tar")
        try String(repeating: "not an archive\n", count: 100).write(to: text, atomically: true, encoding: .utf8)
        let tiny = files.appendingPathComponent("tiny.tar")
        try "hi".write(to: tiny, atomically: true, encoding: .utf8)
        let missing = files.appendingPathComponent("missing.tar")

        let cases: [(URL, String)] = [
            (missing, "no such archive file"), (text, "not a tar archive"), (tiny, "not a tar archive"),
            (newer, "newer trim"), (foreign, "not a trim archive"), (climbing, "climbs out"),
            (absolute, "absolute path"), (linked, "symbolic link"), (climbingCompressed, "climbs out"),
        ]
        for (file, says) in cases {
            let run = try workspace.habit(["run", "--no-progress", "--archive-file", file.path])
            #expect(run.status == 2, "\(file.lastPathComponent): \(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("\(file.path): ") && run.stderr.contains(says),
                    "\(file.lastPathComponent): \(run.stderr)")
        }
        // Nothing landed beside the extraction directory, nor in the workspace.
        let found = FileManager.default.enumerator(atPath: workspace.root.path)?.compactMap { $0 as? String } ?? []
        #expect(!found.contains { $0.hasSuffix("escape-marker") || $0.hasSuffix("/link") }, "\(found)")
        #expect(try String(contentsOf: files.appendingPathComponent("escape-marker"), encoding: .utf8) == "escaped\n")

        let building = try workspace.habit(["run", "--archive-file", text.path, "--release"])
        #expect(building.status == 2 && building.stderr.contains("give package, target, feature and profile options to trim archive"),
                "\(building.stderr)")
        let stray = try workspace.habit(["run", "--workspace-remap", files.path])
        #expect(stray.status == 2 && stray.stderr.contains("--workspace-remap needs --archive-file"), "\(stray.stderr)")
    }

    /// After a change, an archive of the changed code selects in the checkout
    /// exactly what the checkout's own build selects.
    @Test func anArchiveSelectsWhatTheCheckoutsOwnBuildSelects() throws {
        let (built, remapped) = try Self.checkouts()
        let first = try Self.temporaryDirectory("archive").appendingPathComponent("first.tar")
        #expect(try built.habit(["archive", "--workspace", "--archive-file", first.path]).status == 0)
        let recorded = try remapped.habit(["run", "--no-progress", "--archive-file", first.path])
        #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")

        for checkout in [built, remapped] {
            let balance = checkout.root.appendingPathComponent("src/balance.rs")
            let text = try String(contentsOf: balance, encoding: .utf8)
            #expect(text.contains("account.balance < amount"))
            try text.replacingOccurrences(of: "account.balance < amount", with: "amount > account.balance")
                .write(to: balance, atomically: true, encoding: .utf8)
        }
        let second = first.deletingLastPathComponent().appendingPathComponent("second.tar")
        #expect(try built.habit(["archive", "--workspace", "--archive-file", second.path]).status == 0)
        let fromArchive = try remapped.habit(["plan", "--archive-file", second.path])
        let fromBuild = try remapped.habit(["plan"])
        #expect(fromArchive.status == 0 && fromBuild.status == 0, "\(fromArchive.stderr)\(fromBuild.stderr)")
        func selected(_ plan: String) -> [String] {
            plan.split(separator: "\n").map(String.init).filter { $0.contains("  [") }
                .map { String($0.prefix { $0 != "[" }).trimmingCharacters(in: .whitespaces) }.sorted()
        }
        // Some tests, not all: the change is one comparison in one function.
        let counts = (fromBuild.stdout.split(separator: "\n").last ?? "").split(separator: " ")
        #expect(counts.count > 3 && Int(counts[0]) == selected(fromBuild.stdout).count
                && Int(counts[0]).map { $0 > 0 && $0 < Int(counts[2]) ?? 0 } == true, "\(fromBuild.stdout)")
        #expect(selected(fromArchive.stdout) == selected(fromBuild.stdout), "\(fromArchive.stdout)\n\(fromBuild.stdout)")
        #expect(fromArchive.stdout.split(separator: "\n").last == fromBuild.stdout.split(separator: "\n").last)
    }

    /// An archive built with `--release` records into the checkout's release
    /// store, where the checkout's own release build finds its results.
    @Test func aReleaseArchiveRecordsIntoTheReleaseStore() throws {
        let (built, remapped) = try Self.checkouts()
        let archive = try Self.temporaryDirectory("archive").appendingPathComponent("release.tar")
        let made = try built.habit(["archive", "--workspace", "--release", "--archive-file", archive.path])
        #expect(made.status == 0, "\(made.stderr)")
        let run = try remapped.habit(["run", "--no-progress", "--archive-file", archive.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let trim = remapped.root.appendingPathComponent("target/trim")
        #expect(FileManager.default.fileExists(atPath: trim.appendingPathComponent("trim-release.db").path))
        #expect(!FileManager.default.fileExists(atPath: trim.appendingPathComponent("trim.db").path))
        let plan = try remapped.habit(["plan", "--release"])
        #expect(plan.status == 0 && plan.stdout.contains("0 of "), "\(plan.stdout)\(plan.stderr)")
    }
}
