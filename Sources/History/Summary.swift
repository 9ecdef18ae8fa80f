import Foundation
import Selection

/// The figures of a replay, as testtrim's simulate-history prints them:
/// per grain the average, median and 90th percentile of the share of tests
/// selected, and the failing tests the selection missed.
public struct HistorySummary: Sendable, Equatable {
    public struct Grain: Sendable, Equatable {
        public var average: Double
        public var median: Double
        public var p90: Double
        /// Failing tests of the commits' full runs the grain did not select.
        public var missed: Int
        /// Failing tests under mutants the grain did not select.
        public var mutantMissed: Int
    }

    public var commits: Int
    public var baseline: Int
    public var compared: Int
    public var buildFailed: Int
    public var errors: Int
    public var grains: [Granularity: Grain]
    /// The share of tests the commits affected (`AffectedTests`): the floor
    /// under every grain; nil when no compared row has it.
    public var affected: Grain?
    /// Tests that took another path without a changed block they executed, over all commits.
    public var unexplained: Int
    /// Of those, tests whose path really differs: changes block grain missed.
    public var unexplainedMissed: Int
    /// Tests whose path changed and differed between two runs of the same build too.
    public var nondeterministic: Int
    public var mutantsTried: Int
    public var mutantsUnviable: Int
    public var mutantsCaught: Int
    /// Tests the mutants killed, and how many of those block grain selected (all, unless it missed some).
    public struct MutantKills: Sendable, Equatable {
        public var killed: Int
        public var selectedByBlock: Int
    }
    /// nil: the mutants were not given.
    public var mutantKills: MutantKills?

    public init(_ records: [CommitRecord], mutants: [MutantRecord]? = nil) {
        mutantKills = mutants.map { list in
            MutantKills(killed: list.reduce(0) { $0 + $1.killed.count },
                        selectedByBlock: list.reduce(0) { $0 + $1.killedSelectedByBlock })
        }
        commits = records.count
        baseline = records.filter { $0.status == .baseline }.count
        compared = records.filter { $0.status == .compared }.count
        buildFailed = records.filter { $0.status == .buildFailed }.count
        errors = records.filter { $0.status == .error }.count
        var grains: [Granularity: Grain] = [:]
        for grain in historyGrains {
            let shares = records.compactMap { $0.percentSelected(grain) }
            grains[grain] = Grain(
                average: shares.isEmpty ? 0 : shares.reduce(0, +) / Double(shares.count),
                median: Self.median(shares), p90: Self.percentile(shares, 90),
                missed: records.reduce(0) { $0 + ($1.missed[grain] ?? 0) },
                mutantMissed: records.reduce(0) { $0 + ($1.mutantMissed[grain] ?? 0) })
        }
        self.grains = grains
        let floors = records.compactMap(\.percentAffected)
        affected = floors.isEmpty ? nil : Grain(
            average: floors.reduce(0, +) / Double(floors.count), median: Self.median(floors),
            p90: Self.percentile(floors, 90), missed: 0, mutantMissed: 0)
        unexplained = records.reduce(0) { $0 + $1.unexplainedTests.count }
        unexplainedMissed = records.reduce(0) { $0 + $1.unexplainedMissed }
        nondeterministic = records.reduce(0) { $0 + $1.nondeterministic }
        mutantsTried = records.reduce(0) { $0 + $1.mutantsTried }
        mutantsUnviable = records.reduce(0) { $0 + $1.mutantsUnviable }
        mutantsCaught = records.reduce(0) { $0 + $1.mutantsCaught }
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Nearest rank: the smallest value with at least `percent`% of the values at or below it.
    static func percentile(_ values: [Double], _ percent: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    /// The block grain's average share over another grain's (lower is finer).
    public func ratio(_ grain: Granularity, to other: Granularity) -> Double? {
        guard let a = grains[grain]?.average, let b = grains[other]?.average, b > 0 else { return nil }
        return a / b
    }

    public var text: String {
        var lines: [String] = []
        lines.append("\(commits) commits: \(compared) compared, \(baseline) baseline, \(buildFailed) did not build"
            + (errors > 0 ? ", \(errors) skipped on errors" : ""))
        lines.append("")
        lines.append("grain      % selected: average  median     P90   missed failures")
        for grain in historyGrains {
            guard let g = grains[grain] else { continue }
            lines.append(grain.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                + Self.column(g.average, 21) + Self.column(g.median, 8) + Self.column(g.p90, 8)
                + String(g.missed).leftPadded(17))
        }
        if let floor = affected {
            lines.append("affected".padding(toLength: 10, withPad: " ", startingAt: 0)
                + Self.column(floor.average, 21) + Self.column(floor.median, 8) + Self.column(floor.p90, 8)
                + "   (the floor: new, failed or changed path/outcome)")
        }
        if let file = ratio(.block, to: .file), let function = ratio(.block, to: .function) {
            lines.append("")
            var ratios = String(format: "block/file %.2f   block/function %.2f", file, function)
            if let floor = affected, floor.average > 0, let block = grains[.block]?.average {
                ratios += String(format: "   block/affected %.2f", block / floor.average)
            }
            lines.append(ratios + "   (average share selected)")
        }
        if unexplained + nondeterministic > 0 {
            lines.append("paths changed without a changed block executed: \(nondeterministic) nondeterministic "
                + "(two runs of one build differ), \(unexplainedMissed) changes block grain MISSED, "
                + "\(unexplained - unexplainedMissed) not carried over by the comparison (the CSV's unexplained_tests)")
        }
        if mutantsTried + mutantsUnviable > 0 {
            lines.append("")
            lines.append("mutants: \(mutantsTried) tried (\(mutantsUnviable) more did not build), "
                + "\(mutantsCaught) caught by the suite"
                + (mutantKills.map { ", killing \($0.killed) tests; block grain selected \($0.selectedByBlock) of them" } ?? ""))
            lines.append("missed selections under mutants: "
                + historyGrains.map { "\($0.rawValue) \(grains[$0]?.mutantMissed ?? 0)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func column(_ value: Double, _ width: Int) -> String {
        String(format: "%.1f%%", value).leftPadded(width)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
