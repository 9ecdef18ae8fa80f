import Foundation

/// A cargo workspace as `cargo metadata` describes it.
public struct CargoWorkspace: Sendable {
    public struct Package: Sendable, Equatable {
        public var name: String
        public var version: String
        public var manifestPath: String
        public var authors: [String]
        public var description: String?

        public var directory: String { (manifestPath as NSString).deletingLastPathComponent }
    }

    public var root: String
    /// cargo's own target directory; trim builds into `<this>/trim`.
    public var targetDirectory: String
    public var packages: [Package]
    public let cargo: String

    /// Reads the workspace that contains `directory`.
    public static func load(from directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(CargoError) -> CargoWorkspace
    {
        guard let cargo = environment["CARGO"].flatMap({ CapturedProcess.which($0, environment: environment) })
            ?? CapturedProcess.which("cargo", environment: environment)
        else { throw .cargoNotFound }
        let cache = MetadataCache(directory: MetadataCache.defaultDirectory(environment: environment))
        let workingDirectory = directory.standardizedFileURL.path
        let cached = cache.load(workingDirectory: workingDirectory, cargo: cargo, environment: environment)
        let stdout: Data
        if let cached {
            stdout = cached
        } else {
            let output = try SpawnCapture.run(executable: cargo,
                                              arguments: ["metadata", "--format-version", "1", "--no-deps"],
                                              directory: workingDirectory, environment: environment)
            guard output.status == 0 else {
                let says = String(decoding: output.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw .notAWorkspace(directory: directory.path, cargoSays: says)
            }
            stdout = output.stdout
        }
        struct Metadata: Decodable {
            struct Package: Decodable {
                var name: String
                var version: String
                var manifest_path: String
                var authors: [String]?
                var description: String?
                var id: String
            }
            var workspace_root: String
            var target_directory: String
            var packages: [Package]
            var workspace_members: [String]
        }
        let metadata: Metadata
        do {
            metadata = try JSONDecoder().decode(Metadata.self, from: stdout)
        } catch {
            throw .metadataUnreadable(detail: "\(error)")
        }
        let members = Set(metadata.workspace_members)
        if cached == nil {
            cache.store(stdout, workspaceRoot: metadata.workspace_root,
                        memberManifests: metadata.packages.filter { members.contains($0.id) }.map(\.manifest_path),
                        workingDirectory: workingDirectory, cargo: cargo, environment: environment)
        }
        return CargoWorkspace(
            root: metadata.workspace_root, targetDirectory: metadata.target_directory,
            packages: metadata.packages.filter { members.contains($0.id) }.map {
                Package(name: $0.name, version: $0.version, manifestPath: $0.manifest_path,
                        authors: $0.authors ?? [], description: $0.description)
            },
            cargo: cargo)
    }

    public func package(manifestPath: String) -> Package? {
        packages.first { $0.manifestPath == manifestPath }
    }
}
