import Foundation

/// One profile with every setting resolved: the built-in defaults, then
/// `[profile.default]`, then `[profile.<name>]`.
public struct Profile: Sendable, Hashable {
    public var name: String
    public var retryPolicy: RetryPolicy
    public var slowTimeout: SlowTimeout
    public var failFast: FailFast
    public var testThreads: TestThreads
    public var statusLevel: StatusLevel
    public var finalStatusLevel: FinalStatusLevel
    public var failureOutput: TestOutputDisplay
    public var successOutput: TestOutputDisplay
    /// nil unless `junit.path` is set (in this profile or in `default`).
    public var junit: JUnitSettings?
    /// `threads-required` for tests no override sets it for.
    public var threadsRequired: ThreadsRequired
    /// In precedence order: this profile's `[[overrides]]`, then `default`'s
    /// (for `default` itself, only its own). See `settings(where:)`.
    public var overrides: [Override]

    /// The number of retries after a failure (`retryPolicy.count`).
    public var retries: Int { retryPolicy.count }

    public init(
        name: String, retryPolicy: RetryPolicy, slowTimeout: SlowTimeout, failFast: FailFast,
        testThreads: TestThreads, statusLevel: StatusLevel, finalStatusLevel: FinalStatusLevel,
        failureOutput: TestOutputDisplay, successOutput: TestOutputDisplay, junit: JUnitSettings?,
        overrides: [Override], threadsRequired: ThreadsRequired = .one
    ) {
        self.threadsRequired = threadsRequired
        self.name = name
        self.retryPolicy = retryPolicy
        self.slowTimeout = slowTimeout
        self.failFast = failFast
        self.testThreads = testThreads
        self.statusLevel = statusLevel
        self.finalStatusLevel = finalStatusLevel
        self.failureOutput = failureOutput
        self.successOutput = successOutput
        self.junit = junit
        self.overrides = overrides
    }

    /// nextest's built-in `[profile.default]`, which every file is laid over.
    public static let builtInDefault = Profile(
        name: TrimConfiguration.defaultProfileName, retryPolicy: .noRetries, slowTimeout: .default,
        failFast: .failFast, testThreads: .numCPUs, statusLevel: .pass, finalStatusLevel: .flaky,
        failureOutput: .immediate, successOutput: .never, junit: nil, overrides: [])

    /// The settings for one test. `matches` says whether an override's filter
    /// selects the test (the caller evaluates filter expressions). For each
    /// setting, the first matching override that sets it wins, else the
    /// profile's value: nextest's precedence (this profile's overrides,
    /// then `default`'s, then this profile's settings, then `default`'s).
    public func settings(where matches: (Override) throws -> Bool) rethrows -> TestSettings {
        var retryPolicy: RetryPolicy?
        var slowTimeout: SlowTimeout?
        var testGroup: String?
        var threadsRequired: ThreadsRequired?
        for candidate in overrides {
            let needed =
                (retryPolicy == nil && candidate.retryPolicy != nil)
                || (slowTimeout == nil && candidate.slowTimeout != nil)
                || (testGroup == nil && candidate.testGroup != nil)
                || (threadsRequired == nil && candidate.threadsRequired != nil)
            guard needed, try matches(candidate) else { continue }
            retryPolicy = retryPolicy ?? candidate.retryPolicy
            slowTimeout = slowTimeout ?? candidate.slowTimeout
            testGroup = testGroup ?? candidate.testGroup
            threadsRequired = threadsRequired ?? candidate.threadsRequired
        }
        return TestSettings(retryPolicy: retryPolicy ?? self.retryPolicy, slowTimeout: slowTimeout ?? self.slowTimeout,
                            testGroup: testGroup.flatMap { $0 == TestGroup.globalName ? nil : $0 },
                            threadsRequired: threadsRequired ?? self.threadsRequired)
    }

    /// The profile with command line options laid over it. Any option given
    /// wins over the file, overrides included (as nextest's `--retries`):
    /// - `retries`: `retries = N` for every test (no delay); must be ≥ 0.
    /// - `junitPath`: written as `junit.path` is (relative to the profile's
    ///   directory, see `junitReportURL`): pass an absolute path for one
    ///   relative to the current directory. Turns JUnit on if it was off.
    /// - `slowTimeout`: for every test, overrides included.
    /// - `failFast`, `testThreads`, `statusLevel`, `finalStatusLevel`,
    ///   `failureOutput`, `successOutput`: replace the profile's.
    public func applying(
        retries: Int? = nil, failFast: FailFast? = nil, testThreads: TestThreads? = nil,
        junitPath: String? = nil, statusLevel: StatusLevel? = nil, slowTimeout: SlowTimeout? = nil,
        finalStatusLevel: FinalStatusLevel? = nil, failureOutput: TestOutputDisplay? = nil,
        successOutput: TestOutputDisplay? = nil
    ) -> Profile {
        var profile = self
        if let retries {
            precondition(retries >= 0, "retries must be 0 or more (validate the option before applying it)")
            profile.retryPolicy = .count(retries)
            profile.overrides = profile.overrides.map {
                var copy = $0
                copy.retryPolicy = nil
                return copy
            }
        }
        if let slowTimeout {
            profile.slowTimeout = slowTimeout
            profile.overrides = profile.overrides.map {
                var copy = $0
                copy.slowTimeout = nil
                return copy
            }
        }
        if let failFast { profile.failFast = failFast }
        if let testThreads { profile.testThreads = testThreads }
        if let statusLevel { profile.statusLevel = statusLevel }
        if let finalStatusLevel { profile.finalStatusLevel = finalStatusLevel }
        if let failureOutput { profile.failureOutput = failureOutput }
        if let successOutput { profile.successOutput = successOutput }
        if let junitPath {
            var junit = profile.junit ?? JUnitSettings(path: junitPath)
            junit.path = junitPath
            profile.junit = junit
        }
        return profile
    }

    /// Where this profile's files go: `<trimDirectory>/<name>`, where
    /// `trimDirectory` is `<target>/trim` (nextest: `target/nextest/<name>`).
    public func storeDirectory(trimDirectory: URL) -> URL {
        trimDirectory.appendingPathComponent(name, isDirectory: true)
    }

    /// The JUnit report's file: `junit.path` if absolute, else relative to
    /// `storeDirectory(trimDirectory:)`; nil when JUnit is off.
    public func junitReportURL(trimDirectory: URL) -> URL? {
        guard let path = junit?.path else { return nil }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        return storeDirectory(trimDirectory: trimDirectory).appendingPathComponent(path).standardizedFileURL
    }
}

/// `[[profile.<name>.overrides]]`: settings for the tests a filter expression
/// selects. The filter is kept as written; TrimConfig does not parse it (see
/// `TrimConfiguration.load`'s `validateFilter`).
public struct Override: Sendable, Hashable {
    public var filter: String
    public var retryPolicy: RetryPolicy?
    public var slowTimeout: SlowTimeout?
    /// `test-group`: the group's name, or `@global`.
    public var testGroup: String?
    public var threadsRequired: ThreadsRequired?
    /// Where it was written, e.g. `profile.ci.overrides[0]` (0-based), for messages.
    public var keyPath: String

    public var retries: Int? { retryPolicy?.count }

    public init(filter: String, retryPolicy: RetryPolicy? = nil, slowTimeout: SlowTimeout? = nil,
                testGroup: String? = nil, threadsRequired: ThreadsRequired? = nil, keyPath: String = "")
    {
        self.filter = filter
        self.testGroup = testGroup
        self.threadsRequired = threadsRequired
        self.retryPolicy = retryPolicy
        self.slowTimeout = slowTimeout
        self.keyPath = keyPath
    }
}

/// The settings an override can change, resolved for one test.
public struct TestSettings: Sendable, Hashable {
    public var retryPolicy: RetryPolicy
    public var slowTimeout: SlowTimeout
    /// The test's group; nil: `@global`.
    public var testGroup: String?
    public var threadsRequired: ThreadsRequired
    public var retries: Int { retryPolicy.count }

    public init(retryPolicy: RetryPolicy, slowTimeout: SlowTimeout, testGroup: String? = nil,
                threadsRequired: ThreadsRequired = .one) {
        self.retryPolicy = retryPolicy
        self.slowTimeout = slowTimeout
        self.testGroup = testGroup
        self.threadsRequired = threadsRequired
    }
}

/// `[profile.<name>.junit]`.
public struct JUnitSettings: Sendable, Hashable {
    /// As written: absolute, or relative to `<target>/trim/<profile>/`.
    public var path: String
    /// The `name` of the top-level `<testsuites>` element.
    public var reportName: String
    /// Keep passing tests' stdout/stderr in `<system-out>`/`<system-err>`.
    public var storeSuccessOutput: Bool
    /// Keep failing tests' stdout/stderr.
    public var storeFailureOutput: Bool
    /// List the tests trim's selection skipped (`<skipped/>` test cases).
    public var storeSkipped: Bool

    public static let defaultReportName = "trim-run"

    public init(
        path: String, reportName: String = JUnitSettings.defaultReportName, storeSuccessOutput: Bool = false,
        storeFailureOutput: Bool = true, storeSkipped: Bool = false
    ) {
        self.path = path
        self.reportName = reportName
        self.storeSuccessOutput = storeSuccessOutput
        self.storeFailureOutput = storeFailureOutput
        self.storeSkipped = storeSkipped
    }
}
