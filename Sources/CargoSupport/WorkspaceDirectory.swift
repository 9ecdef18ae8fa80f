import Foundation

/// The directory a command was pointed at, checked before cargo is asked
/// about it (cargo would only say it cannot run in a missing directory).
public enum WorkspaceDirectory {
    /// Refuses a missing path or one that is not a directory; when
    /// `needsManifest` (the user named the directory), also one without a
    /// Cargo.toml of its own. The current directory may be anywhere inside a
    /// workspace, as with cargo.
    public static func check(_ directory: URL, needsManifest: Bool) throws(CargoError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw .workspaceMissing(path: directory.path)
        }
        guard isDirectory.boolValue else { throw .workspaceNotADirectory(path: directory.path) }
        if needsManifest,
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Cargo.toml").path)
        {
            throw .noManifest(directory: directory.path)
        }
    }
}
