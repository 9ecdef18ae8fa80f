import Foundation
import PostgresStore
import ProcessSpawn
import Store

/// Which store a command uses: `--db`, `TRIM_DB` or `[store] url` name an
/// SQLite file (the default `<target>/trim/trim.db` when none is given) or
/// a PostgreSQL database (`postgres://…`, `postgresql://…`). A URL is never
/// shown with its password.
public enum DatabaseLocation {
    /// The scheme of `text` when it is written `scheme://…`, else nil.
    public static func urlScheme(of text: String) -> String? {
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return String(scheme)
    }

    /// The server `text` names, nil for a file path; a URL that is malformed
    /// or of an unknown scheme is an error naming the part at fault.
    public static func server(_ text: String) throws(TrimError) -> PostgresURL? {
        guard urlScheme(of: text) != nil else { return nil }
        do { return try PostgresURL(parsing: text) } catch { throw .storeURL(error) }
    }

    public static func check(_ text: String) throws(TrimError) { _ = try server(text) }

    /// Opens the store `paths` names: the server's (with `readOnly`, layered
    /// over the local SQLite file, which takes this run's records), else the file.
    public static func open(_ paths: TrimPaths) throws(TrimError) -> any CoverageStore {
        do {
            guard let server = paths.server else { return try TrimStore(path: paths.database) }
            let shared = try PostgresStore(url: server, readOnly: paths.serverReadOnly)
            guard paths.serverReadOnly else { return shared }
            return LayeredStore(local: try TrimStore(path: paths.database), shared: shared)
        } catch {
            throw .store(error)
        }
    }

    /// Whether a build hold's holder still runs. In a `shared` store (a
    /// server other machines write to) a holder written on another machine
    /// cannot be checked from here: it counts as alive.
    public static func isHolderAlive(_ holder: String, shared: Bool) -> Bool {
        guard let identity = ProcessIdentity(holder) else { return false }
        return (shared && !identity.isOnThisMachine) || identity.isAlive
    }
}
