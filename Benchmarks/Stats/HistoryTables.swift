import Foundation

/// What `trim simulate-history` recorded for one history (its `--csv` and,
/// beside it, its `--mutants-csv`), summed up for history-bench.sh's tables.
struct HistoryFigures {
    static let grains = ["block", "function", "file"]
    static let goal = 1.15

    let name: String
    /// Commits compared (status "compared" with tests); nil when none, so
    /// the table shows an empty cell rather than a count nobody measured.
    var compared: Int?
    var failing: Int?
    var mutantsTried: Int?
    var mutantsCaught: Int?
    var mutantsUnviable: Int?
    var nondeterministic = 0
    var unexplained = 0
    var missedChanges = 0
    var killed = 0
    var killedSelectedByBlock = 0
    /// % of the tests selected per compared commit, per grain and "affected" (the floor).
    var shares: [String: [Double]] = [:]
    var missed: [String: Int] = [:]
    var missedUnderMutants: [String: Int] = [:]

    init(name: String, commitsCSV path: String) throws(StatsError) {
        self.name = name
        for row in try CSVFile.rows(path) {
            for grain in Self.grains { missedUnderMutants[grain, default: 0] += count(row["mutant_missed_\(grain)"]) }
            mutantsTried = (mutantsTried ?? 0) + count(row["mutants_tried"])
            mutantsCaught = (mutantsCaught ?? 0) + count(row["mutants_caught"])
            mutantsUnviable = (mutantsUnviable ?? 0) + count(row["mutants_unviable"])
            let total = count(row["tests_total"])
            guard row["status"] == "compared", total > 0 else { continue }
            compared = (compared ?? 0) + 1
            failing = (failing ?? 0) + count(row["failing"])
            nondeterministic += count(row["nondeterministic"])
            missedChanges += count(row["unexplained_missed"])
            unexplained += (row["unexplained_tests"] ?? "").split(separator: ";").count
            for grain in Self.grains {
                shares[grain, default: []].append(percent(row["selected_\(grain)"], of: total))
                missed[grain, default: 0] += count(row["missed_\(grain)"])
            }
            if let affected = row["affected"], !affected.isEmpty {
                shares["affected", default: []].append(percent(affected, of: total))
            }
        }
        let mutantsPath = path.hasSuffix(".csv") ? String(path.dropLast(4)) + "-mutants.csv" : path
        if FileManager.default.fileExists(atPath: mutantsPath) {
            for row in try CSVFile.rows(mutantsPath) {
                killed += count(row["killed"])
                killedSelectedByBlock += count(row["killed_selected_block"])
            }
        }
    }

    func average(_ grain: String) -> Double {
        let values = shares[grain] ?? []
        return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    func median(_ grain: String) -> Double {
        let sorted = (shares[grain] ?? []).sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank 90th percentile.
    func p90(_ grain: String) -> Double {
        let sorted = (shares[grain] ?? []).sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[Int(0.9 * Double(sorted.count) + 0.999999) - 1]
    }

    /// The ratio of two grains' average shares, 0 when the second is 0.
    func ratio(_ grain: String, to other: String) -> Double {
        let denominator = average(other)
        return denominator == 0 ? 0 : average(grain) / denominator
    }

    var missedAnywhere: Int {
        Self.grains.reduce(0) { $0 + (missed[$1] ?? 0) + (missedUnderMutants[$1] ?? 0) }
    }
}

private func count(_ text: String?) -> Int { Int(text ?? "") ?? 0 }

private func percent(_ part: String?, of total: Int) -> Double { 100 * Double(count(part)) / Double(total) }

/// The three tables history-bench.sh prints: selection (with the verdict
/// against block/floor <= 1.15x), the floor, and safety.
func historyTables(_ histories: [HistoryFigures]) -> String {
    var out: [String] = []
    func row(_ cells: [(String, Int)]) {
        out.append(cells.enumerated().map { index, cell in index == 0 ? leftAligned(cell.0, 12) : rightAligned(cell.0, cell.1) }
            .joined(separator: " "))
    }
    func optional(_ value: Int?) -> String { value.map(String.init) ?? "" }
    func triple(_ h: HistoryFigures, _ grain: String) -> String {
        "\(fixed(h.average(grain), 1)) / \(fixed(h.median(grain), 1)) / \(fixed(h.p90(grain), 1))"
    }
    let selectionWidths = [12, 8, 19, 19, 19, 6, 12, 15, 11, 11]
    row(zip(["selection", "commits", "block avg/med/P90", "function avg/med/P90", "file avg/med/P90", "floor",
             "block/floor", "block/function", "block/file", "<= 1.15x"], selectionWidths).map { ($0, $1) })
    for h in histories {
        let blockToFloor = h.ratio("block", to: "affected")
        let verdict = h.missedAnywhere > 0 ? "no (missed \(h.missedAnywhere))"
            : blockToFloor <= HistoryFigures.goal ? "yes"
            : "no (+\(fixed(100 * (blockToFloor / HistoryFigures.goal - 1), 0))%)"
        row(zip([h.name, optional(h.compared), triple(h, "block"), triple(h, "function"), triple(h, "file"),
                 fixed(h.average("affected"), 1), fixed(blockToFloor, 2), fixed(h.ratio("block", to: "function"), 2),
                 fixed(h.ratio("block", to: "file"), 2), verdict], selectionWidths).map { ($0, $1) })
    }
    out.append("(% of the tests selected per compared commit; floor: the average % affected; goal: block/floor <= 1.15")
    out.append(" with nothing missed at any grain, commits and mutants; block/function and block/file for the record)")
    out.append("")
    let floorWidths = [12, 22, 17, 26]
    row(zip(["floor", "affected avg/med/P90", "nondeterministic", "unexplained (missed change)"], floorWidths).map { ($0, $1) })
    for h in histories {
        row(zip([h.name, triple(h, "affected"), String(h.nondeterministic), "\(h.unexplained) (\(h.missedChanges))"],
                floorWidths).map { ($0, $1) })
    }
    out.append("(affected: tests that are new, failed before, or changed outcome or path in the full runs: every")
    out.append(" sound selector picks them. nondeterministic: paths that differ between two runs of one build;")
    out.append(" unexplained: other paths without a changed block executed, of which missed change: a real miss)")
    out.append("")
    let safetyWidths = [12, 9, 22, 33, 28, 36]
    row(zip(["safety", "failing", "missed block/fn/file", "mutants run / caught (unviable)",
             "killed / selected by block", "missed under mutants block/fn/file"], safetyWidths).map { ($0, $1) })
    for h in histories {
        let missed = HistoryFigures.grains.map { String(h.missed[$0] ?? 0) }.joined(separator: " / ")
        let missedUnderMutants = HistoryFigures.grains.map { String(h.missedUnderMutants[$0] ?? 0) }.joined(separator: " / ")
        row(zip([h.name, optional(h.failing), missed,
                 "\(optional(h.mutantsTried)) / \(optional(h.mutantsCaught)) (\(optional(h.mutantsUnviable)))",
                 "\(h.killed) / \(h.killedSelectedByBlock)", missedUnderMutants], safetyWidths).map { ($0, $1) })
    }
    out.append("(failing: tests failing in the full run of each commit; missed: failing tests a grain would have skipped)")
    return out.joined(separator: "\n")
}

func leftAligned(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func rightAligned(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

/// A CSV file as simulate-history writes it (RFC 4180 quoting, one record
/// per line), its rows as header -> field.
enum CSVFile {
    static func rows(_ path: String) throws(StatsError) -> [[String: String]] {
        let text = try readText(path)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let headerLine = lines.first else { throw .unreadable(path: path, reason: "no header line") }
        let header = try fields(headerLine, path: path, line: 1)
        var rows: [[String: String]] = []
        for (offset, line) in lines.dropFirst().enumerated() {
            let values = try fields(line, path: path, line: offset + 2)
            var row: [String: String] = [:]
            for (column, value) in zip(header, values) where row[column] == nil { row[column] = value }
            rows.append(row)
        }
        return rows
    }

    static func fields(_ line: String, path: String, line number: Int) throws(StatsError) -> [String] {
        var fields: [String] = []
        var rest = Substring(line)
        while true {
            var field = ""
            if rest.first == "\"" {
                rest.removeFirst()
                while true {
                    guard let quote = rest.firstIndex(of: "\"") else {
                        throw .unreadable(path: path, reason: "line \(number): unterminated quoted field")
                    }
                    field += rest[..<quote]
                    rest = rest[rest.index(after: quote)...]
                    guard rest.first == "\"" else { break }
                    field += "\""
                    rest.removeFirst()
                }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                field = String(rest[..<end])
                guard !field.contains("\"") else { throw .unreadable(path: path, reason: "line \(number): a quote inside an unquoted field") }
                rest = rest[end...]
            }
            fields.append(field)
            if rest.isEmpty { return fields }
            guard rest.first == "," else { throw .unreadable(path: path, reason: "line \(number): text after a quoted field") }
            rest.removeFirst()
        }
    }
}
