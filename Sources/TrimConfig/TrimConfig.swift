/// TrimConfig: the profiles in `<workspace>/.config/trim.toml`, in
/// cargo-nextest's format and with nextest's defaults (retries, slow and
/// terminate timeouts, fail-fast / max-fail, test threads, status levels,
/// JUnit, per-test overrides by filter expression).
///
/// Owns: reading and checking the file, the built-in defaults, how profiles
/// inherit (`default` ← `[profile.default]` ← `[profile.<name>]`), override
/// precedence, and laying command line options over a profile.
/// Invariants: `load` checks every profile, so a configuration that loaded
/// yields any of its profiles without error; a missing file is the built-in
/// defaults, never an error; every error names the file and the key path.
/// Never depends on: the runner, cargo, the store, printing, the filter
/// language (filters are strings here; the caller checks them through
/// `validateFilter`).
///
/// Data flow: file text → TOMLKit table → `ConfigReader` (one
/// `ProfileLayer` per `[profile.<name>]`, nil = unset) → `profile(named:)`
/// lays `<name>` over `default` over `Profile.builtInDefault` → `Profile`.
///
/// API (all errors are `ConfigError`, naming the file):
///
///     struct TrimConfiguration: Sendable
///       static let relativePath = ".config/trim.toml", defaultProfileName = "default"
///       static func load(workspaceRoot: URL, validateFilter: ((String) throws -> Void)? = nil)
///           throws(ConfigError) -> TrimConfiguration          // no file = built-in defaults
///       static func load(file: URL, validateFilter:) throws(ConfigError) -> TrimConfiguration  // must exist
///       static func parse(_ text: String, file: String, validateFilter:) throws(ConfigError) -> TrimConfiguration
///       static func builtIn(workspaceRoot: URL) -> TrimConfiguration   // as if there were no file
///       let file: URL; let fileExists: Bool
///       var profileNames: [String]                                 // sorted, always has "default"
///       func profile(named: String = "default") throws(ConfigError) -> Profile
///       var network: NetworkPolicy                                 // [[network.rules]], top level
///       var inputs: InputSettings                                  // [inputs] ignore, ignore-env
///       var testGroups: [String: TestGroup]                        // [test-groups.<name>] max-threads
///     struct Profile: Sendable, Hashable
///       name, retryPolicy (retries: Int), slowTimeout, failFast, testThreads, statusLevel,
///       finalStatusLevel, failureOutput, successOutput, junit: JUnitSettings?, overrides: [Override],
///       threadsRequired: ThreadsRequired
///       static let builtInDefault: Profile
///       func settings(where matches: (Override) throws -> Bool) rethrows -> TestSettings
///       func applying(retries:failFast:testThreads:junitPath:statusLevel:slowTimeout:finalStatusLevel:
///                     failureOutput:successOutput:) -> Profile
///       func storeDirectory(trimDirectory: URL) -> URL             // <target>/trim/<name>
///       func junitReportURL(trimDirectory: URL) -> URL?
///     struct Override { filter: String; retryPolicy: RetryPolicy?; slowTimeout: SlowTimeout?;
///                       testGroup: String?; threadsRequired: ThreadsRequired?; keyPath }
///     struct TestGroup { name; maxThreads: TestThreads }; enum ThreadsRequired { count(Int), numCPUs, numTestThreads }
///     enum RetryPolicy { fixed(count:delay:jitter:), exponential(count:delay:jitter:maxDelay:) }
///     struct SlowTimeout { period: Double; terminateAfter: Int?; gracePeriod: Double }
///     enum FailFast { failFast, maxFail(Int), noFailFast }
///     enum TestThreads { count(Int), numCPUs, numCPUsMinus(Int) }; init?(argument:)
///     struct ConfigDuration { seconds; init(parsing:) throws(DurationParseError); init?(argument:) }
///     struct NetworkPolicy { rules: [Rule]; decision(for: endpoint) -> (Action, Rule?); filePatterns(for:) }
///       enum Action { always, ignore, whenFilesChange([String]) }; static func matches(_:_:), problem(with:)
///     struct InputSettings { ignore: [String]; ignoreEnv: [String]? }
