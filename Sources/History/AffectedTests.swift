import Foundation
import Selection
import Store
import TrimModel
import TrimPipeline

/// What one full run recorded: each test's last result and the builds they ran on.
struct RecordedRun {
    var results: [TestKey: TestResultRecord]
    var builds: [BuildID: BuildSnapshot]

    /// `reusing`: a run read before whose builds need not be decoded again
    /// (the second full run of a commit records on the same build).
    static func read(_ database: URL, reusing earlier: RecordedRun? = nil) throws(HistoryError) -> RecordedRun {
        do {
            let store = try TrimStore(path: database)
            let results = try store.lastResults()
            if let earlier, Set(results.values.map(\.build)).isSubset(of: earlier.builds.keys) {
                return RecordedRun(results: results, builds: earlier.builds)
            }
            return RecordedRun(results: results, builds: try SelectionLoader.recordedBuilds(store, of: results))
        } catch {
            throw .pipeline(.store(error))
        }
    }
}

/// The tests a commit affected, as far as full runs can tell: a sound
/// selector has to pick each of them, so their share is the floor under
/// every grain's. A test counts when it is new, did not pass with complete
/// coverage before (every selector runs it again), changed its outcome, has
/// no complete coverage now, or took another path through the code (see
/// `PathComparison`) and executed a changed block.
///
/// A test whose path differs between two runs on the same build depends on
/// something other than the code (a `HashMap`'s random seed, the clock):
/// its path tells nothing, and it counts only by its outcome. A test whose
/// path changed although block grain saw no changed block it executed, and
/// that is not known to be nondeterministic, is listed apart (`unexplained`):
/// nondeterminism the two runs did not show, or a change block grain missed.
struct AffectedTests {
    var affected: Set<TestKey> = []
    /// Tests whose path changed and that are known to be nondeterministic.
    var nondeterministic = 0
    /// Tests that took another path although block grain saw no changed
    /// block they executed, and that two runs of the same build did not show
    /// to be nondeterministic, with where their path parted.
    var unexplained: [UnexplainedPath] = []

    init(candidates: [TestKey], before: RecordedRun, after: RecordedRun, blockSelected: Set<TestKey>,
         nondeterministic noisy: Set<TestKey> = []) {
        var comparisons: [BuildID: PathComparison] = [:]
        for key in candidates {
            guard let now = after.results[key], let newBuild = after.builds[now.build] else { continue }
            guard let then = before.results[key], then.outcome == .passed, then.coverage == .complete,
                let oldBuild = before.builds[then.build]
            else {
                affected.insert(key)
                continue
            }
            if now.outcome != then.outcome || now.coverage != .complete {
                affected.insert(key)
                continue
            }
            let comparison = comparisons[then.build] ?? PathComparison(old: oldBuild, new: newBuild)
            comparisons[then.build] = comparison
            guard let divergence = comparison.divergence(before: then.hits, after: now.hits) else { continue }
            if noisy.contains(key) {
                nondeterministic += 1
            } else if blockSelected.contains(key) {
                affected.insert(key)
            } else {
                unexplained.append(UnexplainedPath(test: key, divergence: divergence))
            }
        }
        unexplained.sort { $0.test < $1.test }
    }

    /// Tests that took different paths, or had different outcomes, in two runs of the same build.
    static func nondeterministic(_ first: RecordedRun, _ second: RecordedRun) -> Set<TestKey> {
        var noisy = Set<TestKey>()
        var comparisons: [BuildID: PathComparison] = [:]
        for (key, a) in first.results {
            guard let b = second.results[key], let buildA = first.builds[a.build], let buildB = second.builds[b.build]
            else { continue }
            if a.outcome != b.outcome || a.coverage != b.coverage {
                noisy.insert(key)
                continue
            }
            let comparison = comparisons[a.build] ?? PathComparison(old: buildA, new: buildB)
            comparisons[a.build] = comparison
            if !comparison.samePath(before: a.hits, after: b.hits) { noisy.insert(key) }
        }
        return noisy
    }
}

/// A test that took another path without executing a changed block. Two
/// runs of the same build agreed on its path, so it is not shown to be
/// nondeterministic: either the comparison could not carry its old path
/// over (`PathDivergence.isCarryFailure`: a blind spot of the measurement,
/// not of selection), or its path really differs, and a change block grain
/// saw nowhere on the old path changed it: a missed change.
struct UnexplainedPath: Equatable {
    var test: TestKey
    var divergence: PathDivergence

    var kind: String { divergence.isCarryFailure ? "not carried" : "missed change" }

    /// `BINARY NAME [kind: where]`, as the CSV lists it.
    var description: String { "\(test) [\(kind): \(divergence)]" }
}
