import Foundation

/// Work started at once on another thread, so that it overlaps what the
/// starter does next (rustdoc listing the doctests, the test binaries listing
/// themselves). `wait` gives its answer; `finish` (deferred by the starter)
/// joins it on every way out, so no such work outlives the session that holds
/// the workspace lock.
final class PendingWork<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Result<Value, TrimError>?

    init(_ work: @escaping @Sendable () throws(TrimError) -> Value) {
        done.enter()
        DispatchQueue.global().async {
            self.result = Result { () throws(TrimError) in try work() }
            self.done.leave()
        }
    }

    func wait() throws(TrimError) -> Value {
        done.wait()
        return try result!.get()
    }

    func finish() { done.wait() }
}
