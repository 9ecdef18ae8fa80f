/// PostgresStore: trim's records in a PostgreSQL database a team shares
/// (`--db postgres://…`), through postgres-nio, beside the SQLite default.
///
/// Owns: the PostgreSQL schema and its migrations (PostgresSchema.swift,
/// documented in ARCHITECTURE.md), the connection and its event loop
/// (PostgresSession.swift), turning server failures into `StoreError`s that
/// name the server and never the password, the advisory locks that keep
/// garbage collection off builds other writers use.
/// Invariants: keeps `Store.CoverageStore`'s contract — every call is one
/// transaction (a server lost mid-call leaves the last committed state, never
/// half a result); many trims may write at once (shards); a build held by a
/// live run or named by a result is never collected; the password appears in
/// no message.
/// Never depends on: the runner, cargo, printing, the pipeline.
///
/// API:
///
///     final class PostgresStore: CoverageStore
///       init(url: PostgresURL, readOnly: Bool = false) throws(StoreError)  // connects (5 s), migrates
///       func close()                                                      // also on deinit
///     struct PostgresURL     // parse, `redacted`
///
/// A read-only store refuses every write with `StoreError.invalid`.

import BlockIR
import Foundation
import PostgresNIO
import Store
import TrimModel

public final class PostgresStore: CoverageStore {
    let session: PostgresSession
    public let readOnly: Bool

    public var location: String { session.location }

    public init(url: PostgresURL, readOnly: Bool = false) throws(StoreError) {
        session = try PostgresSession(url: url)
        self.readOnly = readOnly
        let location = session.location
        try session.exclusive { statements in
            try PostgresSchema.migrate(statements, location: location, readOnly: readOnly)
        }
    }

    public func close() { session.close() }

    /// A write: refused on a read-only store, else `body` in one transaction.
    func write<T>(_ body: (PostgresSession.Statements) throws -> T) throws(StoreError) -> T {
        if readOnly { throw StoreError.invalid(path: location, detail: "opened read-only (--db-read-only): nothing is recorded here") }
        return try session.exclusive { statements in try statements.transaction { try body(statements) } }
    }

    /// A write that is one statement: its own transaction, in one round trip.
    func writeStatement<T>(_ body: (PostgresSession.Statements) throws -> T) throws(StoreError) -> T {
        if readOnly { throw StoreError.invalid(path: location, detail: "opened read-only (--db-read-only): nothing is recorded here") }
        return try session.exclusive { statements in try body(statements) }
    }

    /// Reads from one snapshot.
    func read<T>(_ body: (PostgresSession.Statements) throws -> T) throws(StoreError) -> T {
        try session.exclusive { statements in
            try statements.script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let value = try body(statements)
                try statements.script("COMMIT")
                return value
            } catch {
                try? statements.script("ROLLBACK")
                throw error
            }
        }
    }

    /// Writes that name a build take this shared lock; garbage collection takes it exclusively.
    static func holdBuilds(_ statements: PostgresSession.Statements) throws {
        try statements.query("SELECT pg_advisory_xact_lock_shared(\(PostgresSchema.buildsLock))")
    }

    public func statistics() throws(StoreError) -> StoreStatistics {
        try read { statements in
            func count(_ table: String) throws -> Int {
                try statements.query(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM trim.\(table)")).first?.cell(0)
                    .decode(Int.self) ?? 0
            }
            return StoreStatistics(
                builds: try count("build"), buildModules: try count("build_module"), modules: try count("module"),
                moduleFunctions: 0, functions: 0, testBinaries: try count("test_binary"), tests: try count("test"),
                results: try count("test_result"), hitSymbols: 0)
        }
    }
}
