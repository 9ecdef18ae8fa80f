import Foundation

/// Runs one doctest through `cargo test --doc` and tells how it ended.
///
/// rustdoc splits its test arguments at whitespace, and every doctest name
/// has spaces (`src/lib.rs - add (line 5)`), so no filter names one doctest
/// exactly. Instead a space-free piece of the name selects it and `--skip`
/// pieces of its siblings leave them out (`DoctestFilter`); whatever else
/// still runs, only this doctest's own line in the output decides.
public enum DoctestRun {
    public struct Verdict: Sendable, Equatable {
        public var passed: Bool
        /// What to show: the doctest's failure section, or cargo's whole output when it did not run.
        public var report: String
    }

    public static func run(cargo: String, directory: URL, package: String, name: String, filter: DoctestFilter,
                           ignored: Bool, cargoArguments: [String]) throws(CargoError) -> Verdict {
        let arguments = ["test", "--doc", "--package", package] + cargoArguments + ["--", filter.filter]
            + filter.skips.flatMap { ["--skip", $0] } + (ignored ? ["--ignored"] : [])
        let output = try CapturedProcess(executable: cargo, arguments: arguments, directory: directory).run()
        return verdict(stdout: String(decoding: output.stdout, as: UTF8.self),
                       stderr: String(decoding: output.stderr, as: UTF8.self), name: name)
    }

    /// From libtest's report: `test NAME ... ok|FAILED|ignored`, and the
    /// `---- NAME stdout ----` section of a failure.
    static func verdict(stdout: String, stderr: String, name: String) -> Verdict {
        let lines = stdout.components(separatedBy: "\n")
        let prefix = "test \(name) ... "
        guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else {
            return Verdict(passed: false, report: "trim: the doctest `\(name)` did not run; cargo said:\n\(stderr)\(stdout)")
        }
        let result = line.dropFirst(prefix.count)
        if result.hasPrefix("ok") || result.hasPrefix("ignored") { return Verdict(passed: true, report: line + "\n") }
        var section: [String] = []
        if let start = lines.firstIndex(of: "---- \(name) stdout ----") {
            for text in lines[start...] {
                if !section.isEmpty && (text.hasPrefix("---- ") || text == "failures:") { break }
                section.append(text)
            }
        }
        return Verdict(passed: false, report: ([line] + section).joined(separator: "\n") + "\n")
    }
}

/// The space-free arguments that make libtest run one doctest and as few of
/// its siblings as possible.
public struct DoctestFilter: Sendable, Equatable {
    /// A piece of the name (the longest).
    public var filter: String
    /// For each sibling the filter also matches: a piece of its name that
    /// is not in this one's (siblings without such a piece still run).
    public var skips: [String]

    public init(filter: String, skips: [String]) {
        self.filter = filter
        self.skips = skips
    }

    public static func isolating(_ name: String, among siblings: [String]) -> DoctestFilter {
        let pieces = { (text: String) in text.split(whereSeparator: \.isWhitespace).map(String.init) }
        let filter = pieces(name).max { $0.count < $1.count } ?? name
        var skips: [String] = []
        for sibling in siblings where sibling != name && sibling.contains(filter) {
            if skips.contains(where: { sibling.contains($0) }) { continue }
            if let piece = pieces(sibling).filter({ !name.contains($0) }).max(by: { $0.count < $1.count }) {
                skips.append(piece)
            }
        }
        return DoctestFilter(filter: filter, skips: skips)
    }
}
