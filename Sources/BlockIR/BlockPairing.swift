/// Pairs the blocks of one function across two builds by walking both CFGs
/// from the entry in successor order (equal hashes first, then by position),
/// with what is left anchored by unique equal hashes. A block that differs
/// does not disturb the pairing of its successors, so one changed block marks
/// one block.
struct BlockPairing {
    /// For each old block, its new partner.
    private(set) var oldToNew: [Int?]
    /// For each new block, its old partner.
    private(set) var newToOld: [Int?]

    init(old: [BlockFingerprint], new: [BlockFingerprint]) {
        oldToNew = Array(repeating: nil, count: old.count)
        newToOld = Array(repeating: nil, count: new.count)
        guard !old.isEmpty, !new.isEmpty else { return }
        // First only successors with equal hashes, so that a block inserted
        // on a path does not take the place of the unchanged block after it;
        // changed blocks pair by position once everything equal has its partner.
        walk(from: [(0, 0)], positional: false, old: old, new: new)

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
        if !anchors.isEmpty { walk(from: anchors, positional: false, old: old, new: new) }
        walk(from: pairs, positional: true, old: old, new: new)

        // Last, equal blocks that are still alone (typically several bare
        // `unreachable` blocks) pair in layout order.
        var waiting: [UInt64: [Int]] = [:]
        for (i, b) in new.enumerated() where newToOld[i] == nil { waiting[b.hash, default: []].append(i) }
        var rest: [(Int, Int)] = []
        for (i, b) in old.enumerated() where oldToNew[i] == nil {
            if var news = waiting[b.hash], !news.isEmpty {
                rest.append((i, news.removeFirst()))
                waiting[b.hash] = news
            }
        }
        if !rest.isEmpty { walk(from: rest, positional: true, old: old, new: new) }
    }

    /// The pairs made so far, in old layout order.
    private var pairs: [(Int, Int)] {
        oldToNew.enumerated().compactMap { o, n in n.map { (o, $0) } }
    }

    /// Pairs `start` (or, where already paired with each other, goes on from
    /// them) and walks on through their successors.
    private mutating func walk(from start: [(Int, Int)], positional: Bool, old: [BlockFingerprint],
                               new: [BlockFingerprint]) {
        var expanded = Array(repeating: false, count: old.count)
        var stack = Array(start.reversed())
        while let (o, n) = stack.popLast() {
            guard o < old.count, n < new.count, !expanded[o] else { continue }
            if oldToNew[o] == nil, newToOld[n] == nil {
                oldToNew[o] = n
                newToOld[n] = o
            } else if oldToNew[o] != n {
                continue
            }
            expanded[o] = true
            stack.append(contentsOf: successorPairs(old[o].successors, new[n].successors, positional: positional,
                                                    old: old, new: new).reversed())
        }
    }

    /// Successors to pair next: position by position where the hashes agree,
    /// then by equal hash among the rest (a swapped branch), then by position.
    private func successorPairs(_ so: [UInt32], _ sn: [UInt32], positional: Bool, old: [BlockFingerprint],
                                new: [BlockFingerprint]) -> [(Int, Int)]
    {
        let count = min(so.count, sn.count)
        func hash(_ blocks: [BlockFingerprint], _ i: UInt32) -> UInt64? {
            Int(i) < blocks.count ? blocks[Int(i)].hash : nil
        }
        var result: [(Int, Int)] = []
        var leftOld: [Int] = [], leftNew = Set<Int>()
        for k in 0..<count {
            if hash(old, so[k]) == hash(new, sn[k]) {
                result.append((Int(so[k]), Int(sn[k])))
            } else {
                leftOld.append(k)
                leftNew.insert(k)
            }
        }
        var unmatchedOld: [Int] = []
        for k in leftOld {
            if let j = leftNew.sorted().first(where: { hash(new, sn[$0]) == hash(old, so[k]) }) {
                leftNew.remove(j)
                result.append((Int(so[k]), Int(sn[j])))
            } else {
                unmatchedOld.append(k)
            }
        }
        if positional {
            for (k, j) in zip(unmatchedOld, leftNew.sorted()) { result.append((Int(so[k]), Int(sn[j]))) }
        }
        return result
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
