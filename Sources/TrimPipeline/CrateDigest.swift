import BlockIR
import CargoSupport
import Foundation

/// What a library's doctests can reach, as one digest: every file of the
/// package, of the workspace members it depends on and of the path
/// dependencies they name (sources, doc comments, included files,
/// manifests), the workspace's Cargo.lock and Cargo.toml, the
/// bitcode of the libraries from outside the workspace, and RUSTDOCFLAGS.
///
/// Sources rather than the library's bitcode: a doctest instantiates the
/// library's generics and expands its macros itself, and neither is in the
/// library's bitcode. Any change to any of it runs the crate's doctests again.
enum CrateDigest {
    /// `files`: a directory's files with their hashes (`SourceFileHashes`
    /// for a run's libraries; by default hashed now).
    static func digest(of package: CargoWorkspace.Package, workspace: CargoWorkspace, externalLibraries: [String],
                       environment: [String: String] = ProcessInfo.processInfo.environment,
                       files: ((String) -> [(String, String)])? = nil) -> String {
        var text = "RUSTDOCFLAGS=\(environment["RUSTDOCFLAGS"] ?? "")\n"
        for name in ["Cargo.lock", "Cargo.toml"] {
            let path = (workspace.root as NSString).appendingPathComponent(name)
            text += "\(path) \(ContentHash.of(file: path) ?? "missing")\n"
        }
        let otherPackages = Set(workspace.packages.map { standardized($0.directory) })
        let closure = workspace.memberClosure(of: package)
        // Path dependencies outside the workspace: their files too (their own
        // dependencies are not known without resolving; their bitcode is below).
        let outside = Set(closure.flatMap(\.pathDependencies).map(standardized)).subtracting(otherPackages)
        let filesOf = files ?? { directory in
            Self.files(of: directory, otherPackages: otherPackages, targetDirectory: workspace.targetDirectory)
        }
        for directory in closure.map(\.directory) + outside.sorted() {
            for (path, hash) in filesOf(directory) { text += "\(path) \(hash)\n" }
        }
        text += externalLibraries.sorted().joined(separator: "\n")
        return ContentHash.of(Data(text.utf8))
    }

    /// Every file under a package's directory, by path, with its content
    /// hash; hidden entries, the target directory and other packages' directories left out.
    static func files(of directory: String, otherPackages: Set<String>, targetDirectory: String? = nil)
        -> [(String, String)]
    {
        filePaths(of: directory, otherPackages: otherPackages, targetDirectory: targetDirectory).map {
            ($0, ContentHash.of(file: $0) ?? "unreadable")
        }
    }

    /// The paths `files` hashes, sorted. Only cargo's target directories are
    /// left out (`<package>/target` and the workspace's), never a source
    /// directory that happens to be called `target` (`mod target;`).
    static func filePaths(of directory: String, otherPackages: Set<String>, targetDirectory: String? = nil) -> [String] {
        let package = standardized(directory)
        let skipped = Set([package + "/target"] + (targetDirectory.map { [standardized($0)] } ?? []))
            .union(otherPackages.subtracting([package]))
        var found: [String] = []
        var pending = [package]
        while let next = pending.popLast() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: next) else { continue }
            for name in names where !name.hasPrefix(".") {
                let path = next + "/" + name
                var status = stat()
                guard lstat(path, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    if !skipped.contains(path) { pending.append(path) }
                case S_IFREG:
                    found.append(path)
                case S_IFLNK:
                    // A linked file counts with the bytes it points at; a linked directory is not followed.
                    if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG { found.append(path) }
                default:
                    continue
                }
            }
        }
        return found.sorted()
    }

    static func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}
