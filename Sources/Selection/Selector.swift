import BlockIR
import Foundation
import LockedValues
import TrimModel

/// The selection rule (ARCHITECTURE.md, Invariants), as one pure function.
public enum Selector {
    public static func select(_ input: SelectionInput) -> Selection {
        let tests = input.tests.sorted()
        let indexes = SelectionIndexes(input)
        // Large suites are split across the cores; each part keeps its own
        // comparison caches, and shares only the builds' indexes.
        let parts = tests.count < 2_000 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let size = (tests.count + parts - 1) / max(parts, 1)
        let answers = IndexedSlots<[(TestKey, [Reason])]>(count: parts)
        ParallelLoop.run(iterations: parts) { part in
            var comparisons: [BuildID: BuildComparison] = [:]
            let slice = tests[min(part * size, tests.count)..<min((part + 1) * size, tests.count)]
            answers.set(part, slice.map { key in (key, reasons(for: key, input, indexes, &comparisons)) })
        }
        var selected: [SelectedTest] = []
        var skipped: [TestKey] = []
        for (key, reasons) in answers.all.joined() {
            if reasons.isEmpty {
                skipped.append(key)
            } else {
                selected.append(SelectedTest(key: key, reasons: reasons))
            }
        }
        return Selection(granularity: input.granularity, total: input.tests.count, selected: selected,
                         skipped: skipped)
    }

    static func reasons(for key: TestKey, _ input: SelectionInput, _ indexes: SelectionIndexes,
                        _ comparisons: inout [BuildID: BuildComparison]) -> [Reason] {
        if input.force { return [Reason(.forced, detail: "every test runs (--all)")] }
        guard let result = input.results[key] else {
            return [Reason(.newTest, detail: "a new test: never run")]
        }
        var reasons: [Reason] = []
        switch result.outcome {
        case .failed: reasons.append(Reason(.failedLastRun, detail: "failed last time"))
        case .crashed: reasons.append(Reason(.failedLastRun, detail: "crashed last time"))
        case .timedOut: reasons.append(Reason(.failedLastRun, detail: "timed out last time"))
        case .flaky: reasons.append(Reason(.failedLastRun, detail: "was flaky last time (failed, then passed on a retry)"))
        case .passed, .ignored, .notRun: break
        }
        if result.outcome == .notRun || result.outcome == .ignored {
            reasons.append(Reason(.noCoverage, detail: "did not run last time"))
        } else if result.coverage != .complete {
            reasons.append(Reason(.noCoverage, detail: "its coverage is \(result.coverage.rawValue): "
                                  + "it ended before writing it, or not all of it could be mapped"))
        }
        guard let recorded = indexes.recorded[result.build] else {
            reasons.append(Reason(.noCoverage, detail: "the build its coverage was recorded on is gone"))
            return reasons
        }
        if let change = recorded.factChange {
            reasons.append(Reason(.buildChanged, detail: change))
            return reasons
        }
        guard reasons.isEmpty else { return reasons }
        if let digest = input.crateDigests[key] { return CrateGrain.reasons(recorded: result.hits, current: digest) }

        let comparison: BuildComparison
        if let known = comparisons[recorded.representative] {
            comparison = known
        } else {
            comparison = BuildComparison(old: recorded.index, new: indexes.current)
            comparisons[recorded.representative] = comparison
        }
        return comparison.reasons(for: key, hits: result.hits, granularity: input.granularity)
            + inputReasons(for: key, input)
    }

    /// Files, variables and network the test read, against their state now.
    static func inputReasons(for key: TestKey, _ input: SelectionInput) -> [Reason] {
        guard let state = input.inputState else { return [] }
        guard let recorded = input.inputs[key] else {
            return [Reason(.noCoverage, detail: "the files and variables it reads were not recorded")]
        }
        return InputChanges.reasons(recorded: recorded, current: state, policy: input.networkPolicy)
    }
}

/// The index of every build one selection compares: built before the
/// selection splits, shared read-only by its parts (each module is indexed
/// once, on first use). Recorded builds of the same code (an edit undone, a
/// run with nothing changed: `BuildSnapshot.recordsSameCode`) share one
/// entry, so each function is compared once, not once per build.
struct SelectionIndexes: Sendable {
    struct Recorded: Sendable {
        /// The build whose comparison the tests of this entry share.
        var representative: BuildID
        var index: BuildIndex
        /// Why it cannot be compared with the current build (decided once, not per test), or nil.
        var factChange: String?
    }

    let current: BuildIndex
    let recorded: [BuildID: Recorded]

    init(_ input: SelectionInput) {
        current = BuildIndex(input.current)
        var distinct: [(snapshot: BuildSnapshot, entry: Recorded)] = []
        var recorded: [BuildID: Recorded] = [:]
        for (id, snapshot) in input.recorded.sorted(by: { $0.key < $1.key }) {
            if let same = distinct.first(where: { $0.snapshot.recordsSameCode(as: snapshot) }) {
                recorded[id] = same.entry
                continue
            }
            let entry = Recorded(representative: id, index: BuildIndex(snapshot),
                                 factChange: BuildComparison.factChange(snapshot.facts, input.current.facts))
            distinct.append((snapshot, entry))
            recorded[id] = entry
        }
        self.recorded = recorded
    }
}
