import Foundation
import Store
import Testing
import TrimModel
@testable import CargoSupport
import RustcWrapping

/// Test executables linked position-dependent (`-no-pie`, so no test process
/// relocates its PC table at start): trim still maps every hit to its block,
/// and a user's own PIE flag is kept (the executable stays a PIE, mapped as well).
@Suite(.serialized) struct PositionDependentTests {
    static let library = """
        pub fn classify(x: u32) -> u32 {
            if x > 10 {
                x - 10
            } else {
                x + 1
            }
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn high() {
                assert!(super::classify(15) < 10);
            }

            #[test]
            fn low() {
                assert!(super::classify(3) < 10);
            }
        }
        """

    static let outside = """
        #[test]
        fn from_outside() {
            assert!(placed::classify(2) < 10);
        }
        """

    static func workspace(config: String?) throws -> ExampleWorkspace {
        var files = ["Cargo.toml": CodegenUnitTests.manifest("placed"), "src/lib.rs": library, "tests/outside.rs": outside]
        if let config { files[".cargo/config.toml"] = config }
        return try CodegenUnitTests.workspace(files)
    }

    /// ELF `e_type` of each recorded test executable: 2 (ET_EXEC) position-dependent, 3 (ET_DYN) a PIE.
    static func elfTypes(_ workspace: ExampleWorkspace) throws -> [String: UInt16] {
        let store = try TrimStore(path: workspace.database)
        let (build, _) = try #require(try store.latestBuild())
        var types: [String: UInt16] = [:]
        for binary in try store.binaries(of: build) {
            let path = binary.executable.hasPrefix("/") ? binary.executable
                : workspace.root.appendingPathComponent(binary.executable).path
            let header = try #require(FileManager.default.contents(atPath: path)?.prefix(18))
            types[binary.id] = UInt16(header[16]) | UInt16(header[17]) << 8
        }
        return types
    }

    /// Records everything, then changes each branch of `classify` in turn:
    /// only the tests whose recorded blocks include that branch are selected.
    static func expectBlockExactSelection(_ workspace: ExampleWorkspace, environment: [String: String]) throws {
        try CodegenUnitTests.run(workspace, environment: environment)
        let results = try TrimStore(path: workspace.database).lastResults()
        #expect(results.count == 3 && results.values.allSatisfy { $0.coverage == .complete && !$0.hits.isEmpty },
                "\(results.values.map { "\($0.key) \($0.coverage) \($0.hits.count)" })")
        #expect(try CodegenUnitTests.plan(workspace, environment: environment).isEmpty, "nothing changed")

        let source = workspace.root.appendingPathComponent("src/lib.rs")
        try Self.library.replacingOccurrences(of: "x - 10", with: "x - 9")
            .write(to: source, atomically: true, encoding: .utf8)
        #expect(Set(try CodegenUnitTests.plan(workspace, environment: environment).keys) == ["placed tests::high"],
                "the greater-than branch: only the test that took it")
        try Self.library.replacingOccurrences(of: "x + 1", with: "x + 2")
            .write(to: source, atomically: true, encoding: .utf8)
        #expect(Set(try CodegenUnitTests.plan(workspace, environment: environment).keys)
                    == ["placed tests::low", "placed::outside from_outside"],
                "the other branch: the two tests that took it, the integration test's among them")
    }

    @Test func testExecutablesAreLinkedPositionDependentAndHitsMapToTheirBlocks() throws {
        let workspace = try Self.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let environment = ["TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
        try Self.expectBlockExactSelection(workspace, environment: environment)
        #expect(try Self.elfTypes(workspace) == ["placed": 2, "placed::outside": 2], "linked with -no-pie")
    }

    @Test func aUsersPIEFlagIsKeptAndItsHitsMapAsWell() throws {
        let workspace = try Self.workspace(config: "[build]\nrustflags = [\"-C\", \"link-arg=-pie\"]\n")
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let environment = ["TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
        try Self.expectBlockExactSelection(workspace, environment: environment)
        #expect(try Self.elfTypes(workspace) == ["placed": 3, "placed::outside": 3], "the user's -pie wins")
    }

    @Test func onlyCallsLinkingAGlibcExecutableGetNoPIE() {
        func links(_ arguments: String) -> Bool {
            RustcCall(arguments: arguments.split(separator: " ").map(String.init)).linksPositionIndependentExecutable
        }
        let common = "--crate-name t --edition=2021 src/lib.rs --out-dir /t/deps -C extra-filename=-1"
        #expect(links("\(common) --test"))
        #expect(links("\(common) --crate-type bin"))
        #expect(links("\(common) --test --target x86_64-unknown-linux-gnu"))
        #expect(!links("\(common) --crate-type lib"))
        #expect(!links("\(common) --crate-type proc-macro"))
        #expect(!links("\(common) --crate-type dylib"))
        #expect(!links("\(common) --crate-type cdylib"))
        #expect(!links("\(common) --crate-type bin,cdylib"))
        #expect(!links("--crate-name t --print cfg --test"), "a query links nothing")
        #expect(!links("\(common) --test --target x86_64-unknown-linux-musl"))
        #expect(!links("\(common) --test --target aarch64-apple-darwin"))
        #expect(!links("\(common) --test -C relocation-model=pic"), "the user chose a relocation model")
        #expect(!links("\(common) --test -C target-feature=+crt-static"))
        #expect(!links("\(common) --test -C link-arg=-pie"))
        #expect(!links("\(common) --test -Clink-args=-static-pie"))
    }
}
