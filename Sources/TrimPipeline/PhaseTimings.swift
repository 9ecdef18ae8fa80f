import Foundation

/// Wall-clock time of each phase of `trim run` / `trim plan`, printed on
/// stderr as each phase ends when `TRIM_TIMINGS=1` (for benchmarks and for
/// finding what grows with the suite); silent otherwise.
///
/// ```text
/// trim: timing: select                       12.4 ms
/// ```
public final class PhaseTimings: @unchecked Sendable {
    public static let variable = "TRIM_TIMINGS"

    private let enabled: Bool
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant

    public init(enabled: Bool, write: @escaping @Sendable (String) -> Void = PhaseTimings.standardError) {
        self.enabled = enabled
        self.write = write
        last = clock.now
    }

    /// Enabled when `TRIM_TIMINGS` is `1`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> PhaseTimings
    {
        PhaseTimings(enabled: environment[variable] == "1")
    }

    /// Ends the phase that began at the previous lap (or at creation) and reports it as `phase`.
    public func lap(_ phase: String) {
        guard enabled else { return }
        let elapsed = lock.withLock { () -> Duration in
            let now = clock.now
            defer { last = now }
            return now - last
        }
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        let padded = phase.padding(toLength: max(phase.count, 36), withPad: " ", startingAt: 0)
        write("trim: timing: \(padded) \(String(format: "%9.1f", milliseconds)) ms")
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
