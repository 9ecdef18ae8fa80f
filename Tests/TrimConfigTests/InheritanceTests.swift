import Foundation
import Testing
import TrimConfig

/// Named profiles over `default` over the built-in defaults; override
/// precedence; command line options over a profile.
@Suite struct InheritanceTests {
    @Test func namedProfilesTakeWhatTheyLeaveUnsetFromDefault() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [profile.default]
            retries = 1
            slow-timeout = { period = "20s", terminate-after = 3 }
            test-threads = 2
            status-level = "fail"

            [profile.ci]
            retries = 4
            max-fail = 3

            [profile.local]
            """)
        let config = try workspace.load()
        let base = try config.profile(named: "default")
        let ci = try config.profile(named: "ci")
        #expect(ci.retries == 4)
        #expect(ci.failFast == .maxFail(3))
        #expect(ci.slowTimeout == SlowTimeout(period: 20, terminateAfter: 3))
        #expect(ci.testThreads == .count(2))
        #expect(ci.statusLevel == .fail)
        #expect(ci.successOutput == .never)  // from the built-in defaults, through default
        var local = base
        local.name = "local"
        #expect(try config.profile(named: "local") == local)
        #expect(base.failFast == .failFast)
    }

    @Test func aNamedProfileReplacesAWholeSettingNotPartOfIt() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [profile.default]
            slow-timeout = { period = "20s", terminate-after = 3 }
            fail-fast = { max-fail = 2 }
            [profile.ci]
            slow-timeout = "45s"
            fail-fast = true
            """)
        let ci = try workspace.load().profile(named: "ci")
        #expect(ci.slowTimeout == SlowTimeout(period: 45, terminateAfter: nil))
        #expect(ci.failFast == .failFast)
    }

    @Test func junitKeysInheritOneByOne() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [profile.default.junit]
            report-name = "workspace"
            store-skipped = true

            [profile.ci.junit]
            path = "ci.xml"
            store-success-output = true

            [profile.quiet]
            """)
        let config = try workspace.load()
        #expect(try config.profile().junit == nil)
        #expect(try config.profile(named: "quiet").junit == nil)
        #expect(
            try config.profile(named: "ci").junit
                == JUnitSettings(
                    path: "ci.xml", reportName: "workspace", storeSuccessOutput: true, storeFailureOutput: true,
                    storeSkipped: true))
    }

    @Test func aJUnitPathInDefaultIsRelativeToEachProfilesDirectory() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("[profile.default.junit]\npath = \"junit.xml\"\n[profile.ci]\n")
        let trim = URL(fileURLWithPath: "/w/target/trim")
        let config = try workspace.load()
        #expect(try config.profile().junitReportURL(trimDirectory: trim)?.path == "/w/target/trim/default/junit.xml")
        #expect(
            try config.profile(named: "ci").junitReportURL(trimDirectory: trim)?.path
                == "/w/target/trim/ci/junit.xml")
    }

    @Test func aNamedProfileHasItsOverridesThenDefaults() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [[profile.default.overrides]]
            filter = "package(base)"
            retries = 1

            [[profile.ci.overrides]]
            filter = "package(ci)"
            retries = 2
            """)
        let config = try workspace.load()
        #expect(try config.profile().overrides.map(\.filter) == ["package(base)"])
        #expect(try config.profile(named: "ci").overrides.map(\.filter) == ["package(ci)", "package(base)"])
        #expect(
            try config.profile(named: "ci").overrides.map(\.keyPath)
                == ["profile.ci.overrides[0]", "profile.default.overrides[0]"])
    }

    /// The example of nextest's "Override precedence" documentation.
    @Test func overridePrecedenceAsNextestDocumentsIt() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [profile.default]
            retries = 0
            slow-timeout = "30s"

            [[profile.default.overrides]]
            filter = 'package(my-package)'
            retries = 2
            slow-timeout = "45s"

            [profile.ci]
            retries = 1
            slow-timeout = { period = "15s", terminate-after = 2 }

            [[profile.ci.overrides]]
            filter = 'package(my-package) and test(/^flaky::/)'
            retries = 3
            """)
        let config = try workspace.load()
        // A stand-in for the filter language: which filters select which test.
        func matcher(package: String, test: String) -> (Override) -> Bool {
            { candidate in
                switch candidate.filter {
                case "package(my-package)": return package == "my-package"
                case "package(my-package) and test(/^flaky::/)":
                    return package == "my-package" && test.hasPrefix("flaky::")
                default:
                    Issue.record("unexpected filter \(candidate.filter)")
                    return false
                }
            }
        }
        let ci = try config.profile(named: "ci")
        let flaky = ci.settings(where: matcher(package: "my-package", test: "flaky::a"))
        #expect(flaky.retries == 3)
        #expect(flaky.slowTimeout == SlowTimeout(period: 45))
        let other = ci.settings(where: matcher(package: "my-package", test: "b"))
        #expect(other.retries == 2)
        #expect(other.slowTimeout == SlowTimeout(period: 45))
        let elsewhere = ci.settings(where: matcher(package: "x", test: "c"))
        #expect(elsewhere.retries == 1)
        #expect(elsewhere.slowTimeout == SlowTimeout(period: 15, terminateAfter: 2))

        let base = try config.profile()
        #expect(base.settings(where: matcher(package: "my-package", test: "flaky::a")).retries == 2)
        #expect(
            base.settings(where: matcher(package: "x", test: "c"))
                == TestSettings(
                    retryPolicy: .noRetries, slowTimeout: SlowTimeout(period: 30)))
    }

    @Test func settingsStopAskingOnceEverySettingIsKnown() throws {
        let profile = Profile.builtInDefault.with(overrides: [
            Override(filter: "a", retryPolicy: .count(1), slowTimeout: SlowTimeout(period: 1)),
            Override(filter: "b", retryPolicy: .count(2)),
        ])
        var asked: [String] = []
        let settings = profile.settings {
            asked.append($0.filter)
            return true
        }
        #expect(asked == ["a"])
        #expect(settings.retries == 1)
    }

    @Test func aThrowingMatcherPropagates() {
        struct Boom: Error {}
        let profile = Profile.builtInDefault.with(overrides: [Override(filter: "a", retryPolicy: .count(1))])
        #expect(throws: Boom.self) { try profile.settings { _ in throw Boom() } }
    }

    @Test func commandLineOptionsWinOverTheFileAndItsOverrides() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [profile.ci]
            retries = 2
            test-threads = 3
            [[profile.ci.overrides]]
            filter = "test(x)"
            retries = 5
            slow-timeout = "5s"
            """)
        let ci = try workspace.load().profile(named: "ci")
        let applied = ci.applying(retries: 0, failFast: .maxFail(10), testThreads: .count(1), junitPath: "/tmp/j.xml")
        #expect(applied.retries == 0)
        #expect(applied.failFast == .maxFail(10))
        #expect(applied.testThreads == .count(1))
        #expect(applied.junit == JUnitSettings(path: "/tmp/j.xml"))
        #expect(
            applied.settings { _ in true } == TestSettings(retryPolicy: .noRetries, slowTimeout: SlowTimeout(period: 5))
        )
        #expect(applied.overrides.map(\.filter) == ["test(x)"])

        let timed = ci.applying(slowTimeout: SlowTimeout(period: 7, terminateAfter: 1))
        #expect(timed.settings { _ in true }.slowTimeout == SlowTimeout(period: 7, terminateAfter: 1))
        #expect(timed.settings { _ in true }.retries == 5)
        #expect(ci.applying() == ci)
        #expect(ci.applying(statusLevel: .off).statusLevel == .off)
    }

    @Test func aJUnitPathFromTheCommandLineKeepsTheFilesOtherJUnitKeys() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let profile = try workspace.profile(
            """
            [profile.default.junit]
            path = "a.xml"
            store-skipped = true
            """)
        let applied = profile.applying(junitPath: "b.xml")
        #expect(applied.junit == JUnitSettings(path: "b.xml", storeSkipped: true))
        #expect(applied.junitReportURL(trimDirectory: URL(fileURLWithPath: "/t"))?.path == "/t/default/b.xml")
    }
}

extension Profile {
    func with(overrides: [Override]) -> Profile {
        var copy = self
        copy.overrides = overrides
        return copy
    }
}
