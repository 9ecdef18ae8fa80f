import Foundation

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
    /// The module's key: as coverage maps a binary, the defining unit's
    /// `sourceFilename`; as recorded, the crate module's key (`ModuleRecord.path`).
    public var module: String
    public var symbol: String
    /// Layout indices into the function's fingerprint blocks. As coverage maps
    /// them: ascending, and including the blocks that carry no slot (a bare
    /// `unreachable`, an entry block that only calls a noreturn function)
    /// whenever any slot of the function was hit — counted as executed, the
    /// safe side.
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
