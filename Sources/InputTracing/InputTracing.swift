/// InputTracing: what a test reads outside the code — the files it opens (in
/// the workspace), the environment variables it reads, the network addresses
/// it connects to — recorded while it runs, for the test and every process it
/// starts.
///
/// Owns: the LD_PRELOAD interposer (C source, built once per content hash
/// into `libtrimio.so`), the `strace -f` fallback for executables preloading
/// cannot reach (statically linked), the choice between them, the trace
/// formats and their readers, and turning traces into `TestInputs` (paths
/// made workspace-relative, contents and values hashed, noise dropped).
/// Invariants: tracing never changes what a wrapped call does (result and
/// errno are the real call's); whatever could not be observed makes the
/// `TestInputs` incomplete rather than silently smaller; file contents and
/// variable values are hashed by the same functions when recorded and when
/// compared (`InputHash`).
/// Never depends on: the runner, the store, the configuration file, cargo.
///
/// Flow, per test attempt:
///
///     InputTracer(cacheDirectory:)                  once per run: builds libtrimio.so, finds strace
///     InputTracer.traceDirectory(fallback:)         once per run: a directory on tmpfs when there is one
///       .method(for: executable)                    preload (dynamically linked) | strace | unavailable
///       .session(method:directory:stem:)            where this attempt's traces go
///         .environment(adding: env)                 LD_PRELOAD (appended) + TRIM_INPUTS_FILE
///         .command(executable:arguments:)           wrapped in `strace -f ...` when needed
///         ... the test runs ...
///         .inputs(testPID:testDirectory:filter:environment:watchPatterns:)  → TestInputs
///         .removeFiles()
///
/// API:
///
///     struct InputTracer: Sendable
///       static let traceFileVariable = "TRIM_INPUTS_FILE"
///       static var source: String, sourceHash: String
///       static func library(cacheDirectory: URL) throws(InputTracingError) -> URL
///       static func environment(library: URL, traceFile: String, base: [String: String] = [:]) -> [String: String]
///       static func linkage(of: String) throws(InputTracingError) -> Linkage      // ELF: PT_INTERP or not
///       init(cacheDirectory: URL, environment: [String: String] = ProcessInfo's) throws(InputTracingError)
///       init(library: URL?, strace: String?)
///       func method(for executable: String) -> TracingMethod
///       func session(method: TracingMethod, directory: URL, stem: String) -> TraceSession
///       static func traceDirectory(fallback: URL) -> URL          // on /dev/shm when it is a tmpfs
///     enum TracingMethod { preload(library:), strace(path:), unavailable(reason:) }; name
///     struct TraceSession: environment(adding:), command(executable:arguments:),
///       traces(testPID:testDirectory:) -> (TraceEvents, testPID), traceFiles(), removeFiles(),
///       inputs(testPID:testDirectory:filter:environment:watchPatterns:) -> TestInputs
///     struct ProcessTrace (one interposer trace file), StraceLog (one strace output)
///     struct TraceEvents { files, listings, variables, endpoints, environmentUnknown, problems }
///     struct TestInputs: Codable { files, env, network, watched, watchPatterns, method, problems; isComplete }
///     enum InputHash { file(atPath:), listing(atPath:), value(_:), environment(_:filter:) }
///     struct InputFilter (workspace, target dir, ignore globs, ignored variables)
///     enum InputCollector { static func inputs(...) -> TestInputs }
///     final class InputState (the current files and environment, cached; for selection)
///     struct PathPattern (globs: *, **, ?), enum Endpoint (normalised addresses, loopback)
