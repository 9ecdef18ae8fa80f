import Foundation
import Testing
import TrimConfig

/// Defaults, and every key in every form it may take, read from real files.
@Suite struct ParsingTests {
    @Test func noFileGivesNextestsDefaults() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let config = try workspace.load()
        #expect(!config.fileExists)
        #expect(config.file.path == workspace.configFile.path)
        #expect(config.profileNames == ["default"])
        let profile = try config.profile(named: "default")
        #expect(profile == Profile.builtInDefault)
        #expect(profile.name == "default")
        #expect(profile.retries == 0)
        #expect(profile.retryPolicy == .fixed(count: 0, delay: 0, jitter: false))
        #expect(profile.slowTimeout == SlowTimeout(period: 60, terminateAfter: nil, gracePeriod: 10))
        #expect(profile.slowTimeout.timeout == nil)
        #expect(profile.failFast == .failFast)
        #expect(profile.testThreads == .numCPUs)
        #expect(profile.statusLevel == .pass)
        #expect(profile.finalStatusLevel == .flaky)
        #expect(profile.failureOutput == .immediate)
        #expect(profile.successOutput == .never)
        #expect(profile.junit == nil)
        #expect(profile.overrides.isEmpty)
        #expect(try config.profile() == profile)
        #expect(TrimConfiguration.builtIn(workspaceRoot: workspace.root).profileNames == ["default"])
    }

    @Test func emptyFileAndEmptyProfileGiveDefaults() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("# nothing yet\n")
        #expect(try workspace.load().fileExists)
        #expect(try workspace.load().profile() == Profile.builtInDefault)
        #expect(try workspace.profile("[profile.default]\n") == Profile.builtInDefault)
        var ci = Profile.builtInDefault
        ci.name = "ci"
        #expect(try workspace.profile("[profile.ci]\n", "ci") == ci)
    }

    @Test func retriesAsAnInteger() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile("[profile.default]\nretries = 3\n")
        #expect(profile.retries == 3)
        #expect(profile.retryPolicy == .fixed(count: 3, delay: 0, jitter: false))
    }

    @Test func retriesWithFixedBackoff() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [profile.default]
            retries = { backoff = "fixed", count = 2, delay = "1s" }
            """)
        #expect(profile.retryPolicy == .fixed(count: 2, delay: 1, jitter: false))
        #expect(profile.retryPolicy.delay(beforeRetry: 2) == 1)
        let jittered = try workspace.profile(
            """
            [profile.default]
            retries = { backoff = "fixed", count = 4, jitter = true }
            """)
        #expect(jittered.retryPolicy == .fixed(count: 4, delay: 0, jitter: true))
    }

    @Test func retriesWithExponentialBackoff() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [profile.default]
            retries = { backoff = "exponential", count = 5, delay = "500ms", max-delay = "3s", jitter = true }
            """)
        #expect(profile.retryPolicy == .exponential(count: 5, delay: 0.5, jitter: true, maxDelay: 3))
        #expect(profile.retries == 5)
        #expect((1...5).map(profile.retryPolicy.delay(beforeRetry:)) == [0.5, 1, 2, 3, 3])
        let unbounded = try workspace.profile(
            """
            [profile.default.retries]
            backoff = "exponential"
            count = 3
            delay = "1s"
            """)
        #expect(unbounded.retryPolicy == .exponential(count: 3, delay: 1, jitter: false, maxDelay: nil))
        #expect(unbounded.retryPolicy.delay(beforeRetry: 3) == 4)
    }

    @Test func slowTimeoutAsADuration() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile("[profile.default]\nslow-timeout = \"2m\"\n")
        #expect(profile.slowTimeout == SlowTimeout(period: 120))
        #expect(profile.slowTimeout.terminateAfter == nil)
    }

    @Test func slowTimeoutAsATable() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [profile.default]
            slow-timeout = { period = "30s", terminate-after = 3 }
            """)
        #expect(profile.slowTimeout == SlowTimeout(period: 30, terminateAfter: 3, gracePeriod: 10))
        #expect(profile.slowTimeout.timeout == 90)
        let graced = try workspace.profile(
            """
            [profile.default.slow-timeout]
            period = "1s"
            grace-period = "0s"
            """)
        #expect(graced.slowTimeout == SlowTimeout(period: 1, terminateAfter: nil, gracePeriod: 0))
    }

    @Test(arguments: [
        ("fail-fast = true", FailFast.failFast), ("fail-fast = false", .noFailFast),
        ("fail-fast = { max-fail = 5 }", .maxFail(5)), ("fail-fast = { max-fail = \"all\" }", .noFailFast),
        ("max-fail = 3", .maxFail(3)), ("max-fail = 1", .maxFail(1)), ("max-fail = \"all\"", .noFailFast),
    ])
    func failFastForms(line: String, expected: FailFast) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        #expect(try workspace.profile("[profile.default]\n\(line)\n").failFast == expected)
    }

    @Test func maxFailuresOfEachForm() {
        #expect(FailFast.failFast.maxFailures == 1)
        #expect(FailFast.maxFail(4).maxFailures == 4)
        #expect(FailFast.noFailFast.maxFailures == nil)
    }

    @Test(arguments: [
        ("test-threads = 4", TestThreads.count(4)), ("test-threads = \"num-cpus\"", .numCPUs),
        ("test-threads = -1", .numCPUsMinus(1)),
    ])
    func testThreadsForms(line: String, expected: TestThreads) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        #expect(try workspace.profile("[profile.default]\n\(line)\n").testThreads == expected)
    }

    @Test func testThreadsResolveAgainstTheCPUCount() {
        #expect(TestThreads.count(3).resolved(cpuCount: 8) == 3)
        #expect(TestThreads.numCPUs.resolved(cpuCount: 8) == 8)
        #expect(TestThreads.numCPUsMinus(2).resolved(cpuCount: 8) == 6)
        #expect(TestThreads.numCPUsMinus(9).resolved(cpuCount: 8) == 1)
        #expect(TestThreads(argument: "num-cpus") == .numCPUs)
        #expect(TestThreads(argument: "2") == .count(2))
        #expect(TestThreads(argument: "-3") == .numCPUsMinus(3))
        #expect(TestThreads(argument: "0") == nil)
        #expect(TestThreads(argument: "many") == nil)
    }

    @Test func statusLevelsAndOutputs() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [profile.default]
            status-level = "all"
            final-status-level = "slow"
            failure-output = "immediate-final"
            success-output = "final"
            """)
        #expect(profile.statusLevel == .all)
        #expect(profile.finalStatusLevel == .slow)
        #expect(profile.failureOutput == .immediateFinal)
        #expect(profile.successOutput == .final)
        #expect(StatusLevel.fail < StatusLevel.pass)
        #expect(FinalStatusLevel.off < FinalStatusLevel.flaky)
    }

    @Test(arguments: StatusLevel.allCases)
    func everyStatusLevel(level: StatusLevel) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        #expect(try workspace.profile("[profile.default]\nstatus-level = \"\(level.rawValue)\"\n").statusLevel == level)
    }

    @Test func junitRelativePath() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [profile.default.junit]
            path = "junit.xml"
            """)
        #expect(
            profile.junit
                == JUnitSettings(
                    path: "junit.xml", reportName: "trim-run", storeSuccessOutput: false, storeFailureOutput: true,
                    storeSkipped: false))
        let trim = URL(fileURLWithPath: "/w/target/trim")
        #expect(profile.storeDirectory(trimDirectory: trim).path == "/w/target/trim/default")
        #expect(profile.junitReportURL(trimDirectory: trim)?.path == "/w/target/trim/default/junit.xml")
    }

    @Test func junitAbsolutePathAndEveryKey() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [profile.default.junit]
            path = "/tmp/reports/../reports/trim.xml"
            report-name = "nightly"
            store-success-output = true
            store-failure-output = false
            store-skipped = true
            """)
        #expect(
            profile.junit
                == JUnitSettings(
                    path: "/tmp/reports/../reports/trim.xml", reportName: "nightly", storeSuccessOutput: true,
                    storeFailureOutput: false, storeSkipped: true))
        #expect(
            profile.junitReportURL(trimDirectory: URL(fileURLWithPath: "/w/target/trim"))?.path
                == "/tmp/reports/trim.xml")
        let dotted = try workspace.profile("[profile.default]\njunit.path = \"sub/j.xml\"\n")
        #expect(dotted.junit?.path == "sub/j.xml")
    }

    @Test func junitWithoutAPathIsOff() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile("[profile.default.junit]\nstore-skipped = true\n")
        #expect(profile.junit == nil)
        #expect(profile.junitReportURL(trimDirectory: URL(fileURLWithPath: "/t")) == nil)
    }

    @Test func overridesKeepTheirOrderAndWhereTheyWereWritten() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [[profile.default.overrides]]
            filter = "test(slow_) | package(audit)"
            retries = 3
            slow-timeout = { period = "5s", terminate-after = 2 }

            [[profile.default.overrides]]
            filter = 'test(/^net::/)'
            retries = { backoff = "fixed", count = 1, delay = "2s" }

            [[profile.default.overrides]]
            filter = "all()"
            slow-timeout = "90s"
            """)
        #expect(
            profile.overrides == [
                Override(
                    filter: "test(slow_) | package(audit)", retryPolicy: .count(3),
                    slowTimeout: SlowTimeout(period: 5, terminateAfter: 2), keyPath: "profile.default.overrides[0]"),
                Override(
                    filter: "test(/^net::/)", retryPolicy: .fixed(count: 1, delay: 2, jitter: false),
                    keyPath: "profile.default.overrides[1]"),
                Override(
                    filter: "all()", slowTimeout: SlowTimeout(period: 90), keyPath: "profile.default.overrides[2]"),
            ])
        #expect(profile.overrides.map(\.retries) == [3, 1, nil])
    }

    @Test func theBriefsExampleFile() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [profile.default]
            retries = 0
            slow-timeout = "60s"
            fail-fast = true
            test-threads = 4
            status-level = "pass"
            [profile.default.junit]
            path = "junit.xml"
            store-skipped = false

            [profile.ci]
            retries = 2
            fail-fast = false

            [[profile.ci.overrides]]
            filter = "test(slow_) | package(audit)"
            retries = 3
            slow-timeout = { period = "5s", terminate-after = 2 }
            """)
        let config = try workspace.load()
        #expect(config.profileNames == ["ci", "default"])
        let ci = try config.profile(named: "ci")
        #expect(ci.name == "ci")
        #expect(ci.retries == 2)
        #expect(ci.failFast == .noFailFast)
        #expect(ci.testThreads == .count(4))
        #expect(ci.slowTimeout == SlowTimeout(period: 60))
        #expect(ci.junit?.path == "junit.xml")
        #expect(
            ci.junitReportURL(trimDirectory: URL(fileURLWithPath: "/w/target/trim"))?.path
                == "/w/target/trim/ci/junit.xml")
        #expect(ci.overrides.count == 1)
        #expect(ci.overrides[0].keyPath == "profile.ci.overrides[0]")
    }

    @Test func quotedProfileNamesAreFine() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("[profile.\"nightly-2\"]\nretries = 1\n[profile.slow_ci]\nretries = 2\n")
        let config = try workspace.load()
        #expect(config.profileNames == ["default", "nightly-2", "slow_ci"])
        #expect(try config.profile(named: "nightly-2").retries == 1)
        #expect(try config.profile(named: "slow_ci").retries == 2)
    }

    @Test func explicitFileAndParsedText() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let other = workspace.root.appendingPathComponent("other.toml")
        try "[profile.x]\nretries = 7\n".write(to: other, atomically: true, encoding: .utf8)
        #expect(try TrimConfiguration.load(file: other).profile(named: "x").retries == 7)
        let parsed = try TrimConfiguration.parse("[profile.default]\ntest-threads = 2\n", file: "/virtual.toml")
        #expect(try parsed.profile().testThreads == .count(2))
        #expect(parsed.file.path == "/virtual.toml")
    }
}
