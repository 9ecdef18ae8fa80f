// The benchmark scripts' arithmetic on measured figures:
//
//   trim-bench-stats summary [--decimals N] numbers on stdin -> "median min max" (4 decimals unless N)
//   trim-bench-stats median --decimals N   numbers on stdin -> the middle one as written, or the mean
//                                          of the two middle ones with N decimals; "-" when every
//                                          value is "-" (a figure the measured trim does not print)
//   trim-bench-stats max                   numbers on stdin -> the largest, as written
//   trim-bench-stats hyperfine NAME JSON... the runs of command NAME (hyperfine -n NAME)
//                                          in these --export-json files -> "median min max cpu"
//                                          (cpu: median user+system seconds, 3 decimals)
//   trim-bench-stats exit-codes MAX JSON   fails naming the command if a run exited above MAX
//   trim-bench-stats ratio A B             A / B, 2 decimals
//   trim-bench-stats verdict VALUE LIMIT [MARGIN]
//                                          PASS when VALUE <= LIMIT (+ MARGIN), else MISS
//   trim-bench-stats paired [--decimals N] "A1 A2 ..." "B1 B2 ..."
//                                          one figure of each build per round -> "median low high" of
//                                          B - A by round, with a 95 % bootstrap interval (4 decimals unless N)
//   trim-bench-stats difference [--decimals N] A B [C...]
//                                          A - B - C ..., 4 decimals unless N
//   trim-bench-stats ms SECONDS            milliseconds, 1 decimal
//   trim-bench-stats elapsed-ms START END  (END - START) seconds in milliseconds, 1 decimal
//   trim-bench-stats cpu-ms FILE           GNU time's "%U %S" in FILE -> user + system ms, no decimals
//   trim-bench-stats mib KIB               MiB, no decimals
//   trim-bench-stats growth N1 N2 N3 A B C how much faster a cost grows from N2 to N3 than from N1 to N2:
//                                          ((C - B) / (N3 - N2)) / ((B - A) / (N2 - N1)), 2 decimals
//                                          (an early slope <= 0 counts as 0.001)
//   trim-bench-stats field TEXT K [FILE]   of each line holding TEXT (FILE or stdin), the field K
//                                          places before the last (0: the last); "-" when no line holds it
//   trim-bench-stats cargo-seconds [--decimals N]
//                                          a cargo log on stdin -> its last "Finished ... in" time, 4 decimals unless N
//   trim-bench-stats history-tables NAME=CSV...
//                                          history-bench.sh's selection, floor and safety tables from
//                                          simulate-history's --csv files (and the -mutants.csv beside each)
//
// Exit status 2, with a message naming what was wrong, on bad input.
import Foundation

func readStandardInput() -> String {
    String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
}

func standardInputNumbers() throws(StatsError) -> [String] {
    readStandardInput().split(whereSeparator: { $0.isWhitespace }).map(String.init)
}

func run(_ arguments: [String]) throws(StatsError) -> String {
    guard let command = arguments.first else { throw .usage("expected a command (summary, hyperfine, ratio, ...)") }
    var operands = Array(arguments.dropFirst())
    /// Takes `--decimals N` out of the operands.
    func decimals(default fallback: Int?) throws(StatsError) -> Int {
        guard let at = operands.firstIndex(of: "--decimals") else {
            guard let fallback else { throw .usage("\(command): --decimals N is required") }
            return fallback
        }
        guard at + 1 < operands.count, let value = Int(operands[at + 1]), (0...9).contains(value) else {
            throw .usage("\(command): --decimals takes a number in 0...9")
        }
        operands.removeSubrange(at...(at + 1))
        return value
    }
    func expect(_ count: Int, _ names: String) throws(StatsError) {
        guard operands.count == count else { throw .usage("\(command): expected \(names)") }
    }
    switch command {
    case "summary":
        let places = try decimals(default: 4)
        try expect(0, "numbers on standard input")
        var values: [Double] = []
        for text in try standardInputNumbers() { values.append(try number(text)) }
        return try Summary(values).line(decimals: places)
    case "median":
        let places = try decimals(default: nil)
        try expect(0, "numbers on standard input")
        return try median(ofWritten: try standardInputNumbers(), decimals: places)
    case "max":
        try expect(0, "numbers on standard input")
        var largest: (text: String, value: Double)?
        for text in try standardInputNumbers() {
            let value = try number(text)
            if largest == nil || value > largest!.value { largest = (text, value) }
        }
        guard let largest else { throw .noNumbers }
        return largest.text
    case "hyperfine":
        guard operands.count >= 2 else { throw .usage("hyperfine: expected NAME JSON...") }
        let runs = try CommandRuns(named: operands[0], in: Array(operands.dropFirst()))
        return try Summary(runs.wall).line() + " " + fixed(Summary(runs.cpu).median, 3)
    case "exit-codes":
        try expect(2, "MAX JSON")
        guard let highest = Int(operands[0]) else { throw .notANumber(operands[0]) }
        try HyperfineExport.read(operands[1]).checkExitCodes(atMost: highest, path: operands[1])
        return ""
    case "ratio":
        try expect(2, "A B")
        let (a, b) = (try number(operands[0]), try number(operands[1]))
        guard b != 0 else { throw .divisionByZero("ratio \(operands[0]) / \(operands[1])") }
        return fixed(a / b, 2)
    case "verdict":
        guard operands.count == 2 || operands.count == 3 else { throw .usage("verdict: expected VALUE LIMIT [MARGIN]") }
        let margin = operands.count == 3 ? try number(operands[2]) : 0
        return try number(operands[0]) <= number(operands[1]) + margin ? "PASS" : "MISS"
    case "paired":
        let places = try decimals(default: 4)
        try expect(2, "\"A1 A2 ...\" \"B1 B2 ...\"")
        func figures(_ text: String) throws(StatsError) -> [Double] {
            var values: [Double] = []
            for word in text.split(whereSeparator: { $0.isWhitespace }) { values.append(try number(String(word))) }
            return values
        }
        return try pairedDifference(first: figures(operands[0]), second: figures(operands[1]), decimals: places)
    case "difference":
        let places = try decimals(default: 4)
        guard operands.count >= 2 else { throw .usage("difference: expected A B [C...]") }
        var result = try number(operands[0])
        for operand in operands.dropFirst() { result -= try number(operand) }
        return fixed(result, places)
    case "ms":
        try expect(1, "SECONDS")
        return fixed(try number(operands[0]) * 1000, 1)
    case "elapsed-ms":
        try expect(2, "START END")
        return fixed((try number(operands[1]) - number(operands[0])) * 1000, 1)
    case "cpu-ms":
        try expect(1, "FILE (GNU time -f '%U %S')")
        return fixed(try gnuTimeCPUSeconds(operands[0]) * 1000, 0)
    case "growth":
        try expect(6, "N1 N2 N3 A B C")
        var values: [Double] = []
        for operand in operands { values.append(try number(operand)) }
        return try growth(sizes: Array(values[0..<3]), costs: Array(values[3..<6]))
    case "field":
        guard operands.count == 2 || operands.count == 3 else { throw .usage("field: expected TEXT K [FILE]") }
        guard let fromEnd = Int(operands[1]), fromEnd >= 0 else { throw .notANumber(operands[1]) }
        let log = operands.count == 3 ? try readText(operands[2]) : readStandardInput()
        return try fields(holding: operands[0], fromEnd: fromEnd, in: log)
    case "mib":
        try expect(1, "KIB")
        return fixed(try number(operands[0]) / 1024, 0)
    case "cargo-seconds":
        let places = try decimals(default: 4)
        try expect(0, "a cargo log on standard input")
        return fixed(try cargoFinishedSeconds(in: readStandardInput()), places)
    case "history-tables":
        guard !operands.isEmpty else { throw .usage("history-tables: expected NAME=CSV...") }
        var histories: [HistoryFigures] = []
        for operand in operands {
            guard let equals = operand.firstIndex(of: "="), equals != operand.startIndex else {
                throw .usage("history-tables: expected NAME=CSV, got '\(operand)'")
            }
            histories.append(try HistoryFigures(name: String(operand[..<equals]),
                                                commitsCSV: String(operand[operand.index(after: equals)...])))
        }
        return historyTables(histories)
    default:
        throw .usage("unknown command '\(command)'")
    }
}

do {
    let output = try run(Array(CommandLine.arguments.dropFirst()))
    if !output.isEmpty { print(output) }
} catch {
    FileHandle.standardError.write(Data("trim-bench-stats: \(error)\n".utf8))
    exit(2)
}
