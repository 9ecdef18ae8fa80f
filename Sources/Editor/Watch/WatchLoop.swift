import CargoSupport
import Foundation
import Runner
import TrimConfig
import TrimPipeline

/// `trim watch`: one round at start, then one after each change that settles.
/// A change during a round cancels the round's remaining tests (they keep
/// their last result, so they stay selected) and starts a new round once the
/// tree is quiet. A build error ends the round, not the watch. Ctrl-C, SIGTERM
/// or SIGHUP stops whatever runs and returns 130.
public struct WatchLoop {
    public var request: RunRequest
    /// Quiet time after the last change before a round starts.
    public var settle: TimeInterval
    public var reporters: @Sendable (Profile, URL) -> TestReporter
    /// One line per round, and notices (watching, build failures).
    public var say: (String) -> Void

    public init(request: RunRequest, settle: TimeInterval = 0.2, reporters: @escaping @Sendable (Profile, URL) -> TestReporter,
                say: @escaping (String) -> Void) {
        self.request = request
        self.settle = settle
        self.reporters = reporters
        self.say = say
    }

    /// Watches until a signal; returns the exit status (130).
    public func run() throws(EditorError) -> Int32 {
        let signals = SignalWatch.start()
        defer { signals.stop() }
        let workspace: CargoWorkspace
        do {
            try WorkspaceDirectory.check(request.workspace.directory, needsManifest: request.workspace.directoryIsExplicit)
            workspace = try CargoWorkspace.load(from: request.workspace.directory)
        } catch {
            throw .workspace("\(error)")
        }
        let root = WorkspacePaths(root: workspace.root).root
        let watcher = try FileWatcher(root: root, ignoring: [root + "/target", root + "/.git", workspace.targetDirectory])
        say("trim watch: watching \(root) (target/ and .git/ ignored); Ctrl-C stops")
        let warm = WarmState()
        var number = 0
        var due = true
        while signals.signal == nil {
            if !due {
                guard try !watcher.changes(timeout: 0.1).isEmpty else { continue }
                try settleDown(watcher, signals: signals)
            }
            guard signals.signal == nil else { break }
            number += 1
            due = try runRound(number, watcher: watcher, signals: signals, warm: warm)
            if due { try settleDown(watcher, signals: signals) }
        }
        return ExitStatus.interrupted
    }

    /// Returns when no change came for `settle` seconds (or a signal).
    private func settleDown(_ watcher: FileWatcher, signals: SignalWatch) throws(EditorError) {
        while signals.signal == nil, try !watcher.changes(timeout: settle).isEmpty {}
    }

    /// Runs one round on another thread while watching; true when a change
    /// arrived meanwhile (the round was cancelled, another is due).
    private func runRound(_ number: Int, watcher: FileWatcher, signals: SignalWatch, warm: WarmState)
        throws(EditorError) -> Bool
    {
        let cancellation = RoundCancellation()
        let finished = DispatchSemaphore(value: 0)
        let outcome = RoundOutcome()
        let request = request, reporters = reporters
        let started = Date()
        Thread.detachNewThread {
            do throws(TrimError) {
                outcome.result = .success(try RunPipeline.round(request, signals: signals, cancellation: cancellation,
                                                                warm: warm, reporters: reporters))
            } catch {
                outcome.result = .failure(error)
            }
            finished.signal()
        }
        var changed = false
        // cargo writes Cargo.lock itself when it is missing or stale: the
        // round's own build is not a newer change.
        let lockFile = watcher.root + "/Cargo.lock"
        while finished.wait(timeout: .now()) == .timedOut {
            if try !watcher.changes(timeout: 0.1).filter({ $0 != lockFile }).isEmpty && !changed {
                changed = true
                cancellation.cancel()
            }
        }
        let elapsed = String(format: "%.1f", Date().timeIntervalSince(started))
        switch outcome.result {
        case .success(let statistics) where statistics.cancelled == .superseded:
            say("trim watch: round \(number) cancelled by a newer change after \(elapsed) s: "
                + "\(statistics.passed) passed, \(statistics.failed) failed before it; unfinished tests stay selected")
        case .success(let statistics):
            if statistics.cancelled != nil, signals.signal != nil { break }
            say("trim watch: round \(number): \(statistics.run) run, \(statistics.passed) passed, "
                + "\(statistics.failed) failed, \(statistics.skipped) not affected in \(elapsed) s; waiting for changes")
        case .failure(.interrupted), nil:
            break
        case .failure(let error):
            say("trim watch: round \(number) failed: \(error)")
            say("trim watch: waiting for changes")
        }
        return changed
    }
}

private final class RoundOutcome: @unchecked Sendable {
    var result: Result<RunStatistics, TrimError>?
}
