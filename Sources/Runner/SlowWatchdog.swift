import Dispatch
import Foundation

/// Reports each running test as slow once per period and kills its process
/// group (SIGTERM, then SIGKILL after the grace period) after
/// `terminateAfter` periods. One timer for the whole run, set for the
/// earliest deadline of the tests it watches: a timer per test cost more
/// than a small test's own recording.
final class SlowWatchdog: @unchecked Sendable {
    private struct Watched {
        var process: SpawnedProcess
        var policy: ExecutionPolicy
        var period: Double
        var start: DispatchTime
        var periods = 0
        var killed = false
        var slow: @Sendable (Double) -> Void

        var nextDeadline: DispatchTime { start + period * Double(periods + 1) }
    }

    private let lock = NSLock()
    private let timer: DispatchSourceTimer
    private var watched: [Int: Watched] = [:]
    private var nextID = 0
    private var armedFor: DispatchTime?

    init() {
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .distantFuture)
        timer.setEventHandler { [weak self] in self?.fire() }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Starts watching `process`; `slow` gets the seconds elapsed at each period.
    func watch(_ process: SpawnedProcess, policy: ExecutionPolicy, slow: @escaping @Sendable (Double) -> Void) -> Int {
        lock.withLock {
            nextID += 1
            let entry = Watched(process: process, policy: policy, period: max(policy.slowPeriod, 0.001),
                                start: .now(), slow: slow)
            watched[nextID] = entry
            arm(entry.nextDeadline)
            return nextID
        }
    }

    /// Stops watching; true when the watchdog killed the test.
    func stop(_ id: Int) -> Bool {
        lock.withLock { watched.removeValue(forKey: id)?.killed ?? false }
    }

    /// Sets the timer for `deadline` unless it is already set for an earlier one. Under the lock.
    private func arm(_ deadline: DispatchTime) {
        if let armedFor, armedFor <= deadline { return }
        armedFor = deadline
        timer.schedule(deadline: deadline, leeway: .milliseconds(1))
    }

    private func fire() {
        var actions: [() -> Void] = []
        lock.withLock {
            armedFor = nil
            let now = DispatchTime.now()
            var earliest: DispatchTime?
            for id in watched.keys {
                var entry = watched[id]!
                guard !entry.killed else { continue }
                if entry.nextDeadline <= now {
                    let elapsed = Double(now.uptimeNanoseconds - entry.start.uptimeNanoseconds) / 1e9
                    entry.periods = max(entry.periods + 1, Int(elapsed / entry.period))
                    if let limit = entry.policy.terminateAfter, entry.periods >= limit {
                        entry.killed = true
                        let process = entry.process, grace = entry.policy.gracePeriod
                        actions.append {
                            process.signalGroup(SIGTERM)
                            DispatchQueue.global().asyncAfter(deadline: .now() + grace) { process.signalGroup(SIGKILL) }
                        }
                    } else {
                        let slow = entry.slow, seconds = Double(entry.periods) * entry.period
                        actions.append { slow(seconds) }
                    }
                    watched[id] = entry
                }
                if !entry.killed, earliest.map({ entry.nextDeadline < $0 }) ?? true { earliest = entry.nextDeadline }
            }
            if let earliest { arm(earliest) }
        }
        for action in actions { action() }
    }
}
