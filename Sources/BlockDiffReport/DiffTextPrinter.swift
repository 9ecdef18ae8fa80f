/// BlockDiffReport: turns a `BitcodeDiff` into text for people or JSON for
/// tools. Knows nothing about LLVM; never changes the diff.
import BlockIR

public enum DiffTextPrinter {
    public static func render(_ diff: BitcodeDiff) -> String {
        var lines: [String] = []
        for module in diff.modules {
            lines.append("\(module.status.rawValue) module  \(module.path)")
        }
        let width = 8
        for f in diff.functions {
            let status = f.status.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("\(status) \(f.name)  \(location(f.file, f.line))")
            guard f.status == .changed else { continue }
            for b in f.blocks {
                lines.append("           block \(b.index) \(b.status.rawValue)  \(location(b.file, b.line))")
            }
        }
        lines.append(summaryLine(diff.summary))
        return lines.joined(separator: "\n") + "\n"
    }

    static func summaryLine(_ s: BitcodeDiff.Summary) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return "\(plural(s.functionsChanged, "function")) changed, \(s.functionsAdded) added, "
            + "\(s.functionsRemoved) removed; \(plural(s.blocksChanged, "block")) changed"
    }

    static func location(_ file: String?, _ line: Int) -> String {
        guard let file else { return "(no debug location)" }
        return line > 0 ? "\(file):\(line)" : file
    }
}
