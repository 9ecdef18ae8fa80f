import BlockIR
import Foundation

/// Content hashes of the workspace's source files that blocks point at, for
/// `--granularity file`. Paths are as debug info names them: relative to the
/// workspace root for workspace crates; files outside the workspace (std's)
/// are left out.
enum SourceFiles {
    static func hashes(of modules: [ModuleFingerprint], workspaceRoot: String) -> [String: String] {
        hashes(of: paths(of: modules, workspaceRoot: workspaceRoot))
    }

    /// The workspace files the modules name: name as debug info gives it → absolute path.
    static func paths(of modules: [ModuleFingerprint], workspaceRoot: String) -> [String: String] {
        var names = Set<String>()
        for module in modules {
            names.formUnion(module.files)
            // Neighbouring functions mostly share a file: compared, not hashed again.
            var last: String?
            for f in module.functions.indices {
                guard let file = module.functions[f].file, file != last else { continue }
                names.insert(file)
                last = file
            }
        }
        let root = URL(fileURLWithPath: workspaceRoot).standardizedFileURL.path
        var paths: [String: String] = [:]
        for name in names {
            // Most names are the standard library's (`/rustc/<commit>/library/...`): left out
            // without a URL made of each. One with `.` or `..` segments or `//` is made
            // standard first, as before.
            if name.hasPrefix("/"), !name.hasPrefix(root + "/"), !name.contains("/."), !name.contains("//") { continue }
            let path = name.hasPrefix("/") ? name : (root as NSString).appendingPathComponent(name)
            guard URL(fileURLWithPath: path).standardizedFileURL.path.hasPrefix(root + "/") else { continue }
            paths[name] = path
        }
        return paths
    }

    /// Each file's content hash now, by name ("missing" when it cannot be read).
    static func hashes(of paths: [String: String]) -> [String: String] {
        paths.mapValues { ContentHash.of(file: $0) ?? "missing" }
    }
}
