import CargoSupport
import Foundation
import Runner
import Selection
import TestFilter
import TrimConfig

/// Everything a `trim run` is asked: the workspace, which tests (filters,
/// partition, grain), and how to run them (profile plus command-line
/// overrides, which win).
public struct RunRequest: Sendable {
    public var workspace: WorkspaceOptions
    public var granularity: Granularity
    public var force: Bool
    public var filter: TestSelectionFilter
    public var partition: Partition?
    /// `--profile`, `default` when not given.
    public var profile: String
    /// Command-line settings; nil: the profile decides.
    public var retries: Int?
    public var failFast: FailFast?
    public var slowTimeout: SlowTimeout?
    public var testThreads: Int?
    public var junitPath: String?
    public var statusLevel: StatusLevel?
    public var finalStatusLevel: FinalStatusLevel?
    public var failureOutput: TestOutputDisplay?
    public var successOutput: TestOutputDisplay?
    /// false (`--no-capture`): tests write to trim's stdout and stderr and
    /// run one at a time, whatever `testThreads` says.
    public var captureOutput = true
    /// Variables every test process gets on top of its binary's own (the
    /// replay's `--fixed-random` preload); empty for `trim run`.
    public var testEnvironment: [String: String]
    /// `--archive-file`: the build comes from this archive; cargo builds nothing.
    public var archive: ArchiveSource?

    public init(workspace: WorkspaceOptions, granularity: Granularity = .block, force: Bool = false,
                filter: TestSelectionFilter = .default, partition: Partition? = nil, profile: String = "default",
                retries: Int? = nil, failFast: FailFast? = nil, slowTimeout: SlowTimeout? = nil,
                testThreads: Int? = nil, junitPath: String? = nil, testEnvironment: [String: String] = [:]) {
        self.workspace = workspace
        self.granularity = granularity
        self.force = force
        self.filter = filter
        self.partition = partition
        self.profile = profile
        self.retries = retries
        self.failFast = failFast
        self.slowTimeout = slowTimeout
        self.testThreads = testThreads
        self.junitPath = junitPath
        self.testEnvironment = testEnvironment
    }

    /// The profile from `.config/trim.toml` (override filters checked with
    /// trim's filter parser), with the command line applied on top.
    func resolvedProfile(workspaceRoot: String) throws(TrimError) -> Profile {
        do {
            return try configuration(workspaceRoot: workspaceRoot).profile(named: profile).applying(
                retries: retries, failFast: failFast, junitPath: junitPath, statusLevel: statusLevel,
                slowTimeout: slowTimeout, finalStatusLevel: finalStatusLevel, failureOutput: failureOutput,
                successOutput: successOutput)
        } catch {
            throw .setup("\(error)")
        }
    }

    /// `.config/trim.toml` (defaults when absent), override filters checked.
    func configuration(workspaceRoot: String) throws(TrimError) -> TrimConfiguration {
        do {
            return try TrimConfiguration.load(
                workspaceRoot: URL(fileURLWithPath: workspaceRoot),
                validateFilter: { text in try Self.validate(filter: text) })
        } catch {
            throw .setup("\(error)")
        }
    }
}

extension RunRequest {
    static func validate(filter text: String) throws {
        do { _ = try FilterExpression(parsing: text) } catch { throw ConfigFilterProblem(error.message) }
    }
}

struct ConfigFilterProblem: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// A profile turned into what the runner understands, per test.
struct RunPolicy: Sendable {
    let profile: Profile
    /// Each override's parsed filter (validated when the file was loaded).
    let filters: [String: FilterExpression]
    let identities: [String: FilterableTest]
    /// Tests run at once, and the machine's CPUs: what `threads-required` is resolved against.
    let jobs: Int
    let cpuCount: Int

    init(profile: Profile, tests: [FilterableTest], jobs: Int,
         cpuCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.profile = profile
        var filters: [String: FilterExpression] = [:]
        for o in profile.overrides { filters[o.filter] = try? FilterExpression(parsing: o.filter) }
        self.filters = filters
        identities = Dictionary(tests.map { ($0.fullName, $0) }, uniquingKeysWith: { a, _ in a })
        self.jobs = jobs
        self.cpuCount = cpuCount
    }

    var base: ExecutionPolicy {
        policy(TestSettings(retryPolicy: profile.retryPolicy, slowTimeout: profile.slowTimeout,
                            threadsRequired: profile.threadsRequired))
    }

    func policy(_ settings: TestSettings) -> ExecutionPolicy {
        let slow = settings.slowTimeout
        return ExecutionPolicy(retries: settings.retries, slowPeriod: slow.period, terminateAfter: slow.terminateAfter,
                               maxFail: profile.failFast.maxFailures, gracePeriod: slow.gracePeriod,
                               threadsRequired: settings.threadsRequired.resolved(cpuCount: cpuCount, testThreads: jobs),
                               testGroup: settings.testGroup)
    }

    /// The settings for one test: the profile's overrides that match it win.
    func settings(for identity: FilterableTest) -> TestSettings {
        profile.settings { filters[$0.filter]?.matches(identity) ?? false }
    }

    /// The policy for one test: the profile's overrides that match it win.
    func policy(for test: TestInstance) -> ExecutionPolicy {
        guard !profile.overrides.isEmpty, let identity = identities["\(test.binary) \(test.name)"] else { return base }
        return policy(settings(for: identity))
    }
}

extension TestBinary {
    func filterable(_ test: ListedTest) -> FilterableTest {
        FilterableTest(binary: id, package: package, kind: kind.rawValue, name: test.name, ignored: test.ignored)
    }
}
