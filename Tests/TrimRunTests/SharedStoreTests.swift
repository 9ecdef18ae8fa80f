import Foundation
import ProcessSpawn
import Store
import Testing
import TrimModel

/// A private PostgreSQL server (scripts/pg-cluster) for one test: started in
/// a temporary directory on a free loopback port, removed by `stop()`.
struct PrivateServer {
    let directory: String
    let url: String
    static let script = ExampleWorkspace.repository.appendingPathComponent("scripts/pg-cluster").path

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-pg-\(UUID().uuidString)").path
        url = try Self.script(["start", directory])
    }

    func stop() { _ = try? Self.script(["stop", directory]) }
    func kill() throws { _ = try Self.script(["kill", directory]) }
    var password: String { (try? String(contentsOfFile: directory + "/pwfile", encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }

    @discardableResult
    static func script(_ arguments: [String]) throws -> String {
        let done = try ChildProcess.run(script, arguments)
        guard done.status == 0 else {
            throw ServerError(description: "pg-cluster \(arguments): " + String(decoding: done.stderr, as: UTF8.self))
        }
        return String(decoding: done.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ServerError: Error, CustomStringConvertible { var description: String }
}

/// `--db postgres://…` through the real command: shards, another checkout,
/// a laptop reading CI's records, bad connections, a server lost mid-run.
@Suite(.serialized) struct SharedStoreTests {
    static let tests = """
            #[test]
            fn halves_two() {
                assert_eq!(half(2), 1);
            }

            #[test]
            fn halves_four() {
                assert_eq!(half(4), 2);
            }

            #[test]
            fn doubles() {
                assert_eq!(double(3), 6);
            }

            #[test]
            fn doubles_zero() {
                assert_eq!(double(0), 0);
            }

            #[test]
            fn waits_when_asked() {
                if let Ok(marker) = std::env::var("FIXTURE_MARK") {
                    std::fs::write(marker, "started").unwrap();
                    std::thread::sleep(std::time::Duration::from_secs(4));
                }
            }
        """

    static func workspace() throws -> ExampleWorkspace {
        let workspace = try RunnerBehaviourTests.workspace(tests)
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try (try String(contentsOf: lib, encoding: .utf8) + "\npub fn double(x: u32) -> u32 {\n    x * 2\n}\n")
            .write(to: lib, atomically: true, encoding: .utf8)
        return workspace
    }

    /// A copy of `workspace` at another absolute path, without its target directory.
    static func checkout(of workspace: ExampleWorkspace) throws -> ExampleWorkspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-checkout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for item in ["Cargo.toml", "src"] {
            try FileManager.default.copyItem(at: workspace.root.appendingPathComponent(item),
                                             to: root.appendingPathComponent(item))
        }
        return ExampleWorkspace(root: root)
    }

    static func planned(_ outcome: ExampleWorkspace.Outcome) -> Set<String> {
        var names = Set<String>()
        for line in outcome.stdout.split(separator: "\n") {
            for name in ["halves_two", "halves_four", "doubles_zero", "doubles", "waits_when_asked"]
            where line.contains("tests::\(name)") && !line.contains("tests::\(name)_") {
                names.insert(name)
            }
        }
        return names
    }

    @Test func twoShardsRecordAtOnceAndAnotherCheckoutRunsOnlyWhatChanged() throws {
        let server = try PrivateServer()
        defer { server.stop() }
        let first = try Self.workspace(), second = try Self.checkout(of: first)
        let shards = ShardOutcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { shard in
            let workspace = shard == 0 ? first : second
            let outcome = try? workspace.run(["run", "--no-progress", "--db", server.url,
                                              "--partition", "hash:\(shard + 1)/2"])
            shards.set(shard, outcome)
        }
        for outcome in shards.all {
            let outcome = try #require(outcome)
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
            #expect(!outcome.stderr.contains(server.password), "the password leaked")
        }

        // A third checkout at yet another path, with trim's cache elsewhere too (as on
        // another machine: the runtime library the flags link has another path): the
        // shards' records cover it.
        let laptop = try Self.checkout(of: first)
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("trim-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let elsewhere = ["TRIM_CACHE_DIR": cache.path]
        let plan = try laptop.run(["plan", "--db", server.url], environment: elsewhere)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(Self.planned(plan).isEmpty, "nothing to run for the same code:\n\(plan.stdout)")

        // An edit to `double`: exactly its tests.
        let lib = laptop.root.appendingPathComponent("src/lib.rs")
        try (try String(contentsOf: lib, encoding: .utf8)).replacingOccurrences(of: "x * 2", with: "x + x")
            .write(to: lib, atomically: true, encoding: .utf8)
        let edited = try laptop.run(["plan", "--db", server.url], environment: elsewhere)
        #expect(Self.planned(edited) == ["doubles", "doubles_zero"], "\(edited.stdout)")
    }

    @Test func readOnlyRecordsLocallyAndMergesNewestFirst() throws {
        let server = try PrivateServer()
        defer { server.stop() }
        let ci = try Self.workspace()
        let recorded = try ci.run(["run", "--no-progress", "--db", server.url])
        #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")

        let laptop = try Self.checkout(of: ci)
        let lib = laptop.root.appendingPathComponent("src/lib.rs")
        try (try String(contentsOf: lib, encoding: .utf8)).replacingOccurrences(of: "x / 2", with: "x >> 1")
            .write(to: lib, atomically: true, encoding: .utf8)
        let run = try laptop.run(["run", "--no-progress", "--db", server.url, "--db-read-only"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("halves_two") && !run.stdout.contains("tests::doubles"), "\(run.stdout)")
        // Recorded locally only: the laptop's SQLite file has the two, the server still the CI run's.
        let local = try TrimStore(path: laptop.database).lastResults()
        #expect(Set(local.keys.map(\.name)) == ["tests::halves_two", "tests::halves_four"])
        // The next plan merges both: nothing left to run.
        let again = try laptop.run(["plan", "--db", server.url, "--db-read-only"])
        #expect(Self.planned(again).isEmpty, "\(again.stdout)")
        // The shared records were not touched: a writer's plan there still sees the change.
        let shared = try laptop.run(["plan", "--db", server.url])
        #expect(Self.planned(shared) == ["halves_two", "halves_four"], "\(shared.stdout)")
    }

    @Test func badConnectionsAreClearErrorsWithinFiveSeconds() throws {
        let server = try PrivateServer()
        defer { server.stop() }
        let workspace = try Self.workspace()
        let password = server.password
        let base = server.url
        let port = base.split(separator: ":").last!.split(separator: "/").first!
        let cases: [(String, String)] = [
            (base.replacingOccurrences(of: password, with: "wrong-\(password.prefix(3))"), "refused the credentials of user 'trim'"),
            (String(base.dropLast("/trim".count)) + "/missing_db", "has no database 'missing_db'"),
            (base.replacingOccurrences(of: ":\(port)/", with: ":1/"), "cannot connect to the server 127.0.0.1:1"),
            (base.replacingOccurrences(of: ":\(port)/", with: ":port/"), "the port 'port'"),
            (base.replacingOccurrences(of: "postgres://", with: "mysql://"), "scheme 'mysql://'"),
            ("postgres://trim:\(password)@127.0.0.1:\(port)", "no database"),
        ]
        for (url, expected) in cases {
            let started = Date()
            let outcome = try workspace.run(["plan", "--db", url])
            #expect(outcome.status == 2, "\(url): \(outcome.stderr)")
            #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains(password) && !outcome.stdout.contains(password), "the password leaked")
            #expect(Date().timeIntervalSince(started) < 5, "\(expected)")
        }
        // TRIM_DB and [store] url take the same path.
        let environment = try workspace.run(["plan"], environment: ["TRIM_DB": cases[0].0])
        #expect(environment.status == 2 && environment.stderr.contains(cases[0].1), "\(environment.stderr)")
        let config = workspace.root.appendingPathComponent(".config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "[store]\nurl = \"\(cases[1].0)\"\n".write(to: config.appendingPathComponent("trim.toml"), atomically: true, encoding: .utf8)
        let configured = try workspace.run(["plan"])
        #expect(configured.status == 2 && configured.stderr.contains(cases[1].1), "\(configured.stderr)")
        #expect(!configured.stderr.contains(password))
    }

    @Test func aServerKilledMidRunStopsRecordingAndFails() throws {
        let server = try PrivateServer()
        defer { server.stop() }
        let workspace = try Self.workspace()
        let marker = workspace.root.appendingPathComponent("started")
        let killer = DispatchQueue(label: "killer")
        killer.async {
            let deadline = Date().addingTimeInterval(300)
            while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline { usleep(50_000) }
            try? server.kill()
        }
        let outcome = try workspace.run(["run", "--no-progress", "-j", "1", "--db", server.url],
                                        environment: ["FIXTURE_MARK": marker.path])
        killer.sync {}
        #expect(outcome.status != 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stderr.contains("recording stopped"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("127.0.0.1"), "it names the server: \(outcome.stderr)")
        #expect(!outcome.stderr.contains(server.password))
    }
}

final class ShardOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [ExampleWorkspace.Outcome?] = [nil, nil]
    func set(_ index: Int, _ outcome: ExampleWorkspace.Outcome?) { lock.withLock { outcomes[index] = outcome } }
    var all: [ExampleWorkspace.Outcome?] { lock.withLock { outcomes } }
}
