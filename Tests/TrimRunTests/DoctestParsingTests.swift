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

    @Test func aListingThatDoesNotMatchTheAnnouncementsIsAnError() {
        #expect(throws: CargoError.self) {
            try DoctestListing.parse(stdout: "a: test\n\n1 test, 0 benchmarks\n", stderr: "", workspace: Self.workspace())
        }
    }

    @Test func theFilterIsolatesOneDoctestAmongSimilarNames() {
        let names = ["src/lib.rs - add (line 3)", "src/lib.rs - add (line 30)", "src/lib.rs - add_all (line 13)",
                     "src/other.rs - sub (line 3)"]
        let filter = DoctestFilter.isolating(names[0], among: names)
        for name in names {
            let runs = name.contains(filter.filter) && !filter.skips.contains { name.contains($0) }
            #expect(runs == (name == names[0]), "\(name) with \(filter)")
        }
        #expect(!filter.filter.contains(" ") && filter.skips.allSatisfy { !$0.contains(" ") })
    }

    @Test func theVerdictIsTheDoctestsOwnLine() {
        let name = "src/lib.rs - add (line 3)"
        let passed = DoctestRun.verdict(stdout: "running 2 tests\ntest src/lib.rs - add (line 30) ... FAILED\ntest \(name) ... ok\n",
                                        stderr: "", name: name)
        #expect(passed.passed)
        let failed = DoctestRun.verdict(stdout: """
            test \(name) ... FAILED

            failures:

            ---- \(name) stdout ----
            assertion `left == right` failed
              left: 5
             right: 6

            failures:
                \(name)
            """, stderr: "", name: name)
        #expect(!failed.passed)
        #expect(failed.report.contains("left: 5"))
        let missing = DoctestRun.verdict(stdout: "running 0 tests\n", stderr: "error: could not compile", name: name)
        #expect(!missing.passed, "a doctest that did not run is not a pass")
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
