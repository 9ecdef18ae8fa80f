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

    /// The run's files hashed once while cargo builds (`SourceFileHashes`)
    /// give each library the digest hashing them now gives, a path
    /// dependency outside the workspace included; and what is hashed is the
    /// files as they were then (an edit after it shows in the next run).
    @Test func filesHashedWhileCargoBuildsGiveTheSameDigests() throws {
        let tree = Tree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        for path in ["Cargo.toml", "src/lib.rs", "core/Cargo.toml", "core/src/lib.rs", "other/Cargo.toml",
                     "other/src/lib.rs", "../\(tree.root.lastPathComponent)-vendored/src/lib.rs"] {
            try tree.write(path, "// \(path)\n")
        }
        var workspace = tree.workspace
        let vendored = tree.root.deletingLastPathComponent().appendingPathComponent("\(tree.root.lastPathComponent)-vendored")
        defer { try? FileManager.default.removeItem(at: vendored) }
        workspace.packages[1].pathDependencies.append(vendored.path)
        let hashes = SourceFileHashes(workspace: workspace)
        for name in ["app", "core", "other"] {
            let package = workspace.package(named: name)!
            #expect(CrateDigest.digest(of: package, workspace: workspace, externalLibraries: ["x 1"], environment: [:],
                                       files: hashes.files(of:))
                    == CrateDigest.digest(of: package, workspace: workspace, externalLibraries: ["x 1"], environment: [:]),
                    "\(name)")
        }
        let app = workspace.package(named: "app")!
        let before = CrateDigest.digest(of: app, workspace: workspace, externalLibraries: [], environment: [:],
                                        files: hashes.files(of:))
        try tree.write("../\(tree.root.lastPathComponent)-vendored/src/lib.rs", "/// changed\n")
        #expect(CrateDigest.digest(of: app, workspace: workspace, externalLibraries: [], environment: [:],
                                   files: hashes.files(of:)) == before, "this run's hashes")
        #expect(CrateDigest.digest(of: app, workspace: workspace, externalLibraries: [], environment: [:],
                                   files: SourceFileHashes(workspace: workspace).files(of:)) != before,
                "the next run's")
    }
}
