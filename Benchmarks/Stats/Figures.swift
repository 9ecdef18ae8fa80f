import Foundation

/// The median of values as the scripts print them: an odd count gives the
/// middle value as written, an even one the mean of the two middle values
/// with `decimals` digits. Values that are all "-" (a figure the measured
/// trim does not print) give "-".
func median(ofWritten values: [String], decimals: Int) throws(StatsError) -> String {
    guard !values.isEmpty else { throw .noNumbers }
    if values.allSatisfy({ $0 == "-" }) { return "-" }
    if values.contains("-") { throw .mixedDashes }
    var numbers: [(text: String, value: Double)] = []
    for text in values { numbers.append((text, try number(text))) }
    numbers.sort { $0.value < $1.value }
    let middle = numbers.count / 2
    return numbers.count % 2 == 1 ? numbers[middle].text
        : fixed((numbers[middle - 1].value + numbers[middle].value) / 2, decimals)
}

/// User plus system seconds from a file GNU time wrote with `-f "%U %S"`
/// (its last line: the command's own output may come before it).
func gnuTimeCPUSeconds(_ path: String) throws(StatsError) -> Double {
    let text = try readText(path)
    guard let last = text.split(separator: "\n").last else { throw .unreadable(path: path, reason: "empty") }
    let fields = last.split(separator: " ").map(String.init)
    guard fields.count == 2 else { throw .unreadable(path: path, reason: "expected 'USER SYSTEM', got '\(last)'") }
    return try number(fields[0]) + number(fields[1])
}

/// How much faster a cost grows per test from sizes[1] to sizes[2] than
/// from sizes[0] to sizes[1]: about 1 when the cost is linear.
func growth(sizes: [Double], costs: [Double]) throws(StatsError) -> String {
    guard sizes[1] != sizes[0], sizes[2] != sizes[1] else { throw .divisionByZero("growth: sizes must differ") }
    var early = (costs[1] - costs[0]) / (sizes[1] - sizes[0])
    if early <= 0 { early = 0.001 }
    let late = (costs[2] - costs[1]) / (sizes[2] - sizes[1])
    return fixed(late / early, 2)
}

/// Of each line holding `text`, its whitespace-separated field `fromEnd`
/// places before the last; "-" when no line holds `text`.
func fields(holding text: String, fromEnd: Int, in log: String) throws(StatsError) -> String {
    var found: [String] = []
    for line in log.split(separator: "\n") where line.contains(text) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count > fromEnd else { throw .tooFewFields(line: String(line)) }
        found.append(String(fields[fields.count - 1 - fromEnd]))
    }
    return found.isEmpty ? "-" : found.joined(separator: "\n")
}

func readText(_ path: String) throws(StatsError) -> String {
    guard let file = FileHandle(forReadingAtPath: path) else { throw .unreadable(path: path, reason: "cannot open it") }
    defer { try? file.close() }
    return String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
}
