import Foundation

/// Work started at once on another thread, so that it overlaps what the
/// starter does next (rustdoc listing the doctests, the test binaries listing
/// themselves). `wait` gives its answer; `finish` (deferred by the starter)
/// joins it on every way out, so no such work outlives the session that holds
/// the workspace lock.
final class PendingWork<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Result<Value, TrimError>?

    /// `yielding`: on a thread of its own at a lower CPU priority (`YieldingPriority.lower`).
    init(yielding: Bool = false, _ work: @escaping @Sendable () throws(TrimError) -> Value) {
        done.enter()
        let body: @Sendable () -> Void = {
            self.result = Result { () throws(TrimError) in try work() }
            self.done.leave()
        }
        if yielding { startYieldingThread(.lower, body) } else { DispatchQueue.global().async(execute: body) }
    }

    func wait() throws(TrimError) -> Value {
        done.wait()
        return try result!.get()
    }

    func finish() { done.wait() }

    /// Its answer if it has ended well by now; nil otherwise (never waits).
    func valueIfDone() -> Value? {
        guard done.wait(timeout: .now()) == .success else { return nil }
        return try? result?.get()
    }
}

/// How far below the run's own work a thread of `startYieldingThread` runs.
enum YieldingPriority {
    /// nice 10: for work the run waits for later (the store's records, the
    /// build's record). What waits for it first takes the cores before it.
    case lower
    /// `SCHED_IDLE`: only on a core nothing else wants, so it never slows
    /// the rustc calls cargo runs beside it. For work nothing waits for
    /// without a bound (`CacheWrites`): on a machine busy with other work
    /// such a thread may not run for seconds.
    case idle
}

/// Linux's `SCHED_IDLE` (glibc declares it only for `_GNU_SOURCE`, which Swift's Glibc module is not built with).
let schedIdle: Int32 = 5

/// Runs `body` on a new thread at `priority`. The thread is never returned
/// to a pool: an unprivileged process cannot raise a thread's priority back.
func startYieldingThread(_ priority: YieldingPriority = .lower, _ body: @escaping @Sendable () -> Void) {
    Thread {
        #if os(Linux)
        // The calling thread only: on Linux a nice value and a policy belong to a thread.
        switch priority {
        case .lower:
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        case .idle:
            var parameter = sched_param(sched_priority: 0)
            _ = sched_setscheduler(0, schedIdle, &parameter)
        }
        #endif
        body()
    }.start()
}
