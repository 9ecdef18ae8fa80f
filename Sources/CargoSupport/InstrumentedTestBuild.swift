import Foundation

/// Builds a workspace's tests with extra rustc flags into a target directory
/// of trim's own (`<target>/trim`), leaving the user's `target/debug` alone,
/// and takes the test executables and bitcode from cargo's JSON artifact
/// messages, never by globbing `deps/`.
public struct InstrumentedTestBuild: Sendable {
    public var workspace: CargoWorkspace
    /// Flags added to the user's RUSTFLAGS.
    public var rustflags: [String]
    /// Extra cargo arguments (`--package`, `--features`, ...).
    public var cargoArguments: [String]
    public var targetDirectory: String
    /// Where cargo runs: the user's directory, so that cargo picks the
    /// packages `cargo test` would there (the current member, default members).
    public var directory: URL

    public init(workspace: CargoWorkspace, rustflags: [String], cargoArguments: [String] = [],
                targetDirectory: String? = nil, directory: URL? = nil) {
        self.workspace = workspace
        self.rustflags = rustflags
        self.cargoArguments = cargoArguments
        self.directory = directory ?? URL(fileURLWithPath: workspace.root)
        self.targetDirectory = targetDirectory ?? (workspace.targetDirectory as NSString).appendingPathComponent("trim")
    }

    public struct Result: Sendable {
        public var binaries: [TestBinary]
        public var libraries: [LibraryModule]
        /// The RUSTFLAGS the build used, for the store's build facts.
        public var rustflags: String
    }

    /// The environment cargo is run with: the user's, plus trim's flags.
    public func environment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = base
        let user = base["RUSTFLAGS"].map { [$0] } ?? []
        environment["RUSTFLAGS"] = (user + rustflags).joined(separator: " ")
        environment["CARGO_TARGET_DIR"] = targetDirectory
        return environment
    }

    /// Runs `cargo test --no-run`; cargo's progress and errors go to stderr as usual.
    public func run() throws(CargoError) -> Result {
        let environment = environment()
        let output = try CapturedProcess(
            executable: workspace.cargo,
            arguments: ["test", "--no-run", "--message-format=json-render-diagnostics"] + cargoArguments,
            directory: directory, environment: environment, passStderrThrough: true
        ).run()
        guard output.status == 0 else { throw .buildFailed(status: output.status) }
        var result = try Self.parse(messages: output.stdout, workspace: workspace)
        result.rustflags = environment["RUSTFLAGS"] ?? ""
        return result
    }

    struct Artifact: Decodable {
        struct Target: Decodable {
            var name: String
            var kind: [String]
        }
        struct Profile: Decodable {
            var test: Bool
        }
        var reason: String
        var manifest_path: String?
        var target: Target?
        var profile: Profile?
        var executable: String?
        var filenames: [String]?
    }

    static func parse(messages: Data, workspace: CargoWorkspace) throws(CargoError) -> Result {
        var binaries: [TestBinary] = []
        var libraries: [LibraryModule] = []
        for line in messages.split(separator: UInt8(ascii: "\n")) where line.first == UInt8(ascii: "{") {
            guard let artifact = try? JSONDecoder().decode(Artifact.self, from: Data(line)),
                artifact.reason == "compiler-artifact", let target = artifact.target,
                let manifest = artifact.manifest_path
            else { continue }
            let packageName = workspace.package(manifestPath: manifest)?.name
            let kind = TestBinary.Kind(rawValue: target.kind.first ?? "") ?? .lib
            if artifact.profile?.test == true, let executable = artifact.executable, let package = workspace.package(manifestPath: manifest) {
                binaries.append(TestBinary(
                    id: TestBinary.id(package: package.name, target: target.name, kind: kind),
                    package: package.name, target: target.name, kind: kind, executable: executable,
                    bitcode: bitcodePath(ofArtifact: executable), packageDirectory: package.directory,
                    environment: testEnvironment(package: package, crateName: target.name)))
            } else if target.kind.contains(where: { ["lib", "rlib", "proc-macro"].contains($0) }),
                let rlib = artifact.filenames?.first(where: { $0.hasSuffix(".rlib") })
            {
                libraries.append(LibraryModule(package: packageName ?? target.name, target: target.name,
                                               bitcode: bitcodePath(ofArtifact: rlib)))
            }
        }
        return Result(binaries: binaries, libraries: libraries, rustflags: "")
    }

    /// rustc writes `deps/<crate>-<hash>.bc` beside `deps/<crate>-<hash>` or `deps/lib<crate>-<hash>.rlib`.
    static func bitcodePath(ofArtifact path: String) -> String {
        let url = URL(fileURLWithPath: path)
        var stem = url.lastPathComponent
        if stem.hasSuffix(".rlib") {
            stem = String(stem.dropLast(5))
            if stem.hasPrefix("lib") { stem = String(stem.dropFirst(3)) }
        }
        return url.deletingLastPathComponent().appendingPathComponent(stem + ".bc").path
    }

    static func testEnvironment(package: CargoWorkspace.Package, crateName: String) -> [String: String] {
        let parts = package.version.split(separator: "-", maxSplits: 1)
        let numbers = parts.first.map { $0.split(separator: ".").map(String.init) } ?? []
        return [
            "CARGO_MANIFEST_DIR": package.directory,
            "CARGO_MANIFEST_PATH": package.manifestPath,
            "CARGO_PKG_NAME": package.name,
            "CARGO_PKG_VERSION": package.version,
            "CARGO_PKG_VERSION_MAJOR": numbers.count > 0 ? numbers[0] : "",
            "CARGO_PKG_VERSION_MINOR": numbers.count > 1 ? numbers[1] : "",
            "CARGO_PKG_VERSION_PATCH": numbers.count > 2 ? numbers[2] : "",
            "CARGO_PKG_VERSION_PRE": parts.count > 1 ? String(parts[1]) : "",
            "CARGO_PKG_AUTHORS": package.authors.joined(separator: ":"),
            "CARGO_PKG_DESCRIPTION": package.description ?? "",
            "CARGO_CRATE_NAME": crateName.replacingOccurrences(of: "-", with: "_"),
        ]
    }
}
