import GRDB
import TrimModel

/// The schema, as GRDB migrations. Never edit a shipped migration: add one.
/// A database that records a migration not listed here was written by a newer
/// trim and is refused (`StoreError.newerSchema`). ARCHITECTURE.md (Store schema) documents the
/// result; keep the two in step.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-source-files") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-test-inputs") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-build-holds") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5-module-functions-unindexed") { db in
            try db.execute(sql: v5)
        }
        return migrator
    }

    static var knownMigrations: [String] { migrator.migrations }

    /// Content hashes of the source files a build's blocks point at, for
    /// `--granularity file`.
    static let v2 = """
        CREATE TABLE build_source_file (
            build_id INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            PRIMARY KEY (build_id, path)
        ) WITHOUT ROWID;
        """

    /// The inputs (files, variables, addresses) each test's last result
    /// read, written with the result (Inputs.swift).
    static let v3 = """
        CREATE TABLE test_inputs (
            test_id INTEGER PRIMARY KEY REFERENCES test(id) ON DELETE CASCADE,
            method TEXT NOT NULL,            -- preload, strace, none
            problems TEXT NOT NULL,          -- JSON array of strings: what was not observed; [] = complete
            watch_patterns TEXT NOT NULL     -- JSON array of the when-files-change globs `watched` rows were taken with
        );

        CREATE TABLE test_input (
            test_id INTEGER NOT NULL REFERENCES test_inputs(test_id) ON DELETE CASCADE,
            kind TEXT NOT NULL,              -- file, env, network, watched
            name TEXT NOT NULL,              -- workspace-relative path (a listing ends in /), variable, address
            value TEXT NOT NULL,             -- content or value hash, 'missing', 'unset', 'directory'; '' for network
            PRIMARY KEY (test_id, kind, name)
        ) WITHOUT ROWID;
        """

    /// The builds live runs are using: garbage collection keeps them even
    /// before their first result lands (GarbageCollection.swift).
    static let v4 = """
        CREATE TABLE build_hold (
            build_id INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
            holder TEXT NOT NULL,            -- the holding process, as ProcessIdentity writes it
            PRIMARY KEY (build_id, holder)
        ) WITHOUT ROWID;
        """

    /// A module's functions without an index on `function_id` and without
    /// a foreign key to `function`: recording a changed crate of 9,000
    /// functions wrote 9,000 index entries and checked 9,000 keys while the
    /// run's last results waited for it. Only garbage collection asked by
    /// `function_id` (one `NOT IN` over the table, rare), and a row naming a
    /// function that is gone is refused when its module is read (the
    /// module's `function_count` no longer matches).
    static let v5 = """
        CREATE TABLE module_function_v5 (
            module_id INTEGER NOT NULL REFERENCES module(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            function_id INTEGER NOT NULL,
            PRIMARY KEY (module_id, ordinal)
        ) WITHOUT ROWID;
        INSERT INTO module_function_v5 (module_id, ordinal, function_id)
            SELECT module_id, ordinal, function_id FROM module_function;
        DROP TABLE module_function;
        ALTER TABLE module_function_v5 RENAME TO module_function;
        """

    static let v1 = """
        CREATE TABLE build (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            toolchain TEXT NOT NULL,
            rustflags TEXT NOT NULL,
            profile TEXT NOT NULL,
            features TEXT NOT NULL,          -- JSON array of strings
            git_commit TEXT,
            git_dirty INTEGER,               -- 0/1, NULL outside a repository
            created_at REAL NOT NULL         -- seconds since 2001-01-01Z (Foundation reference date)
        );

        CREATE TABLE function (
            id INTEGER PRIMARY KEY,
            digest INTEGER NOT NULL,         -- 64-bit hash of body; identity is the body bytes
            symbol TEXT NOT NULL,
            body BLOB NOT NULL               -- StoredFunctionCodec
        );
        CREATE INDEX function_digest ON function(digest);

        CREATE TABLE module (
            id INTEGER PRIMARY KEY,
            digest INTEGER NOT NULL,         -- hash of header + function ids
            source_filename TEXT NOT NULL,
            function_count INTEGER NOT NULL,
            header BLOB NOT NULL             -- ModuleHeaderCodec: source filename, files, globals
        );
        CREATE INDEX module_digest ON module(digest);

        CREATE TABLE module_function (
            module_id INTEGER NOT NULL REFERENCES module(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            function_id INTEGER NOT NULL REFERENCES function(id),
            PRIMARY KEY (module_id, ordinal)
        ) WITHOUT ROWID;
        CREATE INDEX module_function_function ON module_function(function_id);

        CREATE TABLE build_module (
            build_id INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            module_id INTEGER NOT NULL REFERENCES module(id),
            PRIMARY KEY (build_id, ordinal),
            UNIQUE (build_id, path)
        ) WITHOUT ROWID;
        CREATE INDEX build_module_module ON build_module(module_id);

        CREATE TABLE test_binary (
            build_id INTEGER NOT NULL REFERENCES build(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            package TEXT NOT NULL,
            kind TEXT NOT NULL,
            executable TEXT NOT NULL,
            PRIMARY KEY (build_id, id)
        ) WITHOUT ROWID;

        CREATE TABLE test (
            id INTEGER PRIMARY KEY,
            binary TEXT NOT NULL,
            name TEXT NOT NULL,
            UNIQUE (binary, name)
        );

        CREATE TABLE hit_symbol (
            id INTEGER PRIMARY KEY,
            module TEXT NOT NULL,
            symbol TEXT NOT NULL,
            UNIQUE (module, symbol)
        );

        CREATE TABLE test_result (
            test_id INTEGER PRIMARY KEY REFERENCES test(id) ON DELETE CASCADE,
            build_id INTEGER NOT NULL REFERENCES build(id),
            outcome TEXT NOT NULL,           -- Outcome raw value
            duration REAL NOT NULL,          -- seconds
            coverage TEXT NOT NULL,          -- CoverageState raw value
            hits BLOB NOT NULL,              -- HitsCodec over hit_symbol ids
            output TEXT,                     -- capped at TrimStore.outputLimit bytes
            recorded_at REAL NOT NULL        -- seconds since 2001-01-01Z (Foundation reference date)
        );
        CREATE INDEX test_result_build ON test_result(build_id);

        CREATE TABLE store_state (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO store_state(key, value) VALUES ('hit_symbol_generation', 0);
        """
}
