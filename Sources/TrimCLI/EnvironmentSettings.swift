import ArgumentParser
import Foundation
import TrimConfig

/// Settings read from the environment when the command line leaves them out,
/// as cargo-nextest reads `NEXTEST_*`: an option given always wins. Tests
/// never see these (the runner passes no `TRIM_*` variable on), so a test
/// that runs trim itself is not steered by the outer run's settings.
struct EnvironmentSettings {
    static let profile = "TRIM_PROFILE"
    static let testThreads = "TRIM_TEST_THREADS"
    static let retries = "TRIM_RETRIES"
    static let hideProgressBar = "TRIM_HIDE_PROGRESS_BAR"
    static let statusLevel = "TRIM_STATUS_LEVEL"
    static let finalStatusLevel = "TRIM_FINAL_STATUS_LEVEL"
    static let successOutput = "TRIM_SUCCESS_OUTPUT"
    static let failureOutput = "TRIM_FAILURE_OUTPUT"

    let environment: [String: String]

    init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The variable's value; nil when unset or empty (as unset).
    func value(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The variable parsed, or nil when unset; a value `parse` refuses is an
    /// error naming the variable and what it may be.
    func parsed<Value>(_ name: String, expected: String, _ parse: (String) -> Value?) throws -> Value? {
        guard let text = value(name) else { return nil }
        guard let result = parse(text) else {
            throw ValidationError("\(name)=\(text) is not valid: expected \(expected)")
        }
        return result
    }

    var profileName: String? { value(Self.profile) }

    func threads() throws -> TestThreads? {
        try parsed(Self.testThreads, expected: "N (not 0), num-cpus, or -N for N fewer than the cores") {
            TestThreads(argument: $0)
        }
    }

    func retryCount() throws -> Int? {
        try parsed(Self.retries, expected: "an integer, 0 or more") { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
    }

    /// nextest hides the bar for `1`; trim also takes `true`, and `0`/`false` as not set.
    func hidesProgressBar() throws -> Bool {
        try parsed(Self.hideProgressBar, expected: "1 or true (hide), 0 or false") { text -> Bool? in
            switch text.lowercased() {
            case "1", "true": return true
            case "0", "false": return false
            default: return nil
            }
        } ?? false
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String) throws -> Choice?
    where Choice.RawValue == String {
        try parsed(name, expected: "one of " + Choice.allCases.map(\.rawValue).joined(separator: ", ")) {
            Choice(rawValue: $0)
        }
    }
}
