import Foundation
import GRDB
import TrimModel

/// Every failure of the store names the database file and, where there is
/// one, the way out.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file was migrated by a trim that knows migrations this one does not.
    /// `found`: the unknown migration identifiers; `supported`: the last one this trim knows.
    case newerSchema(path: String, found: String, supported: String)
    /// Not an SQLite database, not trim's, or damaged.
    case corrupt(path: String, detail: String)
    /// The file or its directory cannot be created, read or written.
    case io(path: String, detail: String)
    /// Another process held the write lock for longer than the busy timeout.
    case busy(path: String)
    /// A record refers to a build that is not (or no longer) in the store.
    case unknownBuild(path: String, build: BuildID)
    /// The arguments contradict themselves (e.g. two modules with one path).
    case invalid(path: String, detail: String)
    /// Any other SQLite failure.
    case database(path: String, detail: String)
    /// A database server (`path`: its URL without the password) refused, could
    /// not be reached, or went away; `detail` says which and what to do.
    case server(path: String, detail: String)

    public var path: String {
        switch self {
        case .newerSchema(let path, _, _), .corrupt(let path, _), .io(let path, _), .busy(let path),
             .unknownBuild(let path, _), .invalid(let path, _), .database(let path, _),
             .server(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .newerSchema(let path, let found, let supported):
            return "\(path): created by a newer trim (schema migration \(found); this trim knows up to "
                + "\(supported)); upgrade trim or " + (Self.isServer(path) ? "use another database" : "delete \(path)")
        case .corrupt(let path, let detail) where Self.isServer(path):
            return "\(path): the trim records are unreadable (\(detail)); drop its schema trim to recover "
                + "(DROP SCHEMA trim CASCADE): the next run re-records coverage"
        case .corrupt(let path, let detail):
            return "\(path): the trim database is unreadable (\(detail)); delete \(path) to recover: "
                + "trim creates a new one and re-records coverage on the next run (every test runs once)"
        case .io(let path, let detail):
            return "\(path): cannot use the trim database: \(detail)"
        case .busy(let path):
            return "\(path): the trim database is locked by another process (another trim running?); "
                + "gave up after \(Int(TrimStore.busyTimeout)) s"
        case .unknownBuild(let path, let build):
            return "\(path): \(build) is not in the trim database (garbage-collected or never recorded)"
        case .invalid(let path, let detail):
            return "\(path): \(detail)"
        case .database(let path, let detail):
            return "\(path): \(Self.isServer(path) ? "PostgreSQL" : "SQLite") error: \(detail)"
        case .server(let path, let detail):
            return "\(path): \(detail)"
        }
    }

    /// A server's URL (never with its password), not a file path.
    static func isServer(_ path: String) -> Bool { path.hasPrefix("postgres://") }

    /// Maps anything thrown inside a database access to a `StoreError`.
    static func from(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? BlobError { return .corrupt(path: path, detail: error.description) }
        if let error = error as? RowDecodingError {
            return .corrupt(path: path, detail: "unexpected value: \(error)")
        }
        if let error = error as? DatabaseError {
            let detail = error.message ?? "\(error.resultCode)"
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return .corrupt(path: path, detail: "not an SQLite database: \(detail)")
            case .SQLITE_CORRUPT, .SQLITE_FORMAT:
                return .corrupt(path: path, detail: "malformed: \(detail)")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .busy(path: path)
            case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_PERM,
                 .SQLITE_AUTH, .SQLITE_NOLFS:
                return .io(path: path, detail: detail)
            default:
                return .database(path: path, detail: detail)
            }
        }
        return .database(path: path, detail: "\(error)")
    }
}
