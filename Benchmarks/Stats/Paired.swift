import Foundation

/// Two builds measured in the same rounds: the median of the per-round
/// differences (second minus first) and a 95 % bootstrap interval around
/// it, from 2,000 resamples drawn with a fixed seed (the same input always
/// gives the same interval). A round's two figures share whatever load the
/// machine had then, so their difference is steadier than the difference of
/// the two medians. Returns "median low high".
func pairedDifference(first: [Double], second: [Double], decimals: Int) throws(StatsError) -> String {
    guard !first.isEmpty else { throw .noNumbers }
    guard first.count == second.count else {
        throw .usage("paired: \(first.count) figures against \(second.count); one of each per round")
    }
    let differences = zip(first, second).map { $1 - $0 }
    var random = SplitMix64(seed: 0x7269_6d62)
    var medians: [Double] = []
    medians.reserveCapacity(2000)
    for _ in 0..<2000 {
        let sample = (0..<differences.count).map { _ in differences[Int(random.next() % UInt64(differences.count))] }
        medians.append(middle(sample))
    }
    medians.sort()
    return [middle(differences), medians[50], medians[1949]].map { fixed($0, decimals) }.joined(separator: " ")
}

/// The median (the mean of the two middle values for an even count).
private func middle(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let half = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2
}

/// A small fixed-seed generator, so that the interval does not move between runs.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
