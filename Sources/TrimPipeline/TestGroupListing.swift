import Foundation
import TestFilter
import TrimConfig

/// `trim show-config test-groups`: each group of `.config/trim.toml`, its
/// limit on this machine, and the tests the profile's overrides put in it.
public struct TestGroupListing: Sendable {
    public struct Group: Sendable {
        public var name: String
        /// `max-threads` as written, and resolved on this machine.
        public var maxThreads: TestThreads
        public var resolvedMaxThreads: Int
        /// In listing order.
        public var tests: [FilterableTest]
    }

    public var profile: String
    /// Sorted by name; `@global` last when asked for.
    public var groups: [Group]
}

extension RunPipeline {
    /// Builds, lists the tests the filters admit, and sorts them into the
    /// profile's test groups. `includeGlobal`: also list `@global`, the tests
    /// in no group.
    public static func testGroups(_ request: RunRequest, includeGlobal: Bool) throws(TrimError) -> TestGroupListing {
        try SignalWatch.guarding { signals throws(TrimError) in
            let build = try WorkspaceBuild.make(request.workspace, command: "show-config", signals: signals)
            defer { build.session.close() }
            let configuration = try request.configuration(workspaceRoot: build.workspace.root)
            let profile = try request.resolvedProfile(workspaceRoot: build.workspace.root)
            let listed = try build.listTests(jobs: request.workspace.jobs)
            let tests = candidates(listed, doctests: try DoctestSuite.make(build: build, options: request.workspace),
                                   build: build, request: request)
            let policy = RunPolicy(profile: profile, tests: tests, jobs: 1)
            var members: [String: [FilterableTest]] = [:]
            for test in tests {
                members[policy.settings(for: test).testGroup ?? TestGroup.globalName, default: []].append(test)
            }
            let cpus = ProcessInfo.processInfo.activeProcessorCount
            var groups = configuration.testGroups.values.sorted { $0.name < $1.name }.map {
                TestGroupListing.Group(name: $0.name, maxThreads: $0.maxThreads,
                                       resolvedMaxThreads: $0.maxThreads.resolved(cpuCount: cpus),
                                       tests: members[$0.name] ?? [])
            }
            if includeGlobal {
                groups.append(TestGroupListing.Group(
                    name: TestGroup.globalName, maxThreads: profile.testThreads,
                    resolvedMaxThreads: profile.testThreads.resolved(cpuCount: cpus),
                    tests: members[TestGroup.globalName] ?? []))
            }
            return TestGroupListing(profile: profile.name, groups: groups)
        }
    }
}
