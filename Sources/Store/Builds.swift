import BlockIR
import Foundation
import GRDB
import TrimModel

extension TrimStore {
    /// Records a build and its modules' fingerprints in one transaction.
    /// Functions and modules are content-addressed: one byte-identical to a
    /// stored one is not stored again; the build only adds rows that map its
    /// modules (and a changed module's functions) to the stored ones.
    /// `sourceFiles`: source path (as debug info names it) → content hash.
    public func recordBuild(_ facts: BuildFacts, modules: [ModuleRecord], sourceFiles: [String: String],
                            heldBy holder: String?)
        throws(StoreError) -> BuildID
    {
        var paths = Set<String>()
        for module in modules where !paths.insert(module.path).inserted {
            throw .invalid(path: pathString, detail: "two modules with the path \(module.path) in one build")
        }
        // Encoding is pure CPU work: done before the write lock is taken.
        let known = storedModules.entries
        let prepared = modules.map { PreparedModule($0, known: known[$0.path]) }
        let features = Self.encodeFeatures(facts.features)
        var recorded: [(path: String, entry: StoredModules.Entry)] = []
        let id = try write { db in
            recorded = []
            try db.execute(sql: """
                INSERT INTO build(toolchain, rustflags, profile, features, git_commit, git_dirty, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [facts.toolchain, facts.rustflags, facts.profile, features, facts.gitCommit,
                                 facts.gitDirty, facts.createdAt.timeIntervalSinceReferenceDate])
            let buildID = db.lastInsertedRowID
            if let holder {
                // In the same transaction: no garbage collection can come between.
                try db.execute(sql: "INSERT INTO build_hold(build_id, holder) VALUES (?, ?)", arguments: [buildID, holder])
            }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO build_module(build_id, ordinal, path, content_hash, module_id) VALUES (?, ?, ?, ?, ?)
                """)
            for (ordinal, candidate) in prepared.enumerated() {
                var module = candidate
                if let source = module.source, try !Self.stillHeld(source, path: module.path, db) {
                    module = PreparedModule(module.record, known: nil)
                }
                var functionIDs: [Int64] = []
                functionIDs.reserveCapacity(module.functions.count)
                for function in module.functions {
                    functionIDs.append(try function.knownID ?? Self.intern(function, db))
                }
                let moduleID = try module.source.flatMap {
                    $0.isStored(module.record.fingerprint, functionIDs: functionIDs) ? $0.moduleID : nil
                } ?? Self.intern(module, functionIDs: functionIDs, db)
                try insert.execute(arguments: [buildID, ordinal, module.path, module.contentHash, moduleID])
                recorded.append((module.path, .init(build: buildID, moduleID: moduleID,
                                                    fingerprint: module.record.fingerprint, functionIDs: functionIDs)))
            }
            let file = try db.cachedStatement(sql: "INSERT INTO build_source_file(build_id, path, content_hash) VALUES (?, ?, ?)")
            for (path, hash) in sourceFiles { try file.execute(arguments: [buildID, path, hash]) }
            return BuildID(buildID)
        }
        // Only once committed: a rolled-back build's id and rows may be handed out again.
        for (path, entry) in recorded { storedModules.remember(entry, path: path) }
        return id
    }

    /// The source files recorded with `build`: path → content hash.
    public func sourceFiles(of build: BuildID) throws(StoreError) -> [String: String] {
        try read { db in
            var files: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, content_hash FROM build_source_file WHERE build_id = ?",
                                           arguments: [build.rawValue])
            while let row = try rows.next() {
                files[try row.decode(String.self, atIndex: 0)] = try row.decode(String.self, atIndex: 1)
            }
            return files
        }
    }

    /// The modules of `build` with their fingerprints, in the order recorded.
    public func modules(of build: BuildID) throws(StoreError) -> [ModuleRecord] {
        try read { db in
            try requireBuild(build, db)
            return try decodeModules(of: build, db)
        }
    }

    /// In one transaction: a stored module several builds hold (an edit
    /// undone, a crate the edit left alone, the same merge of other unit
    /// bytes) is decoded once and shared by all of them.
    public func modules(ofBuilds builds: [BuildID]) throws(StoreError) -> [BuildID: [ModuleRecord]] {
        try read { db in
            var decoded: [Int64: DecodedModule] = [:]
            var modules: [BuildID: [ModuleRecord]] = [:]
            for build in builds {
                try requireBuild(build, db)
                modules[build] = try decodeModules(of: build, db, decoded: &decoded)
            }
            return modules
        }
    }

    /// A stored module's fingerprint and its functions' ids, as decoded.
    private struct DecodedModule {
        var fingerprint: ModuleFingerprint
        var functionIDs: [Int64]
    }

    private func decodeModules(of build: BuildID, _ db: Database) throws -> [ModuleRecord] {
        var decoded: [Int64: DecodedModule] = [:]
        return try decodeModules(of: build, db, decoded: &decoded)
    }

    /// `decoded`: the modules decoded so far in this transaction, by id; those
    /// `build` holds are taken from it, the others decoded and added.
    private func decodeModules(of build: BuildID, _ db: Database, decoded: inout [Int64: DecodedModule]) throws
        -> [ModuleRecord]
    {
        var records: [ModuleRecord] = []
        let heads = try Row.fetchAll(db, sql: """
            SELECT bm.path, bm.content_hash, m.id, m.function_count, m.header
            FROM build_module bm JOIN module m ON m.id = bm.module_id
            WHERE bm.build_id = ? ORDER BY bm.ordinal
            """, arguments: [build.rawValue])
        for row in heads {
            let path: String = try row.decode(atIndex: 0)
            let moduleID: Int64 = try row.decode(atIndex: 2)
            let module: DecodedModule
            if let known = decoded[moduleID] {
                module = known
            } else {
                let header = try row.withBlob(at: 4, "module header") { try ModuleHeaderCodec.decode($0) }
                let count = try row.decode(Int.self, atIndex: 3)
                let (functions, ids) = try decodeFunctions(of: moduleID, files: header.files, count: count, db)
                guard functions.count == count else {
                    throw StoreError.corrupt(path: pathString, detail: "module \(path) of \(build) has "
                        + "\(functions.count) of its \(count) functions")
                }
                module = DecodedModule(
                    fingerprint: ModuleFingerprint(sourceFilename: header.sourceFilename, files: header.files,
                                                   functions: functions, globals: header.globals,
                                                   testDescriptors: header.testDescriptors),
                    functionIDs: ids)
                decoded[moduleID] = module
            }
            storedModules.remember(.init(build: build.rawValue, moduleID: moduleID, fingerprint: module.fingerprint,
                                         functionIDs: module.functionIDs),
                                   path: path)
            records.append(ModuleRecord(path: path, contentHash: try row.decode(atIndex: 1), fingerprint: module.fingerprint))
        }
        return records
    }

    /// A stored module's functions in order, with their ids.
    private func decodeFunctions(of moduleID: Int64, files: [String], count: Int, _ db: Database) throws
        -> (functions: [FunctionFingerprint], ids: [Int64])
    {
        var fileIndex: [String: UInt32] = [:]
        for (index, name) in files.enumerated() where fileIndex[name] == nil { fileIndex[name] = UInt32(index) }
        var functions: [FunctionFingerprint] = []
        var ids: [Int64] = []
        functions.reserveCapacity(count)
        ids.reserveCapacity(count)
        let bodies = try Row.fetchCursor(db, sql: """
            SELECT f.body, f.id FROM module_function mf JOIN function f ON f.id = mf.function_id
            WHERE mf.module_id = ? ORDER BY mf.ordinal
            """, arguments: [moduleID])
        while let row = try bodies.next() {
            functions.append(try row.withBlob(at: 0, "function body") {
                try StoredFunctionCodec.decodeTyped($0, fileIndex: fileIndex)
            })
            ids.append(try row.decode(atIndex: 1))
        }
        return (functions, ids)
    }

    public func build(_ id: BuildID) throws(StoreError) -> BuildFacts? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM build WHERE id = ?", arguments: [id.rawValue])
                .map { try facts(from: $0) }
        }
    }

    /// The build recorded last (highest id).
    public func latestBuild() throws(StoreError) -> (BuildID, BuildFacts)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM build ORDER BY id DESC LIMIT 1")
                .map { (BuildID(try $0.decode(Int64.self, forColumn: "id")), try facts(from: $0)) }
        }
    }

    /// Every build still stored, oldest first.
    public func builds() throws(StoreError) -> [(BuildID, BuildFacts)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM build ORDER BY id")
                .map { (BuildID(try $0.decode(Int64.self, forColumn: "id")), try facts(from: $0)) }
        }
    }

    // MARK: - Internals

    func facts(from row: Row) throws -> BuildFacts {
        let id = try row.decode(Int64.self, forColumn: "id")
        let featuresText = try row.decode(String.self, forColumn: "features")
        guard let features = try? JSONDecoder().decode([String].self, from: Data(featuresText.utf8)) else {
            throw StoreError.corrupt(path: pathString, detail: "build \(id): features are not a JSON list")
        }
        let dirty = try row.decode(Int64?.self, forColumn: "git_dirty")
        return BuildFacts(toolchain: try row.decode(forColumn: "toolchain"),
                          rustflags: try row.decode(forColumn: "rustflags"),
                          profile: try row.decode(forColumn: "profile"),
                          features: features,
                          gitCommit: try row.decode(forColumn: "git_commit"),
                          gitDirty: dirty.map { $0 != 0 },
                          createdAt: Date(timeIntervalSinceReferenceDate: try row.decode(forColumn: "created_at")))
    }

    static func encodeFeatures(_ features: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(features)) ?? Data("[]".utf8), as: UTF8.self)
    }

    struct PreparedFunction {
        var digest: Int64
        var symbol: String
        var body: [UInt8]
        /// The stored function with these bytes, from a decoded module
        /// (`StoredModules`): nothing was encoded, nothing is looked up.
        var knownID: Int64?
    }

    struct PreparedModule {
        var record: ModuleRecord
        var path: String { record.path }
        var contentHash: String { record.contentHash }
        var sourceFilename: String { record.fingerprint.sourceFilename }
        var header: [UInt8]
        var functions: [PreparedFunction]
        /// The decoded module the known ids come from.
        var source: StoredModules.Entry?

        init(_ module: ModuleRecord, known: StoredModules.Entry?) {
            record = module
            header = ModuleHeaderCodec.encode(module.fingerprint)
            let files = module.fingerprint.files
            let knownIDs = known?.knownIDs(of: module.fingerprint)
            source = knownIDs?.contains { $0 != nil } == true ? known : nil
            functions = module.fingerprint.functions.indices.map { index in
                let function = module.fingerprint.functions[index]
                if let id = knownIDs?[index] {
                    return PreparedFunction(digest: 0, symbol: function.symbol, body: [], knownID: id)
                }
                let body = StoredFunctionCodec.encode(function, moduleFiles: files)
                return PreparedFunction(digest: Int64(bitPattern: IndexHash.of(body)), symbol: function.symbol,
                                        body: body)
            }
        }
    }

    /// `build` still holds `moduleID` under `path`, so the module and its functions are stored as decoded.
    static func stillHeld(_ source: StoredModules.Entry, path: String, _ db: Database) throws -> Bool {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT module_id FROM build_module WHERE build_id = ? AND path = ?"),
                           arguments: [source.build, path]) == source.moduleID
    }

    /// The id of the stored function with exactly these bytes, stored now if new.
    static func intern(_ function: PreparedFunction, _ db: Database) throws -> Int64 {
        let candidates = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT id, body FROM function WHERE digest = ?"), arguments: [function.digest])
        while let row = try candidates.next() {
            if try row.withUnsafeData(atIndex: 1, { $0.map { equal($0, function.body) } ?? false }) {
                return try row.decode(atIndex: 0)
            }
        }
        try db.cachedStatement(sql: "INSERT INTO function(digest, symbol, body) VALUES (?, ?, ?)")
            .execute(arguments: [function.digest, function.symbol, Data(function.body)])
        return db.lastInsertedRowID
    }

    /// The id of the stored module with this header and exactly these functions, stored now if new.
    static func intern(_ module: PreparedModule, functionIDs: [Int64], _ db: Database) throws -> Int64 {
        var key = module.header
        key.reserveCapacity(key.count + functionIDs.count * 8)
        for id in functionIDs {
            withUnsafeBytes(of: id.littleEndian) { key.append(contentsOf: $0) }
        }
        let digest = Int64(bitPattern: IndexHash.of(key, seed: 1))
        let candidates = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, header FROM module WHERE digest = ? AND function_count = ?"),
            arguments: [digest, functionIDs.count])
        for row in candidates {
            guard try row.withUnsafeData(atIndex: 1, { $0.map { equal($0, module.header) } ?? false }) else { continue }
            let id: Int64 = try row.decode(atIndex: 0)
            let stored = try Int64.fetchAll(
                db.cachedStatement(sql: "SELECT function_id FROM module_function WHERE module_id = ? ORDER BY ordinal"),
                arguments: [id])
            if stored == functionIDs { return id }
        }
        try db.cachedStatement(sql: """
            INSERT INTO module(digest, source_filename, function_count, header) VALUES (?, ?, ?, ?)
            """).execute(arguments: [digest, module.sourceFilename, functionIDs.count, Data(module.header)])
        let moduleID = db.lastInsertedRowID
        try insertFunctions(functionIDs, of: moduleID, db)
        return moduleID
    }

    /// Rows a statement when a module's functions are inserted: a changed
    /// crate's module has thousands, and one statement a row cost more
    /// than the rows themselves. 3 × 300 parameters stay under SQLite's
    /// oldest limit (999).
    static let functionRowsPerStatement = 300

    /// `module_function`'s rows for `functionIDs`, in order.
    static func insertFunctions(_ functionIDs: [Int64], of moduleID: Int64, _ db: Database) throws {
        func statement(rows: Int) throws -> Statement {
            try db.cachedStatement(sql: "INSERT INTO module_function(module_id, ordinal, function_id) VALUES "
                + Array(repeating: "(?, ?, ?)", count: rows).joined(separator: ", "))
        }
        var start = 0
        while start < functionIDs.count {
            let end = min(start + functionRowsPerStatement, functionIDs.count)
            var values: [DatabaseValueConvertible?] = []
            values.reserveCapacity((end - start) * 3)
            for ordinal in start..<end {
                values.append(moduleID)
                values.append(Int64(ordinal))
                values.append(functionIDs[ordinal])
            }
            try statement(rows: end - start).execute(arguments: StatementArguments(values))
            start = end
        }
    }

    static func equal(_ data: Data, _ bytes: [UInt8]) -> Bool {
        guard data.count == bytes.count else { return false }
        return data.withUnsafeBytes { a in
            bytes.withUnsafeBytes { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
    }
}
