import Foundation

/// A parallel loop on threads of its own: the caller's and `iterations - 1`
/// new ones, joined before it returns.
///
/// Not `DispatchQueue.concurrentPerform`: that one runs an iteration on a
/// pool thread only when the pool has one free, else on the caller after
/// the others. trim keeps pool threads blocked (work waiting for a build,
/// a listing, a child process), so its loops got one thread: `-j 2` ran its
/// tests one after the other, and the listings and fingerprint workers
/// queued the same way.
public enum ParallelLoop {
    /// Runs `body(0)` … `body(iterations - 1)` at once, each on its own
    /// thread, and returns when all have returned.
    public static func run(iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 1 else {
            if iterations == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // The threads reach `body` through a box emptied once they have
            // all returned: a thread object may outlive the loop, and `body`
            // must not (it only pretends to escape).
            let shared = BodyBox(body)
            let joined = DispatchGroup()
            for index in 1..<iterations {
                joined.enter()
                let thread = Thread {
                    shared.call(index)
                    joined.leave()
                }
                // Room for what a pool thread has (the default for a new thread is smaller).
                thread.stackSize = 8 << 20
                thread.start()
            }
            body(0)
            joined.wait()
            shared.empty()
        }
    }

    private final class BodyBox: @unchecked Sendable {
        private var body: ((Int) -> Void)?
        init(_ body: @escaping (Int) -> Void) { self.body = body }
        func call(_ index: Int) { body?(index) }
        func empty() { body = nil }
    }
}
