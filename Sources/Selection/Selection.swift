/// Selection: which tests a change can affect, and why. One pure function of
/// (recorded fingerprints, current fingerprints, hit maps, outcomes, build
/// facts): no I/O, no clock, no cargo.
///
/// Invariant (safety first): a test is skipped only when its last run passed
/// with complete coverage on a build with the same facts, and none of the
/// blocks it executed (or, by grain, functions or files) changed. Whenever in
/// doubt, it is selected with a reason that says why.
/// Never depends on: the runner, printing, the database itself.
import BlockIR
import TrimConfig
import TrimModel

public enum Granularity: String, CaseIterable, Codable, Sendable {
    case block, function, file
}

/// Why a test is selected.
public struct Reason: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case newTest = "new-test"
        case noCoverage = "no-coverage"
        case failedLastRun = "failed-last-run"
        case buildChanged = "build-changed"
        case blocksChanged = "blocks-changed"
        case constantChanged = "constant-changed"
        case fileChanged = "file-changed"
        case envChanged = "env-changed"
        case network
        case forced
        case crateChanged = "crate-changed"

    }

    public var kind: Kind
    /// Demangled names of the changed functions it executed.
    public var functions: [String]
    /// `file:line` of the changed blocks it executed (or changed files at file grain).
    public var locations: [String]
    /// One human sentence.
    public var detail: String

    public init(_ kind: Kind, functions: [String] = [], locations: [String] = [], detail: String) {
        self.kind = kind
        self.functions = functions
        self.locations = locations
        self.detail = detail
    }
}

public struct SelectedTest: Hashable, Sendable {
    public var key: TestKey
    /// Never empty; the first is the one shown on a single line.
    public var reasons: [Reason]
}

public struct Selection: Sendable {
    public var granularity: Granularity
    /// Tests that exist now.
    public var total: Int
    public var selected: [SelectedTest]
    public var skipped: [TestKey]

    public func isSelected(_ key: TestKey) -> Bool { selected.contains { $0.key == key } }

    /// The decisions about `keys` alone: a test's decision depends on the
    /// test and the input, never on which other tests were asked about.
    public func restricted(to keys: Set<TestKey>) -> Selection {
        var kept = self
        kept.selected = selected.filter { keys.contains($0.key) }
        kept.skipped = skipped.filter { keys.contains($0) }
        kept.total = kept.selected.count + kept.skipped.count
        return kept
    }

    /// Two selections over disjoint tests as one, in the order one selection of them all has (by key).
    public static func merged(_ first: Selection, _ second: Selection) -> Selection {
        var both = first
        both.total += second.total
        both.selected = (first.selected + second.selected).sorted { $0.key < $1.key }
        both.skipped = (first.skipped + second.skipped).sorted()
        return both
    }
}

/// A build as selection sees it.
public struct BuildSnapshot: Sendable {
    public var facts: BuildFacts
    /// Module key (the `.bc` file name) → fingerprint.
    public var modules: [String: ModuleFingerprint]
    /// Module key → BLAKE3 of the `.bc` bytes: equal bytes, nothing changed.
    public var moduleContent: [String: String]
    /// Source file (as debug info names it) → content hash, for file grain.
    public var sourceFiles: [String: String]
    /// Modules' function indexes made beforehand (while cargo built), by
    /// module key; each of the very module under that key here. Selection
    /// makes the others on first use.
    public var functionIndexes: [String: FunctionIndex] = [:]

    public init(facts: BuildFacts, modules: [String: ModuleFingerprint], moduleContent: [String: String] = [:],
                sourceFiles: [String: String] = [:]) {
        self.facts = facts
        self.modules = modules
        self.moduleContent = moduleContent
        self.sourceFiles = sourceFiles
    }

    public init(facts: BuildFacts, modules: [ModuleRecord], sourceFiles: [String: String] = [:]) {
        self.init(facts: facts,
                  modules: Dictionary(modules.map { ($0.path, $0.fingerprint) }, uniquingKeysWith: { a, _ in a }),
                  moduleContent: Dictionary(modules.map { ($0.path, $0.contentHash) }, uniquingKeysWith: { a, _ in a }),
                  sourceFiles: sourceFiles)
    }

    /// Whether `other` was recorded from the same code as this build: the
    /// facts that decide whether builds compare at all, every module's bytes
    /// (by content hash, every module having one) and every source file the
    /// same. A module's fingerprint is a function of its bytes and of the
    /// other modules of its build (references folded across crates), all of
    /// which match; its function count is checked as well. A test recorded on
    /// either then compares with the current build exactly as on the other.
    public func recordsSameCode(as other: BuildSnapshot) -> Bool {
        guard BuildComparison.factChange(facts, other.facts) == nil,
            moduleContent.count == modules.count, moduleContent == other.moduleContent,
            modules.count == other.modules.count, sourceFiles == other.sourceFiles
        else { return false }
        return modules.allSatisfy { key, module in other.modules[key]?.functions.count == module.functions.count }
    }
}

public struct SelectionInput: Sendable {
    public var current: BuildSnapshot
    /// The builds the recorded results ran on.
    public var recorded: [BuildID: BuildSnapshot]
    /// The tests that exist now (listed, not ignored).
    public var tests: [TestKey]
    public var results: [TestKey: TestResultRecord]
    public var granularity: Granularity
    /// `--all`: every test, reason `forced`.
    public var force: Bool
    /// What each test read outside the code on its last run (files,
    /// variables, network), the state of those now, and the network policy.
    /// Without `inputState`, inputs are not considered.
    public var inputs: [TestKey: TestInputs] = [:]
    public var inputState: InputState?
    public var networkPolicy: NetworkPolicy = .builtInDefault
    /// Tests selected at crate grain (doctests): key → the digest of what
    /// they can reach now (`CrateGrain`).
    public var crateDigests: [TestKey: String] = [:]

    public init(current: BuildSnapshot, recorded: [BuildID: BuildSnapshot], tests: [TestKey],
                results: [TestKey: TestResultRecord], granularity: Granularity = .block, force: Bool = false) {
        self.current = current
        self.recorded = recorded
        self.tests = tests
        self.results = results
        self.granularity = granularity
        self.force = force
    }
}
