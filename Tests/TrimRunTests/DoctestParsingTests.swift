@testable import CargoSupport
import Foundation
import Testing

/// The pure parts of doctests and package selection: cargo's and libtest's
/// output read back, the filters that isolate one doctest, selection checks.
@Suite struct DoctestParsingTests {
    static func workspace() -> CargoWorkspace {
        CargoWorkspace(root: "/w", targetDirectory: "/w/target", packages: [
            .init(name: "my-lib", version: "0.1.0", manifestPath: "/w/my-lib/Cargo.toml", authors: [],
                  description: nil, libraryCrateName: "my_lib", pathDependencies: ["/w/base"],
                  targets: ["lib": ["my_lib"], "test": ["api", "api_errors"], "bin": ["my-tool"]]),
            .init(name: "base", version: "0.1.0", manifestPath: "/w/base/Cargo.toml", authors: [], description: nil,
                  libraryCrateName: "base"),
            .init(name: "tool", version: "0.1.0", manifestPath: "/w/tool/Cargo.toml", authors: [], description: nil),
        ], cargo: "/usr/bin/cargo")
    }

    @Test func listingBlocksFollowCargosAnnouncements() throws {
        let stdout = """
            my-lib/src/lib.rs - add (line 3): test
            my-lib/src/lib.rs - Thing::new (line 20): test

            2 tests, 0 benchmarks
            0 tests, 0 benchmarks
            """
        let stderr = "   Compiling base\n   Doc-tests my_lib\n   Doc-tests base\n"
        let list = try DoctestListing.parse(stdout: stdout, stderr: stderr, workspace: Self.workspace())
        #expect(list.packages == ["my-lib", "base"])
        #expect(list.doctests.map(\.name) == ["my-lib/src/lib.rs - add (line 3)", "my-lib/src/lib.rs - Thing::new (line 20)"])
        #expect(list.doctests.allSatisfy { $0.package == "my-lib" })
    }

    @Test func theSummaryLineIsToldApartFromTestNames() {
        for line in ["2 tests, 0 benchmarks", "1 test, 1 benchmark", "0 tests, 12 benchmarks", "10 tests, 0 benchmarks\r"] {
            #expect(DoctestListing.isSummary(Substring(line)), "\(line)")
        }
        for line in ["", "tests, 0 benchmarks", "2 tests, 0 benchmarks extra", "x2 tests, 0 benchmarks", "2 tests 0 benchmarks",
                     "2 tests, benchmarks", "2 testss, 0 benchmarks", "src/lib.rs - f (line 2): test", "2 tests, 0 benchmarks, 1 more"] {
            #expect(!DoctestListing.isSummary(Substring(line)), "\(line)")
        }
        #expect(DoctestListing.trimmingBlanks("  \t Doc-tests a_b \t") == "Doc-tests a_b")
        #expect(DoctestListing.trimmingBlanks(" \t ") == "")
        #expect(DoctestListing.trimmingBlanks("x") == "x")
    }

    @Test func aListingThatDoesNotMatchTheAnnouncementsIsAnError() {
        #expect(throws: CargoError.self) {
            try DoctestListing.parse(stdout: "a: test\n\n1 test, 0 benchmarks\n", stderr: "", workspace: Self.workspace())
        }
    }

    static func runs(_ name: String, _ filter: DoctestFilter) -> Bool {
        filter.filters.contains { name.contains($0) } && !filter.skips.contains { name.contains($0) }
    }

    @Test func theFilterIsolatesOneDoctestAmongSimilarNames() {
        let names = ["src/lib.rs - add (line 3)", "src/lib.rs - add (line 30)", "src/lib.rs - add_all (line 13)",
                     "src/other.rs - sub (line 3)"]
        let filter = DoctestFilter.selecting([names[0]], among: names)
        for name in names { #expect(Self.runs(name, filter) == (name == names[0]), "\(name) with \(filter)") }
        #expect((filter.filters + filter.skips).allSatisfy { !$0.contains(" ") })
    }

    @Test func aBatchFilterRunsTheChosenAndNoOther() {
        let names = (1...12).map { "src/lib.rs - f\($0) (line \($0 * 10))" } + ["src/io.rs - read (line 4)"]
        let chosen = [names[0], names[9], names[12]]
        let filter = DoctestFilter.selecting(chosen, among: names)
        for name in names { #expect(Self.runs(name, filter) == chosen.contains(name), "\(name) with \(filter)") }
    }

    static func verdict(_ stdout: String, _ stderr: String = "", _ name: String) -> DoctestRun.Verdict {
        DoctestRun.verdict(of: DoctestRun.Report(stdout: stdout, stderr: stderr), name: name)
    }

    @Test func theVerdictIsTheDoctestsOwnLine() {
        let name = "src/lib.rs - add (line 3)"
        let passed = Self.verdict("running 2 tests\ntest src/lib.rs - add (line 30) ... FAILED\ntest \(name) ... ok\n", "", name)
        #expect(passed.passed && passed.ran)
        let failed = Self.verdict("""
            test \(name) ... FAILED

            failures:

            ---- \(name) stdout ----
            assertion `left == right` failed
              left: 5
             right: 6

            failures:
                \(name)
            """, "", name)
        #expect(!failed.passed && failed.ran)
        #expect(failed.report.contains("left: 5"))
        let missing = Self.verdict("running 0 tests\n", "error: could not compile", name)
        #expect(!missing.passed && !missing.ran, "a doctest that did not run is not a pass")
        #expect(missing.report.contains("could not compile"))
    }

    @Test func selectionIsCheckedAgainstTheMembers() throws {
        let workspace = Self.workspace()
        try PackageSelection(packages: ["my-lib", "ba*", "tool@0.1.0"]).validate(against: workspace)
        #expect(throws: CargoError.self) { try PackageSelection(packages: ["nope"]).validate(against: workspace) }
        #expect(throws: CargoError.self) { try PackageSelection(packages: ["x*"]).validate(against: workspace) }
        #expect(throws: CargoError.self) { try PackageSelection(excluded: ["tool"]).validate(against: workspace) }
        try PackageSelection(workspace: true, excluded: ["tool"]).validate(against: workspace)
        try PackageSelection(targets: TargetSelection(bin: ["my-tool"], test: ["api*"])).validate(against: workspace)
        #expect(throws: CargoError.self) {
            try PackageSelection(targets: TargetSelection(test: ["nosuch"])).validate(against: workspace)
        }
        #expect(throws: CargoError.self) {
            try PackageSelection(targets: TargetSelection(example: ["demo"])).validate(against: workspace)
        }
    }

    @Test func memberClosureFollowsPathDependencies() {
        let workspace = Self.workspace()
        #expect(workspace.memberClosure(of: workspace.packages[0]).map(\.name) == ["base", "my-lib"])
        #expect(workspace.memberClosure(of: workspace.packages[2]).map(\.name) == ["tool"])
    }

    @Test func targetFlagsTurnDoctestsOff() {
        #expect(TargetSelection().isDefault)
        #expect(!TargetSelection(test: ["api"]).isDefault)
        #expect(PackageSelection(packages: ["a"], targets: TargetSelection(lib: true), features: ["x,y"])
                    .cargoArguments == ["--package", "a", "--lib", "--features", "x,y"])
    }
}
