import BlockIR
import Foundation
import Store
import Testing
import TrimModel

@Suite struct BuildTests {
    /// A module's functions are written several hundred rows a statement:
    /// modules across those boundaries (one row short of one, exactly two,
    /// and more) read back whole and in order, from a fresh connection too.
    @Test func modulesOfManyFunctionsRoundTripInOrder() throws {
        let scratch = try Scratch()
        let sizes = [299, 600, 701]
        let modules = sizes.enumerated().map { index, count in
            ModuleRecord(path: "m\(index).bc", contentHash: "h\(index)",
                         fingerprint: Synthetic.module(name: "m\(index)", functions: count, variant: index))
        }
        let id = try scratch.open().recordBuild(facts(1), modules: modules)
        #expect(try scratch.open().modules(of: id) == modules)
        #expect(try RawSQLite(path: scratch.database.path).integers("""
            SELECT COUNT(*), MIN(ordinal), MAX(ordinal) FROM module_function GROUP BY module_id ORDER BY 1
            """) == sizes.map { [Int64($0), 0, Int64($0 - 1)] })
    }

    @Test(arguments: Backend.allCases) func realFingerprintsRoundTripThroughTheFile(_ backend: Backend) throws {
        let rust = try RustFixtures.get()
        #expect(rust.alpha1.fingerprint.functions.count >= 4)
        let scratch = try Scratch()
        let modules = [rust.alpha1, rust.beta]
        let id: BuildID
        do {
            let store = try scratch.open(backend)
            #expect(try store.latestBuild() == nil)
            id = try store.recordBuild(facts(1), modules: modules)
            #expect(try store.modules(of: id) == modules)
        }
        // A new connection reads the same values back from the file.
        let store = try scratch.open(backend)
        #expect(try store.modules(of: id) == modules)
        #expect(try store.build(id) == facts(1))
        let latest = try #require(try store.latestBuild())
        #expect(latest.0 == id && latest.1 == facts(1))
        #expect(try store.build(BuildID(id.rawValue + 1)) == nil)
    }

    /// Selection reads every build its tests were recorded on; after an
    /// edit undone, two of them are made of the same stored modules, read once.
    @Test(arguments: Backend.allCases) func severalBuildsReadAtOnceAnswerAsEachAlone(_ backend: Backend) throws {
        let rust = try RustFixtures.get()
        let store = try Scratch().open(backend)
        let first = try store.recordBuild(facts(1), modules: [rust.alpha1, rust.beta])
        let edited = try store.recordBuild(facts(2), modules: [rust.alpha2, rust.beta])
        let undone = try store.recordBuild(facts(3), modules: [rust.alpha1, rust.beta])
        let read = try store.modules(ofBuilds: [first, edited, undone])
        #expect(read.count == 3)
        for id in [first, edited, undone] { #expect(read[id] == (try store.modules(of: id))) }
        #expect(read[undone] == [rust.alpha1, rust.beta])
        #expect(read[edited] == [rust.alpha2, rust.beta])
        // A build the store lacks is an error, as for one build alone.
        #expect(throws: StoreError.self) { try store.modules(ofBuilds: [first, BuildID(undone.rawValue + 100)]) }
    }

    /// The same merged module from other unit bytes (another content hash),
    /// or under another path, is one stored module: read with the builds
    /// that hold it, decoded once, each build's record keeps its own path
    /// and content hash.
    @Test func aModuleSeveralBuildsHoldReadsWithEachBuildsPathAndHash() throws {
        let rust = try RustFixtures.get()
        let scratch = try Scratch()
        let store = try scratch.open()
        let rebuilt = ModuleRecord(path: rust.alpha1.path, contentHash: "other unit bytes",
                                   fingerprint: rust.alpha1.fingerprint)
        let moved = ModuleRecord(path: "renamed-" + rust.alpha1.path, contentHash: rust.alpha1.contentHash,
                                 fingerprint: rust.alpha1.fingerprint)
        let first = try store.recordBuild(facts(1), modules: [rust.alpha1, rust.beta])
        let second = try store.recordBuild(facts(2), modules: [rebuilt, rust.beta])
        let third = try store.recordBuild(facts(3), modules: [moved, rust.alpha2])
        #expect(try RawSQLite(path: scratch.database.path).integers(
            "SELECT COUNT(DISTINCT module_id) FROM build_module") == [[3]])
        let read = try store.modules(ofBuilds: [first, second, third])
        #expect(read[first] == [rust.alpha1, rust.beta])
        #expect(read[second] == [rebuilt, rust.beta])
        #expect(read[third] == [moved, rust.alpha2])
        for id in [first, second, third] { #expect(read[id] == (try scratch.open().modules(of: id))) }
    }

    @Test(arguments: Backend.allCases) func buildFactsWithoutARepositoryRoundTrip(_ backend: Backend) throws {
        let store = try Scratch().open(backend)
        let bare = BuildFacts(toolchain: "rustc 1.95.0", rustflags: "", profile: "dev", features: [],
                              gitCommit: nil, gitDirty: nil, createdAt: Date(timeIntervalSince1970: 1_770_000_000.5))
        let dirty = facts(2, dirty: true)
        let a = try store.recordBuild(bare, modules: [])
        let b = try store.recordBuild(dirty, modules: [])
        #expect(try store.build(a) == bare)
        #expect(try store.build(b) == dirty)
        #expect(try store.modules(of: a) == [])
        #expect(try store.builds().map(\.0) == [a, b])
        #expect(try store.latestBuild()?.0 == b)
    }

    @Test func aChangedFunctionAddsExactlyOneFunctionRow() throws {
        let rust = try RustFixtures.get()
        // Precondition on the fixture: exactly one function differs.
        let old = Dictionary(uniqueKeysWithValues: rust.alpha1.fingerprint.functions.map { ($0.symbol, $0) })
        let changed = rust.alpha2.fingerprint.functions.filter { old[$0.symbol] != $0 }
        #expect(changed.map(\.demangled).map { $0.contains("step") } == [true])
        #expect(rust.alpha2.fingerprint.functions.count == rust.alpha1.fingerprint.functions.count)

        let store = try Scratch().open()
        let first = try store.recordBuild(facts(1), modules: [rust.alpha1, rust.beta])
        let before = try store.statistics()
        #expect(before.functions == rust.alpha1.fingerprint.functions.count + rust.beta.fingerprint.functions.count)

        let second = try store.recordBuild(facts(2), modules: [rust.alpha2, rust.beta])
        let after = try store.statistics()
        #expect(after.functions == before.functions + 1)
        #expect(after.modules == before.modules + 1)            // the new alpha; beta is shared
        #expect(after.buildModules == before.buildModules + 2)
        #expect(after.moduleFunctions == before.moduleFunctions + rust.alpha2.fingerprint.functions.count)

        // An identical build adds mapping rows only.
        let third = try store.recordBuild(facts(3), modules: [rust.alpha2, rust.beta])
        let again = try store.statistics()
        #expect(again.functions == after.functions && again.modules == after.modules)
        #expect(again.buildModules == after.buildModules + 2)

        // Every build still reads back as recorded.
        #expect(try store.modules(of: first) == [rust.alpha1, rust.beta])
        #expect(try store.modules(of: second) == [rust.alpha2, rust.beta])
        #expect(try store.modules(of: third) == [rust.alpha2, rust.beta])
    }

    @Test func handMadeEdgeCasesRoundTrip() throws {
        // Block file indices: nil, in range, out of range; a duplicate file
        // name; external globals; coverage slots; the harness main; Unicode.
        let weird = FunctionFingerprint(
            symbol: "_ZN4día5ñandú17h0000000000000001E", demangled: "día::ñandú", file: nil, line: 0,
            isTestHarnessMain: true,
            blocks: [
                BlockFingerprint(hash: .max, successors: [1, 2], file: 0, line: 1, instructionCount: 0,
                                 externalGlobals: ["_ZN5other6STATIC17hE", "x"]),
                BlockFingerprint(hash: 0, successors: [], file: nil, line: 0, instructionCount: 1, externalGlobals: []),
                BlockFingerprint(hash: 42, successors: [0], file: 99, line: .max, instructionCount: .max,
                                 externalGlobals: []),
                BlockFingerprint(hash: 43, successors: [], file: 2, line: 3, instructionCount: 4, externalGlobals: []),
            ],
            coverageBlocks: [0, 2, 3])
        let plain = Synthetic.function(index: 3, files: 3)
        // The same function in two modules whose file tables differ: one
        // stored row, decoded against each module's own table.
        let a = ModuleFingerprint(sourceFilename: "a.rs", files: ["src/a.rs", "src/b.rs", "src/c.rs"],
                                  functions: [weird, plain], globals: ["G": 1])
        let b = ModuleFingerprint(sourceFilename: "b.rs", files: ["src/c.rs", "src/b.rs", "src/a.rs", "src/a.rs"],
                                  functions: [remap(plain, from: a.files, to: ["src/c.rs", "src/b.rs", "src/a.rs"])],
                                  globals: [:])
        let empty = ModuleFingerprint(sourceFilename: "", files: [], functions: [], globals: [:])
        let modules = [ModuleRecord(path: "a.bc", contentHash: "aa", fingerprint: a),
                       ModuleRecord(path: "b.bc", contentHash: "bb", fingerprint: b),
                       ModuleRecord(path: "empty.bc", contentHash: "", fingerprint: empty)]
        let store = try Scratch().open()
        let id = try store.recordBuild(facts(1), modules: modules)
        #expect(try store.modules(of: id) == modules)
        #expect(try store.statistics().functions == 2)
    }

    @Test(arguments: Backend.allCases) func duplicateModulePathsAndUnknownBuildsAreErrors(_ backend: Backend) throws {
        let scratch = try Scratch()
        let store = try scratch.open(backend)
        let module = ModuleRecord(path: "x.bc", contentHash: "1",
                                  fingerprint: Synthetic.module(name: "x", functions: 2))
        #expect(throws: StoreError.invalid(path: store.location,
                                           detail: "two modules with the path x.bc in one build")) {
            try store.recordBuild(facts(1), modules: [module, module])
        }
        #expect(try store.builds().isEmpty)  // nothing half-written
        #expect(throws: StoreError.unknownBuild(path: store.location, build: BuildID(7))) {
            try store.modules(of: BuildID(7))
        }
    }

    @Test func functionCodecIsSelfContained() throws {
        let files = ["src/lib.rs", "src/x.rs"]
        let function = Synthetic.function(index: 11, files: files.count)
        let bytes = StoredFunctionCodec.encode(function, moduleFiles: files)
        let back = try bytes.withUnsafeBytes {
            try StoredFunctionCodec.decode($0, fileIndex: ["src/lib.rs": 0, "src/x.rs": 1])
        }
        #expect(back == function)
        // Truncated or extended bytes are errors, never a crash.
        for cut in [0, 1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) {
                try Array(bytes.prefix(cut)).withUnsafeBytes {
                    try StoredFunctionCodec.decode($0, fileIndex: ["src/lib.rs": 0, "src/x.rs": 1])
                }
            }
        }
        #expect(throws: (any Error).self) {
            try (bytes + [0]).withUnsafeBytes {
                try StoredFunctionCodec.decode($0, fileIndex: ["src/lib.rs": 0, "src/x.rs": 1])
            }
        }
    }

    /// `function` with its blocks' file indices re-pointed from one file table to another.
    func remap(_ function: FunctionFingerprint, from: [String], to: [String]) -> FunctionFingerprint {
        var copy = function
        copy.blocks = function.blocks.map { block in
            var block = block
            if let index = block.file { block.file = UInt32(to.firstIndex(of: from[Int(index)])!) }
            return block
        }
        return copy
    }
}
