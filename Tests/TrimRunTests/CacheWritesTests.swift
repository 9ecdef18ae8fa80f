import Foundation
import LockedValues
import Testing
@testable import TrimPipeline

/// Cache entries written off the path: every write asked for is done once
/// `finish` returns, in the order asked, however they arrive; at idle
/// priority, and never holding `finish` up for long.
@Suite struct CacheWritesTests {
    @Test func finishWaitsForEveryWriteAskedFor() {
        let writes = CacheWrites()
        let done = LockedBox<[Int]>([])
        for index in 0..<50 {
            writes.later {
                if index % 10 == 0 { usleep(2_000) }  // a slow entry holds the ones behind it
                done.update { $0.append(index) }
            }
        }
        writes.finish()
        #expect(done.value == Array(0..<50))
    }

    @Test func writesAskedForAfterAFinishAreDoneByTheNext() {
        let writes = CacheWrites()
        let done = LockedBox<Int>(0)
        writes.later { done.update { $0 += 1 } }
        writes.finish()
        writes.later { usleep(5_000); done.update { $0 += 1 } }
        writes.finish()
        #expect(done.value == 2)
        writes.finish()  // nothing pending: returns at once
    }

    /// The writer takes a core only when nothing else wants one (`SCHED_IDLE`):
    /// written at nice 10, the entries asked for while cargo built slowed rustc.
    @Test func theWriterRunsAtIdlePriority() {
        let writes = CacheWrites()
        let policy = LockedBox<Int32>(-1)
        let written = DispatchSemaphore(value: 0)
        writes.later {
            policy.value = sched_getscheduler(0)
            written.signal()
        }
        // Waited for here, not by `finish`: a write the idle thread has not begun, `finish` does itself.
        #expect(written.wait(timeout: .now() + 30) == .success)
        writes.finish()
        #expect(policy.value == schedIdle)
    }

    /// A writer that gets no CPU (here: a write that blocks) holds `finish`
    /// up for the limit at most; the writes behind it are left undone, and
    /// the next ones are written again as usual.
    @Test func aStarvedWriterNeverHoldsFinishUp() {
        let writes = CacheWrites(writerLimit: 0.2)
        let (begun, release) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        let done = LockedBox<[Int]>([])
        writes.later {
            begun.signal()
            release.wait()
            done.update { $0.append(0) }
        }
        writes.later { done.update { $0.append(1) } }
        // The idle thread is on the first write (a write it has not begun, `finish` does itself).
        #expect(begun.wait(timeout: .now() + 30) == .success)
        let started = Date()
        writes.finish()
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.15 && waited < 2, "finish waited \(waited) s")
        #expect(done.value.isEmpty, "the write behind the starved one is left undone: \(done.value)")
        release.signal()
        writes.later { done.update { $0.append(2) } }
        writes.finish()
        #expect(done.value == [0, 2])
    }

    /// What the writer has not started when `finish` is called is done on
    /// the caller's thread, after the writer's current write: in order.
    @Test func finishTakesOverTheQueueInOrder() {
        let writes = CacheWrites()
        let done = LockedBox<[Int]>([])
        let threads = LockedBox<Set<Bool>>([])
        for index in 0..<20 {
            writes.later {
                usleep(1_000)
                threads.update { $0.insert(sched_getscheduler(0) == schedIdle) }
                done.update { $0.append(index) }
            }
        }
        writes.finish()
        #expect(done.value == Array(0..<20))
        #expect(threads.value.contains(false), "finish wrote some of them itself")
    }
}
