/// Store: trim's SQLite database (through GRDB): builds, content-addressed
/// function fingerprints, test binaries, tests, each test's last outcome and
/// the blocks it executed on the build it ran on.
///
/// Owns: the schema and its migrations (documented in ARCHITECTURE.md, Store schema), the blob encodings of
/// fingerprints and hits, transactions, garbage collection.
/// Invariants: every write is one SQLite transaction (a process killed
/// mid-write leaves the last committed state); a function fingerprint is
/// stored once however many modules and builds hold it; a build's
/// fingerprints stay readable while a test result refers to the build.
/// Never depends on: the runner, cargo, printing.
///
/// API (all errors are `StoreError`, naming the file):
///
///     final class TrimStore: Sendable
///       init(path: URL) throws(StoreError)           // creates dirs, migrates, WAL
///       static let outputLimit: Int, busyTimeout: TimeInterval
///       // builds and fingerprints
///       func recordBuild(_: BuildFacts, modules: [ModuleRecord], sourceFiles: [String: String] = [:])
///           throws(StoreError) -> BuildID                 // one transaction
///       func modules(of: BuildID) throws(StoreError) -> [ModuleRecord]
///       func sourceFiles(of: BuildID) throws(StoreError) -> [String: String]   // path → content hash
///       func build(_: BuildID) throws(StoreError) -> BuildFacts?
///       func latestBuild() throws(StoreError) -> (BuildID, BuildFacts)?
///       func builds() throws(StoreError) -> [(BuildID, BuildFacts)]
///       // binaries and tests
///       func recordBinaries(_: [TestBinaryRecord], build: BuildID) throws(StoreError)
///       func binaries(of: BuildID) throws(StoreError) -> [TestBinaryRecord]
///       func recordTests(_ names: [String], inBinary: String) throws(StoreError)  // replaces the listing
///       func tests(inBinary: String) throws(StoreError) -> [TestKey]
///       // results (one row per test: its last result, hits as one blob)
///       func recordResult(_: TestResultRecord, inputs: TestInputs? = nil) throws(StoreError)   // own transaction
///       func recordResults(_: [TestResultRecord], inputs: [TestKey: TestInputs] = [:])
///           throws(StoreError)                                            // one transaction
///       func lastResults() throws(StoreError) -> [TestKey: TestResultRecord]
///       func lastResult(for: TestKey) throws(StoreError) -> TestResultRecord?
///       // inputs of the last result (Inputs.swift; replaced with every result)
///       func recordInputs(_: TestInputs?, for: TestKey) throws(StoreError)
///       func lastInputs() throws(StoreError) -> [TestKey: TestInputs]
///       func inputs(for: TestKey) throws(StoreError) -> TestInputs?
///       // upkeep
///       func collectGarbage() throws(StoreError) -> GarbageReport
///       func statistics() throws(StoreError) -> StoreStatistics
///       func check(thorough: Bool = false) throws(StoreError)            // quick_check / integrity_check
///
/// Value types (StoreTypes.swift): BuildID, BuildFacts, ModuleRecord, TestKey,
/// TestBinaryRecord, Outcome, CoverageState, HitFunction, TestResultRecord,
/// StoreStatistics, GarbageReport; `StoredFunctionCodec` is the public
/// per-function encoding.

import BlockIR
import Foundation
import GRDB
import TrimModel

public final class TrimStore: Sendable {
    public let path: URL
    let pool: DatabasePool
    let symbolCache = SymbolCache()
    let storedModules = StoredModules()

    /// How long a write waits for another process's write lock.
    public static let busyTimeout: TimeInterval = 10
    /// Captured output longer than this (UTF-8 bytes) keeps its head and tail.
    public static let outputLimit = 64 * 1024

    var pathString: String { path.path }

    /// Opens (creating when missing) the database at `path`, creating its
    /// parent directories, and migrates it to the current schema.
    public init(path: URL) throws(StoreError) {
        let file = path.standardizedFileURL
        let p = file.path
        self.path = file
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
        } catch {
            throw .io(path: p, detail: "cannot create its directory: \((error as NSError).localizedDescription)")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: p, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .io(path: p, detail: "is a directory")
        }

        try Self.refuseUnreadable(path: p)

        var configuration = Configuration()
        configuration.label = "trim"
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .wal
        configuration.prepareDatabase { db in
            // WAL + NORMAL: a killed process loses nothing committed; only a
            // power loss can drop the last transactions (never corrupts).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: p, configuration: configuration)
        } catch {
            throw StoreError.from(error, path: p)
        }
        do {
            try pool.barrierWriteWithoutTransaction { db in try Self.checkSchema(db, path: p) }
            do {
                try Schema.migrator.migrate(pool)
            } catch {
                // Another trim may have created the schema at the same moment.
                let done = try pool.read { db in try Schema.migrator.hasCompletedMigrations(db) }
                if !done { throw error }
            }
        } catch {
            throw StoreError.from(error, path: p)
        }
    }

    /// Refuses an existing database from another program or a newer trim
    /// before opening it for writing: the read-write pool would switch it to
    /// WAL, index and checkpoint it, changing files this trim must leave alone.
    static func refuseUnreadable(path: String) throws(StoreError) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            (attributes[.size] as? NSNumber)?.intValue ?? 0 > 0,
            let probe = SchemaProbe.read(path)
        else { return }
        try refuse(tables: probe.tables, migrations: probe.migrations, path: path)
    }

    /// Refuses databases this trim cannot read: another program's, or a newer trim's.
    static func checkSchema(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
        let migrations = tables.contains("grdb_migrations")
            ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : nil
        try refuse(tables: tables, migrations: migrations, path: path)
    }

    private static func refuse(tables: [String], migrations: [String]?, path: String) throws(StoreError) {
        guard let applied = migrations else {
            if !tables.isEmpty {
                throw StoreError.corrupt(path: path, detail: "an SQLite database, but not trim's (tables: "
                    + tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "") + ")")
            }
            return
        }
        let known = Schema.knownMigrations
        let unknown = applied.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw StoreError.newerSchema(path: path, found: unknown.joined(separator: ", "),
                                         supported: known.last ?? "none")
        }
    }

    // MARK: - Transactions

    /// One immediate write transaction: all of `body` or nothing.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw StoreError.from(error, path: pathString)
        }
    }

    /// A read from one consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError.from(error, path: pathString)
        }
    }

    func requireBuild(_ build: BuildID, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM build WHERE id = ?")
        guard try Int.fetchOne(statement, arguments: [build.rawValue]) != nil else {
            throw StoreError.unknownBuild(path: pathString, build: build)
        }
    }

    // MARK: - Upkeep

    public func statistics() throws(StoreError) -> StoreStatistics {
        try read { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return StoreStatistics(
                builds: try count("build"), buildModules: try count("build_module"), modules: try count("module"),
                moduleFunctions: try count("module_function"), functions: try count("function"),
                testBinaries: try count("test_binary"), tests: try count("test"), results: try count("test_result"),
                hitSymbols: try count("hit_symbol"))
        }
    }

    /// `PRAGMA quick_check` (every page read), or with `thorough` the slower
    /// `PRAGMA integrity_check` (indexes matched against their tables too);
    /// throws `.corrupt` on damage.
    public func check(thorough: Bool = false) throws(StoreError) {
        let pragma = thorough ? "PRAGMA integrity_check" : "PRAGMA quick_check"
        let problems = try read { db in try String.fetchAll(db, sql: pragma) }
        guard problems == ["ok"] else {
            throw .corrupt(path: pathString, detail: "malformed: " + problems.prefix(3).joined(separator: "; "))
        }
    }
}

/// A process-local cache of `hit_symbol` ids. Valid only for the generation it
/// was filled in: garbage collection (by any process) bumps
/// `store_state.hit_symbol_generation`, and ids are only merged in after
/// their transaction committed.
final class SymbolCache: @unchecked Sendable {
    struct Key: Hashable {
        var module: String
        var symbol: String

        // A result names a few modules (long paths, alike but for their
        // crate hashes) and hundreds of symbols: the symbol tells keys apart,
        // so it is hashed and compared first, and of the module only its length.
        static func == (a: Key, b: Key) -> Bool { a.symbol == b.symbol && a.module == b.module }

        func hash(into hasher: inout Hasher) {
            hasher.combine(symbol)
            hasher.combine(module.utf8.count)
        }
    }

    private let lock = NSLock()
    private var generation: Int64 = -1
    private var ids: [Key: Int64] = [:]

    func snapshot(generation current: Int64) -> [Key: Int64] {
        lock.lock()
        defer { lock.unlock() }
        if generation != current {
            generation = current
            ids = [:]
        }
        return ids
    }

    /// Every id one transaction read (the whole table), valid for its
    /// generation: replaces an older generation's ids, never a later one's.
    func prefill(_ known: [Key: Int64], generation filledIn: Int64) {
        lock.lock()
        defer { lock.unlock() }
        if filledIn > generation {
            generation = filledIn
            ids = known
        } else if filledIn == generation {
            ids.merge(known) { current, _ in current }
        }
    }

    /// A collection this process committed deleted `deleted` and moved the
    /// generation on from `before`: the rest of the ids held for `before`
    /// stay true. (Held for another generation, they are dropped as usual.)
    func collected(_ deleted: Set<Int64>, inGeneration before: Int64) {
        lock.lock()
        defer { lock.unlock() }
        guard generation == before else { return }
        ids = ids.filter { !deleted.contains($0.value) }
        generation = before + 1
    }

    func merge(_ learned: [Key: Int64], generation learnedIn: Int64) {
        guard !learned.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        guard generation == learnedIn else { return }
        ids.merge(learned) { _, new in new }
    }
}
