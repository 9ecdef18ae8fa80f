import BlockIR
import Foundation

/// A recorded build. Ids only grow (SQLite `AUTOINCREMENT`): an id is never
/// reused for another build, even after garbage collection.
public struct BuildID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: BuildID, b: BuildID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "build \(rawValue)" }
}

/// What decides whether two builds' binaries are comparable at all: a test
/// whose build differs from the current one in any of these is re-run.
public struct BuildFacts: Hashable, Codable, Sendable {
    /// The compiler's identity, e.g. the whole of `rustc --version --verbose`.
    public var toolchain: String
    /// The flags the build was made with (RUSTFLAGS as trim passed them).
    public var rustflags: String
    /// Cargo profile, e.g. `dev` or `test`.
    public var profile: String
    /// Enabled features, in the order given.
    public var features: [String]
    /// `git rev-parse HEAD` when the workspace is a repository.
    public var gitCommit: String?
    /// Whether the work tree had uncommitted changes; nil outside a repository.
    public var gitDirty: Bool?
    /// Stored as seconds since 2001-01-01Z (a REAL): reads back equal.
    public var createdAt: Date

    public init(toolchain: String, rustflags: String, profile: String, features: [String],
                gitCommit: String? = nil, gitDirty: Bool? = nil, createdAt: Date = Date()) {
        self.toolchain = toolchain
        self.rustflags = rustflags
        self.profile = profile
        self.features = features
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.createdAt = createdAt
    }
}

/// One bitcode module of a build.
public struct StoredModule: Hashable, Sendable {
    /// The module's key within a build, e.g. the crate's `.bc` file name. Unique per build.
    public var path: String
    /// Hash of the `.bc` file's bytes (`BitcodeFile.contentHash`).
    public var contentHash: String
    public var fingerprint: ModuleFingerprint

    public init(path: String, contentHash: String, fingerprint: ModuleFingerprint) {
        self.path = path
        self.contentHash = contentHash
        self.fingerprint = fingerprint
    }
}

/// A test: its binary (e.g. `ledger::report`) and its libtest name.
public struct TestKey: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var binary: String
    public var name: String
    public init(binary: String, name: String) {
        self.binary = binary
        self.name = name
    }
    public static func < (a: TestKey, b: TestKey) -> Bool { (a.binary, a.name) < (b.binary, b.name) }
    public var description: String { "\(binary) \(name)" }
}

/// A test binary a build produced.
public struct TestBinaryRecord: Hashable, Codable, Sendable {
    /// Stable id across builds, e.g. `ledger::report`.
    public var id: String
    public var package: String
    /// cargo's target kind: `lib`, `test`, `bin`, ...
    public var kind: String
    /// Path of the executable in this build.
    public var executable: String

    public init(id: String, package: String, kind: String, executable: String) {
        self.id = id
        self.package = package
        self.kind = kind
        self.executable = executable
    }
}

public enum Outcome: String, Hashable, Codable, Sendable, CaseIterable {
    case passed, failed, crashed, timedOut, ignored, notRun
    /// Failed, then passed on a retry: selected again next time, like a failure.
    case flaky
}

/// How far a result's hits can be trusted: only `complete` coverage lets
/// selection skip a test.
public enum CoverageState: String, Hashable, Codable, Sendable, CaseIterable {
    case complete, partial, unknown
}

/// The blocks of one function a test executed.
public struct HitFunction: Hashable, Codable, Sendable {
    /// The module's key, as in `StoredModule.path`.
    public var module: String
    public var symbol: String
    /// Layout indices into the function's `blocks`, in the order given.
    public var blocks: [UInt32]

    public init(module: String, symbol: String, blocks: [UInt32]) {
        self.module = module
        self.symbol = symbol
        self.blocks = blocks
    }
}

/// A test's last run: outcome, and the blocks it executed on `build`.
public struct TestResultRecord: Hashable, Sendable {
    public var key: TestKey
    /// The build the test ran on; its hits are layout indices of that build's fingerprints.
    public var build: BuildID
    public var outcome: Outcome
    /// Seconds.
    public var duration: Double
    public var coverage: CoverageState
    public var hits: [HitFunction]
    /// Captured output (usually of failures only). Stored capped at
    /// `TrimStore.outputLimit` bytes: the head and the tail are kept.
    public var output: String?
    /// Stored as seconds since 2001-01-01Z (a REAL): reads back equal.
    public var recordedAt: Date

    public init(key: TestKey, build: BuildID, outcome: Outcome, duration: Double,
                coverage: CoverageState, hits: [HitFunction], output: String? = nil,
                recordedAt: Date = Date()) {
        self.key = key
        self.build = build
        self.outcome = outcome
        self.duration = duration
        self.coverage = coverage
        self.hits = hits
        self.output = output
        self.recordedAt = recordedAt
    }
}

/// Row counts, for `trim` diagnostics and tests.
public struct StoreStatistics: Hashable, Sendable {
    public var builds: Int
    public var buildModules: Int
    public var modules: Int
    public var moduleFunctions: Int
    public var functions: Int
    public var testBinaries: Int
    public var tests: Int
    public var results: Int
    public var hitSymbols: Int
}

/// What `collectGarbage()` removed.
public struct GarbageReport: Hashable, Sendable {
    public var builds: Int
    public var modules: Int
    public var functions: Int
    public var hitSymbols: Int

    public init(builds: Int, modules: Int, functions: Int, hitSymbols: Int) {
        self.builds = builds
        self.modules = modules
        self.functions = functions
        self.hitSymbols = hitSymbols
    }
}
