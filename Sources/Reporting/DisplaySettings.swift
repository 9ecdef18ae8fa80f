import TrimConfig

/// What the human reporter shows (nextest's four settings): which statuses
/// as they happen, which again after the summary, and when a test's captured
/// output is shown, for failures and for successes.
public struct DisplaySettings: Sendable, Hashable {
    public var statusLevel: StatusLevel
    public var finalStatusLevel: FinalStatusLevel
    public var failureOutput: TestOutputDisplay
    public var successOutput: TestOutputDisplay

    public init(statusLevel: StatusLevel, finalStatusLevel: FinalStatusLevel, failureOutput: TestOutputDisplay,
                successOutput: TestOutputDisplay) {
        self.statusLevel = statusLevel
        self.finalStatusLevel = finalStatusLevel
        self.failureOutput = failureOutput
        self.successOutput = successOutput
    }

    /// A resolved profile's settings (command line already applied).
    public init(profile: Profile) {
        self.init(statusLevel: profile.statusLevel, finalStatusLevel: profile.finalStatusLevel,
                  failureOutput: profile.failureOutput, successOutput: profile.successOutput)
    }

    /// nextest's defaults: pass, flaky, immediate, never.
    public static let `default` = DisplaySettings(profile: .builtInDefault)
}

extension TestOutputDisplay {
    /// Shown right after the test's status line.
    var isImmediate: Bool { self == .immediate || self == .immediateFinal }
    /// Shown again once every test has finished, before the summary.
    var isFinal: Bool { self == .final || self == .immediateFinal }
}
