import Foundation

/// Paths inside a workspace, kept relative so an archive can be run in another checkout.
enum WorkspacePaths {
    static func relative(_ path: String, to root: String) -> String {
        if path == root { return "." }
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    /// `path` with the prefix `from` (a directory) replaced by `to`; other paths unchanged.
    static func remap(_ path: String, from: String, to: String) -> String {
        if path == from { return to }
        return path.hasPrefix(from + "/") ? to + path.dropFirst(from.count) : path
    }
}
