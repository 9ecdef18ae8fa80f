import Foundation
import ProcessSpawn

/// Ctrl-C, SIGTERM and SIGHUP in every phase of a command. Instead of dying
/// and leaving cargo, rustc, bitcode workers or tests behind, trim stops every
/// process group it started (SIGTERM, then SIGKILL after a grace period),
/// lets the phase in progress end, keeps every result already recorded, and
/// exits 130. Each phase asks `check()` before it starts; the test phase
/// also hears the signal directly (`onSignal`) to stop scheduling tests.
public final class SignalWatch: @unchecked Sendable {
    static let signals = [SIGINT, SIGTERM, SIGHUP]
    /// How long a stopped child gets between SIGTERM and SIGKILL.
    static let grace: TimeInterval = 2

    private let lock = NSLock()
    /// False for the watch installed at start-up until a phase takes it over.
    private var claimed = true
    private var received: Int32?
    private var handlers: [@Sendable (Int32) -> Void] = []
    private var sources: [DispatchSourceSignal] = []
    private var previous: [Int32: sig_t?] = [:]

    private static let fromStartUp = NSLock()
    nonisolated(unsafe) private static var unclaimed: SignalWatch?

    /// Watches from the first instruction of a command, before its
    /// arguments are even parsed: until a phase takes the watch over
    /// (`start`), a signal stops what trim started and exits 130 at once,
    /// as nothing has begun that could be left half done; afterwards it
    /// is the phase's to handle. Without this a signal in the first moments
    /// would kill trim with the signal's own status.
    public static func watchFromStartUp() {
        let watch = SignalWatch()
        watch.claimed = false
        watch.install()
        fromStartUp.withLock { unclaimed = watch }
    }

    /// Starts watching (or takes over the watch installed at start-up);
    /// `stop()` (or release) restores the previous handlers.
    public static func start() -> SignalWatch {
        if let watch = fromStartUp.withLock({ () -> SignalWatch? in defer { unclaimed = nil }; return unclaimed }) {
            watch.lock.withLock { watch.claimed = true }
            return watch
        }
        let watch = SignalWatch()
        watch.install()
        return watch
    }

    private func install() {
        let watch = self
        for signal in Self.signals {
            watch.previous[signal] = Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { [weak watch] in watch?.deliver(signal) }
            source.resume()
            watch.sources.append(source)
        }
    }

    private func deliver(_ signal: Int32) {
        guard lock.withLock({ claimed }) else {
            ChildGroups.shared.stopAll(signal: SIGTERM, grace: Self.grace)
            exit(130)
        }
        let first = lock.withLock { () -> [(@Sendable (Int32) -> Void)]? in
            guard received == nil else { return nil }
            received = signal
            return handlers
        }
        guard let first else { return }
        // The phase hears it first (the test phase marks the run cancelled
        // by the signal), then everything trim started is stopped.
        first.forEach { $0(signal) }
        ChildGroups.shared.stopAll(signal: SIGTERM, grace: Self.grace)
    }

    /// Runs a command's pipeline with signals watched: a failure that
    /// follows a signal (cargo, a worker or a listing stopped by it) is
    /// reported as the interruption it is, never as that failure.
    public static func guarding<T>(_ body: (SignalWatch) throws(TrimError) -> T) throws(TrimError) -> T {
        let watch = start()
        defer { watch.stop() }
        do {
            return try body(watch)
        } catch {
            try watch.check()
            throw error
        }
    }

    /// `handler` runs once, on the first signal (at once if one came already).
    public func onSignal(_ handler: @escaping @Sendable (Int32) -> Void) {
        let already = lock.withLock { () -> Int32? in
            if received == nil { handlers.append(handler) }
            return received
        }
        if let already { handler(already) }
    }

    /// The signal received, if any.
    public var signal: Int32? { lock.withLock { received } }

    /// Throws `.interrupted` once a signal came.
    public func check() throws(TrimError) {
        if let signal { throw .interrupted(signal: signal) }
    }

    public func stop() {
        let (sources, previous) = lock.withLock { () -> ([DispatchSourceSignal], [Int32: sig_t?]) in
            defer {
                self.sources = []
                self.previous = [:]
            }
            return (self.sources, self.previous)
        }
        sources.forEach { $0.cancel() }
        for (signal, handler) in previous { Glibc.signal(signal, handler ?? SIG_DFL) }
    }

    deinit { stop() }
}
