import CargoSupport
import Foundation
import Testing

/// `cargo metadata` runs again only when something it reads changed.
@Suite(.serialized) struct MetadataCacheTests {
    let root: URL
    /// Beside the workspace, not in it: files appearing in its root count as a change.
    let outside: URL
    let counter: URL
    let environment: [String: String]

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-metadata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("crates/one/src"),
                                                withIntermediateDirectories: true)
        outside = FileManager.default.temporaryDirectory.appendingPathComponent("trim-metadata-\(UUID().uuidString)-tools")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        counter = outside.appendingPathComponent("cargo-calls")
        // A cargo that counts its calls.
        let cargo = outside.appendingPathComponent("counting-cargo")
        try "#!/bin/sh\necho call >> '\(counter.path)'\nexec cargo \"$@\"\n".write(to: cargo, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cargo.path)
        var environment = ProcessInfo.processInfo.environment
        environment["CARGO"] = cargo.path
        environment["TRIM_CACHE_DIR"] = outside.appendingPathComponent("cache").path
        self.environment = environment
        try write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n")
        try write("crates/one/Cargo.toml", "[package]\nname = \"one\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        try write("crates/one/src/lib.rs", "")
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    var calls: Int {
        ((try? String(contentsOf: counter, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func packages() throws -> [String] {
        try CargoWorkspace.load(from: root.appendingPathComponent("crates/one"), environment: environment)
            .packages.map(\.name).sorted()
    }

    @Test func reusedUntilAManifestOrAMemberChanges() throws {
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: outside)
        }
        #expect(try packages() == ["one"])
        #expect(calls == 1)
        // The first call wrote Cargo.lock (and cargo's own files).
        #expect(try packages() == ["one"])
        let settled = calls
        #expect(try packages() == ["one"])
        #expect(calls == settled, "nothing changed: cargo metadata is not run again")

        try write("crates/one/Cargo.toml", "[package]\nname = \"one\"\nversion = \"0.2.0\"\nedition = \"2021\"\n")
        let versions = try CargoWorkspace.load(from: root.appendingPathComponent("crates/one"), environment: environment)
            .packages.map(\.version)
        #expect(versions == ["0.2.0"])
        #expect(calls == settled + 1)

        // A new member matched by the glob: no manifest seen before changed.
        try write("crates/two/Cargo.toml", "[package]\nname = \"two\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        try write("crates/two/src/lib.rs", "")
        #expect(try packages() == ["one", "two"])
        #expect(calls == settled + 2)

        // A config file appearing above the workspace can move the target dir.
        try write(".cargo/config.toml", "[build]\ntarget-dir = \"elsewhere\"\n")
        let target = try CargoWorkspace.load(from: root.appendingPathComponent("crates/one"), environment: environment)
            .targetDirectory
        #expect(target.hasSuffix("/elsewhere"), "\(target)")
        #expect(calls == settled + 3)
    }
}
