import Foundation
import LockedValues
import Testing
@testable import TrimPipeline

/// Cache entries written off the path: every write asked for is done once
/// `finish` returns, in the order asked, however they arrive.
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
}
