import Foundation

/// Cache entries (merged crates) written off the path to the first result:
/// one thread at a lower CPU priority (nice 10) writes them in turn while
/// the run lists, selects and runs tests. The session waits for them before
/// it gives the workspace lock up; a trim killed before then only leaves the
/// next run a merge to do again (each entry is written whole or not at all).
final class CacheWrites: @unchecked Sendable {
    /// Writes each entry as it is asked for, on the caller's thread (no session to wait for them).
    static var atOnce: CacheWrites { CacheWrites(deferred: false) }

    private let deferred: Bool
    private let lock = NSLock()
    private var queued: [@Sendable () -> Void] = []
    private var writing = false
    private let idle = DispatchGroup()

    init(deferred: Bool = true) { self.deferred = deferred }

    func later(_ write: @escaping @Sendable () -> Void) {
        guard deferred else { return write() }
        let start = lock.withLock { () -> Bool in
            queued.append(write)
            guard !writing else { return false }
            writing = true
            idle.enter()
            return true
        }
        guard start else { return }
        startYieldingThread {
            while let next = self.lock.withLock({ () -> (@Sendable () -> Void)? in
                guard !self.queued.isEmpty else {
                    self.writing = false
                    return nil
                }
                return self.queued.removeFirst()
            }) {
                next()
            }
            self.idle.leave()
        }
    }

    /// Returns once every write asked for so far is done.
    func finish() { idle.wait() }
}
