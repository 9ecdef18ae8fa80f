import Foundation
import Testing

/// `trim list --message-format json` on the shop example, decoded into
/// nextest's published test-list structure (nextest-metadata's
/// `TestListSummary`: keys and types; a missing key or a wrong type fails the
/// decoding), with the filter-match reasons and trim's own fields checked.
@Suite struct ListJSONTests {
    /// nextest's `TestListSummary`, field for field (kebab-case keys).
    struct Summary: Decodable {
        var rustBuildMeta: BuildMeta
        var testCount: Int
        var rustSuites: [String: Suite]
        /// trim's own, beside nextest's.
        var trimDoctests: [String: Doctests]
        enum CodingKeys: String, CodingKey {
            case rustBuildMeta = "rust-build-meta", testCount = "test-count", rustSuites = "rust-suites"
            case trimDoctests = "trim-doctests"
        }
    }

    /// `RustBuildMetaSummary` (the optional `platforms` left out, as serde allows).
    struct BuildMeta: Decodable {
        var targetDirectory: String
        var baseOutputDirectories: [String]
        var nonTestBinaries: [String: [NonTestBinary]]
        var buildScriptOutDirs: [String: String]
        var linkedPaths: [String]
        var targetPlatforms: [String]
        var targetPlatform: String?
        enum CodingKeys: String, CodingKey {
            case targetDirectory = "target-directory", baseOutputDirectories = "base-output-directories"
            case nonTestBinaries = "non-test-binaries", buildScriptOutDirs = "build-script-out-dirs"
            case linkedPaths = "linked-paths", targetPlatforms = "target-platforms", targetPlatform = "target-platform"
        }
    }

    struct NonTestBinary: Decodable { var name: String; var kind: String; var path: String }

    /// `RustTestSuiteSummary` with its flattened `RustTestBinarySummary`.
    struct Suite: Decodable {
        var packageName: String
        var binaryID: String
        var binaryName: String
        var packageID: String
        var kind: String
        var binaryPath: String
        var buildPlatform: String
        var cwd: String
        var status: String
        var testcases: [String: Case]
        enum CodingKeys: String, CodingKey {
            case packageName = "package-name", binaryID = "binary-id", binaryName = "binary-name"
            case packageID = "package-id", kind, binaryPath = "binary-path", buildPlatform = "build-platform"
            case cwd, status, testcases
        }
    }

    /// `RustTestCaseSummary`, plus trim's fields.
    struct Case: Decodable {
        var ignored: Bool
        var filterMatch: FilterMatch
        var trimLastOutcome: String?
        var trimSelected: Bool
        var trimReasons: [String]
        enum CodingKeys: String, CodingKey {
            case ignored, filterMatch = "filter-match", trimLastOutcome = "trim-last-outcome"
            case trimSelected = "trim-selected", trimReasons = "trim-reasons"
        }
    }

    /// `FilterMatch`: `{"status": "matches"}` or `{"status": "mismatch", "reason": …}`.
    struct FilterMatch: Decodable, Equatable {
        var status: String
        var reason: String?
    }

    struct Doctests: Decodable {
        var packageName: String
        var testcases: [String: Case]
        enum CodingKeys: String, CodingKey { case packageName = "package-name", testcases }
    }

    static func shop() throws -> ExampleWorkspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-list-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: ExampleWorkspace.repository.appendingPathComponent("Examples/shop"), to: root)
        try? FileManager.default.removeItem(at: root.appendingPathComponent("target"))
        let orders = root.appendingPathComponent("tests/orders.rs")
        try (try String(contentsOf: orders, encoding: .utf8) + "\n#[test]\n#[ignore]\nfn a_slow_audit() {}\n")
            .write(to: orders, atomically: true, encoding: .utf8)
        return ExampleWorkspace(root: root)
    }

    func decode(_ outcome: ExampleWorkspace.Outcome) throws -> Summary {
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try JSONDecoder().decode(Summary.self, from: Data(outcome.stdout.utf8))
    }

    @Test func theListHasNextestsShapeAndTrimsFieldsBeside() throws {
        let workspace = try Self.shop()
        let compact = try workspace.habit(["list", "--message-format", "json"])
        #expect(compact.stdout.split(separator: "\n").count == 1, "json: one line")
        let list = try decode(compact)
        let human = try workspace.habit(["list"])
        let humanLines = human.stdout.split(separator: "\n")

        #expect(list.rustBuildMeta.targetDirectory.hasSuffix("/target/trim"), "\(list.rustBuildMeta.targetDirectory)")
        #expect(list.rustBuildMeta.baseOutputDirectories == ["debug"])
        #expect(list.testCount == list.rustSuites.values.reduce(0) { $0 + $1.testcases.count })
        let doctestCount = list.trimDoctests.values.reduce(0) { $0 + $1.testcases.count }
        #expect(list.testCount + doctestCount == humanLines.count, "the same tests as the human list")
        #expect(Set(list.rustSuites.keys) == ["shop", "shop::orders", "batch"], "\(list.rustSuites.keys.sorted())")
        for (id, suite) in list.rustSuites {
            #expect(suite.binaryID == id)
            #expect(FileManager.default.isExecutableFile(atPath: suite.binaryPath), "\(suite.binaryPath)")
            #expect(suite.binaryPath.hasPrefix(list.rustBuildMeta.targetDirectory + "/debug/"))
            #expect(suite.status == "listed" && suite.buildPlatform == "target")
            #expect(suite.packageID.hasPrefix("path+file://") && suite.packageID.contains("#\(suite.packageName)@0.1.0"))
            #expect(FileManager.default.fileExists(atPath: suite.cwd + "/Cargo.toml"))
            for (name, test) in suite.testcases {
                #expect(humanLines.contains { $0.hasPrefix("\(id) \(name)") }, "\(id) \(name)")
                // Never run: no outcome, and everything the filters admit would run.
                #expect(test.trimLastOutcome == nil)
                #expect(test.trimSelected == (test.filterMatch.status == "matches"))
                #expect(test.trimSelected == !test.trimReasons.isEmpty)
            }
        }
        #expect(list.rustSuites["shop"]?.kind == "lib")
        #expect(list.rustSuites["shop::orders"]?.kind == "test")
        #expect(list.rustSuites["shop::orders"]?.binaryName == "orders")
        let ignored = try #require(list.rustSuites["shop::orders"]?.testcases["a_slow_audit"])
        #expect(ignored.ignored)
        #expect(ignored.filterMatch == FilterMatch(status: "mismatch", reason: "ignored"))

        // After a run: the last outcome, and nothing would run again.
        let ran = try workspace.habit(["run", "--no-progress"])
        #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
        let after = try decode(try workspace.habit(["list", "-T", "json-pretty"]))
        let unit = try #require(after.rustSuites["shop"]?.testcases.first?.value)
        #expect(unit.trimLastOutcome == "passed")
        #expect(!unit.trimSelected && unit.trimReasons.isEmpty)
        #expect(after.rustSuites.values.allSatisfy { $0.testcases.values.allSatisfy { !$0.trimSelected } })
        let forced = try decode(try workspace.habit(["list", "-T", "json", "--all"]))
        #expect(forced.rustSuites["shop"]?.testcases.values.allSatisfy(\.trimSelected) == true)
    }

    @Test func everyMismatchReasonIsNextests() throws {
        let workspace = try Self.shop()
        let list = try decode(try workspace.habit(["list", "-T", "json", "tests::", "-E", "package(shop)",
                                                    "--partition", "count:1/2"]))
        var reasons: [String: Int] = [:]
        for suite in list.rustSuites.values {
            for (name, test) in suite.testcases {
                let expected: FilterMatch
                if test.ignored {
                    expected = FilterMatch(status: "mismatch", reason: "ignored")
                } else if !name.contains("tests::") {
                    expected = FilterMatch(status: "mismatch", reason: "string")
                } else if suite.packageName != "shop" {
                    expected = FilterMatch(status: "mismatch", reason: "expression")
                } else {
                    #expect(test.filterMatch == FilterMatch(status: "matches", reason: nil)
                            || test.filterMatch == FilterMatch(status: "mismatch", reason: "partition"),
                            "\(suite.binaryID) \(name): \(test.filterMatch)")
                    reasons[test.filterMatch.reason ?? "matches", default: 0] += 1
                    continue
                }
                #expect(test.filterMatch == expected, "\(suite.binaryID) \(name)")
                reasons[expected.reason!, default: 0] += 1
            }
        }
        #expect(Set(reasons.keys) == ["ignored", "string", "expression", "partition", "matches"], "\(reasons)")
        #expect(abs((reasons["matches"] ?? 0) - (reasons["partition"] ?? 0)) <= 1, "count:1/2 takes half: \(reasons)")
        for spelling in ["-T", "--message-format"] {
            let bad = try workspace.habit(["list", spelling, "yaml"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("'yaml' is invalid for '\(spelling)"), "\(bad.stderr)")
        }
    }
}
