import BlockIR
import Foundation
import Store
import Testing
import TrimModel

/// The target scale: 10,000 tests × ~50 hit functions, builds of 2,000
/// functions. Times are printed, not asserted (debug builds under a parallel
/// test run are noisy); the values read back are checked.
@Suite struct ScaleBenchmark {
    @Test func tenThousandTestsAndTwoThousandFunctions() throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        let functions = 2_000
        let module = ModuleRecord(path: "ledger.bc", contentHash: "1",
                                  fingerprint: Synthetic.module(name: "ledger", functions: functions))
        var changed = module
        for i in stride(from: 0, to: functions, by: 200) {  // 10 functions change
            changed.fingerprint.functions[i].blocks[0].hash ^= 1
        }
        changed.contentHash = "2"

        let (b1, recordFirst) = try timed { try store.recordBuild(facts(1), modules: [module]) }
        let (b2, recordSecond) = try timed { try store.recordBuild(facts(2), modules: [changed]) }
        let (read, readModules) = try timed { try store.modules(of: b2) }
        #expect(read == [changed])
        #expect(try store.statistics().functions == functions + 10)

        let tests = 10_000
        let batch = (0..<tests).map { t -> TestResultRecord in
            let failed = t % 97 == 0
            let hits = Synthetic.hits(test: t, functions: 50, outOf: functions, module: "ledger.bc")
            return TestResultRecord(key: TestKey(binary: "ledger::lib", name: "tests::case_\(t)"),
                                    build: t % 2 == 0 ? b1 : b2, outcome: failed ? .failed : .passed,
                                    duration: Double(t % 100) / 1000, coverage: .complete, hits: hits,
                                    output: failed ? "thread panicked at src/lib.rs:\(t):5" : nil)
        }
        var hitBlocks = 0
        for record in batch { for hit in record.hits { hitBlocks += hit.blocks.count } }
        let ((), writeBatch) = try timed { try store.recordResults(batch) }
        let (results, readResults) = try timed { try store.lastResults() }
        #expect(results.count == tests)
        #expect(results[batch[4321].key] == batch[4321])
        #expect(results[batch[9999].key] == batch[9999])

        // One transaction per result, as trim run records them: 1,000 replacements.
        let ((), writeSingles) = try timed {
            for t in 0..<1_000 {
                var record = batch[t]
                record.duration += 1
                try store.recordResult(record)
            }
        }
        let (report, gc) = try timed { try store.collectGarbage() }
        #expect(report.builds == 0)

        let size = (try FileManager.default.attributesOfItem(atPath: scratch.database.path)[.size] as? Int) ?? 0
        let wal = (try? FileManager.default.attributesOfItem(atPath: scratch.database.path + "-wal")[.size] as? Int) ?? 0
        func ms(_ s: Double) -> String { String(format: "%.0f ms", s * 1000) }
        print("""
            store scale benchmark (debug build unless -c release):
              recordBuild, \(functions) functions, all new:        \(ms(recordFirst))
              recordBuild, \(functions) functions, 10 changed:     \(ms(recordSecond))
              modules(of:), \(functions) functions:                \(ms(readModules))
              recordResults, \(tests) tests × 50 functions (\(hitBlocks) blocks), one transaction: \(ms(writeBatch))
              lastResults(), \(tests) tests with hits:            \(ms(readResults))
              recordResult × 1,000, one transaction each:     \(ms(writeSingles)) (\(String(format: "%.2f", writeSingles)) ms each)
              collectGarbage():                               \(ms(gc))
              file: \(size / 1024) KiB + WAL \(wal / 1024) KiB
            """)
    }
}
