import Foundation
import TOMLKit

/// One `[profile.<name>]` table as written: nil where the file sets nothing.
struct ProfileLayer: Sendable, Hashable {
    var retryPolicy: RetryPolicy?
    var slowTimeout: SlowTimeout?
    var failFast: FailFast?
    var testThreads: TestThreads?
    var statusLevel: StatusLevel?
    var finalStatusLevel: FinalStatusLevel?
    var failureOutput: TestOutputDisplay?
    var successOutput: TestOutputDisplay?
    var threadsRequired: ThreadsRequired?
    var junit = JUnitLayer()
    var overrides: [Override] = []

    /// `self` where it sets a key, else `base`; overrides: `self`'s, then `base`'s.
    func laid(over base: ProfileLayer) -> ProfileLayer {
        ProfileLayer(
            retryPolicy: retryPolicy ?? base.retryPolicy, slowTimeout: slowTimeout ?? base.slowTimeout,
            failFast: failFast ?? base.failFast, testThreads: testThreads ?? base.testThreads,
            statusLevel: statusLevel ?? base.statusLevel, finalStatusLevel: finalStatusLevel ?? base.finalStatusLevel,
            failureOutput: failureOutput ?? base.failureOutput, successOutput: successOutput ?? base.successOutput,
            threadsRequired: threadsRequired ?? base.threadsRequired,
            junit: junit.laid(over: base.junit), overrides: overrides + base.overrides)
    }

    /// The complete profile: this layer over the built-in defaults.
    func resolved(name: String) -> Profile {
        let builtIn = Profile.builtInDefault
        return Profile(
            name: name, retryPolicy: retryPolicy ?? builtIn.retryPolicy,
            slowTimeout: slowTimeout ?? builtIn.slowTimeout,
            failFast: failFast ?? builtIn.failFast, testThreads: testThreads ?? builtIn.testThreads,
            statusLevel: statusLevel ?? builtIn.statusLevel,
            finalStatusLevel: finalStatusLevel ?? builtIn.finalStatusLevel,
            failureOutput: failureOutput ?? builtIn.failureOutput,
            successOutput: successOutput ?? builtIn.successOutput,
            junit: junit.resolved(), overrides: overrides,
            threadsRequired: threadsRequired ?? builtIn.threadsRequired)
    }
}

struct JUnitLayer: Sendable, Hashable {
    var path: String?
    var reportName: String?
    var storeSuccessOutput: Bool?
    var storeFailureOutput: Bool?
    var storeSkipped: Bool?

    func laid(over base: JUnitLayer) -> JUnitLayer {
        JUnitLayer(
            path: path ?? base.path, reportName: reportName ?? base.reportName,
            storeSuccessOutput: storeSuccessOutput ?? base.storeSuccessOutput,
            storeFailureOutput: storeFailureOutput ?? base.storeFailureOutput,
            storeSkipped: storeSkipped ?? base.storeSkipped)
    }

    func resolved() -> JUnitSettings? {
        guard let path else { return nil }
        let defaults = JUnitSettings(path: path)
        return JUnitSettings(
            path: path, reportName: reportName ?? defaults.reportName,
            storeSuccessOutput: storeSuccessOutput ?? defaults.storeSuccessOutput,
            storeFailureOutput: storeFailureOutput ?? defaults.storeFailureOutput,
            storeSkipped: storeSkipped ?? defaults.storeSkipped)
    }
}

/// Turns the file's text into one layer per profile, checking every key and
/// value; the first problem is thrown as a `ConfigError` naming `file` and
/// the key path.
struct ConfigReader {
    let file: String
    let validateFilter: ((String) throws -> Void)?

    // MARK: keys

    static let rootKeys = ["inputs", "network", "profile", "store", "test-groups"]
    static let profileKeys = [
        "fail-fast", "failure-output", "final-status-level", "junit", "max-fail", "overrides", "retries",
        "slow-timeout", "status-level", "success-output", "test-threads", "threads-required",
    ]
    static let overrideKeys = ["filter", "retries", "slow-timeout", "test-group", "threads-required"]
    static let junitKeys = ["path", "report-name", "store-failure-output", "store-skipped", "store-success-output"]
    static let slowTimeoutKeys = ["grace-period", "period", "terminate-after"]
    static let failFastKeys = ["max-fail"]
    static let fixedRetryKeys = ["backoff", "count", "delay", "jitter"]
    static let exponentialRetryKeys = ["backoff", "count", "delay", "jitter", "max-delay"]

    /// cargo-nextest keys trim does not implement, so the error can say so.
    static let nextestOnlyKeys: Set<String> = [
        "nextest-version", "experimental", "store", "scripts",  // top level
        "default-filter", "global-timeout", "run-extra-args", "leak-timeout",
        "archive", "flaky-result", "bench", "priority", "platform",  // profiles and overrides
        "on-timeout", "terminate",  // slow-timeout, fail-fast
    ]

    // MARK: the document

    func read(_ text: String) throws(ConfigError) -> [String: ProfileLayer] {
        try profiles(root(text))
    }

    /// The document's top-level table.
    func root(_ text: String) throws(ConfigError) -> TOMLTable {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(
                file: file, line: error.source.begin.line, column: error.source.begin.column,
                detail: error.description)
        } catch {
            throw .syntax(file: file, line: 0, column: 0, detail: "\(error)")
        }
        try checkKeys(root, at: nil, allowed: Self.rootKeys)
        return root
    }

    /// One layer per `[profile.<name>]`.
    func profiles(_ root: TOMLTable) throws(ConfigError) -> [String: ProfileLayer] {
        guard let profilesValue = root["profile"] else { return [:] }
        let profiles = try table(profilesValue, at: "profile", expected: "a table of profiles ([profile.<name>])")
        var layers: [String: ProfileLayer] = [:]
        for name in profiles.keys.sorted() {
            let path = Self.join("profile", name)
            guard Self.isValidProfileName(name) else {
                throw .invalidValue(
                    file: file, keyPath: path, value: Self.quote(name),
                    allowed:
                        "a profile name of letters, digits, '-' and '_' (it names the directory <target>/trim/<name>)")
            }
            let value = profiles[name]!
            layers[name] = try profile(table(value, at: path, expected: "a table ([\(path)])"), at: path)
        }
        return layers
    }

    static func isValidProfileName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && (isBare($0)) }
    }

    // MARK: a profile

    func profile(_ table: TOMLTable, at path: String) throws(ConfigError) -> ProfileLayer {
        try checkKeys(table, at: path, allowed: Self.profileKeys)
        var layer = ProfileLayer()
        if let value = table["retries"] { layer.retryPolicy = try retries(value, at: Self.join(path, "retries")) }
        if let value = table["slow-timeout"] {
            layer.slowTimeout = try slowTimeout(value, at: Self.join(path, "slow-timeout"))
        }
        if table["fail-fast"] != nil, table["max-fail"] != nil {
            throw .conflictingKeys(file: file, keyPath: path, keys: ["fail-fast", "max-fail"])
        }
        if let value = table["fail-fast"] { layer.failFast = try failFast(value, at: Self.join(path, "fail-fast")) }
        if let value = table["max-fail"] { layer.failFast = try maxFail(value, at: Self.join(path, "max-fail")) }
        if let value = table["test-threads"] {
            layer.testThreads = try testThreads(value, at: Self.join(path, "test-threads"))
        }
        if let value = table["status-level"] {
            layer.statusLevel = try choice(value, at: Self.join(path, "status-level"))
        }
        if let value = table["final-status-level"] {
            layer.finalStatusLevel = try choice(value, at: Self.join(path, "final-status-level"))
        }
        if let value = table["failure-output"] {
            layer.failureOutput = try choice(value, at: Self.join(path, "failure-output"))
        }
        if let value = table["success-output"] {
            layer.successOutput = try choice(value, at: Self.join(path, "success-output"))
        }
        if let value = table["threads-required"] {
            layer.threadsRequired = try threadsRequired(value, at: Self.join(path, "threads-required"))
        }
        if let value = table["junit"] {
            let junitPath = Self.join(path, "junit")
            layer.junit = try junit(
                self.table(value, at: junitPath, expected: "a table ([\(junitPath)])"), at: junitPath)
        }
        if let value = table["overrides"] {
            layer.overrides = try overrides(value, at: Self.join(path, "overrides"))
        }
        return layer
    }

    func junit(_ table: TOMLTable, at path: String) throws(ConfigError) -> JUnitLayer {
        try checkKeys(table, at: path, allowed: Self.junitKeys)
        var layer = JUnitLayer()
        if let value = table["path"] {
            let keyPath = Self.join(path, "path")
            let text = try string(value, at: keyPath, expected: "a file path (a string)")
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalidValue(
                    file: file, keyPath: keyPath, value: "\"\"",
                    allowed: "a file path, absolute or relative to <target>/trim/<profile>/ (e.g. \"junit.xml\")")
            }
            layer.path = text
        }
        if let value = table["report-name"] {
            layer.reportName = try string(value, at: Self.join(path, "report-name"), expected: "a string")
        }
        if let value = table["store-success-output"] {
            layer.storeSuccessOutput = try bool(value, at: Self.join(path, "store-success-output"))
        }
        if let value = table["store-failure-output"] {
            layer.storeFailureOutput = try bool(value, at: Self.join(path, "store-failure-output"))
        }
        if let value = table["store-skipped"] {
            layer.storeSkipped = try bool(value, at: Self.join(path, "store-skipped"))
        }
        return layer
    }

    func overrides(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> [Override] {
        let expected = "an array of tables ([[\(path)]] blocks)"
        guard let array = value.array else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: expected)
        }
        var result: [Override] = []
        for index in 0..<array.count {
            let itemPath = "\(path)[\(index)]"
            let item = try table(array[index], at: itemPath, expected: "a table (a [[\(path)]] block)")
            result.append(try override(item, at: itemPath))
        }
        return result
    }

    func override(_ table: TOMLTable, at path: String) throws(ConfigError) -> Override {
        try checkKeys(table, at: path, allowed: Self.overrideKeys)
        let filterPath = Self.join(path, "filter")
        guard let filterValue = table["filter"] else {
            throw .missingKey(
                file: file, keyPath: filterPath,
                expected: "a filter expression (a string, e.g. \"test(slow_)\") that selects the tests this "
                    + "override applies to")
        }
        let filter = try string(filterValue, at: filterPath, expected: "a filter expression (a string)")
        guard !filter.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .emptyFilter(file: file, keyPath: filterPath)
        }
        if let validateFilter {
            do {
                try validateFilter(filter)
            } catch {
                throw .invalidFilter(file: file, keyPath: filterPath, filter: filter, detail: "\(error)")
            }
        }
        var result = Override(filter: filter, keyPath: path)
        if let value = table["retries"] { result.retryPolicy = try retries(value, at: Self.join(path, "retries")) }
        if let value = table["slow-timeout"] {
            result.slowTimeout = try slowTimeout(value, at: Self.join(path, "slow-timeout"))
        }
        if let value = table["test-group"] { result.testGroup = try testGroupName(value, at: Self.join(path, "test-group")) }
        if let value = table["threads-required"] {
            result.threadsRequired = try threadsRequired(value, at: Self.join(path, "threads-required"))
        }
        return result
    }

    // MARK: settings

    static let retriesExpected =
        "an integer (0 or more) or a table such as { backoff = \"fixed\", count = 2, delay = \"1s\" }"

    func retries(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> RetryPolicy {
        if value.type == .int {
            return .count(try count(value, at: path, minimum: 0))
        }
        guard let table = value.table else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: Self.retriesExpected)
        }
        let backoffPath = Self.join(path, "backoff")
        guard let backoffValue = table["backoff"] else {
            throw .missingKey(file: file, keyPath: backoffPath, expected: "\"fixed\" or \"exponential\"")
        }
        let backoff = try string(backoffValue, at: backoffPath, expected: "\"fixed\" or \"exponential\"")
        let exponential: Bool
        switch backoff {
        case "fixed": exponential = false
        case "exponential": exponential = true
        default:
            throw .invalidValue(
                file: file, keyPath: backoffPath, value: Self.quote(backoff), allowed: "\"fixed\" or \"exponential\"")
        }
        try checkKeys(table, at: path, allowed: exponential ? Self.exponentialRetryKeys : Self.fixedRetryKeys)
        let countPath = Self.join(path, "count")
        guard let countValue = table["count"] else {
            throw .missingKey(file: file, keyPath: countPath, expected: "the number of retries (an integer, 0 or more)")
        }
        let retryCount = try count(countValue, at: countPath, minimum: 0)
        let jitter =
            try table["jitter"].map { (value) throws(ConfigError) in
                try bool(value, at: Self.join(path, "jitter"))
            } ?? false
        let delayPath = Self.join(path, "delay")
        if !exponential {
            let delay =
                try table["delay"].map { (value) throws(ConfigError) in
                    try duration(value, at: delayPath)
                } ?? 0
            return .fixed(count: retryCount, delay: delay, jitter: jitter)
        }
        guard let delayValue = table["delay"] else {
            throw .missingKey(file: file, keyPath: delayPath, expected: "the first delay, a duration such as \"1s\"")
        }
        let delay = try duration(delayValue, at: delayPath)
        guard delay > 0 else {
            throw .badDuration(
                file: file, keyPath: delayPath, value: delayValue.string ?? "",
                detail: "an exponential backoff needs a delay greater than 0")
        }
        let maxDelayPath = Self.join(path, "max-delay")
        let maxDelay = try table["max-delay"].map { (value) throws(ConfigError) in
            try duration(value, at: maxDelayPath)
        }
        if let maxDelay, maxDelay < delay {
            throw .badDuration(
                file: file, keyPath: maxDelayPath, value: table["max-delay"]?.string ?? "",
                detail: "max-delay is shorter than delay (\(ConfigDuration.format(delay)))")
        }
        return .exponential(count: retryCount, delay: delay, jitter: jitter, maxDelay: maxDelay)
    }

    static let slowTimeoutExpected =
        "a duration such as \"60s\" or a table such as { period = \"60s\", terminate-after = 3 }"

    func slowTimeout(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> SlowTimeout {
        if value.type == .string {
            return SlowTimeout(period: try period(value, at: path))
        }
        guard let table = value.table else {
            throw .wrongType(
                file: file, keyPath: path, found: Self.describe(value), expected: Self.slowTimeoutExpected)
        }
        try checkKeys(table, at: path, allowed: Self.slowTimeoutKeys)
        let periodPath = Self.join(path, "period")
        guard let periodValue = table["period"] else {
            throw .missingKey(
                file: file, keyPath: periodPath, expected: "a duration such as \"60s\" after which a test is slow")
        }
        var result = SlowTimeout(period: try period(periodValue, at: periodPath))
        if let value = table["terminate-after"] {
            result.terminateAfter = try count(value, at: Self.join(path, "terminate-after"), minimum: 1)
        }
        if let value = table["grace-period"] {
            result.gracePeriod = try duration(value, at: Self.join(path, "grace-period"))
        }
        return result
    }

    /// A duration that must be greater than zero.
    func period(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> Double {
        let seconds = try duration(value, at: path)
        guard seconds > 0 else {
            throw .badDuration(
                file: file, keyPath: path, value: value.string ?? "", detail: "it must be greater than 0")
        }
        return seconds
    }

    func failFast(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> FailFast {
        if let flag = value.bool { return flag ? .failFast : .noFailFast }
        guard let table = value.table else {
            throw .wrongType(
                file: file, keyPath: path, found: Self.describe(value),
                expected: "true, false, or a table such as { max-fail = 5 }")
        }
        try checkKeys(table, at: path, allowed: Self.failFastKeys)
        let maxFailPath = Self.join(path, "max-fail")
        guard let maxFailValue = table["max-fail"] else {
            throw .missingKey(file: file, keyPath: maxFailPath, expected: "an integer (1 or more) or \"all\"")
        }
        return try maxFail(maxFailValue, at: maxFailPath)
    }

    func maxFail(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> FailFast {
        let allowed = "an integer (1 or more) or \"all\""
        if let text = value.string {
            guard text == "all" else {
                throw .invalidValue(file: file, keyPath: path, value: Self.quote(text), allowed: allowed)
            }
            return .noFailFast
        }
        guard value.type == .int else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: allowed)
        }
        return .maxFail(try count(value, at: path, minimum: 1, allowed: allowed))
    }

    func testThreads(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> TestThreads {
        let allowed = "an integer (not 0; a negative one means that many fewer than the CPUs) or \"num-cpus\""
        if let text = value.string {
            guard text == "num-cpus" else {
                throw .invalidValue(file: file, keyPath: path, value: Self.quote(text), allowed: allowed)
            }
            return .numCPUs
        }
        guard let number = value.int else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: allowed)
        }
        guard number != 0 else { throw .invalidValue(file: file, keyPath: path, value: "0", allowed: allowed) }
        return number > 0 ? .count(number) : .numCPUsMinus(-number)
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ value: TOMLValueConvertible, at path: String)
        throws(ConfigError) -> Choice where Choice.RawValue == String
    {
        let allowed = "one of " + Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        let text = try string(value, at: path, expected: allowed)
        guard let result = Choice(rawValue: text) else {
            throw .invalidValue(file: file, keyPath: path, value: Self.quote(text), allowed: allowed)
        }
        return result
    }

    // MARK: scalars

    func count(_ value: TOMLValueConvertible, at path: String, minimum: Int, allowed: String? = nil)
        throws(ConfigError) -> Int
    {
        let allowed = allowed ?? "an integer, \(minimum) or more"
        guard let number = value.int else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: allowed)
        }
        guard number >= minimum else {
            throw .invalidValue(file: file, keyPath: path, value: "\(number)", allowed: allowed)
        }
        return number
    }

    func duration(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> Double {
        guard let text = value.string else {
            throw .wrongType(
                file: file, keyPath: path, found: Self.describe(value),
                expected: "a duration string such as \"30s\"")
        }
        do {
            return try ConfigDuration(parsing: text).seconds
        } catch {
            throw .badDuration(file: file, keyPath: path, value: text, detail: error.reason)
        }
    }

    func string(_ value: TOMLValueConvertible, at path: String, expected: String) throws(ConfigError) -> String {
        guard let text = value.string else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: expected)
        }
        return text
    }

    func bool(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> Bool {
        guard let flag = value.bool else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: "true or false")
        }
        return flag
    }

    func table(_ value: TOMLValueConvertible, at path: String, expected: String) throws(ConfigError) -> TOMLTable {
        guard let table = value.table else {
            throw .wrongType(file: file, keyPath: path, found: Self.describe(value), expected: expected)
        }
        return table
    }

    /// Throws for the first key (in sorted order) not in `allowed`.
    func checkKeys(_ table: TOMLTable, at path: String?, allowed: [String]) throws(ConfigError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let note = Self.nextestOnlyKeys.contains(key) ? "a cargo-nextest setting trim does not support" : nil
            throw .unknownKey(
                file: file, keyPath: path.map { Self.join($0, key) } ?? Self.quoteKey(key),
                allowed: allowed.sorted(), note: note)
        }
    }

    // MARK: text

    /// `base.key`, with `key` quoted when it is not a bare TOML key.
    static func join(_ base: String, _ key: String) -> String { "\(base).\(quoteKey(key))" }

    static func quoteKey(_ key: String) -> String {
        !key.isEmpty && key.unicodeScalars.allSatisfy(isBare) ? key : quote(key)
    }

    static func isBare(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII
            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16, uppercase: true)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// What a value is, for "found …" in messages.
    static func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string: return "the string \(quote(value.string ?? ""))"
        case .int: return "the integer \(value.int.map(String.init) ?? "?")"
        case .double: return "the number \(value.double.map { "\($0)" } ?? "?")"
        case .bool: return "the boolean \(value.bool.map(String.init) ?? "?")"
        case .table: return "a table"
        case .array: return "an array"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }
}
