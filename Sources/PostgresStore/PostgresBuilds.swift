import BlockIR
import Foundation
import NIOCore
import PostgresNIO
import Store
import TrimModel

extension PostgresStore {
    /// One transaction: the build, its hold, its modules (content-addressed:
    /// a module byte-identical to a stored one is not stored again) and its
    /// source files, the mappings in multi-row inserts.
    public func recordBuild(_ facts: BuildFacts, modules: [ModuleRecord], sourceFiles: [String: String],
                            heldBy holder: String?) throws(StoreError) -> BuildID
    {
        var paths = Set<String>()
        for module in modules where !paths.insert(module.path).inserted {
            throw .invalid(path: location, detail: "two modules with the path \(module.path) in one build")
        }
        let bodies = modules.map { PortableCodecs.encodeModule($0.fingerprint) }
        let features = Self.encodeFeatures(facts.features)
        let created = facts.createdAt.timeIntervalSinceReferenceDate
        return try write { statements in
            try Self.holdBuilds(statements)
            let rows = try statements.query("""
                INSERT INTO trim.build(toolchain, rustflags, profile, features, git_commit, git_dirty, created_at)
                VALUES (\(facts.toolchain), \(facts.rustflags), \(facts.profile), \(features), \(facts.gitCommit),
                        \(facts.gitDirty), \(created)) RETURNING id
                """)
            let buildID = try rows[0].cell(0).decode(Int64.self)
            if let holder {
                try statements.query("INSERT INTO trim.build_hold(build_id, holder) VALUES (\(buildID), \(holder))")
            }
            var moduleIDs: [Int64] = []
            for body in bodies { moduleIDs.append(try Self.intern(body, statements)) }
            if !modules.isEmpty {
                try statements.query("""
                    INSERT INTO trim.build_module(build_id, ordinal, path, content_hash, module_id)
                    SELECT \(buildID), o - 1, p, c, m
                    FROM unnest(\(modules.map(\.path)), \(modules.map(\.contentHash)), \(moduleIDs))
                         WITH ORDINALITY AS u(p, c, m, o)
                    """)
            }
            if !sourceFiles.isEmpty {
                let files = sourceFiles.sorted { $0.key < $1.key }
                try statements.query("""
                    INSERT INTO trim.build_source_file(build_id, path, content_hash)
                    SELECT \(buildID), p, c FROM unnest(\(files.map(\.key)), \(files.map(\.value))) AS u(p, c)
                    """)
            }
            return BuildID(buildID)
        }
    }

    /// The id of the stored module with exactly these bytes, stored now if new.
    static func intern(_ body: [UInt8], _ statements: PostgresSession.Statements) throws -> Int64 {
        let digest = PortableCodecs.indexKey(body)
        let bytes = ByteBuffer(bytes: body)
        let inserted = try statements.query("""
            INSERT INTO trim.module(digest, body) VALUES (\(digest), \(bytes)) ON CONFLICT DO NOTHING RETURNING id
            """)
        if let row = inserted.first { return try row.cell(0).decode(Int64.self) }
        // Stored before, or by another writer that committed it meanwhile (visible to this new statement).
        let found = try statements.query("""
            SELECT id FROM trim.module WHERE digest = \(digest) AND md5(body) = md5(\(bytes)) AND body = \(bytes)
            """)
        guard let row = found.first else {
            throw StoreError.database(path: "the module table", detail: "a stored module vanished while it was interned")
        }
        return try row.cell(0).decode(Int64.self)
    }

    public func modules(of build: BuildID) throws(StoreError) -> [ModuleRecord] {
        let location = self.location
        return try read { statements in
            try Self.requireBuild(build, statements, location: location)
            let rows = try statements.query("""
                SELECT bm.path, bm.content_hash, m.body
                FROM trim.build_module bm JOIN trim.module m ON m.id = bm.module_id
                WHERE bm.build_id = \(build.rawValue) ORDER BY bm.ordinal
                """)
            return try rows.map { row in
                let path = try row.cell(0).decode(String.self)
                let body = try row.cell(2).decode(ByteBuffer.self)
                let fingerprint: ModuleFingerprint
                do {
                    fingerprint = try body.withUnsafeReadableBytes { raw in try PortableCodecs.decodeModule(raw) }
                } catch {
                    throw StoreError.corrupt(path: location, detail: "module \(path) of \(build): \(error)")
                }
                return ModuleRecord(path: path, contentHash: try row.cell(1).decode(String.self), fingerprint: fingerprint)
            }
        }
    }

    public func sourceFiles(of build: BuildID) throws(StoreError) -> [String: String] {
        try read { statements in
            var files: [String: String] = [:]
            for row in try statements.query("""
                SELECT path, content_hash FROM trim.build_source_file WHERE build_id = \(build.rawValue)
                """) {
                files[try row.cell(0).decode(String.self)] = try row.cell(1).decode(String.self)
            }
            return files
        }
    }

    public func build(_ id: BuildID) throws(StoreError) -> BuildFacts? {
        try builds(where: "WHERE id = \(id.rawValue)").first?.1
    }

    public func latestBuild() throws(StoreError) -> (BuildID, BuildFacts)? {
        try builds(where: "ORDER BY id DESC LIMIT 1").first
    }

    public func builds() throws(StoreError) -> [(BuildID, BuildFacts)] {
        try builds(where: "ORDER BY id")
    }

    /// `clause`: trim's own SQL after the FROM (ids only, never user text).
    private func builds(where clause: String) throws(StoreError) -> [(BuildID, BuildFacts)] {
        let location = self.location
        return try read { statements in
            try statements.query(PostgresQuery(unsafeSQL: """
                SELECT id, toolchain, rustflags, profile, features, git_commit, git_dirty, created_at
                FROM trim.build \(clause)
                """)).map { row in
                let id = try row.cell(0).decode(Int64.self)
                let featuresText = try row.cell(4).decode(String.self)
                guard let features = try? JSONDecoder().decode([String].self, from: Data(featuresText.utf8)) else {
                    throw StoreError.corrupt(path: location, detail: "build \(id): features are not a JSON list")
                }
                return (BuildID(id), BuildFacts(
                    toolchain: try row.cell(1).decode(String.self), rustflags: try row.cell(2).decode(String.self),
                    profile: try row.cell(3).decode(String.self), features: features,
                    gitCommit: try row.cell(5).decode(String?.self), gitDirty: try row.cell(6).decode(Bool?.self),
                    createdAt: Date(timeIntervalSinceReferenceDate: try row.cell(7).decode(Double.self))))
            }
        }
    }

    static func requireBuild(_ build: BuildID, _ statements: PostgresSession.Statements, location: String) throws {
        guard try !statements.query("SELECT 1 FROM trim.build WHERE id = \(build.rawValue)").isEmpty else {
            throw StoreError.unknownBuild(path: location, build: build)
        }
    }

    static func encodeFeatures(_ features: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(features)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
