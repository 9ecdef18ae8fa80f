import Foundation
import Selection
import Store
import TrimModel

/// What selection reads from the store, read in one go: the last result of
/// each test, the builds those results ran on and the last inputs. `trim run`
/// reads them while cargo builds (nothing here depends on the new build), so
/// the reading costs the loop nothing when a core is free.
struct StoreRecords: Sendable {
    let store: any CoverageStore
    let results: [TestKey: TestResultRecord]
    let recorded: [BuildID: BuildSnapshot]
    let inputs: [TestKey: TestInputs]

    static func load(from store: any CoverageStore, warm: WarmState = WarmState(),
                     timings: PhaseTimings = PhaseTimings(enabled: false)) throws(TrimError) -> StoreRecords {
        do {
            let results = try store.lastResults()
            timings.lap("load: last results")
            let recorded = try SelectionLoader.recordedBuilds(store, of: results, warm: warm)
            timings.lap("load: recorded builds")
            let inputs = try store.lastInputs()
            timings.lap("load: last inputs")
            return StoreRecords(store: store, results: results, recorded: recorded, inputs: inputs)
        } catch {
            throw .store(error)
        }
    }
}

/// The store's records, being read on another thread from the moment the
/// workspace lock is held (`WorkspaceBuild.make`'s `whileBuilding`).
final class StoreRecordsPreload: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: PendingWork<StoreRecords>?

    /// Starts reading; `open` opens the store the build will record into.
    /// `afterReading` runs on the same thread, still while cargo builds.
    func start(_ open: @escaping @Sendable () throws(TrimError) -> any CoverageStore, warm: WarmState,
               afterReading: @escaping @Sendable (StoreRecords) -> Void = { _ in }) {
        let work = PendingWork(yielding: true) { () throws(TrimError) in
            let records = try StoreRecords.load(from: try open(), warm: warm)
            afterReading(records)
            return records
        }
        lock.withLock { pending = work }
    }

    /// The records read, nil when reading never started (a build from an archive).
    func wait() throws(TrimError) -> StoreRecords? {
        guard let work = lock.withLock({ pending }) else { return nil }
        return try work.wait()
    }

    /// The records if they are read by now (never waits).
    func ready() -> StoreRecords? { lock.withLock { pending }?.valueIfDone() }

    /// Waits for the reading to end, whatever its outcome.
    func finish() { lock.withLock { pending }?.finish() }
}
