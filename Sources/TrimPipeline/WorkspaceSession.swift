import Foundation
import PrivateFiles
import ProcessSpawn

/// What one trim command holds on a workspace from its build to its end:
/// the workspace lock, a private scratch directory `<target>/trim/run-<pid>`
/// (test outputs, coverage dumps, PC tables) that names its owner, and the
/// ledger of the process groups it starts. Opening one first tidies what
/// killed runs left: their leftover processes are stopped and their scratch
/// directories removed.
public final class WorkspaceSession: @unchecked Sendable {
    public let signals: SignalWatch
    public let lock: WorkspaceLock
    public let scratch: URL
    /// Cache entries written while the run goes on, done before the lock is given up.
    let cacheWrites = CacheWrites()
    private var closed = false

    static let ownerFile = "owner"
    static let ledgerFile = "children"

    /// Waits for the lock, tidies after dead runs, and creates the scratch directory.
    public static func open(paths: TrimPaths, command: String, signals: SignalWatch) throws(TrimError) -> WorkspaceSession {
        let lock = try WorkspaceLock.acquire(directory: paths.targetDirectory, command: command,
                                             interrupted: { () throws(TrimError) in try signals.check() })
        StaleRuns.clean(in: paths.targetDirectory)
        let scratch = paths.scratch
        let manager = FileManager.default
        do {
            // A dead run of the same pid (StaleRuns keeps live owners). Looked
            // for first: a removal that fails builds an error whose type
            // lookups cost a millisecond before cargo starts.
            if access(scratch.path, F_OK) == 0 { try? manager.removeItem(at: scratch) }
            try manager.createDirectory(at: scratch, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
            // Never synced: after a crash no owner is alive anyway.
            try WholeFileWrite.createBuffered(scratch.appendingPathComponent(ownerFile).path,
                                              bytes: Array("\(ProcessIdentity.current)\n".utf8))
        } catch {
            throw .setup("cannot create the run directory \(scratch.path): \(error.localizedDescription)")
        }
        do { try ChildGroups.shared.openLedger(at: scratch.appendingPathComponent(ledgerFile).path) } catch {
            throw .setup(error.description)
        }
        return WorkspaceSession(signals: signals, lock: lock, scratch: scratch)
    }

    private init(signals: SignalWatch, lock: WorkspaceLock, scratch: URL) {
        self.signals = signals
        self.lock = lock
        self.scratch = scratch
    }

    /// Removes the scratch directory and gives the lock up.
    public func close() {
        guard !closed else { return }
        closed = true
        cacheWrites.finish()
        ChildGroups.shared.closeLedger()
        try? FileManager.default.removeItem(at: scratch)
        lock.release()
    }

    deinit { close() }
}

/// Scratch directories of trims that no longer run.
enum StaleRuns {
    /// Under the workspace lock no other trim works here, so every `run-*`
    /// directory whose owner is not alive is a dead run's: its leftover
    /// process groups are killed and the directory removed.
    static func clean(in trimDirectory: URL) {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: trimDirectory.path) else { return }
        for entry in entries where entry.hasPrefix("run-") {
            let directory = trimDirectory.appendingPathComponent(entry)
            let owner = (try? String(contentsOf: directory.appendingPathComponent(WorkspaceSession.ownerFile),
                                     encoding: .utf8))
                .flatMap { ProcessIdentity($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, owner.isAlive { continue }
            let killed = ChildGroups.reap(ledger: directory.appendingPathComponent(WorkspaceSession.ledgerFile).path)
            if killed > 0 {
                FileHandle.standardError.write(Data(
                    "trim: stopped \(killed) process group(s) left running by a killed trim (\(entry))\n".utf8))
            }
            try? manager.removeItem(at: directory)
        }
    }
}
