import BlockIR
import Foundation
import LockedValues
import TrimModel

/// The selection rule (ARCHITECTURE.md, Invariants), as one pure function.
public enum Selector {
    public static func select(_ input: SelectionInput) -> Selection {
        selectByCode(input).finished(with: input)
    }

    /// Every reason but what the tests read outside the code (`inputState`
    /// is not asked): what the build decides, ready before the inputs are
    /// looked at. `CodeSelection.finished(with:)` adds those.
    public static func selectByCode(_ input: SelectionInput) -> CodeSelection {
        let tests = input.tests.sorted()
        let indexes = SelectionIndexes(input)
        // Large suites are split across the cores; each part keeps its own
        // comparison caches, and shares only the builds' indexes.
        let parts = tests.count < 2_000 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let size = (tests.count + parts - 1) / max(parts, 1)
        let answers = IndexedSlots<[CodeSelection.Decision]>(count: parts)
        ParallelLoop.run(iterations: parts) { part in
            var comparisons: [BuildID: BuildComparison] = [:]
            let slice = tests[min(part * size, tests.count)..<min((part + 1) * size, tests.count)]
            answers.set(part, slice.map { key in codeDecision(for: key, input, indexes, &comparisons) })
        }
        return CodeSelection(granularity: input.granularity, decisions: Array(answers.all.joined()))
    }

    /// A test's reasons from the build, and whether what it read outside the
    /// code is asked too: only when nothing else already selects it (it
    /// passed with complete coverage on a build with the same facts).
    static func codeDecision(for key: TestKey, _ input: SelectionInput, _ indexes: SelectionIndexes,
                             _ comparisons: inout [BuildID: BuildComparison]) -> CodeSelection.Decision {
        func decided(_ reasons: [Reason]) -> CodeSelection.Decision { .init(key: key, reasons: reasons, asksInputs: false) }
        if input.force { return decided([Reason(.forced, detail: "every test runs (--all)")]) }
        guard let result = input.results[key] else {
            return decided([Reason(.newTest, detail: "a new test: never run")])
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
            return decided(reasons)
        }
        if let change = recorded.factChange {
            reasons.append(Reason(.buildChanged, detail: change))
            return decided(reasons)
        }
        guard reasons.isEmpty else { return decided(reasons) }
        if let digest = input.crateDigests[key] { return decided(CrateGrain.reasons(recorded: result.hits, current: digest)) }

        let comparison: BuildComparison
        if let known = comparisons[recorded.representative] {
            comparison = known
        } else {
            comparison = BuildComparison(old: recorded.index, new: indexes.current)
            comparisons[recorded.representative] = comparison
        }
        return .init(key: key, reasons: comparison.reasons(for: key, hits: result.hits, granularity: input.granularity),
                     asksInputs: true)
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
