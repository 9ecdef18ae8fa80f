import Foundation

/// A cargo workspace as `cargo metadata` describes it.
public struct CargoWorkspace: Sendable {
    public struct Package: Sendable, Equatable {
        public var name: String
        public var version: String
        public var manifestPath: String
        public var authors: [String]
        public var description: String?
        /// The crate name of its library (`my_lib` for package `my-lib`), if it has one.
        public var libraryCrateName: String? = nil
        /// The directories of the path dependencies it declares (every kind).
        public var pathDependencies: [String] = []
        /// The directories of its normal (not dev, not build) path dependencies: the crates its library can use.
        public var libraryPathDependencies: [String] = []
        /// Whether it has a normal or build dependency from outside (a registry, git): code trim cannot read.
        public var hasOutsideDependencies = false
        /// Its targets' names by kind (`bin`, `test`, `example`, ...).
        public var targets: [String: [String]] = [:]
        /// Its library's root source file (`src/lib.rs`, or `[lib] path`), if it has a library.
        public var librarySourcePath: String? = nil

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
            let output = try CapturedProcess(executable: cargo,
                                             arguments: ["metadata", "--format-version", "1", "--no-deps"],
                                             directory: URL(fileURLWithPath: workingDirectory),
                                             environment: environment).run()
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
                var targets: [Target]?
                var dependencies: [Dependency]?
            }
            struct Target: Decodable {
                var name: String
                var kind: [String]
                var src_path: String?
            }
            struct Dependency: Decodable {
                var path: String?
                /// nil: a normal dependency; "dev" or "build".
                var kind: String?
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
                        authors: $0.authors ?? [], description: $0.description,
                        libraryCrateName: $0.targets?.first { $0.kind.contains { ["lib", "rlib", "proc-macro"].contains($0) } }?
                            .name.replacingOccurrences(of: "-", with: "_"),
                        pathDependencies: ($0.dependencies ?? []).compactMap(\.path),
                        libraryPathDependencies: ($0.dependencies ?? []).filter { $0.kind == nil }.compactMap(\.path),
                        hasOutsideDependencies: ($0.dependencies ?? []).contains { $0.path == nil && $0.kind != "dev" },
                        targets: Dictionary(($0.targets ?? []).flatMap { target in target.kind.map { ($0, [target.name]) } },
                                            uniquingKeysWith: +),
                        librarySourcePath: $0.targets?.first { $0.kind.contains { ["lib", "rlib", "proc-macro"].contains($0) } }?
                            .src_path)
            },
            cargo: cargo)
    }

    public func package(manifestPath: String) -> Package? {
        packages.first { $0.manifestPath == manifestPath }
    }

    public func package(named name: String) -> Package? {
        packages.first { $0.name == name }
    }

    /// `package` and the members it depends on through path dependencies,
    /// directly or not (any dependency kind: doctests see dev-dependencies).
    public func memberClosure(of package: Package) -> [Package] {
        var seen: [String: Package] = [package.directory: package]
        var queue = [package]
        while let next = queue.popLast() {
            for path in next.pathDependencies {
                let directory = URL(fileURLWithPath: path).standardizedFileURL.path
                guard seen[directory] == nil,
                    let member = packages.first(where: { URL(fileURLWithPath: $0.directory).standardizedFileURL.path == directory })
                else { continue }
                seen[directory] = member
                queue.append(member)
            }
        }
        return seen.values.sorted { $0.name < $1.name }
    }
}
