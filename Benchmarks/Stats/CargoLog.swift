import Foundation

/// Seconds of cargo's own timing in its last `Finished ... in 3.69s` (or
/// `in 1m 05s`, or `in 450ms`) line.
func cargoFinishedSeconds(in log: String) throws(StatsError) -> Double {
    guard let line = log.split(separator: "\n").last(where: { $0.contains("Finished ") && $0.contains(" in ") }),
          let duration = line.components(separatedBy: " in ").last
    else { throw .noCargoFinished }
    var seconds = 0.0
    for field in duration.split(separator: " ") {
        let value = leadingNumber(field)
        seconds += field.hasSuffix("ms") ? value / 1000 : field.hasSuffix("m") ? 60 * value : value
    }
    return seconds
}

/// The number a field starts with ("05s" -> 5, "3.69s" -> 3.69, "1m" -> 1), 0 if none.
private func leadingNumber(_ field: Substring) -> Double {
    let digits = field.prefix { $0.isNumber || $0 == "." }
    return Double(digits) ?? 0
}
