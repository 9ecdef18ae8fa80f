import Foundation

/// Lets whoever starts a run stop it because a newer change arrived (`trim
/// watch`, `trim lsp`): no further test starts, running ones are stopped, and
/// nothing is recorded from then on, so every test the round did not finish
/// keeps its last result and stays selected.
public final class RoundCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var handlers: [@Sendable () -> Void] = []

    public init() {}

    public func cancel() {
        let run = lock.withLock { () -> [@Sendable () -> Void] in
            guard !cancelled else { return [] }
            cancelled = true
            defer { handlers = [] }
            return handlers
        }
        run.forEach { $0() }
    }

    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// `handler` runs once on cancellation (at once if it came already).
    func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let already = lock.withLock { () -> Bool in
            if !cancelled { handlers.append(handler) }
            return cancelled
        }
        if already { handler() }
    }
}
