/// Anything that consumes the event stream. Called from one queue at a time.
public protocol TestReporter: AnyObject, Sendable {
    func handle(_ event: TestEvent)
}

/// Several reporters fed the same stream, in order.
public final class ReporterFanOut: TestReporter, @unchecked Sendable {
    private let reporters: [TestReporter]
    public init(_ reporters: [TestReporter]) { self.reporters = reporters }
    public func handle(_ event: TestEvent) { reporters.forEach { $0.handle(event) } }
}
