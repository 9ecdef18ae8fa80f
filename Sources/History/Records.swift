import Selection

/// What the replay found at one commit: one CSV row.
public struct CommitRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// The first commit that built: its full run is the base of the next; nothing to compare.
        case baseline
        /// Selections computed against the previous commit's data and checked against the full run.
        case compared
        /// `cargo test --no-run` failed: recorded and skipped.
        case buildFailed = "build-failed"
        /// Something else went wrong (not a workspace, an unreadable bitcode file, ...): skipped.
        case error
    }

    public var commit: String
    public var subject: String
    public var status: Status
    /// Files the commit changed against its first parent.
    public var filesChanged: Int
    /// Tests listed at this commit (ignored ones left out).
    public var testsTotal: Int?
    /// Warnings rustc gave in the commit's build (nil: the build did not run).
    public var rustcWarnings: Int?
    /// Tests selected per grain (compared rows only).
    public var selected: [Granularity: Int] = [:]
    /// Tests that failed in the full run.
    public var failing: Int?
    /// Tests the commit affected as two full runs tell (`AffectedTests`):
    /// the floor under every grain's selection (compared rows only).
    public var affected: Int?
    /// Tests whose path changed but differs between two runs of the same build too.
    public var nondeterministic = 0
    /// Tests that took another path although block grain saw no changed
    /// block they executed and two runs agreed on their path
    /// (`BINARY NAME [kind: where the path parted]`, `UnexplainedPath`).
    public var unexplainedTests: [String] = []
    /// Those of them whose path really differs: a change block grain missed
    /// (the others the comparison could not carry over).
    public var unexplainedMissed = 0
    /// Failing tests the grain's selection left out.
    public var missed: [Granularity: Int] = [:]
    public var buildSeconds: Double?
    public var selectionSeconds: Double?
    public var fullRunSeconds: Double?
    /// Mutants whose build succeeded and whose suite ran.
    public var mutantsTried = 0
    /// Mutants that did not build (not counted as tried).
    public var mutantsUnviable = 0
    /// Mutants under which some test failed that passed in the commit's full run.
    public var mutantsCaught = 0
    /// Failing tests under mutants that the grain's selection left out.
    public var mutantMissed: [Granularity: Int] = [:]
    /// The tests that failed in the full run (`BINARY NAME`).
    public var failingTests: [String] = []
    /// `grain:BINARY NAME` for every missed failing test, the commit's and its mutants'.
    public var missedTests: [String] = []
    /// Why a commit was skipped.
    public var note: String = ""

    public init(commit: String, subject: String, status: Status, filesChanged: Int) {
        self.commit = commit
        self.subject = subject
        self.status = status
        self.filesChanged = filesChanged
    }

    /// Percent of the tests the commit affected, for compared rows with tests.
    public var percentAffected: Double? {
        guard status == .compared, let total = testsTotal, total > 0, let affected else { return nil }
        return 100 * Double(affected) / Double(total)
    }

    /// Percent of the tests selected at `grain`, for compared rows with tests.
    public func percentSelected(_ grain: Granularity) -> Double? {
        guard status == .compared, let total = testsTotal, total > 0, let count = selected[grain] else { return nil }
        return 100 * Double(count) / Double(total)
    }
}

/// One mutant: where, what, and whether the selection held.
public struct MutantRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// The mutant did not build.
        case unviable
        /// No test that passed before fails under it.
        case survived
        /// Some test that passed before fails under it.
        case caught
        /// Built, but the run could not be done.
        case error
    }

    public var commit: String
    public var mutation: Mutation
    public var status: Status
    /// Tests failing under the mutant.
    public var failing: [String] = []
    /// Tests the mutant killed: failing under it, passing in the commit's own full run.
    public var killed: [String] = []
    /// How many of `killed` block grain selected (all of them, unless block grain missed some).
    public var killedSelectedByBlock: Int {
        let missed = Set(missed[.block] ?? [])
        return killed.filter { !missed.contains($0) }.count
    }
    public var selected: [Granularity: Int] = [:]
    public var missed: [Granularity: [String]] = [:]
    public var note = ""

    public init(commit: String, mutation: Mutation, status: Status) {
        self.commit = commit
        self.mutation = mutation
        self.status = status
    }
}

/// A whole replay.
public struct HistoryReport: Sendable {
    public var commits: [CommitRecord] = []
    public var mutants: [MutantRecord] = []
    /// Stopped by a signal: `commits` holds the commits replayed before it.
    public var interrupted = false
    public init(commits: [CommitRecord] = [], mutants: [MutantRecord] = []) {
        self.commits = commits
        self.mutants = mutants
    }
}

/// The grains in the order every table shows them.
public let historyGrains: [Granularity] = [.block, .function, .file]
