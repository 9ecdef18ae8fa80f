import BlockIR
import Foundation
import Store
import Testing
import TrimModel

/// Migration v5 (`module_function` without its index and its key to
/// `function`): a database written before it reads back the same modules,
/// and garbage collection still keeps exactly the functions a module names.
@Suite struct ModuleFunctionMigrationTests {
    /// The database turned back into what trim wrote before v5.
    static func asBeforeV5(_ database: URL) throws {
        let raw = try RawSQLite(path: database.path)
        try raw.execute("""
            CREATE TABLE module_function_v4 (
                module_id INTEGER NOT NULL REFERENCES module(id) ON DELETE CASCADE,
                ordinal INTEGER NOT NULL,
                function_id INTEGER NOT NULL REFERENCES function(id),
                PRIMARY KEY (module_id, ordinal)
            ) WITHOUT ROWID;
            INSERT INTO module_function_v4 SELECT module_id, ordinal, function_id FROM module_function;
            DROP TABLE module_function;
            ALTER TABLE module_function_v4 RENAME TO module_function;
            CREATE INDEX module_function_function ON module_function(function_id);
            DELETE FROM grdb_migrations WHERE identifier = 'v5-module-functions-unindexed';
            """)
        raw.closeConnection()
    }

    @Test func aDatabaseFromBeforeV5ReadsBackTheSameModules() throws {
        let scratch = try Scratch()
        let first = [ModuleRecord(path: "m.bc", contentHash: "1", fingerprint: Synthetic.module(name: "m", functions: 30))]
        let second = [ModuleRecord(path: "m.bc", contentHash: "2",
                                   fingerprint: Synthetic.module(name: "m", functions: 30, variant: 1))]
        var ids: [BuildID] = []
        do {
            let store = try scratch.open()
            ids.append(try store.recordBuild(facts(1), modules: first))
            ids.append(try store.recordBuild(facts(2), modules: second))
        }
        try Self.asBeforeV5(scratch.database)
        #expect(try RawSQLite(path: scratch.database.path).integers("""
            SELECT COUNT(*) FROM sqlite_master WHERE name = 'module_function_function'
            """) == [[1]])

        let store = try scratch.open()
        #expect(try store.modules(of: ids[0]) == first)
        #expect(try store.modules(of: ids[1]) == second)
        #expect(try RawSQLite(path: scratch.database.path).integers("""
            SELECT COUNT(*) FROM sqlite_master WHERE name = 'module_function_function'
            """) == [[0]], "the index is gone")
        try store.check(thorough: true)

        // The first build collected: its functions go, the second's stay.
        let report = try store.collectGarbage(isHolderAlive: { _ in true })
        #expect(report.builds == 1 && report.functions > 0)
        #expect(try store.modules(of: ids[1]) == second)
        #expect(try RawSQLite(path: scratch.database.path).integers("""
            SELECT COUNT(*) FROM module_function WHERE function_id NOT IN (SELECT id FROM function)
            """) == [[0]])
        #expect(try store.statistics().functions == Set(second[0].fingerprint.functions).count)
    }
}
