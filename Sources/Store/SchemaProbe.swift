import Foundation
import GRDBSQLite

/// What an existing database file says about its schema, read without
/// changing a byte of it or of its `-wal`/`-shm`: SQLite's `immutable=1`
/// takes no locks and never opens the WAL index. When a WAL with content
/// exists (its writer is running, or was killed), SQLite reads through it
/// with the WAL index opened read-only (`readonly_shm=1`: what the index
/// lacks, it rebuilds in its own memory); only when that cannot open (no
/// `-shm` file) are the file and its WAL read from a private copy, which
/// SQLite may change at will.
struct SchemaProbe {
    var tables: [String]
    /// nil when the database has no `grdb_migrations` table.
    var migrations: [String]?

    /// nil when the file cannot be read this way: opening it normally then
    /// says what is wrong with it.
    static func read(_ path: String) -> SchemaProbe? {
        let wal = path + "-wal"
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? NSNumber
        guard let walSize, walSize.intValue > 0 else {
            return query(uri: uri(path, "immutable=1"), flags: SQLITE_OPEN_READONLY)
        }
        if let probe = query(uri: uri(path, "readonly_shm=1"), flags: SQLITE_OPEN_READONLY) { return probe }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("trim-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        do {
            try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.copyItem(atPath: path, toPath: copy.appendingPathComponent("db").path)
            try FileManager.default.copyItem(atPath: wal, toPath: copy.appendingPathComponent("db-wal").path)
        } catch {
            return nil
        }
        return query(uri: copy.appendingPathComponent("db").path, flags: SQLITE_OPEN_READWRITE)
    }

    private static func uri(_ path: String, _ parameter: String) -> String {
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["?", "#", "%"]))
            ?? path
        return "file:\(escaped)?\(parameter)"
    }

    private static func query(uri: String, flags: Int32) -> SchemaProbe? {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open_v2(uri, &db, flags | SQLITE_OPEN_URI, nil) == SQLITE_OK else { return nil }
        guard let tables = strings(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
            + "AND name NOT LIKE 'sqlite_%' ORDER BY name")
        else { return nil }
        guard tables.contains("grdb_migrations") else { return SchemaProbe(tables: tables, migrations: nil) }
        guard let migrations = strings(db, "SELECT identifier FROM grdb_migrations") else { return nil }
        return SchemaProbe(tables: tables, migrations: migrations)
    }

    private static func strings(_ db: OpaquePointer?, _ sql: String) -> [String]? {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
        var result: [String] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: result.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
            case SQLITE_DONE: return result
            default: return nil
            }
        }
    }
}
