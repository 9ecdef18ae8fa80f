import BlockIR
import Foundation

/// Where trim keeps its things for one workspace: everything under
/// `<cargo target dir>/trim`, so the user's `target/debug` stays untouched.
public struct TrimPaths: Sendable {
    /// cargo's target dir for the instrumented build.
    public var targetDirectory: URL
    public var database: URL
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
        self.database = database.map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent(cargoProfile.map { "trim-\($0).db" } ?? "trim.db")
        fingerprintCache = root.appendingPathComponent("cache")
        runtimeCache = FingerprintCache.defaultDirectory()
        scratch = root.appendingPathComponent("run-\(getpid())")
    }
}
