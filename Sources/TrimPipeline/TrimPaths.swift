import BlockIR
import Foundation
import PostgresStore

/// Where trim keeps its things for one workspace: everything under
/// `<cargo target dir>/trim`, so the user's `target/debug` stays untouched.
public struct TrimPaths: Sendable {
    /// cargo's target dir for the instrumented build.
    public var targetDirectory: URL
    /// The SQLite file: the store, or with a read-only `server` the local layer under it.
    public var database: URL
    /// The PostgreSQL store (`--db postgres://…`), nil for the SQLite file.
    public var server: PostgresURL?
    /// `--db-read-only`: the server is only read; this run's records go to `database`.
    public var serverReadOnly = false
    public var fingerprintCache: URL
    /// The compiled runtime and tracer: the user's cache (`$TRIM_CACHE_DIR`,
    /// `$XDG_CACHE_HOME/trim` or `~/.cache/trim`), shared by every workspace.
    public var runtimeCache: URL
    /// Per-run scratch: test outputs and coverage dumps.
    public var scratch: URL

    /// `database` overrides the default `<target>/trim/trim.db` (`--db`,
    /// `TRIM_DB`). A build in another cargo profile (`--release`) keeps its
    /// records apart, in `<target>/trim/trim-<profile>.db`, so switching
    /// profiles and back finds each profile's last results.
    public init(cargoTargetDirectory: String, database: String? = nil, cargoProfile: String? = nil) {
        let root = URL(fileURLWithPath: cargoTargetDirectory).appendingPathComponent("trim")
        targetDirectory = root
        let server = database.flatMap { try? DatabaseLocation.server($0) }
        self.server = server
        self.database = database.flatMap { server == nil ? URL(fileURLWithPath: $0) : nil }
            ?? root.appendingPathComponent(cargoProfile.map { "trim-\($0).db" } ?? "trim.db")
        fingerprintCache = root.appendingPathComponent("cache")
        runtimeCache = FingerprintCache.defaultDirectory()
        scratch = root.appendingPathComponent("run-\(getpid())")
    }
}
