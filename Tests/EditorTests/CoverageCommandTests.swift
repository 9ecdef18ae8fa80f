import Foundation
import Testing

/// `trim coverage` and `trim path` on a real crate after a real `trim run`.
@Suite(.serialized) struct CoverageCommandTests {
    @Test func coverageAndPathFollowTheLinesEachTestExecuted() throws {
        let crate = try Crate()
        defer { crate.remove() }
        let run = try crate.trim(["run", "--no-fail-fast"])
        #expect(run.status == 100, "\(run.stderr)")

        // Line 3 ("negative") only the negative test reaches; 7 only positive;
        // 2 (the first comparison) both; 12 (double's body) only doubles.
        let three = try crate.trim(["coverage", "src/lib.rs:3"])
        #expect(three.status == 0, "\(three.stderr)")
        #expect(three.stdout == "src/lib.rs:3: lines tests::negative (passed)\n")
        let seven = try crate.trim(["coverage", "src/lib.rs:7", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(seven.stdout.utf8)) as? [String: Any]
        let lines = object?["lines"] as? [[String: Any]]
        let names = (lines?.first?["tests"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["tests::positive"])
        let two = try crate.trim(["coverage", "src/lib.rs:2"])
        #expect(two.stdout.contains("tests::negative (passed)") && two.stdout.contains("tests::positive (passed)"))
        #expect(!two.stdout.contains("doubles"))
        let twelve = try crate.trim(["coverage", "src/lib.rs:12"])
        #expect(twelve.stdout == "src/lib.rs:12: lines tests::doubles (failed)\n")

        // The whole file: every executed line once, in order.
        let whole = try crate.trim(["coverage", crate.libraryFile.path])
        let numbers = whole.stdout.split(separator: "\n").compactMap { $0.split(separator: ":").dropFirst().first }
        #expect(numbers.contains("3") && numbers.contains("7") && numbers.contains("12"))
        #expect(!numbers.contains("5"), "nothing calls classify(0): \(whole.stdout)")

        // The lines came from the worker, which keeps them beside the fingerprints.
        let cached = try FileManager.default.contentsOfDirectory(
            atPath: Crate.cache.appendingPathComponent("fingerprints").path)
        #expect(cached.contains { $0.hasSuffix(".lines") }, "\(cached)")

        let path = try crate.trim(["path", "doubles"])
        #expect(path.status == 0, "\(path.stderr)")
        #expect(path.stdout.hasPrefix("lines tests::doubles (failed, "))
        #expect(path.stdout.contains("src/lib.rs: 11-13, 30-"), "\(path.stdout)")
        let json = try crate.trim(["path", "lines tests::negative", "--json"])
        let negative = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(negative?["outcome"] as? String == "passed")
        let files = negative?["files"] as? [[String: Any]]
        #expect(files?.first?["file"] as? String == "src/lib.rs")
        let ranges = files?.first?["ranges"] as? [[Int]] ?? []
        #expect(ranges.contains { $0[0] <= 3 && 3 <= $0[1] })
        #expect(!ranges.contains { $0[0] <= 7 && 7 <= $0[1] }, "the negative test never reaches line 7: \(ranges)")
        #expect(ranges.contains { $0[0] <= 21 && 21 <= $0[1] }, "its own body: \(ranges)")
    }

    @Test func badInputIsAClearErrorWithStatusTwo() throws {
        let crate = try Crate()
        defer { crate.remove() }
        let before = try crate.trim(["coverage", "src/lib.rs"])
        #expect(before.status == 2)
        #expect(before.stderr.contains("no recorded results; run `trim run` first"))
        _ = try crate.trim(["run", "--no-fail-fast"])
        let outside = try crate.trim(["coverage", "/etc/passwd:1"])
        #expect(outside.status == 2 && outside.stderr.contains("/etc/passwd is outside the workspace"))
        let badLine = try crate.trim(["coverage", "src/lib.rs:zero"])
        #expect(badLine.status == 2 && badLine.stderr.contains("expected FILE or FILE:LINE"))
        let unknown = try crate.trim(["path", "nosuchtest"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no recorded test named nosuchtest"))
        let ambiguous = try crate.trim(["path", "tests"])
        #expect(ambiguous.status == 2, "\(ambiguous.stderr)")
        let nowhere = try crate.trim(["coverage", "src/lib.rs"], in: FileManager.default.temporaryDirectory)
        #expect(nowhere.status == 2, "\(nowhere.stderr)")
    }

    /// The bitcode a recorded module was made of, damaged on disk since: an
    /// error naming the file, not lines quietly missing.
    @Test func unreadableBitcodeIsAnErrorNamingTheFile() throws {
        let crate = try Crate()
        defer { crate.remove() }
        _ = try crate.trim(["run", "--no-fail-fast"])
        let deps = crate.root.appendingPathComponent("target/trim/debug/deps")
        let units = try FileManager.default.contentsOfDirectory(atPath: deps.path).filter { $0.hasSuffix(".bc") }
        #expect(!units.isEmpty)
        for unit in units { try Data("not bitcode".utf8).write(to: deps.appendingPathComponent(unit)) }
        for arguments in [["coverage", "src/lib.rs"], ["path", "doubles"]] {
            let damaged = try crate.trim(arguments)
            #expect(damaged.status == 2, "\(arguments): \(damaged.stderr)")
            #expect(damaged.stderr.contains("not an LLVM bitcode file"), "\(damaged.stderr)")
            #expect(units.contains { damaged.stderr.contains(deps.appendingPathComponent($0).path) }, "\(damaged.stderr)")
        }
    }
}
