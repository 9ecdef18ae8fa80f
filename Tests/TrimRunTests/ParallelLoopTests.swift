import Foundation
import LockedValues
import Testing

/// trim's parallel loops run their iterations at once on threads of their
/// own, whatever the dispatch pool is doing (`ParallelLoop`).
@Suite struct ParallelLoopTests {
    /// Every pool thread blocked, as trim's pending work keeps them: the
    /// iterations still meet, each on its own thread. (`concurrentPerform`
    /// ran them one after the other on the caller here, and the first
    /// iteration waited for the others in vain.)
    @Test func iterationsRunAtOnceWhileThePoolIsBlocked() {
        let release = DispatchSemaphore(value: 0)
        let blockers = ProcessInfo.processInfo.activeProcessorCount * 4
        let blocked = DispatchGroup()
        for _ in 0..<blockers {
            DispatchQueue.global().async(group: blocked) { release.wait() }
        }
        defer {
            for _ in 0..<blockers { release.signal() }
            blocked.wait()
        }

        let iterations = 3
        let arrived = DispatchSemaphore(value: 0)
        let met = IndexedSlots<Bool>(count: iterations)
        let threads = IndexedSlots<String>(count: iterations)
        ParallelLoop.run(iterations: iterations) { index in
            threads.set(index, "\(pthread_self())")
            for _ in 0..<(iterations - 1) { arrived.signal() }
            // Each waits for the others' arrival: only iterations running at once all get through.
            var others = 0
            while others < iterations - 1, arrived.wait(timeout: .now() + 10) == .success { others += 1 }
            met.set(index, others == iterations - 1)
        }
        #expect(met.all == [true, true, true])
        #expect(Set(threads.all).count == iterations)
    }

    /// Every iteration ran exactly once when the loop returns, loop after loop.
    @Test func everyIterationRunsOnceBeforeTheLoopReturns() {
        for round in 0..<200 {
            let iterations = round % 5
            let counts = IndexedSlots<Int>(count: iterations)
            ParallelLoop.run(iterations: iterations) { index in counts.set(index, index * index) }
            #expect(counts.all == (0..<iterations).map { $0 * $0 })
        }
    }
}
