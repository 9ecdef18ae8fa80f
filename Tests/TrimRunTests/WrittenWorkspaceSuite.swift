import Foundation
import Testing

/// A suite over a workspace written from source texts, with a codegen-unit
/// count and a fingerprint cache of its own: edits, recorded runs and the
/// selection `trim plan` would make.
protocol WrittenWorkspaceSuite {
    var workspace: ExampleWorkspace { get }
    var environment: [String: String] { get set }
}

extension WrittenWorkspaceSuite {
    /// `files` (path → text) written under a new temporary directory named after `prefix`.
    static func write(_ files: [String: String], prefix: String) throws -> ExampleWorkspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return ExampleWorkspace(root: root)
    }

    /// `units` codegen units per crate, and a fingerprint cache of this test's own.
    mutating func use(units: String) {
        environment = ["TRIM_CODEGEN_UNITS": units,
                       "TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
    }

    func edit(_ file: String, _ old: String, _ new: String) throws {
        let url = workspace.root.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old), "\(file) lacks \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// `trim plan --json` at a grain: the selected tests as "binary name".
    func plan(_ granularity: String = "block") throws -> Set<String> {
        let outcome = try workspace.run(["plan", "--json", "--granularity", granularity], environment: environment)
        try #require(outcome.status == 0, "trim plan failed: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let selected = try #require(object["selected"] as? [[String: Any]])
        return Set(selected.map { "\($0["binary"] as! String) \($0["test"] as! String)" })
    }

    func record() throws {
        let outcome = try workspace.run(["run", "--no-progress"], environment: environment)
        try #require(outcome.status == 0, "trim run failed: \(outcome.stdout)\n\(outcome.stderr)")
        #expect(try plan().isEmpty, "nothing changed since the last run")
    }
}
