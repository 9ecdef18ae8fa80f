import BlockIR
import Foundation
import Selection
import Store
import Testing
import TrimModel

/// The selection rule on hand-made fingerprints: each reason, each grain.
/// (End-to-end scenarios on real builds are in TrimRunTests.)
@Suite struct SelectorTests {
    // A function `check` of four blocks: 0 → (1 | 2) → 3, in src/lib.rs.
    static func block(_ hash: UInt64, _ successors: [UInt32], line: UInt32, externals: [String] = [],
                      file: UInt32 = 0) -> BlockFingerprint {
        BlockFingerprint(hash: hash, successors: successors, file: file, line: line, instructionCount: 3,
                         externalGlobals: externals)
    }

    static func check(branch: UInt64 = 0xB1, other: UInt64 = 0xB2, externals: [String] = []) -> FunctionFingerprint {
        FunctionFingerprint(
            symbol: "_ZN2fx5check17h0000000000000001E", demangled: "fx::check::h0000000000000001",
            file: "src/lib.rs", line: 1, isTestHarnessMain: false,
            blocks: [block(0xA0, [1, 2], line: 2), block(branch, [3], line: 3, externals: externals),
                     block(other, [3], line: 5), block(0xC0, [], line: 7)])
    }

    static func helper(_ hash: UInt64 = 0xD0) -> FunctionFingerprint {
        FunctionFingerprint(symbol: "_ZN2fx6helper17h0000000000000002E", demangled: "fx::helper::h0000000000000002",
                            file: "src/util.rs", line: 1, isTestHarnessMain: false, blocks: [block(hash, [], line: 2, file: 1)])
    }

    static func module(_ functions: [FunctionFingerprint], globals: [String: UInt64] = [:]) -> ModuleFingerprint {
        ModuleFingerprint(sourceFilename: "fx.cgu", files: ["src/lib.rs", "src/util.rs"], functions: functions, globals: globals)
    }

    static let facts = BuildFacts(toolchain: "rustc 1.95.0", rustflags: "-C passes=sancov-module", profile: "test",
                                  features: [], gitCommit: "a", gitDirty: false)
    static let old = BuildID(1)
    static let moduleKey = "fx-0123456789abcdef.bc"

    static func snapshot(_ module: ModuleFingerprint, key: String = moduleKey, facts: BuildFacts = facts,
                         sourceFiles: [String: String] = ["src/lib.rs": "l1", "src/util.rs": "u1"]) -> BuildSnapshot {
        BuildSnapshot(facts: facts, modules: [key: module], sourceFiles: sourceFiles)
    }

    /// `first` took blocks 0,1,3 of check; `second` took 0,2,3; `helps` only ran helper.
    static let tests = ["first", "second", "helps"].map { TestKey(binary: "fx", name: $0) }

    static func results(outcome: Outcome = .passed, coverage: CoverageState = .complete) -> [TestKey: TestResultRecord] {
        let checkSymbol = check().symbol, helperSymbol = helper().symbol
        func record(_ name: String, _ hits: [HitFunction]) -> TestResultRecord {
            TestResultRecord(key: TestKey(binary: "fx", name: name), build: old, outcome: outcome, duration: 0.01,
                             coverage: coverage, hits: hits)
        }
        return [
            tests[0]: record("first", [HitFunction(module: moduleKey, symbol: checkSymbol, blocks: [0, 1, 3])]),
            tests[1]: record("second", [HitFunction(module: moduleKey, symbol: checkSymbol, blocks: [0, 2, 3])]),
            tests[2]: record("helps", [HitFunction(module: moduleKey, symbol: helperSymbol, blocks: [0])]),
        ]
    }

    static func select(_ current: BuildSnapshot, recorded: BuildSnapshot = snapshot(module([check(), helper()])),
                       results: [TestKey: TestResultRecord] = results(), tests: [TestKey] = tests,
                       granularity: Granularity = .block, force: Bool = false) -> Selection {
        Selector.select(SelectionInput(current: current, recorded: [old: recorded], tests: tests, results: results,
                                       granularity: granularity, force: force))
    }

    func selectedNames(_ selection: Selection) -> Set<String> { Set(selection.selected.map(\.key.name)) }

    /// `trim run` selects the tests it already knows while the binaries list
    /// themselves, then the rest: the parts must give what one selection of
    /// every test gives, in the same order.
    @Test func aSelectionSplitInTwoIsTheSelectionOfTheWhole() {
        let current = Self.snapshot(Self.module([Self.check(branch: 0xBB), Self.helper()]))
        let added = TestKey(binary: "fx", name: "added")
        let all = Self.tests + [added]
        let whole = Self.select(current, tests: all)
        let known = Self.select(current, tests: Self.tests + [TestKey(binary: "fx", name: "gone")])
        let kept: Set<TestKey> = [Self.tests[0], Self.tests[2]]
        let split = Selection.merged(known.restricted(to: kept),
                                     Self.select(current, tests: [Self.tests[1], added]))
        #expect(split.selected == whole.selected)
        #expect(split.skipped == whole.skipped)
        #expect(split.total == whole.total && split.total == 4)
        #expect(selectedNames(split) == ["first", "added"])
    }

    /// Tests recorded on two builds of the same code (an edit undone) are
    /// compared as one build; builds that differ anywhere never are.
    @Test func buildsOfTheSameCodeAreComparedAsOne() {
        func recorded(_ module: ModuleFingerprint, content: String = "c1", facts: BuildFacts = Self.facts,
                      sourceFiles: [String: String] = ["src/lib.rs": "l1", "src/util.rs": "u1"]) -> BuildSnapshot {
            BuildSnapshot(facts: facts, modules: [Self.moduleKey: module], moduleContent: [Self.moduleKey: content],
                          sourceFiles: sourceFiles)
        }
        let original = recorded(Self.module([Self.check(), Self.helper()]))
        #expect(original.recordsSameCode(as: recorded(Self.module([Self.check(), Self.helper()]))))
        #expect(!original.recordsSameCode(as: recorded(Self.module([Self.check(), Self.helper()]), content: "c2")))
        #expect(!original.recordsSameCode(as: recorded(Self.module([Self.check(), Self.helper()]),
                                                       sourceFiles: ["src/lib.rs": "l2", "src/util.rs": "u1"])))
        var otherFlags = Self.facts
        otherFlags.rustflags = "-C opt-level=1"
        #expect(!original.recordsSameCode(as: recorded(Self.module([Self.check(), Self.helper()]), facts: otherFlags)))
        #expect(!original.recordsSameCode(as: recorded(Self.module([Self.check()]))))
        // Without a content hash for every module, nothing is known to be the same.
        #expect(!Self.snapshot(Self.module([Self.check(), Self.helper()]))
            .recordsSameCode(as: Self.snapshot(Self.module([Self.check(), Self.helper()]))))

        // `first` recorded on one build, `second` and `helps` on its twin, and
        // the other way round: the answers are those of one recorded build.
        let twin = BuildID(2)
        let current = Self.snapshot(Self.module([Self.check(branch: 0xBB), Self.helper(0xDD)]))
        for onTwin in [[Self.tests[1], Self.tests[2]], [Self.tests[0]]] {
            var results = Self.results()
            for key in onTwin { results[key]?.build = twin }
            let selection = Selector.select(SelectionInput(
                current: current, recorded: [Self.old: original, twin: original], tests: Self.tests, results: results,
                granularity: .block, force: false))
            #expect(selectedNames(selection) == ["first", "helps"])
            #expect(selection.skipped.map(\.name) == ["second"])
        }
    }

    @Test func nothingChangedSelectsNothing() {
        let selection = Self.select(Self.snapshot(Self.module([Self.check(), Self.helper()])))
        #expect(selection.selected.isEmpty)
        #expect(selection.skipped.count == 3)
        #expect(selection.total == 3)
    }

    @Test func aChangedBranchSelectsOnlyTheTestThatTookIt() throws {
        let current = Self.snapshot(Self.module([Self.check(branch: 0xBB), Self.helper()]))
        let selection = Self.select(current)
        #expect(selectedNames(selection) == ["first"])
        let reason = try #require(selection.selected.first?.reasons.first)
        #expect(reason.kind == .blocksChanged)
        #expect(reason.functions == ["fx::check"])
        #expect(reason.locations == ["src/lib.rs:3"])
    }

    @Test func functionGrainSelectsEveryTestOfTheFunction() {
        let current = Self.snapshot(Self.module([Self.check(branch: 0xBB), Self.helper()]))
        let block = Self.select(current, granularity: .block)
        let function = Self.select(current, granularity: .function)
        #expect(selectedNames(function) == ["first", "second"])
        #expect(selectedNames(block).isSubset(of: selectedNames(function)))
    }

    @Test func fileGrainSelectsOnFileContent() {
        // A comment in src/lib.rs: no block changed, but the file did.
        let current = Self.snapshot(Self.module([Self.check(), Self.helper()]),
                                    sourceFiles: ["src/lib.rs": "l2", "src/util.rs": "u1"])
        #expect(Self.select(current, granularity: .block).selected.isEmpty)
        let file = Self.select(current, granularity: .file)
        #expect(selectedNames(file) == ["first", "second"])
        #expect(file.selected.first?.reasons.first?.kind == .fileChanged)
    }

    @Test func aRedirectedBranchIsAChange() {
        var redirected = Self.check()
        redirected.blocks[0].successors = [2, 1]
        let selection = Self.select(Self.snapshot(Self.module([redirected, Self.helper()])))
        #expect(selectedNames(selection) == ["first", "second"])
    }

    @Test func aNewTestIsSelected() {
        let fresh = TestKey(binary: "fx", name: "fresh")
        let selection = Self.select(Self.snapshot(Self.module([Self.check(), Self.helper()])), tests: Self.tests + [fresh])
        #expect(selectedNames(selection) == ["fresh"])
        #expect(selection.selected.first?.reasons.first?.kind == .newTest)
    }

    @Test func aFailedTestIsSelectedUntilItPasses() {
        let same = Self.snapshot(Self.module([Self.check(), Self.helper()]))
        let failed = Self.select(same, results: Self.results(outcome: .failed))
        #expect(failed.selected.count == 3)
        #expect(failed.selected.allSatisfy { $0.reasons.first?.kind == .failedLastRun })
        let crashed = Self.select(same, results: Self.results(outcome: .crashed, coverage: .partial))
        #expect(crashed.selected.allSatisfy { $0.reasons.map(\.kind) == [.failedLastRun, .noCoverage] })
    }

    @Test func unknownOrPartialCoverageIsSelected() {
        let same = Self.snapshot(Self.module([Self.check(), Self.helper()]))
        for coverage in [CoverageState.unknown, .partial] {
            let selection = Self.select(same, results: Self.results(coverage: coverage))
            #expect(selection.selected.count == 3)
            #expect(selection.selected.allSatisfy { $0.reasons.first?.kind == .noCoverage })
        }
    }

    @Test func changedBuildFactsSelectEverythingButANewCommitDoesNot() {
        var facts = Self.facts
        facts.features = ["fast"]
        let featured = Self.select(Self.snapshot(Self.module([Self.check(), Self.helper()]), facts: facts))
        #expect(featured.selected.count == 3)
        #expect(featured.selected.allSatisfy { $0.reasons.first?.kind == .buildChanged })
        facts = Self.facts
        facts.toolchain = "rustc 1.96.0"
        #expect(Self.select(Self.snapshot(Self.module([Self.check(), Self.helper()]), facts: facts)).selected.count == 3)
        facts = Self.facts
        facts.gitCommit = "b"
        facts.gitDirty = true
        #expect(Self.select(Self.snapshot(Self.module([Self.check(), Self.helper()]), facts: facts)).selected.isEmpty)
    }

    @Test func aRemovedFunctionSelectsItsTests() {
        let selection = Self.select(Self.snapshot(Self.module([Self.check()])))
        #expect(selectedNames(selection) == ["helps"])
        #expect(selection.selected.first?.reasons.first?.detail.contains("gone") == true)
    }

    @Test func aMissingRecordedBuildMeansNoCoverage() {
        let selection = Selector.select(SelectionInput(
            current: Self.snapshot(Self.module([Self.check(), Self.helper()])), recorded: [:], tests: Self.tests,
            results: Self.results()))
        #expect(selection.selected.count == 3)
        #expect(selection.selected.allSatisfy { $0.reasons.first?.kind == .noCoverage })
    }

    @Test func symbolHashAndModuleHashChangesAreFollowed() {
        var check = Self.check(), helper = Self.helper()
        check.symbol = "_ZN2fx5check17hffffffffffffffffE"
        helper.symbol = "_ZN2fx6helper17heeeeeeeeeeeeeeeeE"
        let current = Self.snapshot(Self.module([check, helper]), key: "fx-fedcba9876543210.bc")
        #expect(Self.select(current).selected.isEmpty)
    }

    @Test func aChangedGlobalOfAnotherModuleIsAConstantChange() throws {
        let recorded = BuildSnapshot(facts: Self.facts, modules: [
            Self.moduleKey: Self.module([Self.check(externals: ["LIMIT"]), Self.helper()]),
            "lib-1111111111111111.bc": Self.module([], globals: ["LIMIT": 5]),
        ])
        let current = BuildSnapshot(facts: Self.facts, modules: [
            Self.moduleKey: Self.module([Self.check(externals: ["LIMIT"]), Self.helper()]),
            "lib-1111111111111111.bc": Self.module([], globals: ["LIMIT": 6]),
        ])
        let selection = Self.select(current, recorded: recorded)
        #expect(selectedNames(selection) == ["first"])
        #expect(try #require(selection.selected.first?.reasons.first).kind == .constantChanged)
    }

    @Test func forceSelectsEverything() {
        let selection = Self.select(Self.snapshot(Self.module([Self.check(), Self.helper()])), force: true)
        #expect(selection.selected.count == 3)
        #expect(selection.selected.allSatisfy { $0.reasons == [Reason(.forced, detail: "every test runs (--all)")] })
    }

    @Test func blockGrainIsASubsetOfFunctionGrainOnEveryEdit() {
        let edits: [FunctionFingerprint] = [
            Self.check(branch: 1), Self.check(other: 2), Self.check(branch: 1, other: 2), Self.check(externals: ["X"]),
        ]
        for edit in edits {
            let current = Self.snapshot(Self.module([edit, Self.helper()]))
            let block = selectedNames(Self.select(current, granularity: .block))
            let function = selectedNames(Self.select(current, granularity: .function))
            #expect(block.isSubset(of: function))
        }
    }
}
