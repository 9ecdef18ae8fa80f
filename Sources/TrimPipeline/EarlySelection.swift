import BlockIR
import Foundation
import Selection
import Store
import TrimModel

/// The selection by code (`Selector.selectByCode`) decided while cargo links
/// the last test executables, off the path after the build: as soon as every
/// crate the recorded builds had is merged (an edit rarely adds or renames a
/// crate), the crates are folded across the build and every test the store
/// knows is decided.
///
/// Used only for the build cargo then finishes with exactly that basis: the
/// same crates with the same unit bytes (so the same folded modules), the
/// same build facts and the same source file hashes, read after the build.
/// Anything else, and selection runs after the build as before. What the
/// tests read outside the code is compared after the build in both cases
/// (`CodeSelection.finished`), never from a state read while cargo ran.
final class EarlySelection: @unchecked Sendable {
    /// What a selection by code was decided from.
    struct Basis: Equatable, Sendable {
        /// Module key → crate key (`CrateModuleCache.key`: its units' bytes).
        var crates: [String: String]
        var facts: BuildFacts
        var sourceFiles: [String: String]
    }

    /// The crates folded across the build, as `WorkspaceBuild.fingerprint` folds them.
    struct Folded: Sendable {
        var modules: [String: ModuleRecord]
        var functionIndexes: [String: FunctionIndex]
        /// The workspace files they name (`SourceFiles.paths`), when gathered.
        var sourcePaths: [String: String] = [:]
    }

    private let lock = NSLock()
    /// Left once the crates are folded (or given up); `running` once decided.
    private let folding = DispatchGroup()
    private let running = DispatchGroup()
    private let expected: @Sendable () -> Set<String>?
    private let decide: @Sendable (BuildSnapshot) -> CodeSelection?
    private var started = false
    private var basis: Basis?
    private var folded: Folded?
    private var selection: CodeSelection?

    /// - Parameters:
    ///   - expected: the module keys to wait for; nil while unknown (the store not read yet).
    ///   - decide: the selection by code of every known test against a current build (nil: none).
    init(expected: @escaping @Sendable () -> Set<String>?, decide: @escaping @Sendable (BuildSnapshot) -> CodeSelection?) {
        self.expected = expected
        self.decide = decide
    }

    /// Whether `merged` (module key → crate key) holds every expected crate
    /// and nothing was started yet; if so, it is started now (once).
    func startsWith(_ merged: [String: String]) -> Bool {
        guard let expected = expected(), !expected.isEmpty, expected.isSubset(of: merged.keys) else { return false }
        return lock.withLock {
            guard !started else { return false }
            started = true
            folding.enter()
            running.enter()
            return true
        }
    }

    /// Ends what `startsWith` started: the crates folded and decided on
    /// `basis` (the folding is given out before the deciding), or (nil) given up.
    func finish(_ basis: Basis?, folded: Folded?) {
        defer { running.leave() }
        guard let basis, let folded else { return folding.leave() }
        lock.withLock { (self.basis, self.folded) = (basis, folded) }
        folding.leave()
        var current = BuildSnapshot(facts: basis.facts, modules: Array(folded.modules.values),
                                    sourceFiles: basis.sourceFiles)
        current.functionIndexes = folded.functionIndexes
        guard let selection = decide(current) else { return }
        lock.withLock { self.selection = selection }
    }

    /// The folded crates, when `crates` are the ones folded (waits for the folding, not the deciding).
    func folded(for crates: [String: String]) -> Folded? {
        guard lock.withLock({ started }) else { return nil }
        folding.wait()
        return lock.withLock { basis?.crates == crates ? folded : nil }
    }

    /// The selection by code, when `build` is what it was decided from.
    func selection(for build: WorkspaceBuild) -> CodeSelection? {
        selection(for: Basis(crates: build.modules.mapValues(\.contentHash), facts: build.facts,
                             sourceFiles: build.sourceFiles))
    }

    /// The selection by code, when it was decided from `basis` (waits for the deciding).
    func selection(for basis: Basis) -> CodeSelection? {
        guard lock.withLock({ started }) else { return nil }
        running.wait()
        return lock.withLock { self.basis == basis ? selection : nil }
    }

    /// Waits for anything started (on every way out of the run).
    func wait() { running.wait() }
}
