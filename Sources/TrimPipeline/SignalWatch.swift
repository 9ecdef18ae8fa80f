import Foundation

/// Ctrl-C and SIGTERM while tests run: instead of dying (and leaving test
/// processes behind), trim stops scheduling, stops the running tests' process
/// groups, reports, and keeps every finished result.
enum SignalWatch {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func whileRunning<T>(cancel: @escaping @Sendable (Int32) -> Void,
                                _ body: () throws(TrimError) -> T) throws(TrimError) -> T {
        var sources: [DispatchSourceSignal] = []
        var previous: [Int32: sig_t?] = [:]
        for signal in signals {
            previous[signal] = Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { cancel(signal) }
            source.resume()
            sources.append(source)
        }
        defer {
            sources.forEach { $0.cancel() }
            for (signal, handler) in previous { Glibc.signal(signal, handler ?? SIG_DFL) }
        }
        return try body()
    }
}
