import ArgumentParser
import Foundation
import History
import TrimPipeline
import CargoSupport

/// `trim simulate-history`: replays the last N commits in a scratch worktree
/// and measures selection at each grain against full runs (see History).
struct SimulateHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-history",
        abstract: "Replay the last N commits and measure what trim would have selected at each grain.",
        discussion: """
            Every commit is checked out in one scratch worktree at a fixed path (never the user's \
            working tree or branch), built, selected at block, function and file grain against the \
            previous commit's recorded data, then run in full for the truth. With --mutants K, K \
            mutants of the lines each commit changed are run too, and every test failing under them \
            must have been selected.
            """)

    @Option(help: "How many commits to replay (the last N along first parents; the oldest is the baseline).")
    var commits: Int

    @Option(help: "The repository, or the directory of the cargo workspace inside it (default: the current directory).")
    var repo: String?

    @Option(help: "The last commit to replay.")
    var rev: String = "HEAD"

    @Option(name: [.customShort("p"), .long],
            help: "Replay only this package's tests (repeatable; globs as in cargo; default: the whole workspace).")
    var package: [String] = []

    @Option(help: "Write one row per commit here, each as soon as its commit is done.")
    var csv: String?

    @Option(help: "Mutants to try at each commit, in the lines it changed (0: none).")
    var mutants: Int = 0

    @Option(help: "Write one row per mutant here.")
    var mutantsCsv: String?

    @Option(help: "Write each compared commit's selections here, one `trim plan --json` file per grain (<n>-<commit>.<grain>.json).")
    var plans: String?

    @Option(help: "The scratch directory, private to you (default: $XDG_CACHE_HOME/trim/history/<hash of the repository>, else ~/.cache/trim/...; must stay the same between replays).")
    var scratch: String?

    @Option(name: [.customShort("j"), .long], help: "Tests run at once (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Give the tests the same getrandom bytes on every run (an LD_PRELOAD library), so HashMap order and the paths it decides repeat.")
    var fixedRandom = false

    @Flag(help: "Leave the scratch worktree registered afterwards (git worktree list).")
    var keepWorktree = false

    @Flag(help: "Show cargo's progress lines and rustc's warnings (otherwise counted per commit).")
    var verbose = false

    func validate() throws {
        if commits < 1 { throw ValidationError("--commits must be 1 or more") }
        if mutants < 0 { throw ValidationError("--mutants must be 0 or more") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be 1 or more") }
    }

    func run() throws {
        let current = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> URL {
            URL(fileURLWithPath: path.hasPrefix("/") ? path : current + "/" + path)
        }
        let options = HistoryOptions(
            directory: absolute(repo ?? "."), commits: commits, revision: rev,
            selection: package.isEmpty ? PackageSelection(workspace: true) : PackageSelection(packages: package),
            mutants: mutants,
            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, scratch: scratch.map(absolute),
            keepWorktree: keepWorktree, plansDirectory: plans.map(absolute), fixedRandom: fixedRandom,
            verbose: verbose)
        let resolved = try ReplayTarget.resolve(options)
        // This process is the replay: cargo must build into the scratch target dir.
        for (name, value) in HistoryReplay.requiredEnvironment(resolved) { setenv(name, value, 1) }
        if !verbose { setenv("CARGO_TERM_QUIET", "true", 1) }
        let progress: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        progress("scratch: \(resolved.scratch.root.path)")
        let commitFile = try csv.map { path throws(HistoryError) in
            try CSVFile(path: absolute(path), columns: HistoryCSV.commitColumns)
        }
        let mutantFile = try mutantsCsv.map { path throws(HistoryError) in
            try CSVFile(path: absolute(path), columns: HistoryCSV.mutantColumns)
        }
        let report = try HistoryReplay.run(options, target: resolved, progress: progress) { commit, mutants throws(HistoryError) in
            try commitFile?.append(HistoryCSV.commitRow(commit))
            try mutantFile?.append(mutants.map(HistoryCSV.mutantRow).joined())
        }
        print(HistorySummary(report.commits, mutants: options.mutants > 0 ? report.mutants : nil).text, terminator: "")
        if report.interrupted { throw ExitCode(ExitStatus.interrupted) }
    }
}
