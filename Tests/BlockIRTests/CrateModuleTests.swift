import BlockIR
import Foundation
import Testing

/// Merging a crate's codegen units into one module: what pairing across
/// units relies on. The units are built by hand so that each rule is seen
/// on its own; the real-rustc cases are in TrimRunTests/CodegenUnitTests.
@Suite struct CrateModuleTests {
    static func block(_ hash: UInt64, _ successors: [UInt32] = [], file: UInt32? = 0, refs: [String] = [])
        -> BlockFingerprint
    {
        BlockFingerprint(hash: hash, successors: successors, file: file, line: 1, instructionCount: 1,
                         externalGlobals: refs)
    }

    static func function(_ symbol: String, _ blocks: [BlockFingerprint]) -> FunctionFingerprint {
        FunctionFingerprint(symbol: symbol, demangled: symbol, file: nil, line: 1, isTestHarnessMain: false,
                            blocks: blocks, coverageBlocks: blocks.indices.map(UInt32.init))
    }

    static func unit(_ name: String, files: [String] = ["src/lib.rs"], _ functions: [FunctionFingerprint],
                     globals: [String: UInt64] = [:]) -> ModuleFingerprint {
        ModuleFingerprint(sourceFilename: name, files: files, functions: functions, globals: globals)
    }

    @Test func theCacheGivesBackTheMergeAndDropsADamagedEntry() throws {
        let copyA = Self.function("helper", [Self.block(1, [1, 2]), Self.block(2), Self.block(3)])
        let copyB = Self.function("helper", [Self.block(1, [1]), Self.block(4)])
        let merged = CrateModule(name: "c.bc", units: [Self.unit("u1", [copyA, Self.function("a", [Self.block(9)])]),
                                                       Self.unit("u2", [copyB])])
        #expect(!merged.folded.isEmpty)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crate-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fingerprints = FingerprintCache(directory: directory)
        try fingerprints.prepare()
        let cache = CrateModuleCache(fingerprints: fingerprints)
        let key = CrateModuleCache.key(crate: "c.bc", unitHashes: ["b", "a"])
        #expect(key == CrateModuleCache.key(crate: "c.bc", unitHashes: ["a", "b"]), "the units' order does not matter")
        #expect(key != CrateModuleCache.key(crate: "d.bc", unitHashes: ["a", "b"]))
        #expect(key != CrateModuleCache.key(crate: "c.bc", unitHashes: ["a", "c"]))
        #expect(cache.load(key: key) == nil)
        cache.store(merged, key: key)
        #expect(cache.contains(key: key))
        let loaded = try #require(cache.load(key: key))
        #expect(loaded.module == merged.module)
        #expect(loaded.folded == merged.folded)

        let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: fingerprints.directory.path)
            .first { $0.hasSuffix(".crate") })
        let path = fingerprints.directory.appendingPathComponent(entry).path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path))
        #expect(cache.load(key: key) == nil, "a truncated entry is never trusted")
        #expect(!FileManager.default.fileExists(atPath: path), "and it is removed")
    }

    @Test func identicalCopiesAreKeptOnce() {
        let helper = Self.function("helper", [Self.block(1, [1, 2]), Self.block(2), Self.block(3)])
        let merged = CrateModule(name: "c.bc", units: [
            Self.unit("u1", [helper, Self.function("a", [Self.block(9)])]),
            Self.unit("u2", [helper, Self.function("b", [Self.block(8)])]),
        ])
        #expect(merged.module.functions.map(\.symbol).sorted() == ["a", "b", "helper"])
        #expect(merged.folded.isEmpty)
    }

    @Test func differingCopiesAreFoldedAndAnyChangeShows() {
        let copyA = Self.function("helper", [Self.block(1, [1, 2]), Self.block(2), Self.block(3)])
        let copyB = Self.function("helper", [Self.block(1, [1]), Self.block(4)])
        let before = CrateModule(name: "c.bc", units: [Self.unit("u1", [copyA]), Self.unit("u2", [copyB])])
        #expect(before.module.functions.count == 1)
        #expect(before.folded.count == 1, "one copy stands for both, the other is folded")
        let folded = before.folded.first!
        let standIn = before.module.functions[0]
        #expect(folded.value == standIn.blocks.count)

        // Renaming the units changes nothing; changing either copy changes every block of the stand-in.
        let renamed = CrateModule(name: "c.bc", units: [Self.unit("v9", [copyB]), Self.unit("v3", [copyA])])
        #expect(renamed.module.functions[0].hasSameContent(as: standIn))
        var changedB = copyB
        changedB.blocks[1].hash = 5
        let after = CrateModule(name: "c.bc", units: [Self.unit("u1", [copyA]), Self.unit("u2", [changedB])])
        let changed = after.module.functions[0]
        #expect(Set(changed.blocks.map(\.hash)).isDisjoint(with: standIn.blocks.map(\.hash)),
                "a block of the stand-in still pairs with an unchanged one")
    }

    @Test func callsToCoverableFunctionsOfTheCrateAreNotExternal() {
        // `a` calls `b` (another unit, coverable), `boom` (another unit,
        // uncoverable: listed in globals) and `other_crate_fn` (not in the crate).
        let a = Self.function("a", [Self.block(1, refs: ["b", "boom", "other_crate_fn", "STATIC"])])
        let merged = CrateModule(name: "c.bc", units: [
            Self.unit("u1", [a]),
            Self.unit("u2", [Self.function("b", [Self.block(2)]), Self.function("boom", [Self.block(3)])],
                      globals: ["boom": 33, "STATIC": 44]),
        ])
        let kept = merged.module.functions.first { $0.symbol == "a" }!
        #expect(kept.blocks[0].externalGlobals == ["boom", "other_crate_fn", "STATIC"])
        #expect(merged.module.globals == ["boom": 33, "STATIC": 44])
    }

    @Test func fileIndexesAreRemappedIntoOneTable() {
        let merged = CrateModule(name: "c.bc", units: [
            Self.unit("u1", files: ["src/a.rs"], [Self.function("a", [Self.block(1, file: 0)])]),
            Self.unit("u2", files: ["src/b.rs", "src/a.rs"],
                      [Self.function("b", [Self.block(2, file: 0)]), Self.function("c", [Self.block(3, file: 1)])]),
        ])
        let module = merged.module
        for (symbol, file) in [("a", "src/a.rs"), ("b", "src/b.rs"), ("c", "src/a.rs")] {
            let function = module.functions.first { $0.symbol == symbol }!
            #expect(module.fileName(of: function.blocks[0]) == file)
        }
        #expect(module.files.sorted() == ["src/a.rs", "src/b.rs"])
    }
}
