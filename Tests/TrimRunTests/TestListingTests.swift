@testable import CargoSupport
import Foundation
import Testing
import ProcessSpawn

/// Listing a test binary: the one run with libtest's JSON listing gives what
/// the two terse runs (`--list`, then `--list --ignored`) give, on a binary
/// real rustc built.
@Suite struct TestListingTests {
    static let source = """
        #[test]
        fn plain() {}

        #[test]
        #[ignore]
        fn skipped() {}

        #[test]
        #[ignore = "needs a server"]
        fn skipped_with_a_reason() {}

        mod inner {
            #[test]
            fn nested() {}
        }
        """

    /// `rustc --test` of `source` into a fresh directory.
    func binary() throws -> TestBinary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("listing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.source.write(to: directory.appendingPathComponent("t.rs"), atomically: true, encoding: .utf8)
        let rustc = try ChildProcess.run("/usr/bin/env", ["rustc", "--edition", "2021", "--test", "t.rs", "-o", "t"],
                                         directory: directory.path, stdout: .inherit, stderr: .inherit)
        #expect(rustc.status == 0)
        let executable = directory.appendingPathComponent("t").path
        return TestBinary(id: "t", package: "t", target: "t", kind: .test, executable: executable, bitcode: "",
                          units: [], packageDirectory: directory.path, environment: [:])
    }

    func output(_ binary: TestBinary, _ arguments: [String], _ environment: [String: String] = [:]) throws -> Data {
        try ChildProcess.run(binary.executable, arguments,
                             environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
                             stderr: .inherit).stdout
    }

    @Test func oneJSONListingGivesWhatTheTwoTerseListingsGive() throws {
        let binary = try binary()
        defer { try? FileManager.default.removeItem(atPath: binary.packageDirectory) }
        let json = try output(binary, ["--list", "--format", "json", "-Z", "unstable-options"], ["RUSTC_BOOTSTRAP": "1"])
        let parsed = try #require(TestListing.parse(json: json), "this rustc's libtest lists as JSON")
        let all = TestListing.parse(terse: String(decoding: try output(binary, ["--list", "--format", "terse"]), as: UTF8.self))
        let ignored = Set(TestListing.parse(terse: String(decoding: try output(binary, ["--list", "--format", "terse", "--ignored"]),
                                                          as: UTF8.self)))
        #expect(parsed.map(\.name) == all)
        #expect(parsed.map(\.ignored) == all.map(ignored.contains))
        #expect(Set(parsed.filter(\.ignored).map(\.name)) == ["skipped", "skipped_with_a_reason"])

        let listed = try TestListing.list(binary)
        #expect(listed.map(\.name) == all)
        #expect(listed.filter(\.ignored).map(\.name).sorted() == ["skipped", "skipped_with_a_reason"])
    }

    @Test func aListingThatDisagreesWithItsCountsIsRefused() {
        let events = """
            { "type": "suite", "event": "discovery" }
            { "type": "test", "event": "discovered", "name": "a", "ignore": false }
            { "type": "suite", "event": "completed", "tests": 2, "benchmarks": 0, "total": 2, "ignored": 0 }
            """
        #expect(TestListing.parse(json: Data(events.utf8)) == nil, "a test missing from the events")
        #expect(TestListing.parse(json: Data("a: test\n".utf8)) == nil, "terse output is not JSON")
        #expect(TestListing.parse(json: Data(events.replacingOccurrences(of: "\"tests\": 2", with: "\"tests\": 1").utf8))?
            .map(\.name) == ["a"])
    }

    /// The hand reader of libtest's event lines reads what JSONSerialization
    /// reads, and refuses what is not a flat object of scalars.
    @Test func eventLinesReadByHandAsJSONSerializationReadsThem() throws {
        let lines = [
            #"{ "type": "test", "event": "discovered", "name": "m0::tests::t7", "ignore": false, "ignore_message": "", "source_path": "src/m0.rs", "start_line": 30, "start_col": 8, "end_line": 30, "end_col": 10 }"#,
            #"{"type":"test","event":"discovered","name":"quote \" back\\slash \/ tab\t nl\n cr\r \b\f","ignore":true}"#,
            #"{ "name": "caf\u00e9 \u2603 \ud83d\ude00 ünï 😀", "ignore": false, "n": -12, "z": 0, "none": null }"#,
            #"{}"#,
            "  {\t\"a\" :\n 1 }  ",
        ]
        for line in lines {
            let ours = try #require(FlatJSONObject.parse(Array(line.utf8)), "\(line)")
            let theirs = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(ours.keys) == Set(theirs.keys), "\(line)")
            for (key, value) in ours {
                switch value {
                case .string(let text): #expect(theirs[key] as? String == text, "\(key) in \(line)")
                case .integer(let number): #expect((theirs[key] as? NSNumber)?.intValue == number, "\(key) in \(line)")
                case .bool(let flag): #expect(theirs[key] as? Bool == flag, "\(key) in \(line)")
                case .null: #expect(theirs[key] is NSNull, "\(key) in \(line)")
                }
            }
        }
        let refused = [
            "", "a: test", "{", #"{"a": 1"#, #"{"a": 1} x"#, #"{"a": [1]}"#, #"{"a": {"b": 1}}"#, #"{"a": 1.5}"#,
            #"{"a": 1e3}"#, #"{"a": 01}"#, #"{"a": "\x"}"#, #"{"a": "\ud83d"}"#, #"{"a": "\u12"}"#, "{\"a\": \"\u{01}\"}",
            #"{"a": tru}"#, #"{"a": 1,}"#, #"{"a": 1, "a": 2}"#, #"{a: 1}"#, #"{"a" 1}"#, #"{"a": "unterminated}"#,
            #"{"a": 99999999999999999999}"#,
        ]
        for line in refused { #expect(FlatJSONObject.parse(Array(line.utf8)) == nil, "\(line)") }
        #expect(FlatJSONObject.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) == nil, "invalid UTF-8")
        // {"a": "<bytes>"}: what is not UTF-8 refused, escaped or not; U+FFFD itself kept.
        func string(_ bytes: [UInt8], escaped: Bool = false) -> [UInt8] {
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22] + (escaped ? Array(#"\n"#.utf8) : []) + bytes + [0x22, 0x7D]
        }
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]] {
            #expect(FlatJSONObject.parse(string(bytes)) == nil, "\(bytes)")
            #expect(FlatJSONObject.parse(string(bytes, escaped: true)) == nil, "\(bytes) after an escape")
        }
        #expect(FlatJSONObject.parse(string([0xEF, 0xBF, 0xBD, 0xC3, 0xA9]))?["a"] == .string("\u{FFFD}é"))
        #expect(FlatJSONObject.parse(string([0xEF, 0xBF, 0xBD], escaped: true))?["a"] == .string("\n\u{FFFD}"))
    }
}
