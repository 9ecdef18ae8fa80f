/// Where a failing test panicked, from libtest's captured output:
/// `thread 'name' (123) panicked at src/lib.rs:31:9:` then the message.
struct PanicLocation: Equatable {
    var file: String
    var line: Int
    var column: Int
    var message: String

    static func find(in output: String) -> PanicLocation? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, line) in lines.enumerated() {
            guard line.hasPrefix("thread "), let marker = line.range(of: " panicked at ") else { continue }
            var location = String(line[marker.upperBound...])
            if location.hasSuffix(":") { location.removeLast() }
            let parts = location.split(separator: ":")
            guard parts.count >= 3, let lineNumber = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1])
            else { continue }
            let file = parts.dropLast(2).joined(separator: ":")
            // The message runs until the backtrace note or libtest's own lines.
            var message: [String] = []
            for next in lines[(index + 1)...] {
                if next.hasPrefix("note: ") || next.hasPrefix("stack backtrace:") || next.hasPrefix("test ")
                    || next.hasPrefix("thread ") || next.isEmpty { break }
                message.append(next)
            }
            return PanicLocation(file: file, line: lineNumber, column: column,
                                 message: message.isEmpty ? "panicked" : message.joined(separator: "\n"))
        }
        return nil
    }
}
