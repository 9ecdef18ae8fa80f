import BlockIR
import Foundation
import Store
import Testing
import TrimModel

/// Each test's recorded inputs, written with its result (migration v3-test-inputs).
@Suite struct InputTests {
    static let key = TestKey(binary: "fx", name: "tests::reads_file")
    static let other = TestKey(binary: "fx", name: "tests::nothing")

    static let inputs = TestInputs(
        files: [
            "tests/data/x.txt": "0123456789abcdef0123456789abcdef", "tests/data/dir/": "aa",
            "tests/data/maybe.txt": TestInputs.missing,
        ],
        env: ["MY_FLAG": "bb", "RUST_TEST_THREADS": TestInputs.unset],
        network: ["127.0.0.1:5432", "[::1]:80"], watched: ["migrations/001.sql": "cc"],
        watchPatterns: ["migrations/**"], method: "preload")

    static func result(_ key: TestKey, build: BuildID, outcome: Outcome = .passed) -> TestResultRecord {
        TestResultRecord(
            key: key, build: build, outcome: outcome, duration: 0.01, coverage: .complete,
            hits: [HitFunction(module: "fx.bc", symbol: "f", blocks: [0, 1])],
            recordedAt: Date(timeIntervalSinceReferenceDate: 800_000_000))
    }

    @Test(arguments: Backend.allCases) func inputsRoundTripWithTheResult(_ backend: Backend) throws {
        let scratch = try Scratch()
        let store = try scratch.open(backend)
        let build = try store.recordBuild(facts(1), modules: [])
        try store.recordResult(Self.result(Self.key, build: build), inputs: Self.inputs)
        try store.recordResult(Self.result(Self.other, build: build), inputs: TestInputs())
        #expect(try store.inputs(for: Self.key) == Self.inputs)
        #expect(try store.inputs(for: Self.other) == TestInputs())
        #expect(try store.lastInputs() == [Self.key: Self.inputs, Self.other: TestInputs()])
        #expect(try store.lastResult(for: Self.key)?.hits.count == 1)

        let incomplete = TestInputs(
            env: [TestInputs.wholeEnvironment: "e"], method: "strace",
            problems: ["strace wrote no trace (x)", "a \"quoted\" problem"])
        try store.recordResults([Self.result(Self.key, build: build)], inputs: [Self.key: incomplete])
        #expect(try store.inputs(for: Self.key) == incomplete)
        // Another process reads the same.
        #expect(try scratch.open(backend).lastInputs()[Self.key] == incomplete)
    }

    /// Problems and watch patterns are stored as JSON written by hand: every
    /// character a path or message may hold reads back as it was written.
    @Test func problemsAndPatternsWithAnyCharacterRoundTrip() throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        let build = try store.recordBuild(facts(1), modules: [])
        let awkward = [
            "", "plain", "a \"quoted\" \\ back\\slash", "new\nline\r\ttab", "bell\u{07}nul\u{00}esc\u{1B}\u{1F}",
            "slash/and/ü/日本/🦀", "\u{7F}\u{80}\u{2028}",
        ]
        let inputs = TestInputs(watchPatterns: awkward.reversed(), method: "preload", problems: awkward)
        try store.recordResult(Self.result(Self.key, build: build), inputs: inputs)
        #expect(try store.inputs(for: Self.key) == inputs)
        #expect(try TrimStore(path: scratch.database).lastInputs()[Self.key] == inputs)
    }

    /// Inputs belong to the last result: a result recorded without them leaves none.
    @Test(arguments: Backend.allCases) func aNewResultReplacesTheInputs(_ backend: Backend) throws {
        let scratch = try Scratch()
        let store = try scratch.open(backend)
        let build = try store.recordBuild(facts(1), modules: [])
        try store.recordResult(Self.result(Self.key, build: build), inputs: Self.inputs)
        try store.recordResult(Self.result(Self.key, build: build, outcome: .failed))
        #expect(try store.inputs(for: Self.key) == nil)
        #expect(try store.lastInputs().isEmpty)

        try store.recordInputs(Self.inputs, for: Self.key)
        #expect(try store.inputs(for: Self.key) == Self.inputs)
        try store.recordInputs(nil, for: Self.key)
        #expect(try store.inputs(for: Self.key) == nil)
        #expect(try store.lastResult(for: Self.key)?.outcome == .failed)
    }

    /// All or nothing: a batch that fails (unknown build) writes no inputs either.
    @Test(arguments: Backend.allCases) func inputsCommitWithTheirResults(_ backend: Backend) throws {
        let scratch = try Scratch()
        let store = try scratch.open(backend)
        let build = try store.recordBuild(facts(1), modules: [])
        try store.recordResult(Self.result(Self.key, build: build), inputs: Self.inputs)
        let changed = TestInputs(files: ["tests/data/x.txt": "ff"])
        #expect(throws: StoreError.self) {
            try store.recordResults(
                [Self.result(Self.key, build: build), Self.result(Self.other, build: BuildID(99))],
                inputs: [Self.key: changed, Self.other: changed])
        }
        #expect(try store.inputs(for: Self.key) == Self.inputs)
        #expect(try store.inputs(for: Self.other) == nil)
    }

    @Test(arguments: Backend.allCases) func forgottenTestsTakeTheirInputs(_ backend: Backend) throws {
        let scratch = try Scratch()
        let store = try scratch.open(backend)
        let build = try store.recordBuild(facts(1), modules: [])
        try store.recordResults(
            [Self.result(Self.key, build: build), Self.result(Self.other, build: build)],
            inputs: [Self.key: Self.inputs, Self.other: Self.inputs])
        try store.recordTests([Self.other.name], inBinary: "fx")
        #expect(try store.lastInputs().keys.sorted() == [Self.other])
        try store.collectGarbage()
        #expect(try store.lastInputs().keys.sorted() == [Self.other])
    }

    /// A database from before v3 gains the tables; its results have no inputs.
    @Test func olderDatabaseIsMigrated() throws {
        let scratch = try Scratch()
        do {
            let store = try scratch.open()
            let build = try store.recordBuild(facts(1), modules: [])
            try store.recordResult(Self.result(Self.key, build: build))
        }
        let raw = try RawSQLite(path: scratch.database.path)
        try raw.execute(
            """
            DROP TABLE test_input; DROP TABLE test_inputs;
            DELETE FROM grdb_migrations WHERE identifier = 'v3-test-inputs';
            """)
        raw.closeConnection()
        let store = try scratch.open()
        #expect(try store.lastResult(for: Self.key) != nil)
        #expect(try store.lastInputs().isEmpty)
        try store.recordInputs(Self.inputs, for: Self.key)
        #expect(try store.inputs(for: Self.key) == Self.inputs)
    }

    @Test func damagedRowsAreCorrupt() throws {
        let scratch = try Scratch()
        do {
            let store = try scratch.open()
            let build = try store.recordBuild(facts(1), modules: [])
            try store.recordResult(Self.result(Self.key, build: build), inputs: Self.inputs)
        }
        let raw = try RawSQLite(path: scratch.database.path)
        try raw.execute("UPDATE test_input SET kind = 'socket' WHERE kind = 'network'")
        raw.closeConnection()
        let store = try scratch.open()
        #expect { try store.lastInputs() } throws: { error in
            guard case .corrupt(_, let detail)? = error as? StoreError else { return false }
            return detail.contains("unknown kind socket")
        }
        let raw2 = try RawSQLite(path: scratch.database.path)
        try raw2.execute(
            "UPDATE test_input SET kind = 'network' WHERE kind = 'socket'; UPDATE test_inputs SET problems = 'x'")
        raw2.closeConnection()
        #expect { try store.inputs(for: Self.key) } throws: { error in
            guard case .corrupt(_, let detail)? = error as? StoreError else { return false }
            return detail.contains("not a JSON array")
        }
    }
}
