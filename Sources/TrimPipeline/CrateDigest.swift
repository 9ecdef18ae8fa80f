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
    static func digest(of package: CargoWorkspace.Package, workspace: CargoWorkspace, externalLibraries: [String],
                       environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
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
        for directory in closure.map(\.directory) + outside.sorted() {
            for (path, hash) in files(of: directory, otherPackages: otherPackages) {
                text += "\(path) \(hash)\n"
            }
        }
        text += externalLibraries.sorted().joined(separator: "\n")
        return ContentHash.of(Data(text.utf8))
    }

    /// Every file under a package's directory, by path, with its content
    /// hash; hidden entries, `target` and other packages' directories left out.
    static func files(of directory: String, otherPackages: Set<String>) -> [(String, String)] {
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isDirectoryKey, .isRegularFileKey],
            options: [.skipsHiddenFiles])
        else { return [] }
        var found: [(String, String)] = []
        for case let url as URL in walker {
            let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .isRegularFileKey])
            if values?.isDirectory == true {
                let path = standardized(url.path)
                if url.lastPathComponent == "target" || (otherPackages.contains(path) && path != standardized(directory)) {
                    walker.skipDescendants()
                }
                continue
            }
            guard values?.isRegularFile == true else { continue }
            found.append((url.path, ContentHash.of(file: url.path) ?? "unreadable"))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    static func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}
