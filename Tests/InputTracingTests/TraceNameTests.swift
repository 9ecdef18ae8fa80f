import Testing

@testable import InputTracing

/// Which files of the trace directory belong to an attempt: the interposer's
/// `<stem>.<pid>.io` and `<stem>.<pid>-x<n>.io`, nothing else.
@Suite struct TraceNameTests {
    @Test func onlyTheInterposersNamesCount() {
        let prefix = "12-1."
        for name in ["12-1.4242.io", "12-1.7.io", "12-1.4242-x1.io", "12-1.4242-x12.io", "12-1.4242-x.io"] {
            #expect(TraceSession.isTraceName(name, prefix: prefix), "\(name)")
        }
        for name in ["12-1..io", "12-1.io", "12-1.4242.io.tmp", "12-1.4242.cov", "12-1.42a.io", "12-1.-x1.io",
                     "12-1.4242-.io", "12-1.4242-y1.io", "12-1.4242-x1a.io", "12-10.4242.io", "13-1.4242.io",
                     "12-1.٣.io"] {
            #expect(!TraceSession.isTraceName(name, prefix: prefix), "\(name)")
        }
    }
}
