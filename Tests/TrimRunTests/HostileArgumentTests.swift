import Foundation
import Testing

/// Arguments that point nowhere or somewhere trim cannot use: a clear error
/// naming what is wrong (exit 2), and nothing created on the way.
@Suite struct HostileArgumentTests {
    @Test func aWorkspaceThatIsMissingOrAFileIsNamed() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let missing = workspace.root.appendingPathComponent("no-such-directory")
        let gone = try workspace.run(["run", "--no-progress", "-C", missing.path])
        #expect(gone.status == 2)
        #expect(gone.stderr.contains("\(missing.path): the workspace directory does not exist"), "\(gone.stderr)")
        #expect(!gone.stderr.contains("NSCocoaErrorDomain"))

        let file = workspace.root.appendingPathComponent("Cargo.toml")
        let notDirectory = try workspace.run(["plan", "-C", file.path])
        #expect(notDirectory.status == 2)
        #expect(notDirectory.stderr.contains("\(file.path): the workspace is not a directory"), "\(notDirectory.stderr)")

        let sources = workspace.root.appendingPathComponent("src")
        let noManifest = try workspace.run(["list", "-C", sources.path])
        #expect(noManifest.status == 2)
        #expect(noManifest.stderr.contains("\(sources.path): no Cargo.toml in the workspace directory"),
                "\(noManifest.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("target").path),
                "nothing was built")
    }

    /// An unknown scheme, or a PostgreSQL URL with a part missing, is refused
    /// before anything is built, without the password.
    @Test(arguments: ["postgres://trim:hunter2@127.0.0.1:1", "sqlite://u:hunter2@local.db", "HTTPS://host/x"])
    func aDatabaseURLIsRefusedByItsSchemeWithoutItsPassword(url: String) throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let scheme = String(url.prefix(while: { $0 != ":" }))
        let before = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).sorted()
        for outcome in [try workspace.run(["run", "--no-progress", "--db", url]),
                        try workspace.run(["plan"], environment: ["TRIM_DB": url])] {
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains(scheme == "postgres" ? "no database" : "scheme '\(scheme.lowercased())://'"),
                    "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("hunter2") && !outcome.stdout.contains("hunter2"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).sorted() == before,
                "no local file named after the URL")
        #expect(!FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("postgres:").path))
    }
}
