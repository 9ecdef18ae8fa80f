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
    static let writerLimit: TimeInterval = 2

    private let deferred: Bool
    private let writerLimit: TimeInterval
    /// Guards the fields below; signalled when the idle thread ends a write or stops.
    private let condition = NSCondition()
    private var queued: [@Sendable () -> Void] = []
    /// The idle thread is running (it may not have had a core yet).
    private var writing = false
    /// The idle thread is inside a write.
    private var inWrite = false
    /// `finish` has taken the queue over: the idle thread takes no more writes.
    private var finishing = false

    init(deferred: Bool = true, writerLimit: TimeInterval = CacheWrites.writerLimit) {
        self.deferred = deferred
        self.writerLimit = writerLimit
    }

    func later(_ write: @escaping @Sendable () -> Void) {
        guard deferred else { return write() }
        condition.lock()
        queued.append(write)
        let start = !writing && !finishing
        if start { writing = true }
        condition.unlock()
        guard start else { return }
        startYieldingThread(.idle) {
            self.condition.lock()
            while !self.queued.isEmpty, !self.finishing {
                let next = self.queued.removeFirst()
                self.inWrite = true
                self.condition.unlock()
                next()
                self.condition.lock()
                self.inWrite = false
                self.condition.broadcast()
            }
            self.writing = false
            self.condition.unlock()
        }
    }

    /// Returns once every write asked for so far is done, in the order asked:
    /// the one the idle thread is inside (waited for at most `writerLimit`),
    /// then the rest here, those the idle thread has not begun among them
    /// (it may not get a core before long). When the idle thread's write
    /// outlasts the limit, the writes behind it are left undone.
    func finish() {
        condition.lock()
        defer { condition.unlock() }
        finishing = true
        defer { finishing = false }
        let deadline = Date().addingTimeInterval(writerLimit)
        while inWrite, condition.wait(until: deadline) {}
        guard !inWrite else { return queued.removeAll() }
        while !queued.isEmpty {
            let next = queued.removeFirst()
            condition.unlock()
            next()
            condition.lock()
        }
    }
}
