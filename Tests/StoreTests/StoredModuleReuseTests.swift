import BlockIR
import Foundation
@testable import Store
import Testing
import TrimModel

/// Recording a build after decoding an earlier one takes the stored ids of
/// the functions and modules that did not change (`StoredModules`): the
/// database ends up exactly as if every function had been encoded and looked
/// up, and a decoded build collected meanwhile by another process is never
/// trusted.
@Suite struct StoredModuleReuseTests {
    /// alpha with one operator changed, beta the same, each under its own path.
    static func builds() throws -> (first: [ModuleRecord], second: [ModuleRecord]) {
        let rust = try RustFixtures.get()
        func at(_ path: String, _ module: ModuleRecord) -> ModuleRecord {
            ModuleRecord(path: path, contentHash: module.contentHash, fingerprint: module.fingerprint)
        }
        return ([at("alpha.bc", rust.alpha1), at("beta.bc", rust.beta)],
                [at("alpha.bc", rust.alpha2), at("beta.bc", rust.beta)])
    }

    static func rows(_ database: URL, _ sql: String) throws -> [[Int64]] {
        try RawSQLite(path: database.path).integers(sql)
    }

    /// `first` then `second` recorded by a store that decoded `first` before
    /// recording `second` (taking the ids it can) and by one that never
    /// decodes (encoding every function): both databases must hold the same
    /// rows, and `second` read back by a fresh process is `second`.
    static func expectReuseStoresAsEncoding(_ first: [ModuleRecord], _ second: [ModuleRecord]) throws
        -> (reusing: Scratch, store: TrimStore)
    {
        let reusing = try Scratch()
        let store = try reusing.open()
        let id1 = try store.recordBuild(facts(1), modules: first)
        #expect(try store.modules(of: id1) == first)
        let id2 = try store.recordBuild(facts(2), modules: second)
        let encoding = try Scratch()
        let plain = try encoding.open()
        _ = try plain.recordBuild(facts(1), modules: first)
        _ = try plain.recordBuild(facts(2), modules: second)

        #expect(try TrimStore(path: reusing.database).modules(of: id2) == second, "read back by a fresh process")
        #expect(try store.statistics() == plain.statistics())
        let layout = """
            SELECT bm.build_id, bm.ordinal, mf.ordinal, mf.function_id FROM build_module bm
            JOIN module_function mf ON mf.module_id = bm.module_id ORDER BY 1, 2, 3
            """
        #expect(try rows(reusing.database, layout) == rows(encoding.database, layout))
        return (reusing, store)
    }

    @Test func aBuildRecordedAfterDecodingStoresWhatEncodingEveryFunctionWould() throws {
        let (first, second) = try Self.builds()
        let (reusing, store) = try Self.expectReuseStoresAsEncoding(first, second)
        let modules = try Self.rows(reusing.database, "SELECT build_id, module_id FROM build_module ORDER BY path, build_id")
        #expect(modules.count == 4 && modules[0][1] != modules[1][1] && modules[2][1] == modules[3][1],
                "alpha changed, so a new module; beta did not: the same module row \(modules)")
        let unchanged = second[0].fingerprint.functions.filter { function in
            first[0].fingerprint.functions.contains(function)
        }.count
        #expect(unchanged > 0 && unchanged < second[0].fingerprint.functions.count)
        #expect(try store.statistics().functions
                    == Set(first.flatMap(\.fingerprint.functions) + second.flatMap(\.fingerprint.functions)).count)
    }

    @Test func aLongLivedProcessReusesTheBuildsItRecorded() throws {
        let (first, second) = try Self.builds()
        let sequence = [first, second, first, second]
        // One process recording every build (as `trim watch` does), and a
        // fresh process for each build, which has nothing to reuse.
        let reusing = try Scratch()
        let store = try reusing.open()
        let encoding = try Scratch()
        for (round, modules) in sequence.enumerated() {
            let id = try store.recordBuild(facts(round), modules: modules)
            _ = try encoding.open().recordBuild(facts(round), modules: modules)
            #expect(try TrimStore(path: reusing.database).modules(of: id) == modules, "round \(round)")
        }
        let layout = """
            SELECT bm.build_id, bm.ordinal, bm.module_id, mf.ordinal, mf.function_id FROM build_module bm
            JOIN module_function mf ON mf.module_id = bm.module_id ORDER BY 1, 2, 4
            """
        #expect(try Self.rows(reusing.database, layout) == Self.rows(encoding.database, layout))
        #expect(try store.statistics() == encoding.open().statistics())
    }

    @Test func aDecodedBuildCollectedByAnotherProcessIsNotTrusted() throws {
        let (first, second) = try Self.builds()
        let scratch = try Scratch()
        let store = try scratch.open()
        let id1 = try store.recordBuild(facts(1), modules: first)
        #expect(try store.modules(of: id1) == first)
        // Another process records a newer build of other modules and collects
        // the first: alpha's and beta's rows are gone.
        let other = try TrimStore(path: scratch.database)
        let unrelated = ModuleRecord(path: "gamma.bc", contentHash: "g",
                                     fingerprint: Synthetic.module(name: "gamma", functions: 3))
        _ = try other.recordBuild(facts(9), modules: [unrelated])
        let report = try other.collectGarbage(isHolderAlive: { _ in true })
        #expect(report.builds == 1 && report.functions > 0)

        let id2 = try store.recordBuild(facts(2), modules: second)
        #expect(try TrimStore(path: scratch.database).modules(of: id2) == second)
        try store.check(thorough: true)
        #expect(try Self.rows(scratch.database, """
            SELECT COUNT(*) FROM module_function WHERE function_id NOT IN (SELECT id FROM function)
            """) == [[0]])
    }

    @Test func functionsRecordedWithTheirDebugNameHashAreReusedAsWell() throws {
        let (first, second) = try Self.builds()
        let scratch = try Scratch()
        let store = try scratch.open()
        let id1 = try store.recordBuild(facts(1), modules: first)
        _ = try store.modules(of: id1)
        // As a live build hands them over: each function with its name hash (the store does not keep it).
        let named = second.map { module in
            var fingerprint = module.fingerprint
            for index in fingerprint.functions.indices { fingerprint.functions[index].nameHash = UInt64(index + 1) }
            return ModuleRecord(path: module.path, contentHash: module.contentHash, fingerprint: fingerprint)
        }
        let id2 = try store.recordBuild(facts(2), modules: named)
        #expect(try store.modules(of: id2) == second)
        let modules = try Self.rows(scratch.database, "SELECT module_id FROM build_module WHERE path = 'beta.bc'")
        #expect(modules.count == 2 && modules[0] == modules[1], "beta's module row shared: \(modules)")
    }

    /// `module` with `name` put into its file table at `position`: every
    /// block keeps its file, named through the longer table.
    static func withFile(_ name: String, at position: Int, in module: ModuleFingerprint) -> ModuleFingerprint {
        var moved = module
        moved.files.insert(name, at: position)
        for f in moved.functions.indices {
            for b in moved.functions[f].blocks.indices {
                if let file = moved.functions[f].blocks[b].file, file >= UInt32(position) {
                    moved.functions[f].blocks[b].file = file + 1
                }
            }
        }
        return moved
    }

    @Test func functionsAreReusedWhenAnEditAddsAFileToTheTable() throws {
        let first = Synthetic.module(name: "alpha", functions: 40)
        var second = Self.withFile("src/alpha/added.rs", at: 3, in: first)
        // One function now has a block in the added file: that one is new.
        second.functions[5].blocks[0].file = 3
        let ids = (0..<Int64(first.functions.count)).map { 1_000 + $0 }
        let entry = StoredModules.Entry(build: 1, moduleID: 7, fingerprint: first, functionIDs: ids)
        let known = entry.knownIDs(of: second)
        #expect(known.count == 40)
        #expect(known[5] == nil)
        #expect(known.enumerated().allSatisfy { $0.offset == 5 || $0.element == ids[$0.offset] },
                "every other function keeps its stored id: \(known)")

        // A name the new table holds twice cannot be told apart: not reused.
        var twice = Self.withFile("src/alpha/file2.rs", at: 0, in: first)
        twice.functions = twice.functions.map { function in
            var renamed = function
            renamed.blocks = renamed.blocks.map { var block = $0; if block.file == 3 { block.file = 0 }; return block }
            return renamed
        }
        let usesFile2 = twice.functions.map { $0.blocks.contains { $0.file == 0 } }
        #expect(usesFile2.contains(true) && usesFile2.contains(false))
        for (index, id) in entry.knownIDs(of: twice).enumerated() {
            #expect((id == nil) == usesFile2[index], "function \(index)")
        }
    }

    @Test func aBuildWhoseTableGainedAFileStoresWhatEncodingEveryFunctionWould() throws {
        let alpha = Synthetic.module(name: "alpha", functions: 40)
        var shifted = Self.withFile("src/alpha/added.rs", at: 2, in: alpha)
        shifted.functions[9].blocks[1].file = 2
        let first = [ModuleRecord(path: "alpha.bc", contentHash: "a1", fingerprint: alpha)]
        let second = [ModuleRecord(path: "alpha.bc", contentHash: "a2", fingerprint: shifted)]
        let (_, store) = try Self.expectReuseStoresAsEncoding(first, second)
        try store.check(thorough: true)
    }
}
