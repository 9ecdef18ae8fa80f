/// TrimCLI: the `trim` and `cargo trim` commands. Parses arguments and calls
/// TrimPipeline; nothing else lives here.
import ArgumentParser
import Foundation
import Reporting
import TestFilter
import TrimConfig
import Runner
import Selection
import TrimPipeline
import CargoSupport
import Editor

public struct TrimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trim",
        abstract: "Run only the tests a change can affect, decided per LLVM basic block.",
        discussion: "Exit status: 0 success, 100 a test failed, 101 the build failed, 2 any other error.",
        subcommands: [RunCommand.self, PlanCommand.self, ListCommand.self, SimulateHistoryCommand.self,
                      RunDoctestCommand.self, CoverageCommand.self, PathCommand.self, WatchCommand.self, LSPCommand.self])

    public init() {}

    /// Runs the command line `arguments` (without the program name) and
    /// exits with trim's documented status.
    public static func main(arguments: [String]) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(ExitStatus.success)
        } catch let error as TrimError {
            FileHandle.standardError.write(Data("trim: error: \(error)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch let error as EditorError {
            FileHandle.standardError.write(Data("trim: error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.setupError)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            let message = fullMessage(for: error)
            if status == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(ExitStatus.setupError)
        }
    }
}

/// Options shared by every subcommand: which workspace, which database, what to build.
struct WorkspaceArguments: ParsableArguments {
    @Option(name: [.customShort("C"), .long],
            help: "Run as if trim were started in this directory (default: the current directory).")
    var directory: String?

    @Option(help: "The database (default: $TRIM_DB, else <target>/trim/trim.db).")
    var db: String?

    @OptionGroup(title: "Package and target selection (as cargo test)") var cargo: CargoSelectionArguments

    @Option(name: [.customShort("j", allowingJoined: true), .long], help: "Tests run at once (default: the number of cores).")
    var jobs: Int?

    var options: WorkspaceOptions {
        let directory = directory.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let database = db ?? ProcessInfo.processInfo.environment["TRIM_DB"].flatMap { $0.isEmpty ? nil : $0 }
        return WorkspaceOptions(directory: directory, directoryIsExplicit: self.directory != nil, database: database,
                                selection: cargo.selection, doctests: !cargo.noDoctests,
                                jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }
}

extension Granularity: ExpressibleByArgument {}
extension HumanReporter.ColorChoice: ExpressibleByArgument {}
extension RunIgnored: ExpressibleByArgument {}

/// Which tests: name filters, -E expressions, ignored ones, a partition.
struct FilterArguments: ParsableArguments {
    @Argument(help: "Run only tests whose names contain one of these (as cargo test).")
    var names: [String] = []

    @Flag(help: "Names must match exactly.")
    var exact = false

    @Option(help: "Leave out tests whose names contain this (repeatable).")
    var skip: [String] = []

    @Option(name: [.customShort("E"), .customLong("filter-expr")],
            help: "A filter expression, e.g. 'test(parse) & package(ledger)' (repeatable: any may match).")
    var expressions: [String] = []

    @Option(help: "default (not ignored), only (only ignored), all.")
    var runIgnored: RunIgnored = .default

    @Option(help: "Run one shard: count:K/N or hash:K/N.")
    var partition: String?

    func filter() throws -> (TestSelectionFilter, Partition?) {
        do {
            let filter = try TestSelectionFilter(names: NameFilter(patterns: names, exact: exact, skip: skip),
                                                 parsing: expressions, runIgnored: runIgnored)
            return (filter, try partition.map { text throws(FilterError) in try Partition(parsing: text) })
        } catch {
            throw ValidationError(error.message + "\n" + error.caretLines)
        }
    }
}

/// How to choose tests: grain and `--all`.
struct SelectionArguments: ParsableArguments {
    @Option(help: "What a change is compared at: block (default), function or file.")
    var granularity: Granularity = .block

    @Flag(name: [.long, .customLong("force-rerun")], help: "Run every test, affected or not.")
    var all = false
}

/// How tests run: profile, retries, fail-fast, timeouts. The command line wins over the profile.
struct RunnerArguments: ParsableArguments {
    @Option(help: "The profile of .config/trim.toml to use (default: default).")
    var profile: String = "default"

    @Option(help: "Retry a failing test up to N times; one that then passes is FLAKY.")
    var retries: Int?

    @Flag(help: "Run every selected test even after failures.")
    var noFailFast = false

    @Option(help: "Stop starting tests after N failures (default: the profile's; fail fast).")
    var maxFail: Int?

    @Option(help: "Report a test as SLOW every N seconds it runs (default: the profile's, 60).")
    var slowTimeout: Double?

    @Option(help: "Kill a test (its whole process group) after N slow periods: TIMEOUT.")
    var terminateAfter: Int?

    @Option(help: "Write a JUnit XML report here (default: the profile's junit.path).")
    var junit: String?

    func apply(to request: inout RunRequest) throws {
        if let retries, retries < 0 { throw ValidationError("--retries must be 0 or more") }
        if let maxFail, maxFail < 1 { throw ValidationError("--max-fail must be 1 or more") }
        if let slowTimeout, slowTimeout <= 0 { throw ValidationError("--slow-timeout must be positive") }
        if let terminateAfter, terminateAfter < 1 { throw ValidationError("--terminate-after must be 1 or more") }
        if terminateAfter != nil && slowTimeout == nil {
            throw ValidationError("--terminate-after counts --slow-timeout periods: give --slow-timeout too")
        }
        request.profile = profile
        request.retries = retries
        request.failFast = noFailFast ? .noFailFast : maxFail.map { .maxFail($0) }
        request.slowTimeout = slowTimeout.map { SlowTimeout(period: $0, terminateAfter: terminateAfter) }
        request.junitPath = junit.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
    }
}

enum MessageFormat: String, ExpressibleByArgument { case human, json }

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Build the tests instrumented, run those a change can affect (each in its own process), record coverage.")

    @OptionGroup var workspace: WorkspaceArguments
    @OptionGroup var filters: FilterArguments
    @OptionGroup var selection: SelectionArguments
    @OptionGroup var runner: RunnerArguments

    @Flag(help: "Plain lines, no live progress line (the default when stdout is not a terminal).")
    var noProgress = false

    @Option(help: "Colours: auto (a terminal without NO_COLOR), always or never.")
    var color: HumanReporter.ColorChoice = .auto

    @Option(help: "human (default), or json: one JSON event per line on stdout (people's output goes to stderr).")
    var messageFormat: MessageFormat = .human

    func run() throws {
        let (filter, partition) = try filters.filter()
        var request = RunRequest(workspace: workspace.options, granularity: selection.granularity,
                                 force: selection.all, filter: filter, partition: partition,
                                 testThreads: workspace.jobs)
        try runner.apply(to: &request)
        let statistics = try RunPipeline.run(request) { profile, trimDirectory in
            ReporterChoice.reporters(format: messageFormat, progress: !noProgress, color: color, profile: profile,
                                     trimDirectory: trimDirectory)
        }
        if case .signal = statistics.cancelled { throw ExitCode(ExitStatus.interrupted) }
        if statistics.failed > 0 { throw ExitCode(ExitStatus.testsFailed) }
    }
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Print which tests `trim run` would run and why, without running any.")

    @OptionGroup var workspace: WorkspaceArguments
    @OptionGroup var filters: FilterArguments
    @OptionGroup var selection: SelectionArguments

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let (filter, partition) = try filters.filter()
        let plan = try RunPipeline.plan(RunRequest(workspace: workspace.options, granularity: selection.granularity,
                                                   force: selection.all, filter: filter, partition: partition))
        print(json ? PlanPrinter.json(plan) : PlanPrinter.text(plan), terminator: "")
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Build the workspace's tests and list them, without running any.")

    @OptionGroup var workspace: WorkspaceArguments
    @OptionGroup var filters: FilterArguments

    func run() throws {
        var (filter, partition) = try filters.filter()
        // Listing shows ignored tests too (marked), unless --run-ignored says otherwise.
        if filters.runIgnored == .default { filter.runIgnored = .all }
        let request = RunRequest(workspace: workspace.options, filter: filter, partition: partition)
        for test in try RunPipeline.list(request) {
            print("\(test.binary) \(test.name)" + (test.ignored ? " (ignored)" : ""))
        }
    }
}
