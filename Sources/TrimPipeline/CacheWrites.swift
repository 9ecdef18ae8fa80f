import Foundation

/// Cache entries (merged crates) written off the path to the first result:
/// one thread writes them in turn, at idle priority (`YieldingPriority.idle`):
/// the entries are asked for while cargo still builds, and written at nice 10
/// they took CPU from rustc. The session calls `finish` before it gives the
/// workspace lock up: the writes not started by then are done on its thread,
/// at its priority. A trim killed before then only leaves the next run a
/// merge to do again (each entry is written whole or not at all).
final class CacheWrites: @unchecked Sendable {
    /// Writes each entry as it is asked for, on the caller's thread (no session to wait for them).
    static var atOnce: CacheWrites { CacheWrites(deferred: false) }

    /// How long `finish` waits for the one write the idle thread is doing
    /// before it leaves the rest undone: that thread gets no CPU while the
    /// machine is busy with other work, and cache entries are worth less
    /// than a run that ends.
    static let writerLimit: DispatchTimeInterval = .seconds(2)

    private let deferred: Bool
    private let writerLimit: DispatchTimeInterval
    private let lock = NSLock()
    private var queued: [@Sendable () -> Void] = []
    /// The idle thread is at work (it leaves `writer` when it stops).
    private var writing = false
    /// `finish` has taken the queue over: the idle thread stops after its current write.
    private var finishing = false
    private let writer = DispatchGroup()

    init(deferred: Bool = true, writerLimit: DispatchTimeInterval = CacheWrites.writerLimit) {
        self.deferred = deferred
        self.writerLimit = writerLimit
    }

    func later(_ write: @escaping @Sendable () -> Void) {
        guard deferred else { return write() }
        let start = lock.withLock { () -> Bool in
            queued.append(write)
            guard !writing, !finishing else { return false }
            writing = true
            writer.enter()
            return true
        }
        guard start else { return }
        startYieldingThread(.idle) {
            while let next = self.lock.withLock({ () -> (@Sendable () -> Void)? in
                guard !self.queued.isEmpty, !self.finishing else {
                    self.writing = false
                    return nil
                }
                return self.queued.removeFirst()
            }) {
                next()
            }
            self.writer.leave()
        }
    }

    /// Returns once every write asked for so far is done, in the order asked:
    /// the idle thread's current one (waited for at most `writerLimit`), then
    /// the rest here. When the idle thread's write outlasts the limit, the
    /// writes behind it are left undone.
    func finish() {
        lock.withLock { finishing = true }
        guard writer.wait(timeout: .now() + writerLimit) == .success else {
            lock.withLock {
                queued.removeAll()
                finishing = false
            }
            return
        }
        // Handed back (`finishing` off) in the same step that finds the queue
        // empty: a write asked for after it starts the idle thread again.
        while let next = lock.withLock({ () -> (@Sendable () -> Void)? in
            guard !queued.isEmpty else {
                finishing = false
                return nil
            }
            return queued.removeFirst()
        }) {
            next()
        }
    }
}
