/// Pairs the blocks of one function across two builds by walking both CFGs
/// from the entry in successor order, then anchors what is left by unique
/// equal hashes. A block that differs does not disturb the pairing of its
/// successors, so one changed block marks one block.
struct BlockPairing {
    /// For each old block, its new partner.
    private(set) var oldToNew: [Int?]
    /// For each new block, its old partner.
    private(set) var newToOld: [Int?]

    init(old: [BlockFingerprint], new: [BlockFingerprint]) {
        oldToNew = Array(repeating: nil, count: old.count)
        newToOld = Array(repeating: nil, count: new.count)
        guard !old.isEmpty, !new.isEmpty else { return }
        walk(from: [(0, 0)], old: old, new: new)

        // Blocks the walk could not reach in step (a block inserted or removed
        // upstream): pair those whose hash is unique on both sides, then walk on.
        var oldByHash: [UInt64: [Int]] = [:], newByHash: [UInt64: [Int]] = [:]
        for (i, b) in old.enumerated() where oldToNew[i] == nil { oldByHash[b.hash, default: []].append(i) }
        for (i, b) in new.enumerated() where newToOld[i] == nil { newByHash[b.hash, default: []].append(i) }
        var anchors: [(Int, Int)] = []
        for (hash, olds) in oldByHash where olds.count == 1 {
            if let news = newByHash[hash], news.count == 1 { anchors.append((olds[0], news[0])) }
        }
        anchors.sort { $0.0 < $1.0 }
        if !anchors.isEmpty { walk(from: anchors, old: old, new: new) }
    }

    private mutating func walk(from start: [(Int, Int)], old: [BlockFingerprint], new: [BlockFingerprint]) {
        var stack = Array(start.reversed())
        while let (o, n) = stack.popLast() {
            guard o < old.count, n < new.count, oldToNew[o] == nil, newToOld[n] == nil else { continue }
            oldToNew[o] = n
            newToOld[n] = o
            let so = old[o].successors, sn = new[n].successors
            for k in (0..<min(so.count, sn.count)).reversed() {
                stack.append((Int(so[k]), Int(sn[k])))
            }
        }
    }

    /// Whether new block `n`, paired with old block `o`, keeps the same
    /// successor structure: same number, each leading to its partner.
    func sameSuccessors(old: BlockFingerprint, new: BlockFingerprint) -> Bool {
        guard old.successors.count == new.successors.count else { return false }
        for (so, sn) in zip(old.successors, new.successors) {
            guard Int(sn) < newToOld.count, newToOld[Int(sn)] == Int(so) else { return false }
        }
        return true
    }
}
