import BlockIR
import Foundation
import PostgresStore
import ProcessSpawn
import Store
import Testing
import TrimModel

/// The PostgreSQL backend against a real server (scripts/pg-cluster): what
/// only a server has — connections, its errors, many writers, a shared
/// schema — and the layered read-only store over it.
@Suite struct PostgresStoreTests {
    static func result(_ name: String, build: BuildID, at seconds: Double, outcome: Outcome = .passed) -> TestResultRecord {
        TestResultRecord(key: TestKey(binary: "b", name: name), build: build, outcome: outcome, duration: 0.5,
                         coverage: .complete, hits: [HitFunction(module: "m.bc", symbol: "f_\(name)", blocks: [0, 2])],
                         recordedAt: Date(timeIntervalSince1970: seconds))
    }

    /// Within 5 s, naming the server or the part of the URL at fault, never the password.
    func expectServerError(_ url: PostgresURL, mentioning expected: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let started = Date()
        do {
            _ = try PostgresStore(url: url)
            Issue.record("connected to \(url.redacted)", sourceLocation: sourceLocation)
        } catch {
            let text = "\(error)"
            #expect(text.contains(expected), "\(text)", sourceLocation: sourceLocation)
            if let password = url.password, !password.isEmpty {
                #expect(!text.contains(password), "the password leaked: \(text)", sourceLocation: sourceLocation)
            }
            #expect(Date().timeIntervalSince(started) < 6.5, sourceLocation: sourceLocation)
        }
    }

    @Test func connectionErrorsNameTheServerOrThePartAtFault() throws {
        let cluster = try PostgresCluster.get()
        var wrongPassword = cluster.url
        wrongPassword.password = "not-the-password-Zq9"
        expectServerError(wrongPassword, mentioning: "refused the credentials of user 'trim'")
        var unknownUser = cluster.url
        unknownUser.user = "nobody_here"
        expectServerError(unknownUser, mentioning: "refused the credentials of user 'nobody_here'")
        var missing = cluster.url
        missing.database = "no_such_db"
        expectServerError(missing, mentioning: "has no database 'no_such_db'")
        // A port nothing listens on (the cluster's own port plus one is not guaranteed free: ask the kernel).
        var closed = cluster.url
        closed.port = try Self.closedPort()
        expectServerError(closed, mentioning: "cannot connect to the server 127.0.0.1:\(closed.port)")
        // An address that never answers (TEST-NET, reserved: nothing routes there) runs into the 5 s limit.
        // Not tried: the network here has no route, and the house rule keeps traffic on loopback.
    }

    @Test func malformedURLsNameThePartAtFault() {
        let cases: [(String, String)] = [
            ("mysql://u:secret@h/db", "scheme 'mysql://'"),
            ("postgres://u:secret@h:99999/db", "the port '99999'"),
            ("postgres://u:secret@h:abc/db", "the port 'abc'"),
            ("postgres://u:secret@h", "no database"),
            ("postgres://h/db", "no user"),
            ("postgres://u:secret@:5432/db", "no host"),
            ("postgres://u:secret@h/db?sslmode=require", "query or fragment"),
        ]
        for (text, expected) in cases {
            #expect(throws: PostgresURLError.self) { try PostgresURL(parsing: text) }
            do {
                _ = try PostgresURL(parsing: text)
            } catch {
                #expect(error.description.contains(expected), "\(text): \(error)")
                #expect(!error.description.contains("secret"), "\(text): \(error)")
            }
        }
        let url = try? PostgresURL(parsing: "postgresql://ci%40team:p%40ss@[::1]:6543/trim")
        #expect(url == PostgresURL(user: "ci@team", password: "p@ss", host: "::1", port: 6543, database: "trim"))
        #expect(url?.redacted == "postgres://ci@team:***@[::1]:6543/trim")
        #expect(PostgresURL.redact("postgres://u:hunter2@h/db") == "postgres://u:***@h/db")
    }

    @Test func aNewerSchemaIsRefused() throws {
        let scratch = try Scratch()
        let url = try scratch.serverDatabase()
        _ = try PostgresStore(url: url)
        try PostgresCluster.get().psql("INSERT INTO trim.migration(name) VALUES ('v9-from-the-future')",
                                       database: url.database)
        #expect(throws: StoreError.newerSchema(path: url.redacted, found: "v9-from-the-future", supported: "v1-initial")) {
            try PostgresStore(url: url)
        }
    }

    @Test func aReadOnlyStoreWritesNothingAndNeedsASchema() throws {
        let scratch = try Scratch()
        let url = try scratch.serverDatabase()
        #expect(throws: StoreError.self) { try PostgresStore(url: url, readOnly: true) }
        let writer = try PostgresStore(url: url)
        let build = try writer.recordBuild(facts(1), modules: [])
        let reader = try PostgresStore(url: url, readOnly: true)
        #expect(throws: StoreError.self) { try reader.recordResult(Self.result("t", build: build, at: 1)) }
        #expect(try reader.builds().map(\.0) == [build])
    }

    /// Shards: several writers at once, each with its own build and
    /// connection, a garbage collection in the middle; every result lands.
    @Test func concurrentWritersAllLandAndCollectionSparesHeldBuilds() throws {
        let url = try Scratch().serverDatabase()
        let writers = 4, perWriter = 150
        let failures = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: writers) { shard in
            do {
                let store = try PostgresStore(url: url)
                _ = try store.recordBuild(facts(100 + shard), modules: [])  // garbage: no hold, no result
                let build = try store.recordBuild(facts(shard), modules: [
                    ModuleRecord(path: "shared.bc", contentHash: "s", fingerprint: Synthetic.module(name: "shared", functions: 20)),
                ], heldBy: "other-machine/\(shard)")
                for i in 0..<perWriter {
                    try store.recordResult(Self.result("s\(shard)_\(i)", build: build, at: Double(i)))
                    if i % 50 == 0 { try store.collectGarbage(isHolderAlive: { $0.hasPrefix("other-machine/") }) }
                }
            } catch {
                failures.add(error)
            }
        }
        #expect(failures.all.isEmpty, "\(failures.all)")
        let store = try PostgresStore(url: url)
        let results = try store.lastResults()
        #expect(results.count == writers * perWriter)
        for build in Set(results.values.map(\.build)) {
            #expect(try store.modules(of: build).count == 1)  // no result points at a collected build
        }
        #expect(try store.statistics().modules == 1)  // one module however many writers stored it
        try store.collectGarbage()
        #expect(try store.builds().count == writers)  // the throwaway builds went, the held ones stayed
    }

    /// The newer record of each test wins; writes go to the local store.
    @Test func theLayeredStoreMergesNewestFirstAndWritesLocally() throws {
        let scratch = try Scratch()
        let sharedWriter = try PostgresStore(url: try scratch.serverDatabase())
        let remoteBuild = try sharedWriter.recordBuild(facts(1), modules: [
            ModuleRecord(path: "m.bc", contentHash: "1", fingerprint: Synthetic.module(name: "m", functions: 3)),
        ])
        try sharedWriter.recordResult(Self.result("old_here", build: remoteBuild, at: 100), inputs: TestInputs(method: "preload"))
        try sharedWriter.recordResult(Self.result("new_here", build: remoteBuild, at: 300, outcome: .failed))
        try sharedWriter.recordResult(Self.result("only_there", build: remoteBuild, at: 100))

        let local = try scratch.open()
        let localBuild = try local.recordBuild(facts(2), modules: [])
        try local.recordResult(Self.result("old_here", build: localBuild, at: 200, outcome: .failed))
        try local.recordResult(Self.result("new_here", build: localBuild, at: 200), inputs: TestInputs(method: "strace"))

        let layered = LayeredStore(local: local, shared: try PostgresStore(url: try scratch.serverDatabase(), readOnly: true))
        let merged = try layered.lastResults()
        #expect(merged.count == 3)
        #expect(merged[TestKey(binary: "b", name: "old_here")]?.build == localBuild)
        #expect(merged[TestKey(binary: "b", name: "new_here")]?.build == BuildID(-remoteBuild.rawValue))
        #expect(merged[TestKey(binary: "b", name: "new_here")]?.outcome == .failed)
        #expect(try layered.modules(of: BuildID(-remoteBuild.rawValue)).count == 1)
        #expect(try layered.build(BuildID(-remoteBuild.rawValue)) == facts(1))
        // The inputs are the winning record's: the shared one had none for new_here.
        #expect(try layered.lastInputs() == [:])
        #expect(try layered.inputs(for: TestKey(binary: "b", name: "old_here")) == nil)

        try layered.recordResult(Self.result("new_here", build: localBuild, at: 400))
        #expect(try sharedWriter.lastResult(for: TestKey(binary: "b", name: "new_here"))?.recordedAt
                == Date(timeIntervalSince1970: 300))
        #expect(try layered.lastResults()[TestKey(binary: "b", name: "new_here")]?.build == localBuild)
    }

    /// The server dies while a store is open: the next write fails at once
    /// naming the server, nothing half-written, and every later call fails
    /// the same way without waiting.
    @Test func aServerKilledMidRunStopsRecording() throws {
        let script = PostgresCluster.repositoryRoot.appendingPathComponent("scripts/pg-cluster").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-pg-kill-\(UUID().uuidString)").path
        defer { _ = try? ChildProcessRunner.run(script, ["stop", directory]) }
        let url = try PostgresURL(parsing: try ChildProcessRunner.run(script, ["start", directory]))
        let store = try PostgresStore(url: url)
        let build = try store.recordBuild(facts(1), modules: [])
        try store.recordResult(Self.result("before", build: build, at: 1))
        _ = try ChildProcessRunner.run(script, ["kill", directory])
        // Usually at once (the socket closes); never later than the per-call deadline
        // (seen once on a loaded machine: a statement sent as the server died went unanswered).
        let first = Date()
        #expect(throws: StoreError.self) { try store.recordResult(Self.result("after", build: build, at: 2)) }
        #expect(Date().timeIntervalSince(first) < 65)
        let started = Date()
        do {
            try store.recordResult(Self.result("later", build: build, at: 3))
            Issue.record("recorded into a dead server")
        } catch {
            guard case .server(let path, let detail) = error else { Issue.record("\(error)"); return }
            #expect(path == url.redacted)
            #expect(detail.contains("recording stopped"), "\(detail)")
            #expect(!"\(error)".contains(url.password ?? "-"))
        }
        #expect(Date().timeIntervalSince(started) < 1, "a broken session refuses at once")
    }

    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))  // bound but not listening: connections are refused
    }
}

final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: any Error) { lock.withLock { errors.append("\(error)") } }
    var all: [String] { lock.withLock { errors } }
}

/// scripts/pg-cluster through ProcessSpawn: its stdout, trimmed, or an error with its stderr.
enum ChildProcessRunner {
    @discardableResult
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        let done = try ChildProcess.run(script, arguments)
        guard done.status == 0 else {
            throw FixtureError(description: "\(script) \(arguments.joined(separator: " ")): "
                + String(decoding: done.stderr, as: UTF8.self))
        }
        return String(decoding: done.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
