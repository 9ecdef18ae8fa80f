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
    /// thread, and returns when all have returned. An iteration whose thread
    /// cannot be created (a process at its thread limit) runs on the caller's
    /// thread after `body(0)`: slower, never lost.
    public static func run(iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 1 else {
            if iterations == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = Iterations(body)
            var started: [pthread_t] = []
            var inline: [Int] = []
            for index in 1..<iterations {
                if let thread = shared.start(index) { started.append(thread) } else { inline.append(index) }
            }
            body(0)
            for index in inline { body(index) }
            for thread in started { pthread_join(thread, nil) }
            // Every thread has returned: `body`, which only pretends to
            // escape, is released before it goes out of scope.
            shared.empty()
        }
    }

    private final class Iterations: @unchecked Sendable {
        private var body: ((Int) -> Void)?

        init(_ body: @escaping (Int) -> Void) { self.body = body }

        func call(_ index: Int) { body?(index) }
        func empty() { body = nil }

        /// A thread running `call(index)`, or nil when none could be created.
        func start(_ index: Int) -> pthread_t? {
            let context = Unmanaged.passRetained(Context(iterations: self, index: index)).toOpaque()
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            // Room for what a pool thread has.
            pthread_attr_setstacksize(&attributes, 8 << 20)
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { raw in
                let context = Unmanaged<Context>.fromOpaque(raw!).takeRetainedValue()
                context.iterations.call(context.index)
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<Context>.fromOpaque(context).release()
                return nil
            }
            return thread
        }
    }

    private final class Context {
        let iterations: Iterations
        let index: Int
        init(iterations: Iterations, index: Int) {
            self.iterations = iterations
            self.index = index
        }
    }
}
