@testable import CargoSupport
import Foundation
import Testing
@testable import TrimPipeline

/// The digest doctests are selected by: what changes it, and what does not.
@Suite struct CrateDigestTests {
    struct Tree {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-digest-\(UUID().uuidString)")

        func write(_ path: String, _ text: String) throws {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }

        /// `app` (the root package) depends on `core`; `other` stands alone, inside app's directory.
        var workspace: CargoWorkspace {
            func package(_ name: String, _ directory: String, _ dependencies: [String] = []) -> CargoWorkspace.Package {
                let path = root.appendingPathComponent(directory).path
                return .init(name: name, version: "0.1.0", manifestPath: path + "/Cargo.toml", authors: [],
                             description: nil, libraryCrateName: name,
                             pathDependencies: dependencies.map { root.appendingPathComponent($0).path })
            }
            return CargoWorkspace(root: root.path, targetDirectory: root.appendingPathComponent("target").path,
                                  packages: [package("app", ".", ["core"]), package("core", "core"),
                                             package("other", "other")],
                                  cargo: "/usr/bin/cargo")
        }

        func digest(_ name: String) -> String {
            let workspace = self.workspace
            return CrateDigest.digest(of: workspace.package(named: name)!, workspace: workspace, externalLibraries: [],
                                      environment: [:])
        }
    }

    @Test func itFollowsThePackageAndWhatItDependsOnOnly() throws {
        let tree = Tree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        for path in ["Cargo.toml", "src/lib.rs", "core/Cargo.toml", "core/src/lib.rs", "other/Cargo.toml", "other/src/lib.rs"] {
            try tree.write(path, "// \(path)\n")
        }
        let app = tree.digest("app"), other = tree.digest("other")

        try tree.write("target/debug/junk", "built\n")
        try tree.write(".git/HEAD", "ref\n")
        try tree.write("other/src/lib.rs", "/// changed\n")
        #expect(tree.digest("app") == app, "another member, the target dir and hidden files are not app's")
        #expect(tree.digest("other") != other)

        try tree.write("core/src/lib.rs", "/// a doc comment\n")
        #expect(tree.digest("app") != app, "a member app depends on changed")
        let afterCore = tree.digest("app")
        try tree.write("src/lib.rs", "/// ```\n/// assert!(true);\n/// ```\n")
        #expect(tree.digest("app") != afterCore, "its own doc comment changed")
    }
}
