import Foundation
import Selection

/// RFC 4180 CSV: fields with a comma, a quote or a line break are quoted,
/// quotes doubled; lines end with `\n`.
public enum CSV {
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\n"
    }

    /// Rows of fields; a trailing line break ends the last row.
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" || c == "\r\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else if c != "\r" {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Rows as header → value, from a text whose first row is the header.
    public static func records(_ text: String) -> [[String: String]] {
        let rows = parse(text)
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { row in
            Dictionary(zip(header, row).map { ($0, $1) }, uniquingKeysWith: { a, _ in a })
        }
    }
}

/// The commit CSV (`--csv`) and the mutant CSV (`--mutants-csv`).
public enum HistoryCSV {
    public static let commitColumns = [
        "commit", "subject", "status", "files_changed", "tests_total", "rustc_warnings",
        "selected_block", "selected_function", "selected_file", "affected", "nondeterministic",
        "unexplained_missed", "failing", "missed_block", "missed_function", "missed_file",
        "build_seconds", "selection_seconds", "full_run_seconds",
        "mutants_tried", "mutants_unviable", "mutants_caught", "mutant_missed_block", "mutant_missed_function",
        "mutant_missed_file", "failing_tests", "missed_tests", "unexplained_tests", "note",
    ]

    public static func commits(_ records: [CommitRecord]) -> String {
        CSV.line(commitColumns) + records.map(commitRow).joined()
    }

    /// One commit's line, without the header.
    public static func commitRow(_ r: CommitRecord) -> String {
        let compared = r.status == .compared
        func count(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        var fields = [r.commit, r.subject, r.status.rawValue, String(r.filesChanged), count(r.testsTotal),
                      count(r.rustcWarnings)]
        fields += historyGrains.map { compared ? count(r.selected[$0]) : "" }
        fields.append(compared ? count(r.affected) : "")
        fields.append(compared ? String(r.nondeterministic) : "")
        fields.append(compared ? String(r.unexplainedMissed) : "")
        fields.append(count(r.failing))
        fields += historyGrains.map { compared ? count(r.missed[$0]) : "" }
        fields += [seconds(r.buildSeconds), seconds(r.selectionSeconds), seconds(r.fullRunSeconds)]
        fields += [String(r.mutantsTried), String(r.mutantsUnviable), String(r.mutantsCaught)]
        fields += historyGrains.map { String(r.mutantMissed[$0] ?? 0) }
        fields += [r.failingTests.joined(separator: ";"), r.missedTests.joined(separator: ";"),
                   r.unexplainedTests.joined(separator: ";"), oneLine(r.note)]
        return CSV.line(fields)
    }

    public static let mutantColumns = [
        "commit", "file", "line", "column", "operator", "original", "replacement", "test_code", "status",
        "failing", "killed", "killed_selected_block", "selected_block", "selected_function", "selected_file",
        "missed_block", "missed_function", "missed_file", "killed_tests", "missed_tests", "note",
    ]

    public static func mutants(_ records: [MutantRecord]) -> String {
        CSV.line(mutantColumns) + records.map(mutantRow).joined()
    }

    /// One mutant's line, without the header.
    public static func mutantRow(_ r: MutantRecord) -> String {
        let m = r.mutation
        let ran = r.status == .caught || r.status == .survived
        var fields = [r.commit, m.file, String(m.line), String(m.column), m.kind.rawValue, m.original,
                      m.replacement, m.inTestCode ? "1" : "0", r.status.rawValue, ran ? String(r.failing.count) : "",
                      ran ? String(r.killed.count) : "", ran ? String(r.killedSelectedByBlock) : ""]
        fields += historyGrains.map { ran ? String(r.selected[$0] ?? 0) : "" }
        fields += historyGrains.map { ran ? String(r.missed[$0]?.count ?? 0) : "" }
        fields.append(r.killed.joined(separator: ";"))
        fields.append(historyGrains.flatMap { g in (r.missed[g] ?? []).map { "\(g.rawValue):\($0)" } }
            .joined(separator: ";"))
        fields.append(oneLine(r.note))
        return CSV.line(fields)
    }

    /// Notes (error messages) on one line, so a row is a line: tools that read lines still work.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " | ")
    }

    /// Reads back a commit CSV (the columns it needs; others are ignored).
    public static func parseCommits(_ text: String) -> [CommitRecord] {
        CSV.records(text).compactMap { row -> CommitRecord? in
            guard let commit = row["commit"], let status = row["status"].flatMap(CommitRecord.Status.init(rawValue:))
            else { return nil }
            var record = CommitRecord(commit: commit, subject: row["subject"] ?? "", status: status,
                                      filesChanged: Int(row["files_changed"] ?? "") ?? 0)
            record.testsTotal = Int(row["tests_total"] ?? "")
            record.rustcWarnings = Int(row["rustc_warnings"] ?? "")
            record.failing = Int(row["failing"] ?? "")
            record.affected = Int(row["affected"] ?? "")
            record.nondeterministic = Int(row["nondeterministic"] ?? "") ?? 0
            record.unexplainedMissed = Int(row["unexplained_missed"] ?? "") ?? 0
            for grain in historyGrains {
                record.selected[grain] = Int(row["selected_\(grain.rawValue)"] ?? "")
                record.missed[grain] = Int(row["missed_\(grain.rawValue)"] ?? "")
                record.mutantMissed[grain] = Int(row["mutant_missed_\(grain.rawValue)"] ?? "") ?? 0
            }
            record.buildSeconds = Double(row["build_seconds"] ?? "")
            record.selectionSeconds = Double(row["selection_seconds"] ?? "")
            record.fullRunSeconds = Double(row["full_run_seconds"] ?? "")
            record.mutantsTried = Int(row["mutants_tried"] ?? "") ?? 0
            record.mutantsUnviable = Int(row["mutants_unviable"] ?? "") ?? 0
            record.mutantsCaught = Int(row["mutants_caught"] ?? "") ?? 0
            record.failingTests = (row["failing_tests"] ?? "").split(separator: ";").map(String.init)
            record.missedTests = (row["missed_tests"] ?? "").split(separator: ";").map(String.init)
            record.unexplainedTests = (row["unexplained_tests"] ?? "").split(separator: ";").map(String.init)
            record.note = row["note"] ?? ""
            return record
        }
    }
}
