import Foundation

/// Wall-clock time of each phase of `trim run` / `trim plan`, and the CPU
/// time trim's own threads spent in it (not its child processes'), printed
/// on stderr as each phase ends when `TRIM_TIMINGS=1` (for benchmarks and
/// for finding what grows with the suite); silent otherwise. On a machine
/// shared with other work the CPU time is the steadier of the two.
///
/// ```text
/// trim: timing: select                                  12.4 ms  (cpu 20.1 ms)
/// ```
public final class PhaseTimings: @unchecked Sendable {
    public static let variable = "TRIM_TIMINGS"

    private let enabled: Bool
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private let clock = ContinuousClock()
    private var last: ContinuousClock.Instant
    private var lastCPU: Double

    public init(enabled: Bool, write: @escaping @Sendable (String) -> Void = PhaseTimings.standardError) {
        self.enabled = enabled
        self.write = write
        last = clock.now
        lastCPU = Self.processCPUSeconds()
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
        let (elapsed, cpu) = lock.withLock { () -> (Duration, Double) in
            let now = clock.now, nowCPU = Self.processCPUSeconds()
            defer { last = now; lastCPU = nowCPU }
            return (now - last, nowCPU - lastCPU)
        }
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        let padded = phase.padding(toLength: max(phase.count, 36), withPad: " ", startingAt: 0)
        write("trim: timing: \(padded) \(String(format: "%9.1f", milliseconds)) ms  (cpu \(String(format: "%.1f", cpu * 1e3)) ms)")
    }

    /// Reports a fact about the run beside the phases: `trim: timing: TEXT`.
    public func note(_ text: String) {
        guard enabled else { return }
        write("trim: timing: \(text)")
    }

    /// Reports the process's peak resident memory so far (its own, not its
    /// children's): `trim: timing: peak memory (trim's own RSS)  84.2 MiB`.
    public func peakMemory() {
        guard enabled else { return }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        write("trim: timing: peak memory (trim's own RSS) \(String(format: "%9.1f", Double(usage.ru_maxrss) / 1024)) MiB")
    }

    /// CPU time of every thread of this process.
    private static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
