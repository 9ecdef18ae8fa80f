import Foundation

/// rustc's diagnostics of a build taken from cargo's JSON messages instead
/// of cargo's rendering: warnings are counted (and shown only when asked),
/// errors are always shown. A replay of a real repository would otherwise
/// print thousands of lines of the same warnings, once per build. A warning
/// rustc gives twice in one build (the library, then its test harness) counts once.
public final class CompilerDiagnostics: @unchecked Sendable {
    public let showsWarnings: Bool
    private let write: @Sendable (String) -> Void
    private let lock = NSLock()
    private var seen: Set<String> = []

    public init(showsWarnings: Bool,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.showsWarnings = showsWarnings
        self.write = write
    }

    /// Warnings seen since the last `reset`.
    public var warnings: Int { lock.withLock { seen.count } }

    public func reset() { lock.withLock { seen = [] } }

    private struct Message: Decodable {
        struct Diagnostic: Decodable {
            var level: String
            var rendered: String?
        }
        var reason: String
        var message: Diagnostic?
    }

    /// One line of cargo's stdout; lines that are not compiler messages are ignored.
    func handle(_ line: Data) {
        guard line.first == UInt8(ascii: "{"), let decoded = try? JSONDecoder().decode(Message.self, from: line),
            decoded.reason == "compiler-message", let message = decoded.message
        else { return }
        guard let rendered = message.rendered else { return }
        if message.level == "warning" {
            let first = lock.withLock { seen.insert(rendered).inserted }
            guard first && showsWarnings else { return }
        } else if !message.level.hasPrefix("error") && !showsWarnings {
            return
        }
        write(rendered.hasSuffix("\n") ? rendered : rendered + "\n")
    }
}
