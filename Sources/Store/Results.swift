import Foundation
import GRDB
import TrimModel

extension TrimStore {
    // MARK: - Binaries and tests

    /// Records (or replaces, by id) test binaries `build` produced.
    public func recordBinaries(_ binaries: [TestBinaryRecord], build: BuildID) throws(StoreError) {
        try write { db in
            try requireBuild(build, db)
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO test_binary(build_id, id, package, kind, executable) VALUES (?, ?, ?, ?, ?)
                """)
            for binary in binaries {
                try insert.execute(arguments: [build.rawValue, binary.id, binary.package, binary.kind, binary.executable])
            }
        }
    }

    /// The test binaries recorded for `build`, by id.
    public func binaries(of build: BuildID) throws(StoreError) -> [TestBinaryRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, package, kind, executable FROM test_binary WHERE build_id = ? ORDER BY id
                """, arguments: [build.rawValue])
                .map { row in
                    TestBinaryRecord(id: try row.decode(atIndex: 0), package: try row.decode(atIndex: 1),
                                     kind: try row.decode(atIndex: 2), executable: try row.decode(atIndex: 3))
                }
        }
    }

    /// Replaces the list of tests in `binary` with `names`: tests no longer
    /// listed are forgotten with their results.
    public func recordTests(_ names: [String], inBinary binary: String) throws(StoreError) {
        try write { db in
            let wanted = Set(names)
            let existing = try Row.fetchAll(db, sql: "SELECT id, name FROM test WHERE binary = ?", arguments: [binary])
            var present = Set<String>()
            for row in existing {
                let name: String = try row.decode(atIndex: 1)
                if wanted.contains(name) {
                    present.insert(name)
                } else {
                    try db.execute(sql: "DELETE FROM test WHERE id = ?", arguments: [try row.decode(Int64.self, atIndex: 0)])
                }
            }
            let insert = try db.cachedStatement(sql: "INSERT INTO test(binary, name) VALUES (?, ?)")
            for name in names where !present.contains(name) {
                present.insert(name)
                try insert.execute(arguments: [binary, name])
            }
        }
    }

    /// The tests known in `binary` (listed or with a result), by name.
    public func tests(inBinary binary: String) throws(StoreError) -> [TestKey] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT name FROM test WHERE binary = ? ORDER BY name", arguments: [binary])
                .map { TestKey(binary: binary, name: $0) }
        }
    }

    // MARK: - Results

    /// Records one result in its own transaction, replacing the test's
    /// previous result and hits, and its recorded inputs with `inputs`.
    public func recordResult(_ result: TestResultRecord, inputs: TestInputs?) throws(StoreError) {
        try recordResults([result], inputs: inputs.map { [result.key: $0] } ?? [:])
    }

    /// Records results in one transaction (all or none), each replacing its
    /// test's previous result and hits, and its recorded inputs with
    /// `inputs[key]` (none when absent).
    public func recordResults(_ batch: [TestResultRecord], inputs: [TestKey: TestInputs]) throws(StoreError) {
        guard !batch.isEmpty else { return }
        let outputs = batch.map { $0.output.map(Self.capOutput) }
        let (generation, learned) = try write { db -> (Int64, [SymbolCache.Key: Int64]) in
            let generation = try Self.symbolGeneration(db)
            let cached = symbolCache.snapshot(generation: generation)
            var learned: [SymbolCache.Key: Int64] = [:]
            var checkedBuilds = Set<BuildID>()
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO test_result(test_id, build_id, outcome, duration, coverage, hits, output, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(test_id) DO UPDATE SET
                    build_id = excluded.build_id, outcome = excluded.outcome, duration = excluded.duration,
                    coverage = excluded.coverage, hits = excluded.hits, output = excluded.output,
                    recorded_at = excluded.recorded_at
                """)
            for (index, record) in batch.enumerated() {
                if checkedBuilds.insert(record.build).inserted { try requireBuild(record.build, db) }
                let testID = try Self.testID(record.key, db)
                var hits: [(symbol: Int64, blocks: [UInt32])] = []
                hits.reserveCapacity(record.hits.count)
                for hit in record.hits {
                    let key = SymbolCache.Key(module: hit.module, symbol: hit.symbol)
                    let id: Int64
                    if let known = cached[key] ?? learned[key] {
                        id = known
                    } else {
                        id = try Self.symbolID(key, db)
                        learned[key] = id
                    }
                    hits.append((id, hit.blocks))
                }
                try upsert.execute(arguments: [
                    testID, record.build.rawValue, record.outcome.rawValue, record.duration, record.coverage.rawValue,
                    Data(HitsCodec.encode(hits)), outputs[index], record.recordedAt.timeIntervalSinceReferenceDate,
                ])
                try Self.replaceInputs(inputs[record.key], testID: testID, db)
            }
            return (generation, learned)
        }
        symbolCache.merge(learned, generation: generation)
    }

    /// Every test's last result, with its hits.
    public func lastResults() throws(StoreError) -> [TestKey: TestResultRecord] {
        try read { db in
            let symbols = try Self.symbolTable(db)
            // The same ids, by name, for the results this process records next:
            // each would otherwise be looked up in the table (most of recording one).
            symbolCache.prefill(symbols.byName(), generation: try Self.symbolGeneration(db))
            var results: [TestKey: TestResultRecord] = [:]
            results.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM test_result") ?? 0)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT t.binary, t.name, r.build_id, r.outcome, r.duration, r.coverage, r.hits, r.output, r.recorded_at
                FROM test_result r JOIN test t ON t.id = r.test_id
                """)
            while let row = try rows.next() {
                let record = try result(from: row, symbols: symbols)
                results[record.key] = record
            }
            return results
        }
    }

    /// One test's last result, with its hits.
    public func lastResult(for key: TestKey) throws(StoreError) -> TestResultRecord? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT t.binary, t.name, r.build_id, r.outcome, r.duration, r.coverage, r.hits, r.output, r.recorded_at
                FROM test_result r JOIN test t ON t.id = r.test_id WHERE t.binary = ? AND t.name = ?
                """, arguments: [key.binary, key.name]) else { return nil }
            return try result(from: row, symbols: Self.symbolTable(db))
        }
    }

    // MARK: - Internals

    /// `hit_symbol` by id. Ids are dense (GC leaves holes): an array indexed
    /// by id when that is not much larger than the table, else a dictionary.
    struct SymbolTable {
        typealias Name = (module: String, symbol: String)
        private var dense: [Name?] = []
        private var sparse: [Int64: Name] = [:]

        init(_ db: Database) throws {
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hit_symbol") ?? 0
            let maxID = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM hit_symbol") ?? 0
            let useDense = maxID >= 0 && maxID <= Int64(count) * 4 + 4096
            if useDense { dense = Array(repeating: nil, count: Int(maxID) + 1) } else { sparse.reserveCapacity(count) }
            let rows = try Row.fetchCursor(db, sql: "SELECT id, module, symbol FROM hit_symbol")
            while let row = try rows.next() {
                let id: Int64 = try row.decode(atIndex: 0)
                let name: Name = (try row.decode(atIndex: 1), try row.decode(atIndex: 2))
                if useDense { dense[Int(id)] = name } else { sparse[id] = name }
            }
        }

        subscript(id: Int64) -> Name? {
            if !dense.isEmpty { return id >= 0 && id < Int64(dense.count) ? dense[Int(id)] : nil }
            return sparse[id]
        }

        /// Every symbol's id, by its name.
        func byName() -> [SymbolCache.Key: Int64] {
            var ids: [SymbolCache.Key: Int64] = [:]
            ids.reserveCapacity(dense.isEmpty ? sparse.count : dense.count)
            for (id, name) in dense.enumerated() {
                if let name { ids[SymbolCache.Key(module: name.module, symbol: name.symbol)] = Int64(id) }
            }
            for (id, name) in sparse { ids[SymbolCache.Key(module: name.module, symbol: name.symbol)] = id }
            return ids
        }
    }

    static func symbolTable(_ db: Database) throws -> SymbolTable { try SymbolTable(db) }

    /// Bumped by every garbage collection that deletes symbols (`SymbolCache`).
    static func symbolGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM store_state WHERE key = 'hit_symbol_generation'")) ?? 0
    }

    func result(from row: Row, symbols: SymbolTable) throws -> TestResultRecord {
        let key = TestKey(binary: try row.decode(atIndex: 0), name: try row.decode(atIndex: 1))
        let outcomeText: String = try row.decode(atIndex: 3)
        let coverageText: String = try row.decode(atIndex: 5)
        guard let outcome = Outcome(rawValue: outcomeText), let coverage = CoverageState(rawValue: coverageText) else {
            throw StoreError.corrupt(path: pathString,
                                     detail: "result of \(key): unknown outcome \(outcomeText) or coverage \(coverageText)")
        }
        var hits: [HitFunction] = []
        try row.withBlob(at: 6, "hits of \(key)") { raw in
            try HitsCodec.decode(raw) { id, blocks throws(BlobError) in
                guard let name = symbols[id] else {
                    throw BlobError(description: "hits of \(key) name unknown symbol \(id)")
                }
                hits.append(HitFunction(module: name.module, symbol: name.symbol, blocks: blocks))
            }
        }
        return TestResultRecord(key: key, build: BuildID(try row.decode(Int64.self, atIndex: 2)), outcome: outcome,
                                duration: try row.decode(atIndex: 4), coverage: coverage, hits: hits,
                                output: try row.decode(atIndex: 7),
                                recordedAt: Date(timeIntervalSinceReferenceDate: try row.decode(atIndex: 8)))
    }

    static func testID(_ key: TestKey, _ db: Database) throws -> Int64 {
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM test WHERE binary = ? AND name = ?"),
                                       arguments: [key.binary, key.name]) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO test(binary, name) VALUES (?, ?)")
            .execute(arguments: [key.binary, key.name])
        return db.lastInsertedRowID
    }

    static func symbolID(_ key: SymbolCache.Key, _ db: Database) throws -> Int64 {
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM hit_symbol WHERE module = ? AND symbol = ?"),
            arguments: [key.module, key.symbol]) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO hit_symbol(module, symbol) VALUES (?, ?)")
            .execute(arguments: [key.module, key.symbol])
        return db.lastInsertedRowID
    }

    /// Output over `outputLimit` UTF-8 bytes keeps its first quarter and its
    /// end (where panics and assertion messages are), cut at character
    /// boundaries, with a line saying how much was left out.
    static func capOutput(_ output: String) -> String {
        let utf8 = Array(output.utf8)
        guard utf8.count > outputLimit else { return output }
        func isContinuation(_ i: Int) -> Bool { i < utf8.count && utf8[i] & 0xC0 == 0x80 }
        var headEnd = outputLimit / 4
        while headEnd > 0 && isContinuation(headEnd) { headEnd -= 1 }
        var tailStart = utf8.count - (outputLimit - outputLimit / 4 - 128)
        while isContinuation(tailStart) { tailStart += 1 }
        let omitted = tailStart - headEnd
        return String(decoding: utf8[..<headEnd], as: UTF8.self)
            + "\n[… trim left out \(omitted) bytes of output …]\n"
            + String(decoding: utf8[tailStart...], as: UTF8.self)
    }
}
