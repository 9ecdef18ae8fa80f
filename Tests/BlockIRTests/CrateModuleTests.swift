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

    /// A crate's units' layouts, kept beside its merge: what they read back
    /// is what the units give, and a damaged entry is dropped, never used.
    @Test func theCacheGivesBackTheUnitsLayoutsAndDropsADamagedEntry() throws {
        let helper = Self.function("helper", [Self.block(1, [1, 2]), Self.block(2), Self.block(3)])
        var uninstrumented = Self.function("plain", [Self.block(7), Self.block(8)])
        uninstrumented.coverageBlocks = []
        let units = [Self.unit("u1", [helper, uninstrumented]), Self.unit("u2", [Self.function("a", [Self.block(9)])])]
        let layouts = units.map(UnitLayout.init)
        #expect(layouts[0].sourceFilename == "u1")
        #expect(layouts[0].functions.map(\.symbol) == ["helper", "plain"])
        #expect(layouts[0].functions.map(\.blockCount) == [3, 2])
        #expect(layouts[0].functions.map(\.coverageBlocks) == [[0, 1, 2], []])

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("layout-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fingerprints = FingerprintCache(directory: directory)
        try fingerprints.prepare()
        let cache = CrateModuleCache(fingerprints: fingerprints)
        let key = CrateModuleCache.key(crate: "c.bc", unitHashes: ["a", "b"])
        #expect(cache.loadLayouts(key: key) == nil)
        cache.storeLayouts(layouts, key: key)
        #expect(cache.loadLayouts(key: key) == layouts)
        #expect(cache.load(key: key) == nil, "the layouts are no merge")

        let path = cache.layoutEntry(key).path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        for damaged in [Data(bytes.prefix(bytes.count - 3)), Data(bytes + [0]), Data("TRIMCM01".utf8) + bytes.dropFirst(8)] {
            try damaged.write(to: URL(fileURLWithPath: path))
            #expect(cache.loadLayouts(key: key) == nil, "a damaged entry is never trusted")
            #expect(!FileManager.default.fileExists(atPath: path), "and it is removed")
        }
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
        #expect(Set(merged.module.globals.keys) == ["boom", "STATIC"])
        #expect(merged.module.globals["STATIC"] == 44)
        // An uncoverable function's entry is its content as the crate folds it.
        let boomChanged = CrateModule(name: "c.bc", units: [
            Self.unit("u1", [a]),
            Self.unit("u2", [Self.function("b", [Self.block(2)]), Self.function("boom", [Self.block(4)])],
                      globals: ["boom": 33, "STATIC": 44]),
        ])
        #expect(boomChanged.module.globals["boom"] != merged.module.globals["boom"])
    }

    /// Units name external references without the crate hash (as CLLVMShim
    /// does), and list which symbol each is among the block's references.
    @Test func callsToCoverableFunctionsWithAHashAreNotExternal() {
        let callee = Self.symbol("callee", hash: "a")
        // Another crate's function of the same hash-free name (say a diverging
        // generic's instance, uncoverable there) must stay external.
        let foreign = Self.symbol("shared", hash: "f"), local = Self.symbol("shared", hash: "a")
        func caller(_ references: [String]) -> FunctionFingerprint {
            Self.function("a", [BlockFingerprint(
                hash: 1, successors: [], file: 0, line: 1, instructionCount: 1,
                externalGlobals: references.map(SymbolNames.withoutHash) + ["_ZN5other2fnE"], references: references)])
        }
        func externals(_ references: [String]) -> [String] {
            let merged = CrateModule(name: "c.bc", units: [
                Self.unit("u1", [caller(references)]),
                Self.unit("u2", [Self.function(callee, [Self.block(2)]), Self.function(local, [Self.block(3)])]),
            ])
            return merged.module.functions.first { $0.symbol == "a" }!.blocks[0].externalGlobals
        }
        #expect(externals([callee]) == ["_ZN5other2fnE"])
        #expect(externals([local]) == ["_ZN5other2fnE"])
        #expect(externals([foreign]) == [SymbolNames.withoutHash(foreign), "_ZN5other2fnE"])
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

    // MARK: - references folded across units

    /// A legacy symbol `c::<name>` with crate hash `hash` (one hex digit, repeated).
    static func symbol(_ name: String, hash: Character) -> String {
        "_ZN1c\(name.count)\(name)17h\(String(repeating: hash, count: 16))E"
    }

    static func defined(_ name: String, hash: Character, debugName: UInt64, _ blocks: [BlockFingerprint])
        -> FunctionFingerprint
    {
        var function = Self.function(Self.symbol(name, hash: hash), blocks)
        function.nameHash = debugName
        return function
    }

    static func calling(_ references: [String], hash: Character) -> FunctionFingerprint {
        defined("caller", hash: hash, debugName: 1, [BlockFingerprint(
            hash: 100, successors: [], file: 0, line: 1, instructionCount: 1, externalGlobals: [],
            references: references)])
    }

    /// The folded hash of `caller`'s block.
    static func callerHash(_ units: [ModuleFingerprint]) -> UInt64 {
        let module = CrateModule(name: "c.bc", units: units).module
        return module.functions.first { $0.symbol.contains("6caller") }!.blocks[0].hash
    }

    @Test func aReferenceCountsTheSameInAnyUnitAndAfterARelease() {
        let callee = Self.defined("callee", hash: "a", debugName: 2, [Self.block(5)])
        let together = Self.callerHash([Self.unit("u1", [Self.calling([callee.symbol], hash: "a"), callee])])
        let apart = Self.callerHash([Self.unit("u1", [Self.calling([callee.symbol], hash: "a")]),
                                     Self.unit("u2", [callee])])
        #expect(together == apart)
        let released = Self.defined("callee", hash: "b", debugName: 2, [Self.block(5)])
        #expect(Self.callerHash([Self.unit("v7", [Self.calling([released.symbol], hash: "b")]),
                                 Self.unit("v8", [released])]) == together)
        // Another function of the same hash-free name (another debug-info name) is another callee.
        let other = Self.defined("callee", hash: "c", debugName: 3, [Self.block(5)])
        #expect(Self.callerHash([Self.unit("u1", [Self.calling([other.symbol], hash: "a")]),
                                 Self.unit("u2", [callee, other])]) != together)
        // The folded module keeps no references (debug-info names stay: a
        // caller in another crate names the function by it).
        let merged = CrateModule(name: "c.bc", units: [Self.unit("u1", [Self.calling([callee.symbol], hash: "a")]),
                                                      Self.unit("u2", [callee])]).module
        #expect(merged.functions.allSatisfy { $0.blocks.allSatisfy(\.references.isEmpty) })
        #expect(merged.functions.first { $0.symbol == callee.symbol }?.nameHash == 2)
    }

    /// Instances whose names print alike (same hash-free and debug-info names)
    /// are told apart by content: calling the other one, or the one called
    /// changing, changes the caller; a release does not.
    @Test func instancesThatPrintAlikeAreToldApartByContent() {
        func instances(_ hash: (Character, Character), contents: (UInt64, UInt64)) -> [FunctionFingerprint] {
            [Self.defined("apply", hash: hash.0, debugName: 9, [Self.block(contents.0)]),
             Self.defined("apply", hash: hash.1, debugName: 9, [Self.block(contents.1)])]
        }
        let before = instances(("1", "2"), contents: (10, 20))
        func hash(calling index: Int, of list: [FunctionFingerprint]) -> UInt64 {
            Self.callerHash([Self.unit("u1", [Self.calling([list[index].symbol], hash: "a")]), Self.unit("u2", list)])
        }
        let first = hash(calling: 0, of: before)
        #expect(hash(calling: 1, of: before) != first, "the other instance")
        #expect(hash(calling: 0, of: instances(("3", "4"), contents: (10, 20))) == first, "a release")
        #expect(hash(calling: 0, of: instances(("1", "2"), contents: (11, 20))) != first, "the instance changed")
    }

    @Test func descriptorsAndGlobalsFoldTheirReferences() {
        /// A harness unit whose descriptor and global point at `body` or `other`, defined in another unit.
        func merged(pointingAtBody: Bool, hash: Character) -> ModuleFingerprint {
            let body = Self.defined("body", hash: hash, debugName: 4, [Self.block(5)])
            let other = Self.defined("other", hash: hash, debugName: 5, [Self.block(6)])
            let target = pointingAtBody ? body.symbol : other.symbol
            let harness = ModuleFingerprint(
                sourceFilename: "u1", files: [], functions: [], globals: ["TABLE": 77],
                testDescriptors: [TestDescriptor(digest: 3, strings: ["t"], references: [target])],
                globalReferences: ["TABLE": [target]])
            return CrateModule(name: "c.bc", units: [harness, Self.unit("u2", [body, other])]).module
        }
        let before = merged(pointingAtBody: true, hash: "a")
        let released = merged(pointingAtBody: true, hash: "b")
        #expect(released.testDescriptors[0].digest == before.testDescriptors[0].digest)
        #expect(released.globals["TABLE"] == before.globals["TABLE"])
        let retargeted = merged(pointingAtBody: false, hash: "a")
        #expect(retargeted.testDescriptors[0].digest != before.testDescriptors[0].digest)
        #expect(retargeted.globals["TABLE"] != before.globals["TABLE"])
    }
}
