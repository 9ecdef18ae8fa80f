import BlockIR
import Foundation
import Store
import Testing
import TrimModel
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DamagedFileTests {
    @Test func aFileThatIsNotADatabaseIsCorrupt() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(at: scratch.database.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try String(repeating: "this is a text file, not SQLite\n", count: 200)
            .write(to: scratch.database, atomically: true, encoding: .utf8)
        do {
            _ = try TrimStore(path: scratch.database)
            Issue.record("opened a text file as a database")
        } catch {
            guard case .corrupt(let path, _) = error else {
                Issue.record("expected .corrupt, got \(error)")
                return
            }
            #expect(path == scratch.database.path)
            #expect(error.description.contains("delete \(scratch.database.path)"))
            #expect(error.description.contains("re-records coverage"))
        }
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(at: scratch.database.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let raw = try RawSQLite(path: scratch.database.path)
        try raw.execute("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('mine');")
        raw.closeConnection()
        #expect(throws: StoreError.corrupt(path: scratch.database.path,
                                           detail: "an SQLite database, but not trim's (tables: notes)")) {
            try TrimStore(path: scratch.database)
        }
    }

    /// Pages after the first overwritten with garbage: the store reports
    /// `.corrupt` from whichever call first reads a damaged page, never crashes.
    @Test(arguments: ["garbage", "truncated"])
    func aDamagedDatabaseIsCorrupt(damage: String) throws {
        let scratch = try Scratch()
        do {
            let store = try scratch.open()
            let module = ModuleRecord(path: "m.bc", contentHash: "h",
                                      fingerprint: Synthetic.module(name: "m", functions: 300))
            let build = try store.recordBuild(facts(1), modules: [module])
            try store.recordResults((0..<300).map { t in
                TestResultRecord(key: TestKey(binary: "b", name: "t\(t)"), build: build, outcome: .passed,
                                 duration: 1, coverage: .complete,
                                 hits: Synthetic.hits(test: t, functions: 20, outOf: 300, module: "m.bc"))
            })
        }
        // The last connection closed: the WAL was checkpointed into the file.
        #expect(!FileManager.default.fileExists(atPath: scratch.database.path + "-wal"))
        let handle = try FileHandle(forUpdating: scratch.database)
        let size = try handle.seekToEnd()
        #expect(size > 64 * 4096)
        if damage == "garbage" {
            try handle.seek(toOffset: 4096)
            var generator = SystemRandomNumberGenerator()
            try handle.write(contentsOf: Data((0..<Int(size) - 4096).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        } else {
            try handle.truncate(atOffset: size / 3)
        }
        try handle.close()

        do {
            let store = try scratch.open()
            _ = try store.lastResults()
            _ = try store.modules(of: BuildID(1))
            try store.check()
            Issue.record("read a damaged database without an error")
        } catch let error as StoreError {
            guard case .corrupt(let path, _) = error else {
                Issue.record("expected .corrupt, got \(error)")
                return
            }
            #expect(path == scratch.database.path)
        }
    }

    /// Values that SQLite accepts but trim never writes (a hand edit, a bug
    /// elsewhere): each read that meets one reports `.corrupt`.
    @Test(arguments: [
        "UPDATE test_result SET hits = x'01ff'",
        "UPDATE test_result SET hits = x'02'",
        "UPDATE test_result SET outcome = 'exploded'",
        "DELETE FROM hit_symbol",
        "UPDATE function SET body = substr(body, 1, 10)",
        "UPDATE module SET header = x''",
        "DELETE FROM module_function WHERE ordinal = 3",
        "DELETE FROM function WHERE id = (SELECT function_id FROM module_function WHERE ordinal = 3)",
        "UPDATE build SET created_at = 'yesterday'",
        "UPDATE build SET features = 'default'",
    ])
    func damagedRowsAreCorrupt(edit: String) throws {
        let scratch = try Scratch()
        do {
            let store = try scratch.open()
            let build = try store.recordBuild(facts(1), modules: [
                ModuleRecord(path: "m.bc", contentHash: "h", fingerprint: Synthetic.module(name: "m", functions: 10)),
            ])
            try store.recordResult(TestResultRecord(
                key: TestKey(binary: "b", name: "t"), build: build, outcome: .passed, duration: 1, coverage: .complete,
                hits: Synthetic.hits(test: 1, functions: 3, outOf: 10, module: "m.bc")))
        }
        let raw = try RawSQLite(path: scratch.database.path)
        try raw.execute(edit)
        raw.closeConnection()
        let store = try scratch.open()
        do {
            _ = try store.lastResults()
            _ = try store.modules(of: BuildID(1))
            _ = try store.builds()
            Issue.record("read past \(edit) without an error")
        } catch {
            guard case .corrupt(let path, let detail) = error else {
                Issue.record("expected .corrupt, got \(error)")
                return
            }
            #expect(path == scratch.database.path)
            #expect(!detail.isEmpty)
        }
    }

    @Test func aDatabaseFromANewerTrimIsRefusedAndLeftAlone() throws {
        let scratch = try Scratch()
        do {
            let store = try scratch.open()
            _ = try store.recordBuild(facts(1), modules: [])
        }
        let raw = try RawSQLite(path: scratch.database.path)
        try raw.execute("""
            INSERT INTO grdb_migrations(identifier) VALUES ('v9-hit-counts');
            CREATE TABLE hit_count(test_id INTEGER, n INTEGER);
            """)
        raw.closeConnection()
        let before = try Self.bytes(beside: scratch.database)
        let expected = StoreError.newerSchema(path: scratch.database.path, found: "v9-hit-counts", supported: "v5-module-functions-unindexed")
        #expect(throws: expected) { try scratch.open() }
        let after = try Self.bytes(beside: scratch.database)
        #expect(after == before, "refusing changed the database's files: \(before.mapValues(\.count)) → \(after.mapValues(\.count)) differ: \(before.keys.filter { before[$0] != after[$0] })")
        #expect(expected.description.contains("upgrade trim or delete \(scratch.database.path)"))
        // Refusing did not migrate or touch it: still refused, the newer table still there.
        #expect(throws: expected) { try scratch.open() }
        let check = try RawSQLite(path: scratch.database.path)
        try check.execute("SELECT n FROM hit_count")
    }

    static let newerWriterDatabase = "TRIM_STORE_TEST_NEWER_WRITER_DB"

    /// Runs only inside the child process spawned by
    /// `aNewerDatabaseWithItsWALIsRefusedWithoutTouchingAnyOfItsFiles`: a
    /// newer trim that migrated the database into its WAL and goes on running.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[newerWriterDatabase] != nil))
    func newerWriterProcess() throws {
        let path = ProcessInfo.processInfo.environment[Self.newerWriterDatabase]!
        let newer = try RawSQLite(path: path)
        try newer.execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA wal_autocheckpoint = 0;
            INSERT INTO grdb_migrations(identifier) VALUES ('v9-hit-counts');
            """)
        _ = FileManager.default.createFile(atPath: path + ".ready", contents: Data())
        while true { sleep(1) }  // killed by the parent
    }

    /// A newer trim still running in another process: its WAL holds what it
    /// wrote and its shared-memory index is live. Refusing the database leaves
    /// all three files alone.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[newerWriterDatabase] == nil
                   && FileManager.default.fileExists(atPath: "/proc/self/exe")))
    func aNewerDatabaseWithItsWALIsRefusedWithoutTouchingAnyOfItsFiles() throws {
        let scratch = try Scratch()
        do {
            let store = try scratch.open()
            _ = try store.recordBuild(facts(1), modules: [])
        }
        var environment = ProcessInfo.processInfo.environment
        environment[Self.newerWriterDatabase] = scratch.database.path
        let child = try ChildProcess.start(
            try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
            ["--testing-library", "swift-testing", "--filter", "newerWriterProcess"],
            environment: environment, stderr: .toStdout)
        defer { child.signal(SIGKILL); _ = child.wait() }
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: scratch.database.path + ".ready") && child.isRunning
            && Date() < deadline { usleep(5_000) }
        try FileManager.default.removeItem(atPath: scratch.database.path + ".ready")
        let before = try Self.bytes(beside: scratch.database)
        #expect(before[scratch.database.lastPathComponent + "-wal"]?.isEmpty == false, "\(before.keys)")
        let expected = StoreError.newerSchema(path: scratch.database.path, found: "v9-hit-counts", supported: "v5-module-functions-unindexed")
        #expect(throws: expected) { try scratch.open() }
        let after = try Self.bytes(beside: scratch.database)
        #expect(after == before, "refusing changed the database's files: \(before.mapValues(\.count)) → \(after.mapValues(\.count)) differ: \(before.keys.filter { before[$0] != after[$0] })")
        #expect(child.isRunning, "the newer trim was still running throughout")
    }

    /// A newer trim killed after its migration: the migration is in its WAL
    /// alone, beside the shared-memory index it left (read through with the
    /// index opened read-only), or without one (read from a private copy).
    /// Either way it is refused and none of its files changes.
    @Test(arguments: [true, false])
    func aKilledNewerTrimsWALIsReadWithoutTouchingAnyOfItsFiles(indexLeft: Bool) throws {
        let scratch = try Scratch()
        do {
            let store = try scratch.open()
            _ = try store.recordBuild(facts(1), modules: [])
        }
        let newer = try RawSQLite(path: scratch.database.path)
        try newer.execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA wal_autocheckpoint = 0;
            INSERT INTO grdb_migrations(identifier) VALUES ('v9-hit-counts');
            """)
        // Its files as a kill leaves them: copied while it runs, into a directory of their own.
        let killed = try Scratch()
        try FileManager.default.createDirectory(at: killed.database.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        for suffix in ["", "-wal"] + (indexLeft ? ["-shm"] : []) {
            try FileManager.default.copyItem(atPath: scratch.database.path + suffix, toPath: killed.database.path + suffix)
        }
        newer.closeConnection()
        let before = try Self.bytes(beside: killed.database)
        #expect(before[killed.database.lastPathComponent + "-wal"]?.isEmpty == false)
        let expected = StoreError.newerSchema(path: killed.database.path, found: "v9-hit-counts", supported: "v5-module-functions-unindexed")
        #expect(throws: expected) { try killed.open() }
        #expect(try Self.bytes(beside: killed.database) == before)
    }

    /// Every file of the database's directory (the database, -wal, -shm) and its bytes.
    static func bytes(beside database: URL) throws -> [String: Data] {
        let directory = database.deletingLastPathComponent()
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return files
    }

    @Test func emptyFilesAndMissingDirectoriesAreFine() throws {
        let scratch = try Scratch()
        // A zero-byte file (e.g. `touch`) is an empty database.
        try FileManager.default.createDirectory(at: scratch.database.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: scratch.database.path, contents: Data())
        let store = try scratch.open()
        #expect(try store.latestBuild() == nil)
        // Deeply nested directories are created.
        let deep = scratch.root.appendingPathComponent("a/b/c/d/trim.sqlite")
        _ = try TrimStore(path: deep)
        #expect(FileManager.default.fileExists(atPath: deep.path))
    }

    @Test func unusablePathsAreIOErrors() throws {
        let scratch = try Scratch()
        let directory = scratch.root.appendingPathComponent("is-a-directory")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        #expect(throws: StoreError.io(path: directory.path, detail: "is a directory")) {
            try TrimStore(path: directory)
        }
        let file = scratch.root.appendingPathComponent("plain-file")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
        do {
            _ = try TrimStore(path: file.appendingPathComponent("trim.sqlite"))
            Issue.record("created a database under a regular file")
        } catch {
            guard case .io(let path, _) = error else {
                Issue.record("expected .io, got \(error)")
                return
            }
            #expect(path == file.appendingPathComponent("trim.sqlite").path)
        }
    }
}

@Suite struct InterruptedWriteTests {
    static let childDatabase = "TRIM_STORE_TEST_CHILD_DB"
    static let childProgress = "TRIM_STORE_TEST_CHILD_PROGRESS"
    static let committed = 50

    static func committedResult(_ i: Int, build: BuildID) -> TestResultRecord {
        TestResultRecord(key: TestKey(binary: "ledger::lib", name: "committed_\(i)"), build: build,
                         outcome: i % 7 == 0 ? .failed : .passed, duration: Double(i) / 64, coverage: .complete,
                         hits: Synthetic.hits(test: i, functions: 30, outOf: 2_000, module: "ledger.bc"),
                         output: i % 7 == 0 ? "failure \(i)" : nil,
                         recordedAt: Date(timeIntervalSinceReferenceDate: 800_000_000 + Double(i)))
    }

    /// Runs only inside the child process spawned by
    /// `aWriterKilledMidTransactionLosesOnlyThatTransaction`: commits
    /// `committed` results one transaction each, then starts one huge batch
    /// transaction (which also replaces those results) and is killed in it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childDatabase] != nil))
    func childWriterProcess() throws {
        let environment = ProcessInfo.processInfo.environment
        let database = URL(fileURLWithPath: environment[Self.childDatabase]!)
        let progress = URL(fileURLWithPath: environment[Self.childProgress]!)
        func mark(_ line: String) throws {
            let handle = try FileHandle(forWritingTo: progress)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((line + "\n").utf8))
            try handle.close()
        }
        let store = try TrimStore(path: database)
        let build = try #require(try store.latestBuild()).0
        for i in 0..<Self.committed {
            try store.recordResult(Self.committedResult(i, build: build))
        }
        let patterns = (0..<500).map { Synthetic.hits(test: $0, functions: 50, outOf: 2_000, module: "ledger.bc") }
        let batch = (0..<40_000).map { i in
            TestResultRecord(key: TestKey(binary: "ledger::lib", name: i < Self.committed ? "committed_\(i)" : "batch_\(i)"),
                             build: build, outcome: .crashed, duration: 99, coverage: .partial,
                             hits: patterns[i % patterns.count])
        }
        try mark("batch-start")
        // Nothing may be committed after this mark: the parent measures the WAL from here.
        try store.recordResults(batch)
        try mark("batch-done")
    }

    /// A real trim-like writer (this test binary, re-run as a child, writing
    /// through `TrimStore`) is SIGKILLed while its batch transaction has
    /// already spilled uncommitted pages into the WAL file. Afterwards every
    /// result committed before is readable and unchanged, nothing of the
    /// batch is visible, and the next run writes and reads correctly.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childDatabase] == nil
                   && FileManager.default.fileExists(atPath: "/proc/self/exe")))
    func aWriterKilledMidTransactionLosesOnlyThatTransaction() throws {
        let scratch = try Scratch()
        let progress = scratch.root.appendingPathComponent("progress")
        _ = FileManager.default.createFile(atPath: progress.path, contents: Data())
        let build: BuildID
        do {
            let store = try scratch.open()
            build = try store.recordBuild(facts(1), modules: [
                ModuleRecord(path: "ledger.bc", contentHash: "c", fingerprint: Synthetic.module(name: "ledger", functions: 50)),
            ])
        }

        var environment = ProcessInfo.processInfo.environment
        environment[Self.childDatabase] = scratch.database.path
        environment[Self.childProgress] = progress.path
        let child = try ChildProcess.start(
            try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
            ["--testing-library", "swift-testing", "--filter", "childWriterProcess"],
            environment: environment, stderr: .toStdout)
        defer { child.signal(SIGKILL); _ = child.wait() }

        let wal = scratch.database.path + "-wal"
        func walSize() -> UInt64 {
            ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? UInt64) ?? 0
        }
        func progressText() -> String { (try? String(contentsOf: progress, encoding: .utf8)) ?? "" }
        let deadline = Date().addingTimeInterval(300)
        while !progressText().contains("batch-start") && child.isRunning && Date() < deadline { usleep(5_000) }
        let committedWAL = walSize()
        // Wait until the open transaction has spilled ≥ 2 MB of uncommitted pages to the WAL.
        while walSize() < committedWAL + 2_000_000 && child.isRunning && Date() < deadline { usleep(2_000) }
        let spilledWAL = walSize()
        let wasRunning = child.isRunning
        child.signal(SIGKILL)
        let ended = child.wait()
        let childLog = String(decoding: ended?.stdout ?? Data(), as: UTF8.self)
        try #require(wasRunning, "the child ended before it was killed:\n\(childLog.suffix(3000))")
        #expect(ended?.exit == .signalled(SIGKILL))
        #expect(progressText() == "batch-start\n")
        #expect(spilledWAL >= committedWAL + 2_000_000)
        print("killed writer: WAL \(committedWAL) bytes after the committed results, \(spilledWAL) with the open batch")

        let store = try scratch.open()
        let results = try store.lastResults()
        let expected = Dictionary(uniqueKeysWithValues: (0..<Self.committed).map {
            let r = Self.committedResult($0, build: build)
            return (r.key, r)
        })
        #expect(results.count == Self.committed)
        #expect(results == expected)
        try store.check()

        // The next run: record over the interrupted state and read it back.
        let next = (0..<Self.committed + 10).map { i in
            TestResultRecord(key: TestKey(binary: "ledger::lib", name: i < Self.committed ? "committed_\(i)" : "new_\(i)"),
                             build: build, outcome: .passed, duration: 0.5, coverage: .complete,
                             hits: Synthetic.hits(test: i + 1, functions: 5, outOf: 2_000, module: "ledger.bc"),
                             recordedAt: Date(timeIntervalSinceReferenceDate: 800_001_000))
        }
        try store.recordResults(next)
        #expect(try store.lastResults() == Dictionary(uniqueKeysWithValues: next.map { ($0.key, $0) }))
        _ = try store.collectGarbage()
        #expect(try scratch.open().lastResults() == Dictionary(uniqueKeysWithValues: next.map { ($0.key, $0) }))
    }

    /// A separate connection (another process's, through SQLite's C API)
    /// opens a write transaction, changes everything and is abandoned:
    /// readers keep seeing the last committed state, before and after.
    @Test func anAbandonedWriteTransactionIsInvisible() throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        let build = try store.recordBuild(facts(1), modules: [])
        let batch = (0..<20).map { InterruptedWriteTests.committedResult($0, build: build) }
        try store.recordResults(batch)
        let expected = Dictionary(uniqueKeysWithValues: batch.map { ($0.key, $0) })

        let raw = try RawSQLite(path: scratch.database.path)
        try raw.execute("""
            BEGIN IMMEDIATE;
            DELETE FROM test_result;
            DELETE FROM test;
            INSERT INTO build(toolchain, rustflags, profile, features, created_at) VALUES ('x', '', '', '[]', 0);
            """)
        #expect(try store.lastResults() == expected)
        #expect(try store.latestBuild()?.0 == build)
        raw.closeConnection()  // closing with the transaction open rolls it back
        #expect(try store.lastResults() == expected)
        try store.recordResult(InterruptedWriteTests.committedResult(99, build: build))
        #expect(try store.lastResults().count == 21)
    }
}

@Suite struct SourceFileTests {
    @Test func sourceFilesRoundTripPerBuildAndGoWithTheirBuild() throws {
        let scratch = try Scratch()
        let store = try scratch.open()
        let first = try store.recordBuild(facts(1), modules: [], sourceFiles: ["src/lib.rs": "aa", "src/x.rs": "bb"])
        let second = try store.recordBuild(facts(2), modules: [], sourceFiles: ["src/lib.rs": "cc"])
        #expect(try store.sourceFiles(of: first) == ["src/lib.rs": "aa", "src/x.rs": "bb"])
        #expect(try store.sourceFiles(of: second) == ["src/lib.rs": "cc"])
        _ = try store.collectGarbage()
        #expect(try store.sourceFiles(of: first).isEmpty, "an unreferenced old build goes, with its files")
        #expect(try store.sourceFiles(of: second) == ["src/lib.rs": "cc"])
    }
}
