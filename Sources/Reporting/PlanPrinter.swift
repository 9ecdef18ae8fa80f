import Foundation
import Selection

/// `trim plan`: what would run and why, for people or (with `--json`) tools.
public enum PlanPrinter {
    public static func text(_ selection: Selection) -> String {
        var lines = selection.selected.map { test -> String in
            let reason = test.reasons[0]
            return "\(test.key.binary) \(test.key.name)  [\(reason.kind.rawValue)] \(reason.detail)"
        }
        lines.append("\(selection.selected.count) of \(selection.total) tests selected (\(selection.granularity.rawValue) grain)")
        return lines.joined(separator: "\n") + "\n"
    }

    struct Document: Encodable {
        struct Test: Encodable {
            var binary: String
            var test: String
            var reasons: [Reason]
        }
        var granularity: String
        var total: Int
        var selected: [Test]
        var skipped: Int
    }

    public static func json(_ selection: Selection) -> String {
        let document = Document(
            granularity: selection.granularity.rawValue, total: selection.total,
            selected: selection.selected.map { .init(binary: $0.key.binary, test: $0.key.name, reasons: $0.reasons) },
            skipped: selection.skipped.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }
}
