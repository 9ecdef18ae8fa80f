import CargoSupport
import Foundation
import Reporting
import Runner
import Selection
import Store
import TrimConfig
import TrimModel
import TrimPipeline

public struct HistoryOptions: Sendable {
    /// The repository, or a directory inside it holding the cargo workspace
    /// (its path relative to the repository root is where the workspace is in every commit).
    public var directory: URL
    public var commits: Int
    public var revision: String
    /// Which packages and features every build is for: the whole workspace
    /// unless `-p` narrows it (the replay measures the workspace, not the
    /// package of the directory it runs in).
    public var selection: PackageSelection
    /// Mutants to try per commit (0: no mutation check).
    public var mutants: Int
    public var jobs: Int
    /// nil: `ScratchSpace.default` for the repository.
    public var scratch: URL?
    /// Leave the scratch worktree registered after the replay.
    public var keepWorktree: Bool
    /// Where to write each compared commit's selections (`trim plan --json`
    /// at every grain); nil: not written.
    public var plansDirectory: URL?
    /// Give every test process the same `getrandom` bytes on every run
    /// (`FixedRandomness`), so HashMap order, and with it the path a test
    /// takes, repeats.
    public var fixedRandom: Bool
    /// Show rustc's warnings (otherwise only counted per commit).
    public var verbose: Bool

    public init(directory: URL, commits: Int, revision: String = "HEAD",
                selection: PackageSelection = PackageSelection(workspace: true),
                mutants: Int = 0, jobs: Int = ProcessInfo.processInfo.activeProcessorCount, scratch: URL? = nil,
                keepWorktree: Bool = false, plansDirectory: URL? = nil, fixedRandom: Bool = false,
                verbose: Bool = false) {
        self.verbose = verbose
        self.directory = directory
        self.commits = commits
        self.revision = revision
        self.selection = selection
        self.mutants = mutants
        self.jobs = max(1, jobs)
        self.scratch = scratch
        self.keepWorktree = keepWorktree
        self.plansDirectory = plansDirectory
        self.fixedRandom = fixedRandom
    }
}

/// The repository a replay works on, as git sees it.
public struct ReplayTarget: Sendable {
    /// The repository's top level (the user's working tree).
    public var topLevel: URL
    /// The cargo workspace's path inside the repository ("" for the top level).
    public var subdirectory: String
    public var scratch: ScratchSpace

    /// Resolves `options.directory` to its repository and scratch space.
    public static func resolve(_ options: HistoryOptions) throws(HistoryError) -> ReplayTarget {
        let directory = options.directory.standardizedFileURL
        let output = try Git.capture(["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir"],
                                     in: directory)
        guard output.status == 0 else { throw .notARepository(path: directory.path, gitSays: output.stderr) }
        let lines = output.stdout.split(separator: "\n").map(String.init)
        guard lines.count == 2 else { throw .notARepository(path: directory.path, gitSays: output.stdout) }
        let top = URL(fileURLWithPath: lines[0]).resolvingSymlinksInPath()
        let inside = directory.resolvingSymlinksInPath().path
        var subdirectory = ""
        if inside.hasPrefix(top.path + "/") { subdirectory = String(inside.dropFirst(top.path.count + 1)) }
        let scratch = options.scratch.map(ScratchSpace.init(root:)) ?? ScratchSpace.default(gitCommonDirectory: lines[1])
        return ReplayTarget(topLevel: top, subdirectory: subdirectory, scratch: scratch)
    }
}

public enum HistoryReplay {
    /// The environment every build of a replay needs: cargo's target dir
    /// inside the scratch space. The caller sets it on its own process
    /// (`setenv`) before `run`, which refuses to start without it: the
    /// pipeline's cargo runs inherit the process environment.
    public static func requiredEnvironment(_ target: ReplayTarget) -> [String: String] {
        ["CARGO_TARGET_DIR": target.scratch.targetDirectory.path]
    }

    /// Replays the commits. `progress` gets one line per step (commit, mutant);
    /// `finished` each commit's row and mutants as soon as the commit is done
    /// (a replay killed later keeps them).
    public static func run(_ options: HistoryOptions, target: ReplayTarget,
                           progress: @escaping @Sendable (String) -> Void,
                           finished: (CommitRecord, [MutantRecord]) throws(HistoryError) -> Void = { _, _ in })
        throws(HistoryError) -> HistoryReport {
        let expected = target.scratch.targetDirectory.path
        let actual = ProcessInfo.processInfo.environment["CARGO_TARGET_DIR"]
        guard actual == expected else { throw .targetDirectoryNotPrivate(expected: expected, actual: actual) }
        try target.scratch.preparePrivately()
        guard options.commits > 0 else { throw .noCommits(revision: options.revision) }

        let repository = Git(directory: target.topLevel)
        let commits = try repository.commits(last: options.commits, from: options.revision)
        guard let first = commits.first else { throw .noCommits(revision: options.revision) }

        let plans = try options.plansDirectory.map { (directory) throws(HistoryError) in try PlanFiles(directory: directory) }
        let testEnvironment = try options.fixedRandom
            ? FixedRandomness.environment(
                library: FixedRandomness.library(cacheDirectory: target.scratch.fixedRandomDirectory),
                base: ProcessInfo.processInfo.environment)
            : [:]
        let lock = try ScratchLock(target.scratch)
        defer { lock.release() }
        let worktree = ScratchWorktree(repository: repository, space: target.scratch)
        try worktree.prepare(at: first.sha)
        defer { if !options.keepWorktree { worktree.remove() } }
        ScratchSpace.removeDatabase(target.scratch.database)

        // Ctrl-C / SIGTERM: the step under way is dropped (a build or a run cut short proves
        // nothing), the commits before it are kept, the worktree is removed on the way out.
        let interrupt = InterruptWatch()
        defer { interrupt.stop() }
        var replay = Replay(options: options, target: target, worktree: worktree, plans: plans,
                            testEnvironment: testEnvironment, progress: progress, interrupted: { interrupt.fired })
        var report = HistoryReport()
        for (index, commit) in commits.enumerated() {
            let label = "[\(index + 1)/\(commits.count)] \(commit.sha.prefix(10)) \(commit.subject)"
            progress(label)
            let step: (CommitRecord, [MutantRecord])
            do { step = try replay.step(commit, ordinal: index + 1) } catch {
                guard case .interrupted = error else { throw error }
                report.interrupted = true
                break
            }
            if interrupt.fired {
                report.interrupted = true
                break
            }
            report.commits.append(step.0)
            report.mutants += step.1
            progress("    " + Replay.describe(step.0))
            try finished(step.0, step.1)
        }
        if report.interrupted { progress("interrupted: \(report.commits.count) of \(commits.count) commits replayed") }
        ScratchSpace.removeDatabase(target.scratch.mutantDatabase)
        return report
    }
}

/// The replay's state from one commit to the next.
struct Replay {
    let options: HistoryOptions
    let target: ReplayTarget
    let worktree: ScratchWorktree
    let plans: PlanFiles?
    /// Added to every test's environment (`--fixed-random`).
    let testEnvironment: [String: String]
    let progress: @Sendable (String) -> Void
    /// A signal arrived: stop at the next check.
    let interrupted: @Sendable () -> Bool
    /// A full run has been recorded: the next commit is compared against it.
    var haveBase = false
    /// rustc's warnings of each commit's first build (shown with `--verbose`).
    let diagnostics: CompilerDiagnostics
    /// The same build's later runs (full runs, mutants) replay the same warnings: counted, never shown.
    let rebuildDiagnostics = CompilerDiagnostics(showsWarnings: false)

    init(options: HistoryOptions, target: ReplayTarget, worktree: ScratchWorktree, plans: PlanFiles?,
         testEnvironment: [String: String], progress: @escaping @Sendable (String) -> Void, interrupted: @escaping @Sendable () -> Bool) {
        self.options = options
        self.target = target
        self.worktree = worktree
        self.plans = plans
        self.testEnvironment = testEnvironment
        self.progress = progress
        self.interrupted = interrupted
        self.diagnostics = CompilerDiagnostics(showsWarnings: options.verbose)
    }

    var workspaceDirectory: URL {
        target.subdirectory.isEmpty
            ? target.scratch.worktree : target.scratch.worktree.appendingPathComponent(target.subdirectory)
    }

    /// `firstBuild`: the commit's first build, whose rustc warnings are counted (and shown with --verbose).
    func request(database: URL, force: Bool, firstBuild: Bool = false) -> RunRequest {
        RunRequest(workspace: WorkspaceOptions(directory: workspaceDirectory, database: database.path,
                                               selection: options.selection, doctests: false,
                                               jobs: options.jobs,
                                               diagnostics: firstBuild ? diagnostics : rebuildDiagnostics),
                   force: force, failFast: .noFailFast, testThreads: options.jobs, testEnvironment: testEnvironment)
    }

    mutating func step(_ commit: CommitInfo, ordinal: Int) throws(HistoryError) -> (CommitRecord, [MutantRecord]) {
        try worktree.checkout(commit.sha)
        let files = try worktree.repository.changedFiles(commit)
        var record = CommitRecord(commit: commit.sha, subject: commit.subject,
                                  status: haveBase ? .compared : .baseline, filesChanged: files.count)
        let database = target.scratch.database

        // Build once; select at every grain against the previous commit's data.
        let plan: GrainPlan
        let clock = ContinuousClock()
        let started = clock.now
        diagnostics.reset()
        do {
            plan = try RunPipeline.plan(request(database: database, force: false, firstBuild: true),
                                        at: haveBase ? historyGrains : [])
        } catch {
            record.rustcWarnings = diagnostics.warnings
            if case .cargo(.buildFailed) = error {
                record.status = .buildFailed
                record.buildSeconds = (clock.now - started).seconds
                record.note = "the build failed"
            } else {
                record.status = .error
                record.note = "\(error)"
            }
            return (record, [])
        }
        if interrupted() { throw .interrupted }
        record.rustcWarnings = diagnostics.warnings
        record.buildSeconds = plan.buildSeconds
        record.testsTotal = plan.tests.count
        if haveBase {
            record.selectionSeconds = plan.selectionSeconds
            for grain in historyGrains { record.selected[grain] = plan.selections[grain]?.selected.count ?? 0 }
            try plans?.write(plan.selections, commit: commit, ordinal: ordinal)
        }

        // What the previous commit's full run recorded, to tell afterwards which tests this commit affected.
        let before = haveBase ? try RecordedRun.read(database) : nil

        // The truth: every test, recorded as the base of the next commit.
        let truth: FullRun
        do { truth = try FullRun.execute(request(database: database, force: true), progress: progress) } catch {
            if case .interrupted = error { throw error }
            record.status = .error
            record.note = "the full run failed: \(error)"
            return (record, [])
        }
        haveBase = true
        record.fullRunSeconds = truth.seconds
        record.failing = truth.failing.count
        record.failingTests = truth.failing.sorted().map(\.description)
        if record.status == .compared, let before {
            // A second full run on the same build: a test whose path differs between the two
            // depends on something other than the code (a HashMap's seed, the clock).
            let after = try RecordedRun.read(database)
            do { _ = try FullRun.execute(request(database: database, force: true), progress: progress) } catch {
                if case .interrupted = error { throw error }
                record.note = "the second full run failed: \(error)"
            }
            let again = try RecordedRun.read(database, reusing: after)
            let affected = AffectedTests(candidates: plan.tests, before: before, after: after,
                                         blockSelected: Set(plan.selections[.block]?.selected.map(\.key) ?? []),
                                         nondeterministic: AffectedTests.nondeterministic(after, again))
            record.affected = affected.affected.count
            record.nondeterministic = affected.nondeterministic
            record.unexplainedTests = affected.unexplained.map(\.description)
            record.unexplainedMissed = affected.unexplained.filter { !$0.divergence.isCarryFailure }.count
        }
        if record.status == .compared {
            for grain in historyGrains {
                let chosen = Set(plan.selections[grain]?.selected.map(\.key) ?? [])
                let missed = truth.failing.filter { !chosen.contains($0) }.sorted()
                record.missed[grain] = missed.count
                record.missedTests += missed.map { "\(grain.rawValue):\($0)" }
            }
        }

        var mutants: [MutantRecord] = []
        if options.mutants > 0 {
            mutants = try MutantCheck(replay: self, commit: commit, base: truth).run(limit: options.mutants)
            record.mutantsTried = mutants.filter { $0.status == .caught || $0.status == .survived }.count
            record.mutantsUnviable = mutants.filter { $0.status == .unviable }.count
            record.mutantsCaught = mutants.filter { $0.status == .caught }.count
            for grain in historyGrains {
                record.mutantMissed[grain] = mutants.reduce(0) { $0 + ($1.missed[grain]?.count ?? 0) }
            }
            for mutant in mutants {
                for grain in historyGrains {
                    record.missedTests += (mutant.missed[grain] ?? []).map {
                        "\(grain.rawValue):\($0) (mutant \(mutant.mutation))"
                    }
                }
            }
        }
        return (record, mutants)
    }

    static func describe(_ r: CommitRecord) -> String {
        var parts = ["\(r.filesChanged) files"]
        if let warnings = r.rustcWarnings, warnings > 0 { parts.append("\(warnings) rustc warnings") }
        switch r.status {
        case .buildFailed, .error:
            return (parts + ["\(r.status.rawValue): \(r.note)"]).joined(separator: "; ")
        case .baseline:
            parts.append("baseline")
        case .compared:
            let total = r.testsTotal ?? 0
            parts.append("selected " + historyGrains.map { String(r.selected[$0] ?? 0) }.joined(separator: "/")
                + " of \(total) (block/function/file)")
        }
        if let b = r.buildSeconds { parts.append(String(format: "build %.1fs", b)) }
        if let f = r.fullRunSeconds {
            parts.append(String(format: "full run %d failing (%.1fs)", r.failing ?? 0, f))
        }
        if r.status == .compared {
            parts.append("missed " + historyGrains.map { String(r.missed[$0] ?? 0) }.joined(separator: "/"))
        }
        if r.mutantsTried + r.mutantsUnviable > 0 {
            parts.append("mutants \(r.mutantsTried) run, \(r.mutantsCaught) caught, missed "
                + historyGrains.map { String(r.mutantMissed[$0] ?? 0) }.joined(separator: "/"))
        }
        return parts.joined(separator: "; ")
    }
}

/// `trim run --all --no-fail-fast`, its outcome per test.
struct FullRun {
    var tests: Set<TestKey>
    var failing: Set<TestKey>
    var seconds: Double

    static func execute(_ request: RunRequest, progress: @escaping @Sendable (String) -> Void)
        throws(HistoryError) -> FullRun
    {
        let collector = OutcomeCollector()
        let clock = ContinuousClock()
        let started = clock.now
        let statistics: RunStatistics
        do {
            statistics = try RunPipeline.run(request, reporters: { _, _ in collector },
                                             warn: { progress("    trim: warning: \($0)") })
        } catch { throw .pipeline(error) }
        if case .signal = statistics.cancelled { throw .interrupted }
        return FullRun(tests: collector.tests, failing: collector.failing, seconds: (clock.now - started).seconds)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

/// Notes SIGINT, SIGTERM and SIGHUP while a replay runs instead of dying
/// mid-step (trim's runner stops its tests on the same signals).
final class InterruptWatch: @unchecked Sendable {
    private static let signals = [SIGINT, SIGTERM, SIGHUP]
    private let lock = NSLock()
    private var received = false
    private var sources: [DispatchSourceSignal] = []
    private var previous: [Int32: sig_t?] = [:]

    init() {
        for number in Self.signals {
            previous[number] = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.lock.withLock { self?.received = true } }
            source.resume()
            sources.append(source)
        }
    }

    var fired: Bool { lock.withLock { received } }

    func stop() {
        sources.forEach { $0.cancel() }
        sources = []
        for (number, handler) in previous { signal(number, handler ?? SIG_DFL) }
        previous = [:]
    }
}

/// Keeps each finished test's verdict.
final class OutcomeCollector: TestReporter, @unchecked Sendable {
    private let lock = NSLock()
    private var finished: [TestKey: Bool] = [:]

    func handle(_ event: TestEvent) {
        guard case .testFinished(let result) = event else { return }
        lock.withLock { finished[TestKey(binary: result.test.binary, name: result.test.name)] = result.isSuccess }
    }

    var tests: Set<TestKey> { lock.withLock { Set(finished.keys) } }
    var failing: Set<TestKey> { lock.withLock { Set(finished.filter { !$0.value }.keys) } }
}
