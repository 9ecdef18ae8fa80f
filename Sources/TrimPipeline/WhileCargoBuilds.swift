import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Work trim does while cargo builds (reading the store, asking rustc and git,
/// fingerprinting and merging each crate as it is built) runs at a lower CPU
/// priority than rustc: on a machine with every core compiling, it takes
/// only what the compilers leave, instead of slowing the build it waits for.
/// Once cargo is done nothing competes, and it runs at full speed.
///
/// Each piece of work gets a thread of its own, never returned to a pool: an
/// unprivileged process cannot raise a thread's priority back.
enum WhileCargoBuilds {
    /// The nice value of that work and of the processes it starts (IR workers, rustc, git).
    static let niceness: Int32 = 10

    /// Runs `work` on a new low-priority thread, inside `group`.
    static func start(in group: DispatchGroup, _ work: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            lowerThisThread()
            work()
            group.leave()
        }
        thread.start()
    }

    /// The calling thread only: on Linux a nice value belongs to a thread,
    /// and the processes it starts inherit it.
    static func lowerThisThread() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }
}
