import Foundation

/// Median, min and max of a benchmark's rounds.
struct Summary {
    let median: Double
    let min: Double
    let max: Double

    init(_ values: [Double]) throws(StatsError) {
        guard !values.isEmpty else { throw .noNumbers }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
    }

    /// "median min max": the line the benchmark scripts cut fields from.
    func line(decimals: Int = 4) -> String { [median, min, max].map { fixed($0, decimals) }.joined(separator: " ") }
}

/// `value` with `decimals` digits after the point, rounded as C's printf rounds.
func fixed(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}

enum StatsError: Error, CustomStringConvertible {
    case usage(String)
    case noNumbers
    case notANumber(String)
    case divisionByZero(String)
    case unreadable(path: String, reason: String)
    case noRuns(command: String, path: String)
    case failed(command: String, status: Int, path: String)
    case noCargoFinished
    case mixedDashes
    case tooFewFields(line: String)

    var description: String {
        switch self {
        case .usage(let message): message
        case .noNumbers: "no numbers given"
        case .notANumber(let text): "'\(text)' is not a number"
        case .divisionByZero(let what): "\(what): division by zero"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .noRuns(let command, let path): "no runs of '\(command)' in \(path)"
        case .failed(let command, let status, let path): "'\(command)' exited with status \(status) (\(path))"
        case .noCargoFinished: "no cargo 'Finished ... in' line in the log"
        case .mixedDashes: "numbers mixed with '-' (some rounds printed the figure, some did not)"
        case .tooFewFields(let line): "too few fields in '\(line)'"
        }
    }
}

func number(_ text: String) throws(StatsError) -> Double {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { throw .notANumber(text) }
    return value
}
