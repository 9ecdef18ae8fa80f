import Foundation
import Testing
import TrimConfig

/// Every error names the file and the key path, says what was wrong and what
/// is allowed.
@Suite struct ErrorTests {
    /// Loads `text` and checks the error: its case (`kind`), its key path, and
    /// that its message holds the file path, the key path and each of `says`.
    func expectError(
        _ text: String, kind: String, keyPath: String?, says: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        guard let error = try workspace.loadError(text, sourceLocation: sourceLocation) else { return }
        let message = error.description
        #expect(
            Mirror(reflecting: error).children.first?.label == kind, "case: \(error)", sourceLocation: sourceLocation)
        #expect(error.file == workspace.configFile.path, sourceLocation: sourceLocation)
        #expect(message.hasPrefix(workspace.configFile.path), "\(message)", sourceLocation: sourceLocation)
        #expect(error.keyPath == keyPath, "\(message)", sourceLocation: sourceLocation)
        if let keyPath { #expect(message.contains(keyPath), "\(message)", sourceLocation: sourceLocation) }
        for phrase in says {
            #expect(message.contains(phrase), "\(message)\n lacks: \(phrase)", sourceLocation: sourceLocation)
        }
    }

    // MARK: unknown keys

    @Test func unknownProfileKeyListsTheAllowedOnes() throws {
        try expectError(
            "[profile.ci]\nretry = 2\n", kind: "unknownKey", keyPath: "profile.ci.retry",
            says: [
                "unknown key profile.ci.retry",
                "allowed here: fail-fast, failure-output, final-status-level, junit, max-fail, overrides, retries, "
                    + "slow-timeout, status-level, success-output, test-threads",
            ])
    }

    @Test func nextestSettingsTrimLacksAreSaidToBeSo() throws {
        try expectError(
            "[profile.default]\nleak-timeout = \"1s\"\n", kind: "unknownKey", keyPath: "profile.default.leak-timeout",
            says: ["a cargo-nextest setting trim does not support", "retries"])
        try expectError(
            "[store]\ndir = \"target/nextest\"\n", kind: "unknownKey", keyPath: "store.dir",
            says: ["cargo-nextest", "allowed here: read-only, url"])
        try expectError(
            "[stores]\nurl = \"x\"\n", kind: "unknownKey", keyPath: "stores",
            says: ["allowed here: inputs, network, profile, store, test-groups"])
    }

    @Test func unknownKeysInNestedTables() throws {
        try expectError(
            "[[profile.ci.overrides]]\nfilter = \"all()\"\nthreads-wanted = 2\n", kind: "unknownKey",
            keyPath: "profile.ci.overrides[0].threads-wanted",
            says: ["allowed here: filter, retries, slow-timeout, test-group, threads-required"])
        try expectError(
            "[profile.default]\nslow-timeout = { perod = \"5s\" }\n", kind: "unknownKey",
            keyPath: "profile.default.slow-timeout.perod", says: ["grace-period, period, terminate-after"])
        try expectError(
            "[profile.default.junit]\nfile = \"j.xml\"\n", kind: "unknownKey", keyPath: "profile.default.junit.file",
            says: ["path, report-name, store-failure-output, store-skipped, store-success-output"])
        try expectError(
            "[profile.default]\nretries = { backoff = \"fixed\", count = 1, max-delay = \"1s\" }\n",
            kind: "unknownKey", keyPath: "profile.default.retries.max-delay", says: ["backoff, count, delay, jitter"])
        try expectError(
            "[profile.default]\nfail-fast = { max-fail = 2, terminate = \"immediate\" }\n", kind: "unknownKey",
            keyPath: "profile.default.fail-fast.terminate", says: ["cargo-nextest", "allowed here: max-fail"])
    }

    @Test func keysNeedingQuotesAreQuotedInKeyPaths() throws {
        try expectError(
            "[profile.ci]\n\"my key\" = 1\n", kind: "unknownKey", keyPath: "profile.ci.\"my key\"", says: [])
    }

    // MARK: wrong types

    @Test(arguments: [
        ("retries = \"3\"", "profile.default.retries", "the string \"3\"", "an integer (0 or more) or a table"),
        ("retries = 1.5", "profile.default.retries", "the number 1.5", "an integer (0 or more)"),
        ("slow-timeout = 60", "profile.default.slow-timeout", "the integer 60", "a duration such as \"60s\""),
        ("fail-fast = \"yes\"", "profile.default.fail-fast", "the string \"yes\"", "true, false, or a table"),
        ("max-fail = true", "profile.default.max-fail", "the boolean true", "an integer (1 or more) or \"all\""),
        ("test-threads = 1.5", "profile.default.test-threads", "the number 1.5", "an integer (not 0"),
        ("status-level = 3", "profile.default.status-level", "the integer 3", "one of \"none\", \"fail\""),
        ("junit = \"j.xml\"", "profile.default.junit", "the string \"j.xml\"", "a table"),
        ("junit.path = 1", "profile.default.junit.path", "the integer 1", "a file path (a string)"),
        ("junit.store-skipped = \"yes\"", "profile.default.junit.store-skipped", "the string", "true or false"),
        ("overrides = { filter = \"x\" }", "profile.default.overrides", "a table", "an array of tables"),
        ("overrides = [1]", "profile.default.overrides[0]", "the integer 1", "a table"),
        (
            "retries = { backoff = \"fixed\", count = \"2\" }", "profile.default.retries.count", "the string \"2\"",
            "an integer, 0 or more"
        ),
        ("retries = { backoff = 1, count = 2 }", "profile.default.retries.backoff", "the integer 1", "\"fixed\""),
        (
            "retries = { backoff = \"fixed\", count = 2, jitter = 1 }", "profile.default.retries.jitter", "integer",
            "true or false"
        ),
        (
            "slow-timeout = { period = 5 }", "profile.default.slow-timeout.period", "the integer 5",
            "a duration string"
        ),
        ("slow-timeout = [\"5s\"]", "profile.default.slow-timeout", "an array", "a duration such as"),
    ])
    func wrongTypes(line: String, keyPath: String, found: String, expected: String) throws {
        try expectError(
            "[profile.default]\n\(line)\n", kind: "wrongType", keyPath: keyPath, says: [found, "expected " + expected])
    }

    @Test func wrongTypesOfTables() throws {
        try expectError("profile = 3\n", kind: "wrongType", keyPath: "profile", says: ["the integer 3", "a table"])
        try expectError(
            "[profile]\nci = \"fast\"\n", kind: "wrongType", keyPath: "profile.ci",
            says: ["the string \"fast\"", "a table ([profile.ci])"])
        try expectError(
            "[[profile.ci.overrides]]\nfilter = 3\n", kind: "wrongType", keyPath: "profile.ci.overrides[0].filter",
            says: ["the integer 3", "a filter expression"])
    }

    // MARK: durations

    @Test(arguments: [
        ("slow-timeout = \"60\"", "profile.default.slow-timeout", "\"60\" has no unit"),
        ("slow-timeout = \"5x\"", "profile.default.slow-timeout", "unknown unit \"x\""),
        ("slow-timeout = \"\"", "profile.default.slow-timeout", "it is empty"),
        ("slow-timeout = \"0s\"", "profile.default.slow-timeout", "greater than 0"),
        ("slow-timeout = { period = \"soon\" }", "profile.default.slow-timeout.period", "expected a number"),
        (
            "slow-timeout = { period = \"1s\", grace-period = \"-1s\" }", "profile.default.slow-timeout.grace-period",
            "no sign"
        ),
        (
            "retries = { backoff = \"fixed\", count = 1, delay = \"1 fortnight\" }", "profile.default.retries.delay",
            "unknown unit \"fortnight\""
        ),
        (
            "retries = { backoff = \"exponential\", count = 1, delay = \"0s\" }", "profile.default.retries.delay",
            "needs a delay greater than 0"
        ),
        (
            "retries = { backoff = \"exponential\", count = 1, delay = \"2s\", max-delay = \"1s\" }",
            "profile.default.retries.max-delay", "max-delay is shorter than delay (2s)"
        ),
    ])
    func badDurations(line: String, keyPath: String, reason: String) throws {
        try expectError(
            "[profile.default]\n\(line)\n", kind: "badDuration", keyPath: keyPath,
            says: ["invalid duration", reason, "\"500ms\", \"30s\", \"2m\", \"1h\""])
    }

    @Test func badDurationInAnOverride() throws {
        try expectError(
            "[[profile.ci.overrides]]\nfilter = \"all()\"\nslow-timeout = { period = \"5\", terminate-after = 2 }\n",
            kind: "badDuration", keyPath: "profile.ci.overrides[0].slow-timeout.period", says: ["\"5\" has no unit"])
    }

    // MARK: counts and other values

    @Test(arguments: [
        ("retries = -1", "profile.default.retries", "-1", "an integer, 0 or more"),
        ("retries = { backoff = \"fixed\", count = -2 }", "profile.default.retries.count", "-2", "0 or more"),
        (
            "slow-timeout = { period = \"1s\", terminate-after = 0 }", "profile.default.slow-timeout.terminate-after",
            "0", "an integer, 1 or more"
        ),
        (
            "slow-timeout = { period = \"1s\", terminate-after = -3 }", "profile.default.slow-timeout.terminate-after",
            "-3", "1 or more"
        ),
        ("max-fail = 0", "profile.default.max-fail", "0", "an integer (1 or more) or \"all\""),
        ("max-fail = -4", "profile.default.max-fail", "-4", "1 or more"),
        ("fail-fast = { max-fail = 0 }", "profile.default.fail-fast.max-fail", "0", "1 or more"),
        ("test-threads = 0", "profile.default.test-threads", "0", "not 0"),
        ("max-fail = \"some\"", "profile.default.max-fail", "\"some\"", "or \"all\""),
        ("test-threads = \"all\"", "profile.default.test-threads", "\"all\"", "\"num-cpus\""),
        (
            "status-level = \"loud\"", "profile.default.status-level", "\"loud\"",
            "one of \"none\", \"fail\", \"retry\", \"slow\", \"leak\", \"pass\", \"skip\", \"all\""
        ),
        ("final-status-level = \"retry\"", "profile.default.final-status-level", "\"retry\"", "\"flaky\""),
        ("failure-output = \"later\"", "profile.default.failure-output", "\"later\"", "\"immediate-final\""),
        (
            "retries = { backoff = \"linear\", count = 2 }", "profile.default.retries.backoff", "\"linear\"",
            "\"fixed\" or \"exponential\""
        ),
        ("junit.path = \"\"", "profile.default.junit.path", "\"\"", "relative to <target>/trim/<profile>/"),
    ])
    func invalidValues(line: String, keyPath: String, value: String, allowed: String) throws {
        try expectError(
            "[profile.default]\n\(line)\n", kind: "invalidValue", keyPath: keyPath,
            says: ["invalid value \(value)", allowed])
    }

    @Test func negativeRetriesInAnOverride() throws {
        try expectError(
            "[[profile.ci.overrides]]\nfilter = \"all()\"\nretries = -1\n", kind: "invalidValue",
            keyPath: "profile.ci.overrides[0].retries", says: ["invalid value -1", "0 or more"])
    }

    @Test func profileNamesMustBeUsableAsDirectoryNames() throws {
        try expectError(
            "[profile.\"a/b\"]\nretries = 1\n", kind: "invalidValue", keyPath: "profile.\"a/b\"",
            says: ["letters, digits, '-' and '_'", "<target>/trim/<name>"])
        try expectError("[profile.\"..\"]\n", kind: "invalidValue", keyPath: "profile.\"..\"", says: [])
    }

    // MARK: missing and conflicting keys

    @Test(arguments: [
        ("[[profile.ci.overrides]]\nretries = 2\n", "profile.ci.overrides[0].filter", "a filter expression"),
        ("[profile.ci]\nslow-timeout = { terminate-after = 2 }\n", "profile.ci.slow-timeout.period", "\"60s\""),
        ("[profile.ci]\nretries = { backoff = \"fixed\" }\n", "profile.ci.retries.count", "the number of retries"),
        ("[profile.ci]\nretries = { count = 2 }\n", "profile.ci.retries.backoff", "\"fixed\" or \"exponential\""),
        (
            "[profile.ci]\nretries = { backoff = \"exponential\", count = 2 }\n", "profile.ci.retries.delay",
            "the first delay"
        ),
        ("[profile.ci]\nfail-fast = {}\n", "profile.ci.fail-fast.max-fail", "an integer (1 or more) or \"all\""),
    ])
    func missingKeys(text: String, keyPath: String, expected: String) throws {
        try expectError(text, kind: "missingKey", keyPath: keyPath, says: ["missing key \(keyPath)", expected])
    }

    @Test func failFastAndMaxFailTogether() throws {
        try expectError(
            "[profile.ci]\nfail-fast = false\nmax-fail = 3\n", kind: "conflictingKeys", keyPath: "profile.ci",
            says: ["fail-fast and max-fail set the same thing"])
    }

    // MARK: filters

    @Test(arguments: ["\"\"", "\"   \"", "'''\n\n'''"])
    func emptyFilters(literal: String) throws {
        try expectError(
            "[[profile.default.overrides]]\nretries = 1\n\n[[profile.ci.overrides]]\nfilter = \(literal)\nretries = 1\n",
            kind: "emptyFilter", keyPath: "profile.ci.overrides[0].filter", says: ["the filter expression is empty"])
    }

    struct FilterSyntaxError: Error, CustomStringConvertible {
        var description: String
    }

    @Test func theCallersFilterCheckIsReportedWithFileAndKey() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(
            """
            [[profile.ci.overrides]]
            filter = "test(ok)"
            retries = 1

            [[profile.ci.overrides]]
            filter = "test(oops"
            retries = 2
            """)
        var seen: [String] = []
        do {
            _ = try workspace.load { filter in
                seen.append(filter)
                if filter.filter({ $0 == "(" }).count != filter.filter({ $0 == ")" }).count {
                    throw FilterSyntaxError(description: "expected ')' at column 10")
                }
            }
            Issue.record("expected an error")
        } catch {
            #expect(
                error
                    == .invalidFilter(
                        file: workspace.configFile.path, keyPath: "profile.ci.overrides[1].filter", filter: "test(oops",
                        detail: "expected ')' at column 10"))
            #expect(
                error.description == "\(workspace.configFile.path): profile.ci.overrides[1].filter: "
                    + "invalid filter expression \"test(oops\": expected ')' at column 10")
        }
        #expect(seen == ["test(ok)", "test(oops"])
        // Without the hook, filters are not checked.
        #expect(try workspace.load().profile(named: "ci").overrides.count == 2)
    }

    // MARK: profiles

    @Test func unknownProfileListsTheDefinedOnes() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("[profile.ci]\n[profile.nightly]\n")
        let config = try workspace.load()
        #expect(
            throws: ConfigError.unknownProfile(
                file: workspace.configFile.path, name: "release", defined: ["ci", "default", "nightly"])
        ) {
            try config.profile(named: "release")
        }
        do {
            _ = try config.profile(named: "release")
        } catch {
            #expect(
                error.description == "\(workspace.configFile.path): no profile named \"release\"; "
                    + "defined profiles: ci, default, nightly")
            #expect(error.keyPath == nil)
        }
    }

    @Test func unknownProfileWithoutAFile() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let config = try workspace.load()
        #expect(throws: ConfigError.unknownProfile(file: workspace.configFile.path, name: "ci", defined: ["default"])) {
            try config.profile(named: "ci")
        }
    }

    // MARK: the file itself

    @Test func syntaxErrorsCarryLineAndColumn() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        guard let error = try workspace.loadError("[profile.default]\nretries = 1\nslow-timeout = \n") else { return }
        guard case .syntax(let file, let line, let column, let detail) = error else {
            Issue.record("expected a syntax error, got \(error)")
            return
        }
        #expect(file == workspace.configFile.path)
        #expect(line == 3)
        #expect(column > 0)
        #expect(!detail.isEmpty)
        #expect(error.description.hasPrefix("\(workspace.configFile.path):3:\(column): TOML syntax error: "))
    }

    @Test func duplicateKeysAreSyntaxErrors() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let error = try workspace.loadError("[profile.ci]\nretries = 1\nretries = 2\n")
        guard case .syntax(_, let line, _, _)? = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(line == 3)
    }

    @Test func aDirectoryWhereTheFileShouldBe() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try FileManager.default.createDirectory(at: workspace.configFile, withIntermediateDirectories: true)
        #expect(
            throws: ConfigError.unreadable(file: workspace.configFile.path, detail: "it is a directory, not a file")
        ) {
            try workspace.load()
        }
    }

    @Test func notUTF8() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("")
        try Data([0x5B, 0xFF, 0xFE, 0x5D]).write(to: workspace.configFile)
        #expect(throws: ConfigError.unreadable(file: workspace.configFile.path, detail: "not UTF-8 text")) {
            try workspace.load()
        }
    }

    @Test func anExplicitFileMustExist() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let missing = workspace.root.appendingPathComponent("nope.toml")
        #expect(throws: ConfigError.unreadable(file: missing.path, detail: "no such file")) {
            try TrimConfiguration.load(file: missing)
        }
    }
}
