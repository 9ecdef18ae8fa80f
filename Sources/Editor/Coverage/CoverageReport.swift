import Foundation
import TrimModel

/// `trim coverage` and `trim path` output, as text or JSON.
public enum CoverageReport {
    public static func lines(_ index: CoverageIndex, file: String, line: UInt32?, json: Bool) -> String {
        let rows: [(line: UInt32, tests: [TestCoverage])] =
            line.map { [($0, index.tests(executing: file, line: $0))] } ?? index.lines(of: file)
        if json {
            return encode([
                "file": file,
                "lines": rows.map { row in ["line": Int(row.line), "tests": row.tests.map(testObject)] as [String: Any] },
            ])
        }
        if rows.allSatisfy({ $0.tests.isEmpty }) {
            return "no recorded test executed \(file)" + (line.map { ":\($0)" } ?? "") + "\n"
        }
        return rows.map { row in
            "\(file):\(row.line): " + (row.tests.isEmpty ? "no test"
                : row.tests.map { "\($0.key) (\($0.outcome.rawValue))" }.joined(separator: ", "))
        }.joined(separator: "\n") + "\n"
    }

    public static func path(_ test: TestCoverage, json: Bool) -> String {
        let files = test.lines.keys.sorted().map { ($0, LineRange.ranges(of: test.lines[$0]!)) }
        if json {
            var object = testObject(test)
            object["coverage"] = test.coverage.rawValue
            object["files"] = files.map { file, ranges in
                ["file": file, "ranges": ranges.map { [Int($0.first), Int($0.last)] }] as [String: Any]
            }
            return encode(object)
        }
        var text = "\(test.key) (\(test.outcome.rawValue), \(String(format: "%.2f", test.duration)) s"
            + (test.coverage == .complete ? "" : ", coverage \(test.coverage.rawValue)") + ")\n"
        if files.isEmpty { text += "  no recorded lines\n" }
        for (file, ranges) in files { text += "  \(file): " + ranges.map(\.text).joined(separator: ", ") + "\n" }
        return text
    }

    static func testObject(_ test: TestCoverage) -> [String: Any] {
        ["binary": test.key.binary, "name": test.key.name, "outcome": test.outcome.rawValue,
         "duration": test.duration]
    }

    static func encode(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
