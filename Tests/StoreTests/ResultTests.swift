import BlockIR
import Foundation
import Store
import Testing
import TrimModel

@Suite struct ResultTests {
    /// Hits taken from the real fixture: every second block of each function.
    func hits(from module: ModuleRecord, functions: Int) -> [HitFunction] {
        module.fingerprint.functions.prefix(functions).map { f in
            HitFunction(module: module.path, symbol: f.symbol,
                        blocks: (0..<UInt32(f.blocks.count)).filter { $0 % 2 == 0 })
        }
    }

    @Test(arguments: Backend.allCases) func resultsAndHitsRoundTrip(_ backend: Backend) throws {
        let rust = try RustFixtures.get()
        let scratch = try Scratch()
        let key = TestKey(binary: "alpha::lib", name: "tests::step_doubles")
        let other = TestKey(binary: "beta::lib", name: "tests::parse")
        let expected: [TestKey: TestResultRecord]
        do {
            let store = try scratch.open(backend)
            let build = try store.recordBuild(facts(1), modules: [rust.alpha1, rust.beta])
            let a = TestResultRecord(key: key, build: build, outcome: .passed, duration: 0.0125, coverage: .complete,
                                     hits: hits(from: rust.alpha1, functions: 3),
                                     recordedAt: Date(timeIntervalSince1970: 1_770_000_100.25))
            let b = TestResultRecord(key: other, build: build, outcome: .failed, duration: 1.5, coverage: .partial,
                                     hits: hits(from: rust.beta, functions: 2) + hits(from: rust.alpha1, functions: 1),
                                     output: "thread 'tests::parse' panicked at src/lib.rs:3:5:\nassertion failed ✗",
                                     recordedAt: Date(timeIntervalSince1970: 1_770_000_101))
            try store.recordResult(a)
            try store.recordResult(b)
            expected = [key: a, other: b]
            #expect(try store.lastResults() == expected)
        }
        let store = try scratch.open(backend)
        #expect(try store.lastResults() == expected)
        #expect(try store.lastResult(for: other) == expected[other])
        #expect(try store.lastResult(for: TestKey(binary: "beta::lib", name: "nope")) == nil)
        #expect(try store.tests(inBinary: "alpha::lib") == [key])
    }

    @Test(arguments: Backend.allCases) func everyOutcomeAndCoverageStateRoundTrips(_ backend: Backend) throws {
        let store = try Scratch().open(backend)
        let build = try store.recordBuild(facts(1), modules: [])
        var batch: [TestResultRecord] = []
        for (i, outcome) in Outcome.allCases.enumerated() {
            for (j, coverage) in CoverageState.allCases.enumerated() {
                batch.append(TestResultRecord(
                    key: TestKey(binary: "b", name: "t\(i)_\(j)"), build: build, outcome: outcome,
                    duration: Double(i) + Double(j) / 8, coverage: coverage,
                    hits: coverage == .unknown ? [] : [HitFunction(module: "m.bc", symbol: "f\(i)", blocks: [UInt32(j), 0])],
                    output: outcome == .failed ? "" : nil, recordedAt: Date(timeIntervalSince1970: Double(i * 10 + j))))
            }
        }
        try store.recordResults(batch)
        #expect(try store.lastResults() == Dictionary(uniqueKeysWithValues: batch.map { ($0.key, $0) }))
    }

    @Test(arguments: Backend.allCases) func aResultReplacesThePreviousOneAndItsHits(_ backend: Backend) throws {
        let rust = try RustFixtures.get()
        let store = try Scratch().open(backend)
        let b1 = try store.recordBuild(facts(1), modules: [rust.alpha1])
        let b2 = try store.recordBuild(facts(2), modules: [rust.alpha2])
        let key = TestKey(binary: "alpha::lib", name: "tests::total")
        try store.recordResult(TestResultRecord(key: key, build: b1, outcome: .failed, duration: 2, coverage: .complete,
                                                hits: hits(from: rust.alpha1, functions: 4), output: "boom"))
        let second = TestResultRecord(key: key, build: b2, outcome: .passed, duration: 0.5, coverage: .complete,
                                      hits: [HitFunction(module: "alpha.bc", symbol: rust.alpha2.fingerprint.functions[0].symbol,
                                                         blocks: [0])],
                                      recordedAt: Date(timeIntervalSince1970: 1_770_000_200))
        try store.recordResult(second)
        #expect(try store.lastResults() == [key: second])
        #expect(try store.statistics().results == 1)
        #expect(try store.statistics().tests == 1)
    }

    @Test(arguments: Backend.allCases) func aBatchIsAllOrNothing(_ backend: Backend) throws {
        let scratch = try Scratch()
        let store = try scratch.open(backend)
        let build = try store.recordBuild(facts(1), modules: [])
        let good = TestResultRecord(key: TestKey(binary: "b", name: "good"), build: build, outcome: .passed,
                                    duration: 1, coverage: .complete, hits: [])
        try store.recordResult(good)
        let replaced = TestResultRecord(key: good.key, build: build, outcome: .failed, duration: 9,
                                        coverage: .unknown, hits: [])
        let orphan = TestResultRecord(key: TestKey(binary: "b", name: "orphan"), build: BuildID(99),
                                      outcome: .passed, duration: 1, coverage: .complete, hits: [])
        #expect(throws: StoreError.unknownBuild(path: store.location, build: BuildID(99))) {
            try store.recordResults([replaced, orphan])
        }
        #expect(try store.lastResults() == [good.key: good])
        #expect(try store.tests(inBinary: "b") == [good.key])
    }

    @Test(arguments: Backend.allCases) func longOutputIsCappedKeepingHeadAndTail(_ backend: Backend) throws {
        let store = try Scratch().open(backend)
        let build = try store.recordBuild(facts(1), modules: [])
        let head = "running 1 test ✓\n"
        let tail = "\nthread 'big' panicked at src/lib.rs:9:5: the end ✗"
        let output = head + String(repeating: "é-line of noise\n", count: 40_000) + tail
        let key = TestKey(binary: "b", name: "big")
        try store.recordResult(TestResultRecord(key: key, build: build, outcome: .failed, duration: 1,
                                                coverage: .complete, hits: [], output: output))
        let stored = try #require(try store.lastResult(for: key)?.output)
        #expect(stored.utf8.count <= TrimStore.outputLimit)
        #expect(stored.hasPrefix(head))
        #expect(stored.hasSuffix(tail))
        #expect(stored.contains("bytes of output"))
        #expect(!stored.contains("\u{FFFD}"))  // never cut inside a character
    }

    @Test(arguments: Backend.allCases) func testListingsAndBinaries(_ backend: Backend) throws {
        let store = try Scratch().open(backend)
        let b1 = try store.recordBuild(facts(1), modules: [])
        let b2 = try store.recordBuild(facts(2), modules: [])
        let lib = TestBinaryRecord(id: "ledger::lib", package: "ledger", kind: "lib",
                                   executable: "/w/target/trim/debug/deps/ledger-0123456789abcdef")
        let report = TestBinaryRecord(id: "ledger::report", package: "ledger", kind: "test",
                                      executable: "/w/target/trim/debug/deps/report-0123456789abcdef")
        try store.recordBinaries([lib, report], build: b1)
        var moved = report
        moved.executable = "/w/target/trim/debug/deps/report-fedcba9876543210"
        try store.recordBinaries([moved], build: b2)
        #expect(try store.binaries(of: b1) == [lib, report])
        #expect(try store.binaries(of: b2) == [moved])

        try store.recordTests(["t::a", "t::b", "t::c"], inBinary: "ledger::lib")
        try store.recordTests(["x"], inBinary: "ledger::report")
        try store.recordResult(TestResultRecord(key: TestKey(binary: "ledger::lib", name: "t::b"), build: b2,
                                                outcome: .passed, duration: 1, coverage: .complete, hits: []))
        try store.recordResult(TestResultRecord(key: TestKey(binary: "ledger::lib", name: "t::c"), build: b2,
                                                outcome: .passed, duration: 1, coverage: .complete, hits: []))
        #expect(try store.tests(inBinary: "ledger::lib").map(\.name) == ["t::a", "t::b", "t::c"])
        // A new listing forgets removed tests and their results, keeps the rest.
        try store.recordTests(["t::c", "t::d"], inBinary: "ledger::lib")
        #expect(try store.tests(inBinary: "ledger::lib").map(\.name) == ["t::c", "t::d"])
        #expect(try store.lastResults().keys.map(\.name) == ["t::c"])
        #expect(try store.tests(inBinary: "ledger::report").map(\.name) == ["x"])
        #expect(try store.tests(inBinary: "nothing") == [])
    }
}
