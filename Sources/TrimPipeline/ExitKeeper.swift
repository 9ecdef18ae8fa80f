import Foundation

/// Values a one-shot command leaves for the end of the process to free. A
/// run's records, fingerprints and maps are many small dictionaries and
/// arrays; releasing them one by one after the summary costs milliseconds,
/// where the exit frees the whole address space at once. Only for a process
/// that ends after one run (`trim run`): a long-lived one (watch, lsp, the
/// history replay) passes none, and frees as usual.
public final class ExitKeeper: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [Any] = []

    /// The one that lives as long as the process (a global is never freed).
    public static let forProcess = ExitKeeper()

    init() {}

    func keep(_ values: Any...) {
        lock.withLock { kept.append(contentsOf: values) }
    }
}
