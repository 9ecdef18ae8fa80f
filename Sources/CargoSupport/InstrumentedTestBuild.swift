import Foundation
import RustcWrapping

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
    /// Where rustc's diagnostics go instead of cargo's rendering on stderr; nil: cargo renders them.
    public var diagnostics: CompilerDiagnostics?
    /// The FIFO the wrapper tells of each executable's units as its link
    /// starts (`LinkStage`); nil: no such notices.
    public var linkNotices: String?

    public init(workspace: CargoWorkspace, rustflags: [String], cargoArguments: [String] = [],
                targetDirectory: String? = nil, directory: URL? = nil, diagnostics: CompilerDiagnostics? = nil) {
        self.workspace = workspace
        self.diagnostics = diagnostics
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

    /// The environment cargo is run with: the user's, with trim as rustc
    /// wrapper adding its flags. `RUSTFLAGS` is left as the user set it (or
    /// unset): setting it would replace the rustflags of `.cargo/config.toml`.
    public func environment(base: [String: String] = ProcessInfo.processInfo.environment) throws(CargoError)
        -> [String: String]
    {
        var environment = RustcWrapper.environment(flags: rustflags, wrapperExecutable: try Self.wrapperExecutable(base),
                                                   base: base)
        environment["CARGO_TARGET_DIR"] = targetDirectory
        environment[LinkStage.notifyVariable] = linkNotices
        return environment
    }

    /// The flags recorded in the build facts: the user's `RUSTFLAGS`, if any, then trim's.
    public func recordedFlags(base: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ((base["RUSTFLAGS"].map { [$0] } ?? []) + rustflags).joined(separator: " ")
    }

    /// What cargo runs as rustc wrapper: `trim-rustc-wrapper` beside the
    /// running executable (it starts faster than trim: no LLVM), else
    /// `$TRIM_EXECUTABLE`, else this process when it is trim or cargo-trim,
    /// else `trim` beside it (tests), else on PATH. trim itself also acts as the wrapper.
    static func wrapperExecutable(_ environment: [String: String]) throws(CargoError) -> String {
        var searched: [String] = []
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let directory = (own as NSString).deletingLastPathComponent as NSString
        let dedicated = directory.appendingPathComponent("trim-rustc-wrapper")
        if FileManager.default.isExecutableFile(atPath: dedicated) { return dedicated }
        searched.append(dedicated)
        if let explicit = environment["TRIM_EXECUTABLE"], !explicit.isEmpty {
            if FileManager.default.isExecutableFile(atPath: explicit) { return explicit }
            searched.append(explicit)
        }
        if ["trim", "cargo-trim"].contains((own as NSString).lastPathComponent) { return own }
        let beside = directory.appendingPathComponent("trim")
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        searched.append(beside)
        if let onPath = CapturedProcess.which("trim", environment: environment) { return onPath }
        throw .wrapperNotFound(searched: searched + ["PATH"])
    }

    /// Runs `cargo test --no-run`; cargo's progress and errors go to stderr as
    /// usual (rustc's through `diagnostics` when set). `builtCrate` hears of each crate as soon as cargo reports it
    /// built (its module key path and current unit files), while the rest builds;
    /// `builtTest`, of each test executable as cargo reports it linked.
    /// `builtLibrary` hears each library module's key path as cargo reports
    /// it, in the order of `Result.libraries`.
    public func run(builtCrate: ((_ bitcode: String, _ units: [String]) -> Void)? = nil,
                    builtTest: ((_ executable: String) -> Void)? = nil,
                    builtLibrary: ((_ bitcode: String) -> Void)? = nil) throws(CargoError) -> Result {
        let environment = try environment()
        let format = diagnostics == nil ? "json-render-diagnostics" : "json"
        var process = CapturedProcess(
            executable: workspace.cargo,
            arguments: ["test", "--no-run", "--message-format=\(format)"] + cargoArguments,
            directory: directory, environment: environment, passStderrThrough: true)
        // Each line decoded once, as it comes: the result is put together from
        // these the moment cargo ends, with the unit records already read.
        let heard = HeardMessages()
        let diagnostics = self.diagnostics
        process.onStdoutLine = { line in
            diagnostics?.handle(Data(line))
            guard let message = heard.decode(line) else { return }
            guard message.reason == "compiler-artifact", let artifact = Self.artifactFile(message) else { return }
            if !artifact.hasSuffix(".rlib") { builtTest?(artifact) }
            if let rlib = Self.libraryFile(message, workspace: workspace) { builtLibrary?(Self.bitcodePath(ofArtifact: rlib)) }
            guard let units = heard.unitsIfRecorded(ofArtifact: artifact) else { return }
            builtCrate?(Self.bitcodePath(ofArtifact: artifact), units)
        }
        let output = try process.run()
        guard output.status == 0 else { throw .buildFailed(status: output.status) }
        var result = try Self.parse(heard.messages, workspace: workspace, units: heard.units(ofArtifact:))
        result.rustflags = recordedFlags()
        return result
    }

    /// cargo's JSON messages as they come, each decoded once, and the unit
    /// records read for the artifacts they name. Filled by the thread reading
    /// cargo's stdout, read once cargo has ended; locked all the same (a
    /// grandchild holding stdout open keeps that thread going).
    private final class HeardMessages: @unchecked Sendable {
        private let lock = NSLock()
        private let decoder = JSONDecoder()
        private var heard: [Artifact] = []
        private var unitsRead: [String: [String]] = [:]

        var messages: [Artifact] { lock.withLock { heard } }

        func decode(_ line: Data) -> Artifact? {
            guard line.first == UInt8(ascii: "{"), let message = try? decoder.decode(Artifact.self, from: line) else {
                return nil
            }
            // Kept: what the result is made of (not the diagnostics, which can be many).
            if ["compiler-artifact", "build-script-executed"].contains(message.reason) {
                lock.withLock { heard.append(message) }
            }
            return message
        }

        /// The artifact's units, read once: cargo reports a crate once a build,
        /// after the wrapper recorded its units. Nil when there is no record
        /// (the final pass reads it again and says why).
        func unitsIfRecorded(ofArtifact path: String) -> [String]? {
            if let units = lock.withLock({ unitsRead[path] }) { return units }
            guard let units = try? InstrumentedTestBuild.units(ofArtifact: path) else { return nil }
            lock.withLock { unitsRead[path] = units }
            return units
        }

        /// The artifact's units as read while cargo built, else read now (and its error said).
        func units(ofArtifact path: String) throws(CargoError) -> [String] {
            if let units = lock.withLock({ unitsRead[path] }) { return units }
            return try InstrumentedTestBuild.units(ofArtifact: path)
        }
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
        var package_id: String?
        /// `build-script-executed`: the build script's output directory.
        var out_dir: String?
        var manifest_path: String?
        var target: Target?
        var profile: Profile?
        var executable: String?
        var filenames: [String]?
    }

    /// The test executables and library modules cargo's messages name, each
    /// with its current units (`units`, by artifact path).
    static func parse(_ messages: [Artifact], workspace: CargoWorkspace,
                      units: (String) throws(CargoError) -> [String]) throws(CargoError) -> Result {
        var binaries: [TestBinary] = []
        var libraries: [LibraryModule] = []
        // `cargo test` gives a package's tests OUT_DIR when the package has a build script.
        var outDirectories: [String: String] = [:]
        for message in messages where message.reason == "build-script-executed" {
            if let id = message.package_id, let out = message.out_dir { outDirectories[id] = out }
        }
        for artifact in messages {
            guard artifact.reason == "compiler-artifact", let target = artifact.target,
                let manifest = artifact.manifest_path
            else { continue }
            let packageName = workspace.package(manifestPath: manifest)?.name
            let kind = TestBinary.Kind(rawValue: target.kind.first ?? "") ?? .lib
            if Self.isTestExecutable(artifact, workspace: workspace), let executable = artifact.executable,
               let package = workspace.package(manifestPath: manifest) {
                binaries.append(TestBinary(
                    id: TestBinary.id(package: package.name, target: target.name, kind: kind),
                    package: package.name, target: target.name, kind: kind, executable: executable,
                    bitcode: bitcodePath(ofArtifact: executable), units: try units(executable),
                    packageDirectory: package.directory,
                    environment: testEnvironment(package: package, crateName: target.name).merging(
                        artifact.package_id.flatMap { outDirectories[$0] }.map { ["OUT_DIR": $0] } ?? [:]) { a, _ in a }))
            } else if let rlib = Self.libraryFile(artifact, workspace: workspace) {
                libraries.append(LibraryModule(package: packageName ?? target.name, target: target.name,
                                               bitcode: bitcodePath(ofArtifact: rlib), units: try units(rlib)))
            }
        }
        return Result(binaries: binaries, libraries: libraries, rustflags: "")
    }

    /// A test executable of a workspace package (`Result.binaries`).
    static func isTestExecutable(_ artifact: Artifact, workspace: CargoWorkspace) -> Bool {
        artifact.profile?.test == true && artifact.executable != nil
            && artifact.manifest_path.flatMap { workspace.package(manifestPath: $0) } != nil
    }

    /// The `.rlib` of a library module (`Result.libraries`), nil for any other artifact.
    static func libraryFile(_ artifact: Artifact, workspace: CargoWorkspace) -> String? {
        guard artifact.reason == "compiler-artifact", let target = artifact.target, artifact.manifest_path != nil,
            !isTestExecutable(artifact, workspace: workspace),
            target.kind.contains(where: { ["lib", "rlib", "proc-macro"].contains($0) })
        else { return nil }
        return artifact.filenames?.first { $0.hasSuffix(".rlib") }
    }

    /// The file a `compiler-artifact` message names that rustc's outputs are
    /// named after: the executable of a test, else the rlib. Nil for other messages.
    static func artifactFile(_ artifact: Artifact) -> String? {
        if artifact.profile?.test == true, let executable = artifact.executable { return executable }
        return artifact.filenames?.first { $0.hasSuffix(".rlib") }
    }

    /// The crate module's key path, `deps/<crate>-<hash>.bc`, for `deps/<crate>-<hash>`
    /// or `deps/lib<crate>-<hash>.rlib`. No such file exists: the crate's code is
    /// in its units' files, and this names their union.
    public static func bitcodePath(ofArtifact path: String) -> String {
        let directory = directory(ofArtifact: path)
        return (directory.hasSuffix("/") ? directory : directory + "/") + stem(ofArtifact: path) + ".bc"
    }

    /// `<crate>-<hash>`: what rustc's outputs for the artifact are named after.
    static func stem(ofArtifact path: String) -> String {
        var stem = Substring(path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[path.index(after: $0)...] } ?? path[...])
        if stem.hasSuffix(".rlib") {
            stem = stem.dropLast(5)
            if stem.hasPrefix("lib") { stem = stem.dropFirst(3) }
        }
        return String(stem)
    }

    /// The directory cargo names the artifact in (`deps/`, or the profile's
    /// directory for an rlib), as cargo wrote it: string work only, for every
    /// artifact of every build.
    static func directory(ofArtifact path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The artifact's current codegen-unit bitcode files, as the wrapper recorded them.
    static func units(ofArtifact path: String) throws(CargoError) -> [String] {
        try CodegenUnits.read(outDirectory: directory(ofArtifact: path), stem: stem(ofArtifact: path))
    }

    /// What `cargo test` sets for a test process of `package`'s crate `crateName` (OUT_DIR aside).
    public static func testEnvironment(package: CargoWorkspace.Package, crateName: String) -> [String: String] {
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
