@testable import CargoSupport
import Foundation
import Testing

/// The toolchain of a build is what cargo's own compiler said of itself
/// (`RustcInfo`, cargo's `.rustc_info.json`), not a second question to
/// whatever `rustc` is on PATH.
@Suite struct RustcInfoTests {
    /// A crate built by real cargo into a target dir of its own.
    static func builtTarget() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-rustc-info-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("src"), withIntermediateDirectories: true)
        try "[package]\nname = \"info\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
            .write(to: root.appendingPathComponent("Cargo.toml"), atomically: true, encoding: .utf8)
        try "pub fn one() -> u32 { 1 }\n".write(to: root.appendingPathComponent("src/lib.rs"), atomically: true,
                                               encoding: .utf8)
        let built = try CapturedProcess(executable: try #require(ToolOutput.which("cargo")),
                                        arguments: ["build", "--quiet"], directory: root).run()
        #expect(built.status == 0, "\(String(decoding: built.stderr, as: UTF8.self))")
        return root.appendingPathComponent("target")
    }

    @Test func cargosAnswerIsWhatRustcSays() throws {
        let target = try Self.builtTarget()
        defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
        let info = try #require(RustcInfo.read(targetDirectory: target))
        let asked = try #require(ToolOutput.stdout(of: "rustc", ["-vV"], in: target.path))
        #expect(info.version == asked.trimmingCharacters(in: .whitespacesAndNewlines))
        let sysroot = try #require(ToolOutput.stdout(of: "rustc", ["--print", "sysroot"], in: target.path))
        #expect(info.sysroot == sysroot.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func noAnswerUnlessOneVersionIsPlain() throws {
        let target = try Self.builtTarget()
        defer { try? FileManager.default.removeItem(at: target.deletingLastPathComponent()) }
        #expect(RustcInfo.read(targetDirectory: target.appendingPathComponent("missing")) == nil)
        #expect(RustcInfo.parse(Data("not json".utf8)) == nil)
        #expect(RustcInfo.parse(Data(#"{"rustc_fingerprint":1,"outputs":{}}"#.utf8)) == nil)

        // Two different versions under one fingerprint: neither is trusted.
        let file = RustcInfo.file(inTargetDirectory: target)
        var json = try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: file)) as? [String: Any])
        var outputs = try #require(json["outputs"] as? [String: Any])
        let version = try #require(outputs.values.compactMap { $0 as? [String: Any] }
            .first { ($0["stdout"] as? String).map(RustcInfo.isVersionText) == true })
        var other = version
        other["stdout"] = (version["stdout"] as! String).replacingOccurrences(of: "rustc ", with: "rustc 0.0.1-other ")
        outputs["another"] = other
        json["outputs"] = outputs
        #expect(RustcInfo.parse(try JSONSerialization.data(withJSONObject: json)) == nil)
        // The same version twice (with and without a wrapper) is one answer.
        outputs["another"] = version
        json["outputs"] = outputs
        #expect(RustcInfo.parse(try JSONSerialization.data(withJSONObject: json))?.version != nil)
    }

    /// `RUSTC` names a compiler that is not the one on PATH: cargo builds with
    /// it, so it is the toolchain, and a change to it selects every test.
    @Test func aCompilerNamedByRUSTCIsTheToolchain() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let recorded = try workspace.habit(["run", "--no-progress"])
        #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")
        let unchanged = try workspace.habit(["plan"])
        #expect(unchanged.stdout.contains("0 of "), "\(unchanged.stdout)\(unchanged.stderr)")

        // The same rustc, another version by its own account.
        let tools = workspace.root.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        let rustc = tools.appendingPathComponent("other-rustc")
        let real = try #require(ToolOutput.which("rustc"))
        try """
            #!/bin/sh
            if [ "$1" = "-vV" ]; then "\(real)" -vV | sed '1s/$/ other/'; exit 0; fi
            exec "\(real)" "$@"
            """.write(to: rustc, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: rustc.path)
        let other = try workspace.habit(["plan"], environment: ["RUSTC": rustc.path])
        #expect(other.status == 0, "\(other.stderr)")
        let lines = other.stdout.lines(containing: "] ")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("toolchain") }, "\(other.stdout)")
        #expect(!other.stdout.contains("0 of "), "\(other.stdout)")
    }

    /// With `CARGO_CACHE_RUSTC_INFO=0` cargo neither reads nor writes its
    /// record: one left in the target dir is an older cargo's, and trim asks
    /// rustc instead of trusting it.
    @Test func aRecordCargoWasToldNotToKeepIsNotTrusted() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let recorded = try workspace.habit(["run", "--no-progress"])
        #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")
        let file = RustcInfo.file(inTargetDirectory: workspace.root.appendingPathComponent("target/trim"))
        let kept = try String(contentsOf: file, encoding: .utf8)
        #expect(kept.contains("rustc 1."))
        try kept.replacingOccurrences(of: "rustc 1.", with: "rustc 0.0.1-stale 1.")
            .write(to: file, atomically: true, encoding: .utf8)
        let ignored = try workspace.habit(["plan"], environment: ["CARGO_CACHE_RUSTC_INFO": "0"])
        #expect(ignored.status == 0, "\(ignored.stderr)")
        #expect(ignored.stdout.contains("0 of "), "the stale record was trusted: \(ignored.stdout)")
        // Trusted otherwise (cargo keeps it up to date): the same stale text is another toolchain.
        try kept.replacingOccurrences(of: "rustc 1.", with: "rustc 0.0.1-stale 1.")
            .write(to: file, atomically: true, encoding: .utf8)
        let trusted = try workspace.habit(["plan"])
        #expect(!trusted.stdout.contains("0 of "), "\(trusted.stdout)")
    }
}
