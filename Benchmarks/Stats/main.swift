// The benchmark scripts' arithmetic on measured figures:
//
//   trim-bench-stats summary               numbers on stdin -> "median min max" (4 decimals)
//   trim-bench-stats max                   numbers on stdin -> the largest, as written
//   trim-bench-stats hyperfine NAME JSON... the runs of command NAME (hyperfine -n NAME)
//                                          in these --export-json files -> "median min max cpu"
//                                          (cpu: median user+system seconds, 3 decimals)
//   trim-bench-stats exit-codes MAX JSON   fails naming the command if a run exited above MAX
//   trim-bench-stats ratio A B             A / B, 2 decimals
//   trim-bench-stats verdict VALUE LIMIT   PASS when VALUE <= LIMIT, else MISS
//   trim-bench-stats difference A B [C...] A - B - C ..., 4 decimals
//   trim-bench-stats ms SECONDS            milliseconds, 1 decimal
//   trim-bench-stats mib KIB               MiB, no decimals
//   trim-bench-stats cargo-seconds         a cargo log on stdin -> its last "Finished ... in" time, 4 decimals
//
// Exit status 2, with a message naming what was wrong, on bad input.
import Foundation

func standardInputNumbers() throws(StatsError) -> [String] {
    let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    return text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
}

func run(_ arguments: [String]) throws(StatsError) -> String {
    guard let command = arguments.first else { throw .usage("expected a command (summary, hyperfine, ratio, ...)") }
    let operands = Array(arguments.dropFirst())
    func expect(_ count: Int, _ names: String) throws(StatsError) {
        guard operands.count == count else { throw .usage("\(command): expected \(names)") }
    }
    switch command {
    case "summary":
        try expect(0, "numbers on standard input")
        var values: [Double] = []
        for text in try standardInputNumbers() { values.append(try number(text)) }
        return try Summary(values).line
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
        return try Summary(runs.wall).line + " " + fixed(Summary(runs.cpu).median, 3)
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
        try expect(2, "VALUE LIMIT")
        return try number(operands[0]) <= number(operands[1]) ? "PASS" : "MISS"
    case "difference":
        guard operands.count >= 2 else { throw .usage("difference: expected A B [C...]") }
        var result = try number(operands[0])
        for operand in operands.dropFirst() { result -= try number(operand) }
        return fixed(result, 4)
    case "ms":
        try expect(1, "SECONDS")
        return fixed(try number(operands[0]) * 1000, 1)
    case "mib":
        try expect(1, "KIB")
        return fixed(try number(operands[0]) / 1024, 0)
    case "cargo-seconds":
        try expect(0, "a cargo log on standard input")
        let log = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        return fixed(try cargoFinishedSeconds(in: log), 4)
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
