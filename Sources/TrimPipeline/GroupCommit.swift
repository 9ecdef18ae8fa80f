import Dispatch
import Foundation
import Store
import TrimModel

/// Finished tests' results committed in groups: the first result of a group
/// waits at most `delay`, then everything that arrived meanwhile is one
/// transaction. One commit per result cost most of the recording thread's
/// time (a SQLite commit writes whole pages of several B-trees; a PostgreSQL
/// commit is a round trip).
///
/// A trim killed before a group is committed loses that group's results
/// only: those tests keep their previous result (or none), so the next run
/// selects them again. Nothing committed is ever partial.
final class GroupCommit: @unchecked Sendable {
    /// How long a finished test's result may wait for its group's commit.
    static let defaultDelay: DispatchTimeInterval = .milliseconds(25)

    private let store: any CoverageStore
    private let delay: DispatchTimeInterval
    private let warn: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "trim.group-commit")
    private let lock = NSLock()
    // Under `lock`:
    private var pending: [(record: TestResultRecord, inputs: TestInputs?)] = []
    private var scheduled = false
    private var serverGone = false
    /// Set by `hurry`: a result no longer waits for others.
    private var eager = false
    // Only on `queue`:
    private var failure: StoreError?

    init(store: any CoverageStore, delay: DispatchTimeInterval = GroupCommit.defaultDelay,
         warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.delay = delay
        self.warn = warn
    }

    /// Queues a result; it is committed within `delay` (with the others that
    /// arrive meanwhile), or once `hurry` was called, as soon as the commit
    /// before it is done (with those that arrived during that commit).
    func add(_ record: TestResultRecord, inputs: TestInputs?) {
        let (schedule, now): (Bool, Bool) = lock.withLock {
            guard !serverGone else { return (false, false) }
            pending.append((record, inputs))
            defer { scheduled = true }
            return (!scheduled, eager)
        }
        guard schedule else { return }
        if now {
            queue.async { self.commitPending() }
        } else {
            queue.asyncAfter(deadline: .now() + delay) { self.commitPending() }
        }
    }

    /// Commits what waits now, and each later result without waiting for
    /// others: called once the last test has started, so that the results
    /// of the tests still running are all that `flush` has left to commit,
    /// not everything that finished in the last `delay`.
    func hurry() {
        lock.withLock { eager = true }
        queue.async { self.commitPending() }
    }

    /// Commits whatever is queued and waits for it; the first failure of any commit so far.
    func flush() -> StoreError? {
        queue.sync {
            commitPending()
            return failure
        }
    }

    private func commitPending() {
        let group: [(record: TestResultRecord, inputs: TestInputs?)] = lock.withLock {
            defer {
                pending = []
                scheduled = false
            }
            return pending
        }
        guard !group.isEmpty else { return }
        var inputs: [TestKey: TestInputs] = [:]
        for entry in group { inputs[entry.record.key] = entry.inputs }  // a test twice: its last inputs, as one by one
        do {
            try store.recordResults(group.map(\.record), inputs: inputs)
        } catch {
            if stopIfServerGone(error) { return }
            // All or none: one result the store refuses (its build collected meanwhile, say)
            // must not cost the others theirs.
            for entry in group {
                do { try store.recordResult(entry.record, inputs: entry.inputs) } catch {
                    if stopIfServerGone(error) { return }
                    if failure == nil { failure = error }
                }
            }
        }
    }

    /// After a lost connection nothing more is sent: the results not recorded run again next time.
    private func stopIfServerGone(_ error: StoreError) -> Bool {
        guard case .server = error else { return false }
        failure = error
        lock.withLock {
            serverGone = true
            pending = []
        }
        warn("recording stopped: \(error); the results not recorded run again next time")
        return true
    }
}
