import BlockIR
import Foundation

/// Content hashes of the workspace's source files that blocks point at, for
/// `--granularity file`. Paths are as debug info names them: relative to the
/// workspace root for workspace crates; files outside the workspace (std's)
/// are left out.
enum SourceFiles {
    static func hashes(of modules: [ModuleFingerprint], workspaceRoot: String) -> [String: String] {
        var names = Set<String>()
        for module in modules {
            names.formUnion(module.files)
            for function in module.functions { if let file = function.file { names.insert(file) } }
        }
        let root = URL(fileURLWithPath: workspaceRoot).standardizedFileURL.path
        var hashes: [String: String] = [:]
        for name in names {
            let path = name.hasPrefix("/") ? name : (root as NSString).appendingPathComponent(name)
            guard URL(fileURLWithPath: path).standardizedFileURL.path.hasPrefix(root + "/") else { continue }
            hashes[name] = ContentHash.of(file: path) ?? "missing"
        }
        return hashes
    }
}
