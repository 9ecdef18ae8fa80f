import Foundation
import NIOCore
import PostgresNIO
import Store
import TrimModel

extension PostgresStore {
    // MARK: - Binaries and tests

    public func recordBinaries(_ binaries: [TestBinaryRecord], build: BuildID) throws(StoreError) {
        let location = self.location
        try write { statements in
            try Self.holdBuilds(statements)
            try Self.requireBuild(build, statements, location: location)
            guard !binaries.isEmpty else { return }
            try statements.query("""
                INSERT INTO trim.test_binary(build_id, id, package, kind, executable)
                SELECT \(build.rawValue), i, p, k, e
                FROM unnest(\(binaries.map(\.id)), \(binaries.map(\.package)), \(binaries.map(\.kind)),
                            \(binaries.map(\.executable))) AS u(i, p, k, e)
                ON CONFLICT (build_id, id) DO UPDATE
                    SET package = EXCLUDED.package, kind = EXCLUDED.kind, executable = EXCLUDED.executable
                """)
        }
    }

    public func binaries(of build: BuildID) throws(StoreError) -> [TestBinaryRecord] {
        try read { statements in
            try statements.query("""
                SELECT id, package, kind, executable FROM trim.test_binary WHERE build_id = \(build.rawValue) ORDER BY id
                """).map { row in
                TestBinaryRecord(id: try row.cell(0).decode(String.self), package: try row.cell(1).decode(String.self),
                                 kind: try row.cell(2).decode(String.self), executable: try row.cell(3).decode(String.self))
            }
        }
    }

    public func recordTests(_ names: [String], inBinary binary: String) throws(StoreError) {
        let unique = Array(Set(names))
        try write { statements in
            try statements.query("""
                DELETE FROM trim.test WHERE binary_id = \(binary) AND NOT (name = ANY(\(unique)))
                """)
            guard !unique.isEmpty else { return }
            try statements.query("""
                INSERT INTO trim.test(binary_id, name) SELECT \(binary), n FROM unnest(\(unique)) AS u(n)
                ON CONFLICT (binary_id, name) DO NOTHING
                """)
        }
    }

    public func tests(inBinary binary: String) throws(StoreError) -> [TestKey] {
        try read { statements in
            try statements.query("SELECT name FROM trim.test WHERE binary_id = \(binary) ORDER BY name COLLATE \"C\"")
                .map { TestKey(binary: binary, name: try $0.cell(0).decode(String.self)) }
        }
    }

    // MARK: - Results

    public func recordResult(_ result: TestResultRecord, inputs: TestInputs?) throws(StoreError) {
        try recordResults([result], inputs: inputs.map { [result.key: $0] } ?? [:])
    }

    /// Each result is one statement (test row, result and inputs together,
    /// under the shared builds lock): a single result is its own transaction
    /// in one round trip; a batch is one transaction.
    public func recordResults(_ batch: [TestResultRecord], inputs: [TestKey: TestInputs]) throws(StoreError) {
        guard !batch.isEmpty else { return }
        let location = self.location
        let prepared = try batch.map { record throws(StoreError) in
            (record, ByteBuffer(bytes: PortableCodecs.encodeHits(record.hits)),
             record.output.map(PortableCodecs.capOutput), try Self.encodeInputs(inputs[record.key], location: location))
        }
        func send(_ statements: PostgresSession.Statements) throws {
            for (record, hits, output, inputsJSON) in prepared {
                do {
                    try statements.query(Self.upsert(record, hits: hits, output: output, inputs: inputsJSON))
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
                    throw StoreError.unknownBuild(path: location, build: record.build)  // foreign key: no such build
                }
            }
        }
        if prepared.count == 1 {
            try writeStatement(send)
        } else {
            try write(send)
        }
    }

    /// The test's row (created when new), its result and its inputs, in one
    /// statement that first takes the builds lock shared (`l`: every other
    /// part reads from it, so it runs first).
    static func upsert(_ record: TestResultRecord, hits: ByteBuffer, output: String?, inputs: String?) -> PostgresQuery {
        """
        WITH l AS MATERIALIZED (
            SELECT pg_advisory_xact_lock_shared(\(PostgresSchema.buildsLock)) AS locked
        ), t AS (
            INSERT INTO trim.test(binary_id, name) SELECT \(record.key.binary), \(record.key.name) FROM l
            ON CONFLICT (binary_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id
        ), r AS (
            INSERT INTO trim.test_result(test_id, build_id, outcome, duration, coverage, hits, output, recorded_at)
            SELECT id, \(record.build.rawValue), \(record.outcome.rawValue), \(record.duration),
                   \(record.coverage.rawValue), \(hits), \(output), \(record.recordedAt.timeIntervalSinceReferenceDate)
            FROM t
            ON CONFLICT (test_id) DO UPDATE SET
                build_id = EXCLUDED.build_id, outcome = EXCLUDED.outcome, duration = EXCLUDED.duration,
                coverage = EXCLUDED.coverage, hits = EXCLUDED.hits, output = EXCLUDED.output,
                recorded_at = EXCLUDED.recorded_at
            RETURNING test_id
        ), gone AS (
            DELETE FROM trim.test_inputs WHERE test_id IN (SELECT test_id FROM r) AND \(inputs)::text IS NULL
        )
        INSERT INTO trim.test_inputs(test_id, inputs) SELECT test_id, \(inputs) FROM r WHERE \(inputs)::text IS NOT NULL
        ON CONFLICT (test_id) DO UPDATE SET inputs = EXCLUDED.inputs
        """
    }

    public func lastResults() throws(StoreError) -> [TestKey: TestResultRecord] {
        let location = self.location
        return try read { statements in
            var results: [TestKey: TestResultRecord] = [:]
            for row in try statements.query("""
                SELECT t.binary_id, t.name, r.build_id, r.outcome, r.duration, r.coverage, r.hits, r.output, r.recorded_at
                FROM trim.test_result r JOIN trim.test t ON t.id = r.test_id
                """) {
                let record = try Self.result(row, location: location)
                results[record.key] = record
            }
            return results
        }
    }

    public func lastResult(for key: TestKey) throws(StoreError) -> TestResultRecord? {
        let location = self.location
        return try read { statements in
            try statements.query("""
                SELECT t.binary_id, t.name, r.build_id, r.outcome, r.duration, r.coverage, r.hits, r.output, r.recorded_at
                FROM trim.test_result r JOIN trim.test t ON t.id = r.test_id
                WHERE t.binary_id = \(key.binary) AND t.name = \(key.name)
                """).first.map { try Self.result($0, location: location) }
        }
    }

    static func result(_ row: PostgresRow, location: String) throws -> TestResultRecord {
        let key = TestKey(binary: try row.cell(0).decode(String.self), name: try row.cell(1).decode(String.self))
        let outcomeText = try row.cell(3).decode(String.self)
        let coverageText = try row.cell(5).decode(String.self)
        guard let outcome = Outcome(rawValue: outcomeText), let coverage = CoverageState(rawValue: coverageText) else {
            throw StoreError.corrupt(path: location,
                                     detail: "result of \(key): unknown outcome \(outcomeText) or coverage \(coverageText)")
        }
        let blob = try row.cell(6).decode(ByteBuffer.self)
        let hits: [HitFunction]
        do {
            hits = try blob.withUnsafeReadableBytes { raw in try PortableCodecs.decodeHits(raw) }
        } catch {
            throw StoreError.corrupt(path: location, detail: "hits of \(key): \(error)")
        }
        return TestResultRecord(key: key, build: BuildID(try row.cell(2).decode(Int64.self)), outcome: outcome,
                                duration: try row.cell(4).decode(Double.self), coverage: coverage, hits: hits,
                                output: try row.cell(7).decode(String?.self),
                                recordedAt: Date(timeIntervalSinceReferenceDate: try row.cell(8).decode(Double.self)))
    }

    // MARK: - Inputs

    public func recordInputs(_ inputs: TestInputs?, for key: TestKey) throws(StoreError) {
        let json = try Self.encodeInputs(inputs, location: location)
        try write { statements in
            let rows = try statements.query("""
                INSERT INTO trim.test(binary_id, name) VALUES (\(key.binary), \(key.name))
                ON CONFLICT (binary_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id
                """)
            let id = try rows[0].cell(0).decode(Int64.self)
            if let json {
                try statements.query("""
                    INSERT INTO trim.test_inputs(test_id, inputs) VALUES (\(id), \(json))
                    ON CONFLICT (test_id) DO UPDATE SET inputs = EXCLUDED.inputs
                    """)
            } else {
                try statements.query("DELETE FROM trim.test_inputs WHERE test_id = \(id)")
            }
        }
    }

    public func lastInputs() throws(StoreError) -> [TestKey: TestInputs] {
        let location = self.location
        return try read { statements in
            var all: [TestKey: TestInputs] = [:]
            for row in try statements.query("""
                SELECT t.binary_id, t.name, i.inputs FROM trim.test_inputs i JOIN trim.test t ON t.id = i.test_id
                """) {
                let key = TestKey(binary: try row.cell(0).decode(String.self), name: try row.cell(1).decode(String.self))
                all[key] = try Self.decodeInputs(try row.cell(2).decode(String.self), key: key, location: location)
            }
            return all
        }
    }

    public func inputs(for key: TestKey) throws(StoreError) -> TestInputs? {
        let location = self.location
        return try read { statements in
            try statements.query("""
                SELECT i.inputs FROM trim.test_inputs i JOIN trim.test t ON t.id = i.test_id
                WHERE t.binary_id = \(key.binary) AND t.name = \(key.name)
                """).first.map { try Self.decodeInputs(try $0.cell(0).decode(String.self), key: key, location: location) }
        }
    }

    static func encodeInputs(_ inputs: TestInputs?, location: String) throws(StoreError) -> String? {
        guard let inputs else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(inputs), as: UTF8.self)
        } catch {
            throw StoreError.invalid(path: location, detail: "cannot encode inputs: \(error)")
        }
    }

    static func decodeInputs(_ text: String, key: TestKey, location: String) throws -> TestInputs {
        do {
            var inputs = try JSONDecoder().decode(TestInputs.self, from: Data(text.utf8))
            inputs.network.sort()
            return inputs
        } catch {
            throw StoreError.corrupt(path: location, detail: "inputs of \(key): \(error)")
        }
    }
}
