@testable import CargoSupport
import Foundation
import Testing

/// The jobs cargo builds with: the cores plus two, unless the user chose
/// (`--build-jobs`, `CARGO_BUILD_JOBS`, `build.jobs` in a cargo configuration file).
@Suite(.serialized) struct BuildJobsTests {
    /// A directory `work/inner` with an empty cargo home beside it.
    struct Layout {
        let root: URL
        var inner: URL { root.appendingPathComponent("work/inner") }
        var home: URL { root.appendingPathComponent("cargo-home") }
        var environment: [String: String] { ["CARGO_HOME": home.path] }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-jobs-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("work/inner"),
                                                    withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        }

        func write(_ text: String, to path: String) throws {
            try CodegenUnitTests.write(text, to: root.appendingPathComponent(path))
        }
    }

    func arguments(_ layout: Layout, explicit: Int? = nil, environment: [String: String] = [:]) -> [String] {
        BuildJobs.arguments(explicit: explicit, directory: layout.inner.path,
                            environment: layout.environment.merging(environment) { _, given in given }, cores: 2)
    }

    @Test func theCoresPlusTwoWhenNothingIsSet() throws {
        let layout = try Layout()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        #expect(arguments(layout) == ["--jobs", "4"])
        #expect(BuildJobs.arguments(explicit: nil, directory: layout.inner.path, environment: layout.environment,
                                    cores: 16) == ["--jobs", "18"])
    }

    @Test func givenJobsWinOverEverything() throws {
        let layout = try Layout()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        try layout.write("[build]\njobs = 1\n", to: "work/.cargo/config.toml")
        #expect(arguments(layout, explicit: 3, environment: ["CARGO_BUILD_JOBS": "1"]) == ["--jobs", "3"])
    }

    @Test func theUsersOwnSettingIsLeftToCargo() throws {
        let layout = try Layout()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        #expect(arguments(layout, environment: ["CARGO_BUILD_JOBS": "1"]) == [])

        // In the directory, a parent, cargo's home; as a table, a dotted key, an inline table; either file name.
        for (file, text) in [("work/inner/.cargo/config.toml", "[build]\njobs = 1\n"),
                             ("work/.cargo/config.toml", "build.jobs = 1\n"),
                             ("work/.cargo/config", "build = { jobs = 1 }\n"),
                             ("cargo-home/config.toml", "[build]\njobs = -1\n")] {
            try layout.write(text, to: file)
            #expect(arguments(layout) == [], "\(file): \(text)")
            try FileManager.default.removeItem(at: layout.root.appendingPathComponent(file))
        }
    }

    @Test func otherSettingsOrBrokenFilesSetNothing() throws {
        let layout = try Layout()
        defer { try? FileManager.default.removeItem(at: layout.root) }
        try layout.write("[build]\nrustflags = [\"--cfg\", \"x\"]\n[profile.jobs]\njobs = 1\n", to: "work/.cargo/config.toml")
        #expect(arguments(layout) == ["--jobs", "4"])
        try layout.write("[build\njobs = ", to: "work/.cargo/config.toml")
        #expect(arguments(layout) == ["--jobs", "4"], "cargo reports a broken file itself")
    }

    // MARK: - what cargo is given

    /// A one-crate workspace and a cargo that notes its arguments.
    static func workspace(config: String?) throws -> (ExampleWorkspace, log: URL, environment: [String: String]) {
        var files = ["Cargo.toml": CodegenUnitTests.manifest("jobs"),
                     "src/lib.rs": "pub fn one() -> u32 { 1 }\n#[test]\nfn is_one() { assert_eq!(one(), 1); }\n"]
        files[".cargo/config.toml"] = config
        let workspace = try CodegenUnitTests.workspace(files)
        let log = workspace.root.appendingPathComponent("cargo-arguments")
        let shim = workspace.root.appendingPathComponent("noting-cargo")
        try "#!/bin/sh\necho \"$@\" >> '\(log.path)'\nexec cargo \"$@\"\n".write(to: shim, atomically: true,
                                                                            encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: shim.path)
        return (workspace, log, ["CARGO": shim.path,
                                 "TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path])
    }

    /// The arguments of the build's `cargo test --no-run`.
    static func buildArguments(_ log: URL) throws -> [String] {
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let build = try #require(lines.first { $0.hasPrefix("test --no-run") })
        return build.split(separator: " ").map(String.init)
    }

    static func jobs(_ arguments: [String]) -> String? {
        arguments.firstIndex(of: "--jobs").map { arguments[$0 + 1] }
    }

    @Test func cargoBuildsWithTheCoresPlusTwoOrAsTheUserSaid() throws {
        let (workspace, log, environment) = try Self.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let listed = try workspace.run(["list"], environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("is_one"))
        // Unless the machine running this suite sets cargo's own variable: then cargo applies it.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let expected = ProcessInfo.processInfo.environment["CARGO_BUILD_JOBS"] == nil ? String(cores + 2) : nil
        #expect(Self.jobs(try Self.buildArguments(log)) == expected)

        try FileManager.default.removeItem(at: log)
        let given = try workspace.run(["run", "--no-progress", "--build-jobs", "1"], environment: environment)
        #expect(given.status == 0, "\(given.stderr)")
        #expect(Self.jobs(try Self.buildArguments(log)) == "1")

        let refused = try workspace.run(["run", "--build-jobs", "0"], environment: environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--build-jobs must be 1 or more"), "\(refused.stderr)")
    }

    @Test func aConfiguredJobCountIsCargosToApply() throws {
        let (workspace, log, environment) = try Self.workspace(config: "[build]\njobs = 1\n")
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let run = try workspace.run(["run", "--no-progress"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 passed") || run.stderr.contains("1 passed"), "\(run.stdout)\n\(run.stderr)")
        #expect(Self.jobs(try Self.buildArguments(log)) == nil)
    }
}
