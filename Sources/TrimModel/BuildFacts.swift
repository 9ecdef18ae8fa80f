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
