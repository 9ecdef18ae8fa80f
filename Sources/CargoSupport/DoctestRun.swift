import Foundation

/// Runs doctests of one package through `cargo test --doc` and tells how one
/// of them ended.
///
/// rustdoc splits its test arguments at whitespace, and every doctest name
/// has spaces (`src/lib.rs - add (line 5)`), so no filter names one doctest
/// exactly. Instead space-free pieces of the names select them and `--skip`
/// pieces of their siblings leave those out (`DoctestFilter`); whatever else
/// still runs, only a doctest's own line in the output decides.
public enum DoctestRun {
    public struct Verdict: Sendable, Equatable {
        /// Its line was in libtest's report.
        public var ran: Bool
        public var passed: Bool
        /// What to show: the doctest's failure section, or cargo's whole output when it did not run.
        public var report: String
    }

    public struct Report: Sendable {
        public var stdout: String
        public var stderr: String
    }

    public static func run(cargo: String, directory: URL, package: String, filter: DoctestFilter, ignored: Bool,
                           cargoArguments: [String]) throws(CargoError) -> Report {
        let arguments = ["test", "--doc", "--package", package] + cargoArguments + ["--"] + filter.filters
            + filter.skips.flatMap { ["--skip", $0] } + (ignored ? ["--ignored"] : [])
        let output = try CapturedProcess(executable: cargo, arguments: arguments, directory: directory).run()
        return Report(stdout: String(decoding: output.stdout, as: UTF8.self),
                      stderr: String(decoding: output.stderr, as: UTF8.self))
    }

    /// From libtest's report: `test NAME ... ok|FAILED|ignored`, and the
    /// `---- NAME stdout ----` section of a failure. One that did not run failed.
    public static func verdict(of report: Report, name: String) -> Verdict {
        let lines = report.stdout.components(separatedBy: "\n")
        let prefix = "test \(name) ... "
        guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else {
            return Verdict(ran: false, passed: false,
                           report: "trim: the doctest `\(name)` did not run; cargo said:\n\(report.stderr)\(report.stdout)")
        }
        let result = line.dropFirst(prefix.count)
        if result.hasPrefix("ok") || result.hasPrefix("ignored") {
            return Verdict(ran: true, passed: true, report: line + "\n")
        }
        var section: [String] = []
        if let start = lines.firstIndex(of: "---- \(name) stdout ----") {
            for text in lines[start...] {
                if !section.isEmpty && (text.hasPrefix("---- ") || text == "failures:") { break }
                section.append(text)
            }
        }
        return Verdict(ran: true, passed: false, report: ([line] + section).joined(separator: "\n") + "\n")
    }
}

/// The space-free arguments that make libtest run some doctests and as few
/// of their siblings as possible.
public struct DoctestFilter: Sendable, Equatable, Codable {
    /// The longest piece of each name (libtest runs what matches any).
    public var filters: [String]
    /// For each sibling the filters also match: a piece of its name that is
    /// in none of the chosen names (siblings without such a piece still run).
    public var skips: [String]

    public init(filters: [String], skips: [String]) {
        self.filters = filters
        self.skips = skips
    }

    public static func selecting(_ names: [String], among siblings: [String]) -> DoctestFilter {
        let pieces = { (text: String) in text.split(whereSeparator: \.isWhitespace).map(String.init) }
        var filters: [String] = []
        for name in names {
            guard let piece = pieces(name).max(by: { $0.count < $1.count }) else { continue }
            if !filters.contains(piece) { filters.append(piece) }
        }
        let chosen = Set(names)
        var skips: [String] = []
        for sibling in siblings where !chosen.contains(sibling) && filters.contains(where: { sibling.contains($0) }) {
            if skips.contains(where: { sibling.contains($0) }) { continue }
            let candidates = pieces(sibling).filter { piece in !names.contains { $0.contains(piece) } }
            if let piece = candidates.max(by: { $0.count < $1.count }) { skips.append(piece) }
        }
        return DoctestFilter(filters: filters, skips: skips)
    }
}
