import Foundation

/// Work started at once on another thread, so that it overlaps what the
/// starter does next (rustdoc listing the doctests, the test binaries listing
/// themselves). `wait` gives its answer; `finish` (deferred by the starter)
/// joins it on every way out, so no such work outlives the session that holds
/// the workspace lock.
final class PendingWork<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Result<Value, TrimError>?

    /// `yielding`: on a thread of its own at a lower CPU priority (`startYieldingThread`).
    init(yielding: Bool = false, _ work: @escaping @Sendable () throws(TrimError) -> Value) {
        done.enter()
        let body: @Sendable () -> Void = {
            self.result = Result { () throws(TrimError) in try work() }
            self.done.leave()
        }
        if yielding { startYieldingThread(body) } else { DispatchQueue.global().async(execute: body) }
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

/// Runs `body` on a new thread at a lower CPU priority (nice 10), so that
/// what the run waits for first takes the cores before it. The thread is
/// never returned to a pool: an unprivileged process cannot raise a
/// thread's priority back.
func startYieldingThread(_ body: @escaping @Sendable () -> Void) {
    Thread {
        #if os(Linux)
        // The calling thread only: on Linux a nice value belongs to a thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
        body()
    }.start()
}
