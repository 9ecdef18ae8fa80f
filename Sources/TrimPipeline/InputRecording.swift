import CargoSupport
import Foundation
import InputTracing
import Runner
import TrimConfig

/// Tracing what each test reads outside the code (files in the workspace,
/// environment variables, network addresses): the preload interposer for
/// dynamically linked test binaries, strace for the others.
struct InputRecording: Sendable {
    let tracer: InputTracer
    let filter: InputFilter
    let network: NetworkPolicy
    let traceDirectory: URL
    let methods: [String: TracingMethod]

    init(build: WorkspaceBuild, configuration: TrimConfiguration) throws(TrimError) {
        do { tracer = try InputTracer(cacheDirectory: build.paths.runtimeCache) } catch {
            throw .setup("cannot prepare input tracing: \(error)")
        }
        filter = Self.filter(build: build, configuration: configuration)
        network = configuration.network
        traceDirectory = InputTracer.traceDirectory(fallback: build.paths.scratch.appendingPathComponent("inputs"))
        let environment = ProcessInfo.processInfo.environment
        guard let choice = TracingChoice.from(environment: environment) else {
            let names = TracingChoice.allCases.map(\.rawValue).joined(separator: ", ")
            throw .setup(
                "\(TracingChoice.variable)=\(environment[TracingChoice.variable] ?? "") is not one of \(names)")
        }
        var methods: [String: TracingMethod] = [:]
        for binary in build.binaries { methods[binary.id] = tracer.method(for: binary.executable, choice: choice) }
        self.methods = methods
    }

    /// What counts as an input: workspace files (not the target dir or the
    /// toolchain), and variables except those trim itself gives each test
    /// (CARGO_MANIFEST_DIR, ...: fixed by the workspace, and different per package).
    static func filter(build: WorkspaceBuild, configuration: TrimConfiguration) -> InputFilter {
        let sysroot = build.toolchainSysroot
        let perBinary = Set(build.binaries.flatMap { $0.environment.keys })
        return InputFilter(
            workspaceRoot: URL(fileURLWithPath: build.workspace.root),
            targetDirectory: URL(fileURLWithPath: build.workspace.targetDirectory),
            ignore: configuration.inputs.ignore,
            ignoreVariables: (configuration.inputs.ignoreEnv ?? InputFilter.defaultIgnoredVariables) + perBinary.sorted(),
            toolchainDirectories: sysroot.map { [$0] } ?? [])
    }

    /// The runner's hook: trace the attempt, and keep its `TestInputs`.
    var preparer: AttemptPreparer {
        { [self] test, stem, setup in
            let method = methods[test.binary] ?? .unavailable(reason: "unknown test binary \(test.binary)")
            let session = tracer.session(method: method, directory: traceDirectory, stem: stem)
            let command = session.command(executable: setup.executable, arguments: setup.arguments)
            let given = setup.environment
            return AttemptSetup(
                executable: command.executable, arguments: command.arguments,
                environment: session.environment(adding: given),
                finish: { pid in
                    // The traces are read once: for the test's own pid (strace stands
                    // between) and for its inputs.
                    let (events, testPID) = session.traces(testPID: pid, testDirectory: test.directory)
                    let inputs = InputCollector.inputs(
                        from: events, method: session.method.name, filter: filter, environment: given,
                        watchPatterns: { network.filePatterns(for: $0) })
                    session.removeFiles()
                    return (testPID ?? pid, inputs)
                })
        }
    }

    /// Where the tests' coverage dumps go: beside the traces, in memory when
    /// the traces are (each dump is written, read and removed once per test,
    /// which on a disk costs file-system journal work on both sides).
    /// Removed with the traces.
    var coverageDumpDirectory: URL { traceDirectory.appendingPathComponent("coverage") }

    /// Where each test's output file goes (created as the test starts, read,
    /// at most `OutputFile.limit` of it, and removed when it ends): beside the
    /// traces too. On ext4 creating and removing a file per test cost ~0.25 ms
    /// of CPU and up to milliseconds of journal waits before the test could
    /// start; in memory ~0.01 ms. An output is held there only while its test runs.
    var testOutputDirectory: URL { traceDirectory.appendingPathComponent("outputs") }

    func cleanUp() { try? FileManager.default.removeItem(at: traceDirectory) }
}
