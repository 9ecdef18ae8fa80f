@testable import CargoSupport
import Foundation
import ProcessSpawn
@testable import RustcWrapping
import Store
import Testing
@testable import TrimPipeline

/// Test executables list themselves as soon as their link ends
/// (`EarlyListings`, told by the wrapper's `linked` notice), and such a
/// listing is used only for the very file, directory and environment the
/// listing after cargo would have used.
@Suite struct EarlyListingsTests {
    /// A package with a library whose tests `rustc --test` builds by hand.
    struct Package {
        let root: URL
        let workspace: CargoWorkspace
        var package: CargoWorkspace.Package { workspace.packages[0] }
        var executable: String { root.appendingPathComponent("placed-tests").path }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("early-\(UUID().uuidString)")
            try CodegenUnitTests.write(CodegenUnitTests.manifest("placed"), to: root.appendingPathComponent("Cargo.toml"))
            try CodegenUnitTests.write(TestListingTests.source, to: root.appendingPathComponent("src/lib.rs"))
            workspace = try CargoWorkspace.load(from: root)
        }

        /// `rustc --test` of the library, with `extra` appended to it.
        func build(adding extra: String = "") throws {
            let source = root.appendingPathComponent("src/lib.rs")
            try (TestListingTests.source + extra).write(to: source, atomically: true, encoding: .utf8)
            let rustc = try ChildProcess.run("/usr/bin/env", ["rustc", "--edition", "2021", "--test", source.path,
                                                              "-o", executable],
                                             directory: root.path, stdout: .inherit, stderr: .inherit)
            #expect(rustc.status == 0)
        }

        var linked: LinkStage.Linked {
            LinkStage.Linked(executable: executable, manifestDirectory: package.directory, crateName: "placed",
                             outDirectory: nil)
        }

        /// The executable as cargo would report it after the build.
        var binary: TestBinary {
            TestBinary(id: "placed", package: "placed", target: "placed", kind: .lib, executable: executable,
                       bitcode: "", units: [], packageDirectory: package.directory,
                       environment: InstrumentedTestBuild.testEnvironment(package: package, crateName: "placed"))
        }

        func listings(_ warm: WarmState) -> EarlyListings {
            EarlyListings(workspace: workspace, scratch: root.appendingPathComponent("scratch"), warm: warm,
                          stopped: { false })
        }
    }

    @Test func aListingMadeAsTheExecutableLinkedIsWhatListingItAfterCargoGives() throws {
        let package = try Package()
        defer { try? FileManager.default.removeItem(at: package.root) }
        try package.build()
        let warm = WarmState()
        let listings = package.listings(warm)
        listings.start(package.linked)
        let taken = try #require(listings.take(package.binary, hash: warm.contentHash(ofBinary: package.executable)))
        let after = try TestListing.list(package.binary)
        #expect(taken.tests == after)
        #expect(Set(taken.tests.filter(\.ignored).map(\.name)) == ["skipped", "skipped_with_a_reason"])
        #expect(taken.tests.allSatisfy { $0.binary == "placed" })
        #expect(taken.pcTable.path.hasPrefix(package.root.appendingPathComponent("scratch").path))
        #expect(listings.used == 1)
    }

    @Test func aListingIsNotUsedForAnotherFileEnvironmentOrDirectory() throws {
        let package = try Package()
        defer { try? FileManager.default.removeItem(at: package.root) }
        try package.build()
        let warm = WarmState()

        // Rebuilt after it listed (one more test): the bytes cargo reports are not the ones listed.
        let rebuilt = package.listings(warm)
        rebuilt.start(package.linked)
        rebuilt.finish()
        try package.build(adding: "\n#[test]\nfn added_later() {}\n")
        #expect(rebuilt.take(package.binary, hash: warm.contentHash(ofBinary: package.executable)) == nil)

        // The package has a build script after all: OUT_DIR is in the tests' environment.
        let elsewhere = package.listings(warm)
        elsewhere.start(package.linked)
        var withOutDir = package.binary
        withOutDir.environment["OUT_DIR"] = package.root.appendingPathComponent("out").path
        #expect(elsewhere.take(withOutDir, hash: warm.contentHash(ofBinary: package.executable)) == nil)

        let moved = package.listings(warm)
        moved.start(package.linked)
        var inAnotherDirectory = package.binary
        inAnotherDirectory.packageDirectory = package.root.appendingPathComponent("src").path
        #expect(moved.take(inAnotherDirectory, hash: warm.contentHash(ofBinary: package.executable)) == nil)

        // Never linked while trim listened, or not a workspace package's.
        let none = package.listings(warm)
        #expect(none.take(package.binary, hash: warm.contentHash(ofBinary: package.executable)) == nil)
        var foreign = package.linked
        foreign.manifestDirectory = "/nonexistent/package"
        none.start(foreign)
        #expect(none.take(package.binary, hash: warm.contentHash(ofBinary: package.executable)) == nil)
        #expect(rebuilt.used + elsewhere.used + moved.used + none.used == 0)
    }

    @Test func theLinkedNoticeSaysWhatTheListingNeedsOrNothing() {
        let variables = ["CARGO_MANIFEST_DIR": "/w/p", "CARGO_CRATE_NAME": "my_tests", "OUT_DIR": "/w/t/out"]
        let notice = LinkStage.linkedNotice(executable: "/w/t/deps/my_tests-0a1b", variable: { variables[$0] })
        #expect(LinkStage.linked(notice ?? "") == LinkStage.Linked(
            executable: "/w/t/deps/my_tests-0a1b", manifestDirectory: "/w/p", crateName: "my_tests",
            outDirectory: "/w/t/out"))
        let noBuildScript = LinkStage.linkedNotice(executable: "/w/t/deps/x-1", variable: {
            $0 == "OUT_DIR" ? nil : variables[$0]
        })
        #expect(LinkStage.linked(noBuildScript ?? "")?.outDirectory == nil)
        #expect(LinkStage.linkedNotice(executable: "deps/x-1", variable: { variables[$0] }) == nil, "a relative path")
        #expect(LinkStage.linkedNotice(executable: "/w/t/deps/x\t1", variable: { variables[$0] }) == nil)
        #expect(LinkStage.linkedNotice(executable: "/w/t/deps/x-1", variable: { $0 == "CARGO_CRATE_NAME" ? nil : variables[$0] })
                    == nil)
        // The units notice of the same link is not a `linked` one, nor is a torn line.
        #expect(LinkStage.linked("/w/t/deps/x-1") == nil)
        #expect(LinkStage.linked("linked\t/w/t/deps/x-1\t/w/p") == nil)
        #expect(LinkStage.outputPath(["cc", "a.o", "-o", "/w/t/deps/x-1", "-lc"]) == "/w/t/deps/x-1")
        #expect(LinkStage.outputPath(["cc", "a.o"]) == nil)
    }

    /// Through `trim run` on a workspace cargo builds: the three test
    /// executables (of a package with a build script, so OUT_DIR counts) are
    /// listed as they link, every test runs and is recorded as before, and
    /// the package's program, linked too (for `CARGO_BIN_EXE_placed`), is
    /// never run to list anything.
    @Test func trimRunListsEachTestExecutableAsItLinks() throws {
        let workspace = try PositionDependentTests.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        try CodegenUnitTests.write("fn main() { println!(\"cargo:rerun-if-changed=build.rs\"); }\n",
                                   to: workspace.root.appendingPathComponent("build.rs"))
        let marker = workspace.root.appendingPathComponent("the-program-ran")
        try CodegenUnitTests.write("""
            fn main() { std::fs::write("\(marker.path)", std::env::args().collect::<Vec<_>>().join(" ")).unwrap(); }

            #[test]
            fn in_the_program() {}
            """, to: workspace.root.appendingPathComponent("src/main.rs"))
        let environment = ["TRIM_TIMINGS": "1",
                           "TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
        let first = try CodegenUnitTests.run(workspace, environment: environment)
        #expect(first.stderr.contains("listed as they linked: 3 of 3 test executables"), "\(first.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path),
                "the program ran: \((try? String(contentsOf: marker, encoding: .utf8)) ?? "")")
        let results = try TrimStore(path: workspace.database).lastResults()
        #expect(results.count == 4 && results.values.allSatisfy { $0.coverage == .complete && !$0.hits.isEmpty })

        // Nothing relinked: the listings come from the cache, none from a link.
        let again = try CodegenUnitTests.run(workspace, environment: environment)
        #expect(again.stderr.contains("listed as they linked: 0 of 0 test executables"), "\(again.stderr)")
    }
}

/// Coverage maps made while cargo finishes, as each test executable lists
/// itself (`EarlyCoverageMaps`): used by the run, and mapping every test's
/// hits exactly as a map made after cargo does.
@Suite(.serialized) struct EarlyCoverageMapsTests {
    @Test func aMapMadeAsTheExecutableListedRecordsWhatOneMadeAfterCargoRecords() throws {
        let workspace = try PositionDependentTests.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let environment = ["TRIM_TIMINGS": "1",
                           "TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
        // Both test executables link in this run: their maps are made as they list.
        let linked = try CodegenUnitTests.run(workspace, environment: environment)
        // Position-dependent executables needing no instrumented library: their
        // maps start from the PC tables read from them, which the runtime's matched.
        #expect(linked.stderr.contains("coverage maps made as they listed: 2 (PC tables read before listing: 2)"),
                "\(linked.stderr)")
        let early = try TrimStore(path: workspace.database).lastResults()
        #expect(early.count == 3 && early.values.allSatisfy { $0.coverage == .complete && !$0.hits.isEmpty })

        // Nothing relinks: every test runs again with maps made after cargo.
        let again = try CodegenUnitTests.run(workspace, all: true, environment: environment)
        #expect(again.stderr.contains("coverage maps made as they listed: 0"), "\(again.stderr)")
        let after = try TrimStore(path: workspace.database).lastResults()
        #expect(after.count == 3)
        for (key, result) in after {
            #expect(result.coverage == .complete)
            #expect(result.hits == early[key]?.hits, "\(key): \(result.hits) against \(early[key]?.hits ?? [])")
        }
    }
}
