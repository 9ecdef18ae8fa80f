import Foundation
import ProcessSpawn
import Testing

/// `trim lsp` driven by a real LSP client: pygls' LanguageClient (installed
/// by scripts/setup-lsp-client into the project's .venv-lsp when missing),
/// running Clients/lsp_session.py against the built trim.
@Suite(.serialized) struct LanguageServerTests {
    static let library = """
        pub fn classify(n: i32) -> &'static str {
            if n < 0 {
                "negative"
            } else {
                "positive"
            }
        }

        pub fn double(n: i32) -> i32 {
            n * 3
        }

        pub fn pause() -> u64 {
            0
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn negative() {
                assert_eq!(classify(-4), "negative");
            }

            #[test]
            fn doubles() {
                assert_eq!(double(2), 4, "two doubled");
            }

            #[test]
            fn slow() {
                let seconds = pause();
                if seconds > 0 {
                    if let Some(marker) = std::env::var_os("LSP_MARKER") {
                        std::fs::write(marker, "started").unwrap();
                    }
                    std::thread::sleep(std::time::Duration::from_secs(seconds));
                }
            }
        }

        """

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's python, set up when missing.
    static func python() throws -> String {
        let setup = try ChildProcess.run(repository.appendingPathComponent("scripts/setup-lsp-client").path, [],
                                         stderr: .inherit)
        guard setup.status == 0 else { throw SetupFailed() }
        let path = String(decoding: setup.stdout, as: UTF8.self)
        return path.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct SetupFailed: Error {}

    /// Runs the client session; its JSON report, or the failure it printed.
    static func session(_ scenario: String, workspace: URL, environment extra: [String: String] = [:]) throws
        -> (status: Int32, report: [String: Any], output: String)
    {
        let finished = try ChildProcess.run(
            try python(), [repository.appendingPathComponent("Tests/EditorTests/Clients/lsp_session.py").path,
                           Crate.trim.path, workspace.path, scenario],
            environment: Crate.environment.merging(extra) { _, new in new })
        let report = (try? JSONSerialization.jsonObject(with: finished.stdout)) as? [String: Any] ?? [:]
        let text = String(decoding: finished.stdout, as: UTF8.self)
            + String(decoding: finished.stderr, as: UTF8.self).suffix(4000)
        return (finished.status, report, text)
    }

    /// Diagnostics at the panic line, cleared by the fix; lenses; hover; the
    /// failure path (as a code action); a round cancelled by a newer save; a
    /// build failure; bad input; shutdown and exit.
    @Test func aRealClientSeesWhatTheTestsDid() throws {
        let crate = try Crate(library: Self.library)
        defer { crate.remove() }
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("trim-lsp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: marker) }
        let (status, report, output) = try Self.session("full", workspace: crate.root,
                                                        environment: ["LSP_MARKER": marker.path])
        #expect(status == 0, "\(output)")
        let diagnostic = report["diagnostic"] as? [String: Any]
        #expect(diagnostic?["line"] as? Int == 27, "the assert_eq! of doubles, 0-based: \(output)")
        #expect((diagnostic?["message"] as? String)?.hasPrefix("assertion `left == right` failed: two doubled") == true)
        #expect((report["cancelled"] as? [String: Any])?["cancelled"] as? Bool == true)
        #expect(report["exit"] as? Int == 0)
    }

    @Test func aDirectoryThatIsNoCargoWorkspaceIsSaidAndTheServerLivesOn() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("trim-lsp-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let (status, report, output) = try Self.session("notcargo", workspace: empty)
        #expect(status == 0, "\(output)")
        let messages = report["messages"] as? [String] ?? []
        #expect(messages.contains { $0.contains("is not a workspace trim can run") }, "\(output)")
    }

    /// The recorded units damaged on disk since the run: the server says which
    /// file it cannot read, answers from what it has, and lives on.
    @Test func bitcodeThatCannotBeReadIsSaidAndTheServerLivesOn() throws {
        let crate = try Crate(library: Self.library)
        defer { crate.remove() }
        _ = try crate.trim(["run", "--no-fail-fast"])
        let deps = crate.root.appendingPathComponent("target/trim/debug/deps")
        let units = try FileManager.default.contentsOfDirectory(atPath: deps.path).filter { $0.hasSuffix(".bc") }
        #expect(!units.isEmpty)
        for unit in units { try Data("not bitcode".utf8).write(to: deps.appendingPathComponent(unit)) }
        let (status, report, output) = try Self.session("damaged", workspace: crate.root)
        #expect(status == 0, "\(output)")
        let messages = report["messages"] as? [String] ?? []
        #expect(messages.contains { $0.contains("cannot map blocks to source lines") && $0.contains("not an LLVM bitcode file")
                && $0.contains(deps.path) }, "\(output)")
    }
}
