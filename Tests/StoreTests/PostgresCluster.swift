import Foundation
import PostgresStore
import ProcessSpawn
import Store
import Testing

/// A private PostgreSQL server for this test process (scripts/pg-cluster:
/// a temporary directory, a free loopback port, a non-root owner), started
/// on first use and removed at exit. Each test gets its own database.
final class PostgresCluster: Sendable {
    let directory: String
    let url: PostgresURL
    let script: String

    static let shared: Result<PostgresCluster, FixtureError> = {
        do {
            let cluster = try PostgresCluster()
            atexit { if case .success(let cluster) = PostgresCluster.shared { cluster.stop() } }
            return .success(cluster)
        } catch {
            return .failure(FixtureError(description: "starting the private PostgreSQL server: \(error)"))
        }
    }()

    static func get() throws -> PostgresCluster { try shared.get() }

    /// The repository's scripts/pg-cluster, found from this file.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private init() throws {
        script = Self.repositoryRoot.appendingPathComponent("scripts/pg-cluster").path
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-pg-\(UUID().uuidString)").path
        let started = try ChildProcess.run(script, ["start", directory])
        guard started.status == 0 else {
            throw FixtureError(description: "scripts/pg-cluster start failed: " + String(decoding: started.stderr, as: UTF8.self))
        }
        let text = String(decoding: started.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        url = try PostgresURL(parsing: text)
    }

    func stop() { _ = try? ChildProcess.run(script, ["stop", directory]) }

    /// A new, empty database on the server, owned by the test role.
    func freshDatabase() throws -> PostgresURL {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        var fresh = url
        fresh.database = name
        return fresh
    }

    /// Runs `sql` as the test role in `database` (default: the cluster's own).
    func psql(_ sql: String, database: String? = nil) throws {
        var target = url
        if let database { target.database = database }
        let connection = "host=\(target.host) port=\(target.port) user=\(target.user) dbname=\(target.database)"
        let done = try ChildProcess.run("/usr/lib/postgresql/15/bin/psql", ["-v", "ON_ERROR_STOP=1", "-q", connection, "-c", sql],
                                        environment: ProcessInfo.processInfo.environment.merging(
                                            ["PGPASSWORD": target.password ?? ""]) { _, new in new })
        guard done.status == 0 else {
            throw FixtureError(description: "psql \(sql): " + String(decoding: done.stderr, as: UTF8.self))
        }
    }
}

/// The backends the store suite runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

extension Scratch {
    /// The store of this scratch in `backend`: the same database every time
    /// it is opened again within the test.
    func open(_ backend: Backend) throws -> any CoverageStore {
        switch backend {
        case .sqlite: return try open()
        case .postgres: return try PostgresStore(url: try serverDatabase())
        }
    }

    /// This scratch's own database on the private server (created on first use).
    func serverDatabase() throws -> PostgresURL {
        let marker = root.appendingPathComponent("server-database")
        let cluster = try PostgresCluster.get()
        if let name = try? String(contentsOf: marker, encoding: .utf8) {
            var url = cluster.url
            url.database = name
            return url
        }
        let url = try cluster.freshDatabase()
        try url.database.write(to: marker, atomically: true, encoding: .utf8)
        return url
    }
}
