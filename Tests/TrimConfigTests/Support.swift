import Foundation
import Testing

@testable import TrimConfig

/// A private workspace directory per test, removed when the value is dropped
/// by the test (`defer { workspace.remove() }`).
struct Workspace {
    let root: URL

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("trim-config-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// `<root>/.config/trim.toml`.
    var configFile: URL { root.appendingPathComponent(".config/trim.toml") }

    /// Writes `text` as the configuration file.
    func write(_ text: String) throws {
        try FileManager.default.createDirectory(
            at: configFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: configFile, atomically: true, encoding: .utf8)
    }

    func load(validateFilter: ((String) throws -> Void)? = nil) throws(ConfigError) -> TrimConfiguration {
        try TrimConfiguration.load(workspaceRoot: root, validateFilter: validateFilter)
    }

    /// Writes `text`, loads it and returns the profile `name`.
    func profile(_ text: String, _ name: String = "default") throws -> Profile {
        try write(text)
        return try load().profile(named: name)
    }

    /// Writes `text` and returns the error loading it gives (or records an issue).
    func loadError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigError? {
        try write(text)
        do {
            _ = try load()
            Issue.record("expected a ConfigError", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
