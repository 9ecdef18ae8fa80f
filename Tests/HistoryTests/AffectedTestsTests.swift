import BlockIR
import Selection
import Store
import Testing

@testable import History
import TrimModel

/// The floor's rules on hand-made runs: which tests count as affected, which
/// as nondeterministic, which are unexplained. (End to end on a real
/// history: SimulateHistoryTests.)
@Suite struct AffectedTestsTests {
    static let module = "m-0123456789abcdef.bc"
    static let facts = BuildFacts(toolchain: "rustc 1.95.0", rustflags: "", profile: "test", features: [])

    /// `f`: 0 → (1 | 2), block 1's hash given.
    static func build(_ branch: UInt64) -> BuildSnapshot {
        func block(_ hash: UInt64, _ successors: [UInt32]) -> BlockFingerprint {
            BlockFingerprint(hash: hash, successors: successors, file: 0, line: 1, instructionCount: 1,
                             externalGlobals: [])
        }
        let f = FunctionFingerprint(symbol: "f", demangled: "f", file: "src/lib.rs", line: 1, isTestHarnessMain: false,
                                    blocks: [block(0xA, [1, 2]), block(branch, []), block(0xC, [])])
        let fingerprint = ModuleFingerprint(sourceFilename: "m.cgu", files: ["src/lib.rs"], functions: [f], globals: [:])
        return BuildSnapshot(facts: facts, modules: [module: fingerprint])
    }

    static func run(_ build: BuildID, _ snapshot: BuildSnapshot, _ tests: [String: ([UInt32], Outcome)]) -> RecordedRun {
        var results: [TestKey: TestResultRecord] = [:]
        for (name, (blocks, outcome)) in tests {
            let key = TestKey(binary: "m", name: name)
            results[key] = TestResultRecord(key: key, build: build, outcome: outcome, duration: 0, coverage: .complete,
                                            hits: [HitFunction(module: module, symbol: "f", blocks: blocks)])
        }
        return RecordedRun(results: results, builds: [build: snapshot])
    }

    static func keys(_ names: [String]) -> [TestKey] { names.map { TestKey(binary: "m", name: $0) } }

    @Test func countsOutcomesPathsAndNewTestsAndSetsNoiseApart() {
        let before = Self.run(BuildID(1), Self.build(0xB), [
            "same": ([0, 1], .passed), "turns": ([0, 1], .passed), "fails": ([0, 2], .passed),
            "noisy": ([0, 1], .passed), "stray": ([0, 2], .passed), "failedBefore": ([0, 2], .failed),
        ])
        let now = Self.build(0xBB)
        let after = Self.run(BuildID(2), now, [
            "same": ([0, 1], .passed), "turns": ([0, 2], .passed), "fails": ([0, 2], .failed),
            "noisy": ([0, 2], .passed), "stray": ([0, 1], .passed), "failedBefore": ([0, 2], .passed),
            "new": ([0, 1], .passed),
        ])
        let again = Self.run(BuildID(2), now, [
            "same": ([0, 1], .passed), "turns": ([0, 2], .passed), "fails": ([0, 2], .failed),
            "noisy": ([0, 1], .passed), "stray": ([0, 1], .passed), "failedBefore": ([0, 2], .passed),
            "new": ([0, 1], .passed),
        ])
        let noisy = AffectedTests.nondeterministic(after, again)
        #expect(noisy == Set(Self.keys(["noisy"])))
        // Block grain selected those that ran the changed block 1 before (and the usual new / failed ones).
        let floor = AffectedTests(candidates: Self.keys(["same", "turns", "fails", "noisy", "stray", "failedBefore", "new"]),
                                  before: before, after: after,
                                  blockSelected: Set(Self.keys(["same", "turns", "noisy", "failedBefore", "new"])),
                                  nondeterministic: noisy)
        #expect(floor.affected == Set(Self.keys(["turns", "fails", "failedBefore", "new"])))
        #expect(floor.nondeterministic == 1)
        // Another path, though it ran no changed block and is not known to be noisy: listed apart.
        #expect(floor.unexplained.map(\.test) == Self.keys(["stray"]))
        // Its path really differs (block 1 instead of 2): a change block grain missed, said so.
        #expect(floor.unexplained.first?.kind == "missed change")
        #expect(floor.unexplained.first?.description.hasPrefix("m stray [missed change: did not execute blocks 2") == true,
                "\(floor.unexplained)")
    }
}
