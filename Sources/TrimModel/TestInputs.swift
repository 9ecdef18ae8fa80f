import Foundation

/// What one test run read outside the code, merged over the test's process
/// and every process it started, normalised and hashed. Stored with the
/// test's result; compared with `InputState` by selection.
public struct TestInputs: Hashable, Codable, Sendable {
    /// The hash of a file or listing that does not exist.
    public static let missing = "missing"
    /// The hash of a variable that is not set.
    public static let unset = "unset"
    /// The hash of a directory that was stat'ed or opened but not listed.
    public static let directory = "directory"
    /// The `env` key standing for the whole environment (strace cannot see
    /// which variables a process reads).
    public static let wholeEnvironment = "*"

    /// Workspace-relative path (`tests/data/x.txt`) → `InputHash.file`: the
    /// BLAKE3 of a regular file's bytes, `missing`, `directory`, `unreadable`
    /// or `special`. A key ending in `/` (`tests/data/`, `./` for the root)
    /// is a directory that was listed → `InputHash.listing` of its entry names.
    public var files: [String: String]
    /// Variable name → `InputHash.value` of the value the test was given
    /// (`unset` when it had none); `*` → the hash of the whole environment.
    public var env: [String: String]
    /// Addresses connected or sent to, sorted, in `Endpoint`'s normal form.
    public var network: [String]
    /// For addresses whose network policy is `when-files-change`: the files
    /// its patterns matched when the test ran (path → `InputHash.file`).
    public var watched: [String: String]
    /// The patterns `watched` was taken with, sorted.
    public var watchPatterns: [String]
    /// `preload`, `strace` or `none` (`TracingMethod.name`).
    public var method: String
    /// What could not be observed; empty when the record is complete.
    public var problems: [String]

    public init(
        files: [String: String] = [:], env: [String: String] = [:], network: [String] = [],
        watched: [String: String] = [:], watchPatterns: [String] = [], method: String = "preload",
        problems: [String] = []
    ) {
        self.files = files
        self.env = env
        self.network = Array(Set(network)).sorted()
        self.watched = watched
        self.watchPatterns = Array(Set(watchPatterns)).sorted()
        self.method = method
        self.problems = problems
    }

    /// Everything the test used was observed.
    public var isComplete: Bool { problems.isEmpty }

    /// Nothing read, nothing connected to.
    public var isEmpty: Bool { files.isEmpty && env.isEmpty && network.isEmpty }
}
