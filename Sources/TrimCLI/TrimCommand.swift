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
        subcommands: [RunCommand.self, PlanCommand.self, ListCommand.self, ArchiveCommand.self, ShowConfigCommand.self,
                      SimulateHistoryCommand.self, RunDoctestCommand.self, CoverageCommand.self, PathCommand.self,
                      WatchCommand.self, LSPCommand.self])

    public init() {}

    /// Runs the command line `arguments` (without the program name) and
    /// exits with trim's documented status.
    public static func main(arguments: [String]) -> Never {
        SignalWatch.watchFromStartUp()
        do {
            var command = try parsedDirectly(arguments) ?? parseAsRoot(arguments)
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

    /// The subcommand `arguments` name, parsed as if it were the root: the
    /// root's own pass over the line reflects on the subcommand's options
    /// twice more (ArgumentParser rebuilds them each time), milliseconds
    /// before cargo starts. Nil for anything that does not parse that way
    /// (a mistake), and never tried for what ArgumentParser answers itself
    /// (help, completion scripts): those go the usual way and are answered
    /// as usual, naming `trim`. The root has no options of its own to miss.
    static func parsedDirectly(_ arguments: [String]) -> ParsableCommand? {
        guard let name = arguments.first,
              let subcommand = configuration.subcommands.first(where: { $0.configuration.commandName == name }),
              !arguments.contains(where: answeredByTheParser)
        else { return nil }
        guard let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
              type(of: command) == subcommand
        else { return nil }
        return command
    }

    /// An argument ArgumentParser may take as its own (help in any spelling,
    /// `--version`, `--generate-…`, `--experimental-…`), or `--` after which
    /// anything goes.
    static func answeredByTheParser(_ argument: String) -> Bool {
        ["-h", "-help", "--help", "help", "--version", "--"].contains(argument)
            || argument.hasPrefix("--generate-") || argument.hasPrefix("--experimental-")
    }
}

/// Options shared by every subcommand: which workspace, which database, what to build.
struct WorkspaceArguments: ParsableArguments {
    @Option(name: [.customShort("C"), .long],
            help: "Run as if trim were started in this directory (default: the current directory).")
    var directory: String?

    @Option(help: "The database: an SQLite file or postgres://user:password@host:port/dbname (default: $TRIM_DB, else [store] url, else <target>/trim/trim.db).")
    var db: String?

    @Flag(help: "Only read the PostgreSQL database: this run's results go to the local SQLite file, and selection uses both (also $TRIM_DB_READ_ONLY=1, [store] read-only).")
    var dbReadOnly = false

    @OptionGroup(title: "Package and target selection (as cargo test)") var cargo: CargoSelectionArguments

    @Option(name: [.customShort("j", allowingJoined: true), .long, .customLong("test-threads")],
            parsing: .unconditional,
            help: "Tests run at once: N, num-cpus, or -N for N fewer than the cores (default: $TRIM_TEST_THREADS, else the profile's, num-cpus).")
    var jobs: TestThreads?

    @Option(help: "Jobs cargo builds with (cargo's --jobs; default: $CARGO_BUILD_JOBS or build.jobs of cargo's configuration when set, else the cores plus two).")
    var buildJobs: Int?

    /// `-j`, else `$TRIM_TEST_THREADS`, resolved on this machine; nil when neither is given.
    func testThreads() throws -> Int? {
        try (jobs ?? EnvironmentSettings().threads())?.resolved(cpuCount: ProcessInfo.processInfo.activeProcessorCount)
    }

    func options() throws -> WorkspaceOptions {
        let directory = directory.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let database = db ?? ProcessInfo.processInfo.environment["TRIM_DB"].flatMap { $0.isEmpty ? nil : $0 }
        var options = WorkspaceOptions(directory: directory, directoryIsExplicit: self.directory != nil, database: database,
                                       selection: try cargo.selection(), doctests: !cargo.noDoctests,
                                       jobs: try testThreads() ?? ProcessInfo.processInfo.activeProcessorCount)
        options.databaseReadOnly = dbReadOnly || ProcessInfo.processInfo.environment["TRIM_DB_READ_ONLY"] == "1"
        if let buildJobs, buildJobs < 1 { throw ValidationError("--build-jobs must be 1 or more, not \(buildJobs)") }
        options.buildJobs = buildJobs
        return options
    }
}

extension Granularity: ExpressibleByArgument {}
extension HumanReporter.ColorChoice: ExpressibleByArgument {}
extension RunIgnored: ExpressibleByArgument {}
extension TestThreads: ExpressibleByArgument {}
extension StatusLevel: ExpressibleByArgument {}
extension FinalStatusLevel: ExpressibleByArgument {}
extension TestOutputDisplay: ExpressibleByArgument {}

/// Which tests: name filters, -E expressions, ignored ones, a partition.
struct FilterArguments: ParsableArguments {
    @Argument(help: "Run only tests whose names contain one of these (as cargo test).")
    var names: [String] = []

    @Flag(help: "Names must match exactly.")
    var exact = false

    @Option(help: "Leave out tests whose names contain this (repeatable).")
    var skip: [String] = []

    @Option(name: [.customShort("E"), .customLong("filter-expr"), .customLong("filterset")],
            help: "A filter expression, e.g. 'test(parse) & package(ledger)' (repeatable: any may match).")
    var expressions: [String] = []

    @Option(help: "default (not ignored), only (only ignored), all.")
    var runIgnored: RunIgnored = .default

    @Option(help: "Run one shard: count:K/N or hash:K/N.")
    var partition: String?

    /// libtest's own arguments, as nextest takes them after `--`
    /// (`trim run -- --exact NAME`), folded into the options above.
    func libtestArguments() throws -> (names: [String], exact: Bool, skip: [String], runIgnored: RunIgnored) {
        var result = (names: [String](), exact: exact, skip: skip, runIgnored: runIgnored)
        var index = 0
        while index < names.count {
            let argument = names[index]
            index += 1
            switch argument {
            case "--exact": result.exact = true
            case "--ignored": result.runIgnored = .only
            case "--include-ignored": result.runIgnored = .all
            case "--skip":
                guard index < names.count else { throw ValidationError("--skip after -- needs a name") }
                result.skip.append(names[index])
                index += 1
            case "--nocapture", "--no-capture":
                throw ValidationError("\(argument) after --: give trim run --no-capture (before --) instead")
            case let flag where flag.hasPrefix("-"):
                throw ValidationError("\(flag): trim takes only --exact, --skip NAME, --ignored and --include-ignored "
                                      + "as test binary arguments (each test runs in its own process with trim's)")
            default: result.names.append(argument)
            }
        }
        return result
    }

    func filter() throws -> (TestSelectionFilter, Partition?) {
        let (names, exact, skip, runIgnored) = try libtestArguments()
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
    @Option(name: [.customShort("P"), .long], help: "The profile of .config/trim.toml to use (default: $TRIM_PROFILE, else default).")
    var profile: String?

    @Option(help: "Retry a failing test up to N times; one that then passes is FLAKY (default: $TRIM_RETRIES, else the profile's).")
    var retries: Int?

    @Flag(name: [.customLong("no-fail-fast"), .customLong("nff")], help: "Run every selected test even after failures.")
    var noFailFast = false

    @Flag(name: [.customLong("fail-fast"), .customLong("ff")], help: "Stop starting tests after the first failure.")
    var failFast = false

    @Flag(name: [.customLong("no-capture"), .customLong("nocapture")],
          help: "Pass tests' output straight through, running them one at a time.")
    var noCapture = false

    @Option(help: "Statuses shown as they happen: none, fail, retry, slow, leak, pass, skip, all (default: the profile's, pass).")
    var statusLevel: StatusLevel?

    @Option(help: "Statuses listed again after the summary: none, fail, flaky, slow, skip, leak, pass, all (default: the profile's, flaky).")
    var finalStatusLevel: FinalStatusLevel?

    @Option(help: "When a failing test's output is shown: immediate, final, immediate-final, never (default: the profile's, immediate).")
    var failureOutput: TestOutputDisplay?

    @Option(help: "When a passing test's output is shown: immediate, final, immediate-final, never (default: the profile's, never).")
    var successOutput: TestOutputDisplay?

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
        if failFast && noFailFast { throw ValidationError("--fail-fast (--ff) and --no-fail-fast (--nff) contradict each other: give one") }
        if failFast && maxFail != nil { throw ValidationError("--fail-fast (--ff) and --max-fail contradict each other: give one") }
        let environment = EnvironmentSettings()
        request.profile = profile ?? environment.profileName ?? TrimConfiguration.defaultProfileName
        request.retries = try retries ?? environment.retryCount()
        request.failFast = noFailFast ? .noFailFast : failFast ? .failFast : maxFail.map { .maxFail($0) }
        request.captureOutput = !noCapture
        request.statusLevel = try statusLevel ?? environment.choice(EnvironmentSettings.statusLevel)
        request.finalStatusLevel = try finalStatusLevel ?? environment.choice(EnvironmentSettings.finalStatusLevel)
        request.failureOutput = try failureOutput ?? environment.choice(EnvironmentSettings.failureOutput)
        request.successOutput = try successOutput ?? environment.choice(EnvironmentSettings.successOutput)
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
    @OptionGroup(title: "Archives") var archive: ArchiveArguments

    @Flag(name: [.customLong("no-progress"), .customLong("hide-progress-bar")],
          help: "Plain lines, no live progress line (the default when stdout is not a terminal; also $TRIM_HIDE_PROGRESS_BAR=1).")
    var noProgress = false

    @Option(help: "Colours: auto (a terminal without NO_COLOR), always or never.")
    var color: HumanReporter.ColorChoice = .auto

    @Option(help: "human (default), or json: one JSON event per line on stdout (people's output goes to stderr).")
    var messageFormat: MessageFormat = .human

    func run() throws {
        var request = try runRequest(workspace: workspace, filters: filters, selection: selection, runner: runner)
        try archive.apply(to: &request)
        let hideProgress = try noProgress || EnvironmentSettings().hidesProgressBar()
        if runner.noCapture, let threads = workspace.jobs?.resolved(cpuCount: ProcessInfo.processInfo.activeProcessorCount),
           threads > 1 {
            FileHandle.standardError.write(Data("trim: warning: --no-capture runs tests one at a time; -j \(threads) is ignored\n".utf8))
        }
        // trim exits after the run: its values are left for the exit to free.
        let statistics = try RunPipeline.run(request, reporters: { profile, trimDirectory in
            ReporterChoice.reporters(format: messageFormat, progress: !hideProgress && !runner.noCapture, color: color, profile: profile,
                                     trimDirectory: trimDirectory)
        }, exitKeeper: .forProcess)
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
    @OptionGroup(title: "Archives") var archive: ArchiveArguments

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let (filter, partition) = try filters.filter()
        var request = RunRequest(workspace: try workspace.options(), granularity: selection.granularity,
                                 force: selection.all, filter: filter, partition: partition)
        try archive.apply(to: &request)
        let plan = try RunPipeline.plan(request)
        print(json ? PlanPrinter.json(plan) : PlanPrinter.text(plan), terminator: "")
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Build the workspace's tests and list them, without running any.")

    @OptionGroup var workspace: WorkspaceArguments
    @OptionGroup var filters: FilterArguments
    @OptionGroup var selection: SelectionArguments

    @OptionGroup(title: "Archives") var archive: ArchiveArguments

    enum Format: String, ExpressibleByArgument, CaseIterable { case human, json, jsonPretty = "json-pretty" }

    @Option(name: [.customShort("T"), .long],
            help: "human (BINARY TEST per line), or json / json-pretty: cargo-nextest's test list, with trim's fields beside.")
    var messageFormat: Format = .human

    func run() throws {
        var (filter, partition) = try filters.filter()
        if messageFormat != .human {
            var request = RunRequest(workspace: try workspace.options(), granularity: selection.granularity,
                                     force: selection.all, filter: filter, partition: partition)
            try archive.apply(to: &request)
            print(ListPrinter.json(try RunPipeline.testList(request), pretty: messageFormat == .jsonPretty),
                  terminator: "")
            return
        }
        // Listing shows ignored tests too (marked), unless --run-ignored says otherwise.
        if filter.runIgnored == .default { filter.runIgnored = .all }
        var request = RunRequest(workspace: try workspace.options(), filter: filter, partition: partition)
        try archive.apply(to: &request)
        for test in try RunPipeline.list(request) {
            print("\(test.binary) \(test.name)" + (test.ignored ? " (ignored)" : ""))
        }
    }
}
