import BlockIR
import Foundation
import Store
import Testing
import TrimModel

@Suite struct GarbageCollectionTests {
    @Test func keepsBuildsThatResultsOrTheLatestBuildReferTo() throws {
        let rust = try RustFixtures.get()
        let store = try Scratch().open()
        let changedStep = ModuleRecord(path: "alpha.bc", contentHash: "third",
                                       fingerprint: Synthetic.module(name: "alpha", functions: 5, variant: 3))
        let b1 = try store.recordBuild(facts(1), modules: [rust.alpha1, rust.beta])
        let b2 = try store.recordBuild(facts(2), modules: [rust.alpha2, rust.beta])
        let b3 = try store.recordBuild(facts(3), modules: [changedStep, rust.beta])
        let b4 = try store.recordBuild(facts(4), modules: [rust.alpha2, rust.beta])
        try store.recordBinaries([TestBinaryRecord(id: "alpha::lib", package: "alpha", kind: "lib", executable: "x")],
                                 build: b2)

        let old = TestKey(binary: "alpha::lib", name: "ran_on_b1")
        let symbol = rust.alpha1.fingerprint.functions[0].symbol
        try store.recordResult(TestResultRecord(key: old, build: b1, outcome: .passed, duration: 1, coverage: .complete,
                                                hits: [HitFunction(module: "alpha.bc", symbol: symbol, blocks: [0, 1])]))
        let report = try store.collectGarbage()
        // b2 and b3: no result ran on them and neither is the latest.
        #expect(try store.builds().map(\.0) == [b1, b4])
        #expect(report.builds == 2)
        // b3's synthetic alpha and its functions are gone; b2's alpha2 lives on in b4.
        #expect(report.modules == 1 && report.functions == 5)
        #expect(try store.modules(of: b1) == [rust.alpha1, rust.beta])
        #expect(try store.modules(of: b4) == [rust.alpha2, rust.beta])
        #expect(try store.binaries(of: b2) == [])
        #expect(throws: StoreError.self) { try store.modules(of: b3) }
        #expect(try store.lastResult(for: old)?.hits.first?.symbol == symbol)

        // Once the test has run on b4, b1 goes too, and only alpha1's `step` row with it.
        let before = try store.statistics()
        try store.recordResult(TestResultRecord(key: old, build: b4, outcome: .passed, duration: 1,
                                                coverage: .complete, hits: []))
        let second = try store.collectGarbage()
        #expect(try store.builds().map(\.0) == [b4])
        #expect(second.functions == 1 && second.modules == 1 && second.builds == 1)
        #expect(try store.statistics().functions == before.functions - 1)
        #expect(second.hitSymbols == 1)  // nothing names alpha1's first function any more
        #expect(try store.modules(of: b4) == [rust.alpha2, rust.beta])
        #expect(try store.collectGarbage() == GarbageReport(builds: 0, modules: 0, functions: 0, hitSymbols: 0))
    }

    /// A live run's build has no result yet while the run lists and starts
    /// its first tests: another trim's collection must leave it, and take it
    /// only once the run ended without releasing it (killed).
    @Test(arguments: Backend.allCases) func aBuildHeldByALiveRunSurvivesCollectionUntilItsHolderIsGone(_ backend: Backend) throws {
        let store = try Scratch().open(backend)
        let held = try store.recordBuild(facts(1), modules: [], heldBy: "boot/100/1")
        _ = try store.recordBuild(facts(2), modules: [])
        #expect(try store.holders(of: held) == ["boot/100/1"])

        try store.collectGarbage(isHolderAlive: { _ in true })
        #expect(try store.build(held) != nil, "held by a live run")
        try store.collectGarbage()
        #expect(try store.build(held) != nil, "by default every hold counts")

        // The run recorded a result on it: the hold is no longer what keeps it.
        try store.recordResult(TestResultRecord(key: TestKey(binary: "b", name: "t"), build: held, outcome: .passed,
                                                duration: 1, coverage: .complete, hits: []))
        try store.releaseBuild(held, heldBy: "boot/100/1")
        #expect(try store.holders(of: held).isEmpty)
        try store.collectGarbage()
        #expect(try store.build(held) != nil, "a result refers to it")

        let orphan = try store.recordBuild(facts(3), modules: [], heldBy: "boot/200/5")
        _ = try store.recordBuild(facts(4), modules: [])
        try store.collectGarbage(isHolderAlive: { $0 != "boot/200/5" })
        #expect(try store.build(orphan) == nil, "its holder died without releasing it")
        #expect(try store.holders(of: orphan).isEmpty)
    }

    /// The store caches hit-symbol ids; garbage collection deletes symbols.
    /// A symbol collected and then hit again must be stored again, not
    /// written under its stale id — also when the collection ran in another
    /// connection (another trim process).
    @Test func symbolsCollectedElsewhereAreNotReusedFromTheCache() throws {
        let scratch = try Scratch()
        let writer = try scratch.open()
        let collector = try scratch.open()
        let build = try writer.recordBuild(facts(1), modules: [])
        let key = TestKey(binary: "b", name: "t")
        let hitA = [HitFunction(module: "m.bc", symbol: "a", blocks: [1])]
        let hitB = [HitFunction(module: "m.bc", symbol: "b", blocks: [2])]
        // "a" gets the highest id, then loses its last reference.
        for hits in [hitB, hitA, hitB] {
            try writer.recordResult(TestResultRecord(key: key, build: build, outcome: .passed, duration: 1,
                                                     coverage: .complete, hits: hits))
        }
        // Symbols are swept only by a collection that lets a build go.
        #expect(try collector.collectGarbage().hitSymbols == 0, "no build was deleted")
        _ = try writer.recordBuild(facts(2), modules: [])
        _ = try writer.recordBuild(facts(3), modules: [])
        let sweep = try collector.collectGarbage()
        #expect(sweep.builds == 1 && sweep.hitSymbols == 1)  // build 2 and "a"
        // SQLite hands "a"'s freed id to "c": a stale cache would now write "c" for "a".
        let other = TestKey(binary: "b", name: "u")
        try collector.recordResult(TestResultRecord(key: other, build: build, outcome: .passed, duration: 1,
                                                    coverage: .complete,
                                                    hits: [HitFunction(module: "m.bc", symbol: "c", blocks: [3])]))
        let again = TestResultRecord(key: key, build: build, outcome: .passed, duration: 1, coverage: .complete,
                                     hits: hitA + hitB)
        try writer.recordResult(again)
        #expect(try scratch.open().lastResult(for: key) == again)
        #expect(try scratch.open().lastResult(for: other)?.hits.map(\.symbol) == ["c"])
    }

    /// The ids `lastResults` reads stay in the process for its next results;
    /// a collection of its own keeps them, but for the ones it deleted.
    @Test func symbolsThisProcessCollectedAreNotReusedFromItsReadIds() throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        let build = try store.recordBuild(facts(1), modules: [])
        let key = TestKey(binary: "b", name: "t")
        let hitA = [HitFunction(module: "m.bc", symbol: "a", blocks: [1])]
        let hitB = [HitFunction(module: "m.bc", symbol: "b", blocks: [2])]
        for hits in [hitB, hitA, hitB] {
            try store.recordResult(TestResultRecord(key: key, build: build, outcome: .passed, duration: 1,
                                                    coverage: .complete, hits: hits))
        }
        // Read in a process of its own: "a" and "b" by name, from the table.
        let reader = try scratch.open()
        #expect(try reader.lastResults()[key]?.hits == hitB)
        _ = try reader.recordBuild(facts(2), modules: [])
        _ = try reader.recordBuild(facts(3), modules: [])
        #expect(try reader.collectGarbage().hitSymbols == 1)  // "a"
        // "a"'s freed id goes to "c".
        let other = TestKey(binary: "b", name: "u")
        try store.recordResult(TestResultRecord(key: other, build: build, outcome: .passed, duration: 1,
                                                coverage: .complete,
                                                hits: [HitFunction(module: "m.bc", symbol: "c", blocks: [3])]))
        let again = TestResultRecord(key: key, build: build, outcome: .passed, duration: 1, coverage: .complete,
                                     hits: hitA + hitB)
        try reader.recordResult(again)
        #expect(try scratch.open().lastResult(for: key) == again)
        #expect(try scratch.open().lastResult(for: other)?.hits.map(\.symbol) == ["c"])
    }
}
