@testable import CargoSupport
import Foundation
import Testing
@testable import TrimPipeline

/// A library whose sources certainly hold no doctest is not listed by rustdoc
/// again after an edit; anything that could hold one keeps the listing.
@Suite struct DoctestFreeLibraryTests {
    static func free(_ text: String) -> Bool { DoctestFreeLibrary.textIsDoctestFree(Data(text.utf8)) }

    @Test func plainCodeAndProseDocsAreFree() {
        #expect(Self.free("/// Adds two numbers.\n///\n/// Returns `a + b`.\npub fn add(a: u32, b: u32) -> u32 { a + b }\n"))
        #expect(Self.free("//! A crate.\n#![doc(html_root_url = \"https://x\")]\n#[doc(hidden)]\npub fn f() {}\n"))
        #expect(Self.free("//// four slashes:     an ordinary comment\nconst H: &str = include_str!(\"h.txt\");\n"))
        #expect(Self.free("let documents = 3; let docs_count = documents;\n"))
        // A block in a language rustdoc never compiles, indented lines inside it included.
        #expect(Self.free("//! A file:\n//!\n//! ```text\n//! order: A-1\n//!     indented\n//! ```\nuse std::fmt;\n"))
        #expect(Self.free("/// ~~~~toml\n/// [x]\n/// ~~~~\npub fn f() {}\n"))
        #expect(Self.free("let fence = \"```\"; // not documentation\n"))
    }

    @Test(arguments: [
        "/// ```\n/// assert!(true);\n/// ```\n",
        "/// ~~~\n/// assert!(true);\n/// ~~~\n",
        "//! ```rust\n//! x\n//! ```\n",
        "/** Block doc */\nfn f() {}\n",
        "/*! Inner block doc */\n",
        "#[doc = \"text\"]\nfn f() {}\n",
        "#![doc = include_str!(\"../README.md\")]\n",
        "#[cfg_attr(feature = \"x\", doc=\"more\")]\nfn f() {}\n",
        "#[doc\n    = \"split over lines\"]\nfn f() {}\n",
        "include!(concat!(env!(\"OUT_DIR\"), \"/gen.rs\"));\n",
        "#[path = \"../elsewhere.rs\"]\nmod elsewhere;\n",
        "/// Example:\n///\n///     let x = 1;\n",
        "///\tlet x = 1;\n",
        "    //!     indented inner doc\n",
        "/// ```rust,ignore\n/// x\n/// ```\n",
        "/// ```text\n/// left open\nfn f() {}\n/// ```\n/// g();\n/// ```\n",
        "/// ```text\n/// x\n/// ```\n/// ```\n/// assert!(true);\n/// ```\n",
        "/// ````text\n/// ```\n/// still text\n/// ````\n/// ```\n/// code\n/// ```\n",
        "/// ```text\n/// open at the end of the file",
    ]) func whatCouldHoldADoctestIsNotFree(_ text: String) {
        #expect(!Self.free(text), "\(text)")
    }

    @Test func aLibraryIsFreeOnlyWithEveryCrateItUsesFree() throws {
        let tree = CrateDigestTests.Tree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        try tree.write("app/src/lib.rs", "/// Uses core.\npub fn f() -> u32 { core::g() }\n")
        try tree.write("core/src/lib.rs", "pub fn g() -> u32 { 1 }\n")
        // `mod target;` is source, not cargo's target directory.
        try tree.write("core/src/target/mod.rs", "pub fn h() {}\n")
        try tree.write("core/target/debug/junk.rs", "/// ```\n/// built output, not source\n/// ```\n")
        let app = tree.package("app", "app", uses: ["core"]), core = tree.package("core", "core")
        #expect(DoctestFreeLibrary.isCertain(app, workspace: tree.members([app, core])))

        try tree.write("core/src/target/mod.rs", "/// ```\n/// core::h();\n/// ```\npub fn h() {}\n")
        #expect(!DoctestFreeLibrary.isCertain(app, workspace: tree.members([app, core])),
                "a crate it uses may export a macro that documents items in it")
        try tree.write("core/src/target/mod.rs", "pub fn h() {}\n")

        let withBuildScript = tree.package("app", "app", uses: ["core"], targets: ["lib": ["app"], "custom-build": ["build-script-build"]])
        #expect(!DoctestFreeLibrary.isCertain(withBuildScript, workspace: tree.members([withBuildScript, core])))
        let macroCrate = tree.package("core", "core", targets: ["proc-macro": ["core"]])
        #expect(!DoctestFreeLibrary.isCertain(app, workspace: tree.members([app, macroCrate])))
        let registry = tree.package("core", "core", outside: true)
        #expect(!DoctestFreeLibrary.isCertain(app, workspace: tree.members([app, registry])))
        #expect(!DoctestFreeLibrary.isCertain(app, workspace: tree.members([app])),
                "a path dependency outside the workspace is not read")
        var elsewhere = tree.package("core", "core")
        elsewhere.librarySourcePath = tree.root.appendingPathComponent("shared/lib.rs").path
        #expect(!DoctestFreeLibrary.isCertain(app, workspace: tree.members([app, elsewhere])),
                "a library root outside its package is not read")
        var inside = tree.package("core", "core")
        inside.librarySourcePath = tree.root.appendingPathComponent("core/src/lib.rs").path
        #expect(DoctestFreeLibrary.isCertain(app, workspace: tree.members([app, inside])))
    }

    /// ledger has no doctest: an edit to its code runs no rustdoc; adding a
    /// documented example to it lists and runs the new doctest.
    @Test func anEditedDoctestFreeLibraryIsNotListedAgainUntilItGainsAnExample() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let log = workspace.root.appendingPathComponent("rustdoc-calls.log")
        let rustdoc = workspace.root.appendingPathComponent("rustdoc-logging")
        try """
            #!/bin/sh
            echo "$@" >> '\(log.path)'
            exec rustdoc "$@"
            """.write(to: rustdoc, atomically: true, encoding: .utf8)
        chmod(rustdoc.path, 0o755)
        let environment = ["RUSTDOC": rustdoc.path, "TRIM_CACHE_DIR": workspace.root.appendingPathComponent("cache").path]
        func rustdocCalls() -> Int {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let first = try workspace.run(["run", "--no-progress"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(rustdocCalls() > 0, "the first run lists the doctests")

        let before = rustdocCalls()
        let balance = workspace.root.appendingPathComponent("src/balance.rs")
        let original = try String(contentsOf: balance, encoding: .utf8)
        try original.replacingOccurrences(of: "if account.balance < amount {", with: "if amount > account.balance {")
            .write(to: balance, atomically: true, encoding: .utf8)
        let edited = try workspace.run(["run", "--no-progress"], environment: environment)
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stdout.contains("tests run"), "\(edited.stdout)")
        #expect(rustdocCalls() == before, "no doctest can exist: rustdoc not run")

        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        let source = try String(contentsOf: lib, encoding: .utf8)
        let fenceLine = source.split(separator: "\n", omittingEmptySubsequences: false).count + (source.hasSuffix("\n") ? 0 : 1)
        try (source + (source.hasSuffix("\n") ? "" : "\n")
             + "/// ```\n/// assert_eq!(ledger::doctest_free_probe(), 7);\n/// ```\npub fn doctest_free_probe() -> u32 { 7 }\n")
            .write(to: lib, atomically: true, encoding: .utf8)
        let gained = try workspace.run(["run", "--no-progress"], environment: environment)
        #expect(gained.status == 0, "\(gained.stderr)")
        #expect(rustdocCalls() > before, "the new example is listed")
        #expect(ExampleWorkspace.ran(gained).contains("ledger::doctest src/lib.rs - doctest_free_probe (line \(fenceLine))"),
                "\(gained.stdout)")
    }
}

extension CrateDigestTests.Tree {
    /// A member at `directory` whose library uses the members at `uses`.
    func package(_ name: String, _ directory: String, uses: [String] = [], targets: [String: [String]] = ["lib": ["x"]],
                 outside: Bool = false) -> CargoWorkspace.Package {
        let path = root.appendingPathComponent(directory).path
        let dependencies = uses.map { root.appendingPathComponent($0).path }
        return .init(name: name, version: "0.1.0", manifestPath: path + "/Cargo.toml", authors: [], description: nil,
                     libraryCrateName: name, pathDependencies: dependencies, libraryPathDependencies: dependencies,
                     hasOutsideDependencies: outside, targets: targets)
    }

    func members(_ packages: [CargoWorkspace.Package]) -> CargoWorkspace {
        CargoWorkspace(root: root.path, targetDirectory: root.appendingPathComponent("target").path,
                       packages: packages, cargo: "/usr/bin/cargo")
    }
}
