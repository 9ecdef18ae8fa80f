import CargoSupport
import Foundation
import Store
import TrimPipeline

/// A cargo workspace and trim's database for it, opened without building:
/// what `trim coverage`, `trim path` and the language server read.
public struct EditorWorkspace: Sendable {
    public var root: String
    public var paths: TrimPaths

    public static func open(directory: URL, database: String?) throws(EditorError) -> EditorWorkspace {
        if let database, let scheme = DatabaseLocation.urlScheme(of: database) {
            throw .workspace("\(TrimError.databaseURL(scheme: scheme))")
        }
        do {
            try WorkspaceDirectory.check(directory, needsManifest: false)
            let workspace = try CargoWorkspace.load(from: directory)
            return EditorWorkspace(root: WorkspacePaths(root: workspace.root).root,
                                   paths: TrimPaths(cargoTargetDirectory: workspace.targetDirectory, database: database))
        } catch {
            throw .workspace("\(error)")
        }
    }

    /// Every recorded result mapped to lines; an error when nothing is recorded yet.
    public func coverage() throws(EditorError) -> CoverageIndex {
        guard FileManager.default.fileExists(atPath: paths.database.path) else {
            throw .noRecordedResults(database: paths.database.path)
        }
        let store: TrimStore
        do { store = try TrimStore(path: paths.database) } catch { throw .store("\(error)") }
        let index = try CoverageIndex.load(store: store, trimTarget: paths.targetDirectory, workspaceRoot: root)
        if index.tests.isEmpty { throw .noRecordedResults(database: paths.database.path) }
        return index
    }

    /// `text` (relative to `current`, or absolute) as a path relative to the root.
    public func relativePath(_ text: String, from current: String = FileManager.default.currentDirectoryPath)
        throws(EditorError) -> String
    {
        let absolute = text.hasPrefix("/") ? text : current + "/" + text
        guard let relative = WorkspacePaths(root: root).relative(absolute) else {
            throw .fileOutsideWorkspace(file: text, root: root)
        }
        return relative
    }
}
