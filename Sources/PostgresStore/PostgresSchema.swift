import PostgresNIO
import Store

/// The PostgreSQL schema, as numbered migrations applied in one transaction
/// under an advisory lock (two trims opening a new database at once apply
/// each migration once). Never edit a shipped migration: add one. A database
/// that lists a migration not known here was migrated by a newer trim and is
/// refused. Everything lives in the schema `trim`, apart from other tables.
enum PostgresSchema {
    static let migrations: [(name: String, sql: String)] = [("v1-initial", v1)]

    static var knownMigrations: [String] { migrations.map(\.name) }

    /// Advisory lock keys (`pg_advisory_xact_lock`): migrations; garbage
    /// collection (exclusive) against writes that refer to builds (shared).
    static let migrationLock: Int64 = 0x7472_696d_0001
    static let buildsLock: Int64 = 0x7472_696d_0002

    static let v1 = """
        CREATE TABLE trim.build (
            id BIGSERIAL PRIMARY KEY,
            toolchain TEXT NOT NULL,
            rustflags TEXT NOT NULL,
            profile TEXT NOT NULL,
            features TEXT NOT NULL,              -- JSON array of strings
            git_commit TEXT,
            git_dirty BOOLEAN,
            created_at DOUBLE PRECISION NOT NULL -- seconds since 2001-01-01Z
        );
        CREATE TABLE trim.module (
            id BIGSERIAL PRIMARY KEY,
            digest BIGINT NOT NULL,              -- index key of body; identity is the body bytes
            body BYTEA NOT NULL                  -- PortableCodecs.encodeModule
        );
        CREATE UNIQUE INDEX module_identity ON trim.module (digest, md5(body));
        CREATE TABLE trim.build_module (
            build_id BIGINT NOT NULL REFERENCES trim.build(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            module_id BIGINT NOT NULL REFERENCES trim.module(id),
            PRIMARY KEY (build_id, ordinal),
            UNIQUE (build_id, path)
        );
        CREATE INDEX build_module_module ON trim.build_module (module_id);
        CREATE TABLE trim.build_source_file (
            build_id BIGINT NOT NULL REFERENCES trim.build(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            PRIMARY KEY (build_id, path)
        );
        CREATE TABLE trim.build_hold (
            build_id BIGINT NOT NULL REFERENCES trim.build(id) ON DELETE CASCADE,
            holder TEXT NOT NULL,
            PRIMARY KEY (build_id, holder)
        );
        CREATE TABLE trim.test_binary (
            build_id BIGINT NOT NULL REFERENCES trim.build(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            package TEXT NOT NULL,
            kind TEXT NOT NULL,
            executable TEXT NOT NULL,
            PRIMARY KEY (build_id, id)
        );
        CREATE TABLE trim.test (
            id BIGSERIAL PRIMARY KEY,
            binary_id TEXT NOT NULL,
            name TEXT NOT NULL,
            UNIQUE (binary_id, name)
        );
        CREATE TABLE trim.test_result (
            test_id BIGINT PRIMARY KEY REFERENCES trim.test(id) ON DELETE CASCADE,
            build_id BIGINT NOT NULL REFERENCES trim.build(id),
            outcome TEXT NOT NULL,
            duration DOUBLE PRECISION NOT NULL,
            coverage TEXT NOT NULL,
            hits BYTEA NOT NULL,                 -- PortableCodecs.encodeHits
            output TEXT,
            recorded_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX test_result_build ON trim.test_result (build_id);
        CREATE TABLE trim.test_inputs (
            test_id BIGINT PRIMARY KEY REFERENCES trim.test(id) ON DELETE CASCADE,
            inputs TEXT NOT NULL                 -- TestInputs as JSON
        );
        """

    /// Applies what is missing (unless `readOnly`) and refuses a newer schema.
    static func migrate(_ statements: PostgresSession.Statements, location: String, readOnly: Bool) throws {
        try statements.transaction {
            try statements.query("SELECT pg_advisory_xact_lock(\(migrationLock))")
            let exists = try statements.query("SELECT to_regclass('trim.migration') IS NOT NULL")
            let present = try exists.first?.cell(0).decode(Bool.self) ?? false
            if !present {
                if readOnly {
                    throw StoreError.server(path: location, detail: "holds no trim records yet (no schema 'trim'); "
                        + "a run without --db-read-only creates it")
                }
                try statements.script("""
                    CREATE SCHEMA IF NOT EXISTS trim;
                    CREATE TABLE trim.migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
                    """)
            }
            var applied: [String] = []
            for row in try statements.query("SELECT name FROM trim.migration ORDER BY name") {
                applied.append(try row.cell(0).decode(String.self))
            }
            let unknown = applied.filter { !knownMigrations.contains($0) }
            if !unknown.isEmpty {
                throw StoreError.newerSchema(path: location, found: unknown.joined(separator: ", "),
                                             supported: knownMigrations.last ?? "none")
            }
            let missing = migrations.filter { !applied.contains($0.name) }
            if !missing.isEmpty && readOnly {
                throw StoreError.server(path: location, detail: "its trim schema is older than this trim's "
                    + "(missing \(missing.map(\.name).joined(separator: ", "))); a run without --db-read-only migrates it")
            }
            for migration in missing {
                try statements.script(migration.sql)
                try statements.query("INSERT INTO trim.migration(name) VALUES (\(migration.name))")
            }
        }
    }
}
