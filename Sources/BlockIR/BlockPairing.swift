/// Pairs the blocks of one function across two builds by walking both CFGs
/// from the entry in successor order: equal hashes at the same position
/// first, then the same position where the neighbourhood agrees (the blocks
/// lead to blocks with equal hashes), then unique equal hashes anywhere, then
/// position alone. A block that differs does not disturb the pairing of its
/// successors, so one changed block marks one block; and a block edited into
/// a twin of another (a literal changed to one the function uses elsewhere)
/// keeps its place rather than taking its twin's.
struct BlockPairing {
    /// For each old block, its new partner.
    private(set) var oldToNew: [Int?]
    /// For each new block, its old partner.
    private(set) var newToOld: [Int?]

    /// How far a walk may pair successors whose hashes differ.
    private enum Reach {
        /// Only equal hashes at the same position.
        case equal
        /// Also the same position when both lead to blocks with equal hashes.
        case neighbourhood
        /// Also the same position alone.
        case position
    }

    init(old: [BlockFingerprint], new: [BlockFingerprint]) {
        oldToNew = Array(repeating: nil, count: old.count)
        newToOld = Array(repeating: nil, count: new.count)
        guard !old.isEmpty, !new.isEmpty else { return }
        // First only successors with equal hashes, so that a block inserted
        // on a path does not take the place of the unchanged block after it;
        // then an edited block in its place, where what follows it agrees.
        walk(from: [(0, 0)], reach: .equal, old: old, new: new)
        walk(from: pairs, reach: .neighbourhood, old: old, new: new)

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
        if !anchors.isEmpty { walk(from: anchors, reach: .neighbourhood, old: old, new: new) }
        walk(from: pairs, reach: .position, old: old, new: new)

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
        if !rest.isEmpty { walk(from: rest, reach: .position, old: old, new: new) }
    }

    /// The pairs made so far, in old layout order.
    private var pairs: [(Int, Int)] {
        oldToNew.enumerated().compactMap { o, n in n.map { (o, $0) } }
    }

    /// Pairs `start` (or, where already paired with each other, goes on from
    /// them) and walks on through their successors.
    private mutating func walk(from start: [(Int, Int)], reach: Reach, old: [BlockFingerprint],
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
            stack.append(contentsOf: successorPairs(old[o].successors, new[n].successors, reach: reach,
                                                    old: old, new: new).reversed())
        }
    }

    /// Successors to pair next, position by position, as far as `reach` allows.
    /// When a case was added or removed (the lists differ in length), equal
    /// hashes pair across positions first: the cases after it moved.
    private func successorPairs(_ so: [UInt32], _ sn: [UInt32], reach: Reach, old: [BlockFingerprint],
                                new: [BlockFingerprint]) -> [(Int, Int)]
    {
        func hash(_ blocks: [BlockFingerprint], _ i: UInt32) -> UInt64? {
            Int(i) < blocks.count ? blocks[Int(i)].hash : nil
        }
        var result: [(Int, Int)] = []
        var leftOld: [Int] = [], leftNew: [Int] = []
        for k in 0..<max(so.count, sn.count) {
            if k < so.count, k < sn.count, let h = hash(old, so[k]), h == hash(new, sn[k]) {
                result.append((Int(so[k]), Int(sn[k])))
            } else {
                if k < so.count { leftOld.append(k) }
                if k < sn.count { leftNew.append(k) }
            }
        }
        if so.count != sn.count {
            for k in leftOld {
                guard let j = leftNew.firstIndex(where: { hash(new, sn[$0]) == hash(old, so[k]) }) else { continue }
                result.append((Int(so[k]), Int(sn[leftNew[j]])))
                leftNew.remove(at: j)
            }
        }
        guard reach != .equal else { return result }
        for k in leftOld where k < sn.count {
            let o = Int(so[k]), n = Int(sn[k])
            guard o < old.count, n < new.count else { continue }
            if reach == .position || sameNeighbourhood(old[o], new[n], old, new) { result.append((o, n)) }
        }
        return result
    }

    /// Both blocks lead, position by position, to blocks with equal hashes.
    private func sameNeighbourhood(_ a: BlockFingerprint, _ b: BlockFingerprint, _ old: [BlockFingerprint],
                                   _ new: [BlockFingerprint]) -> Bool {
        guard a.successors.count == b.successors.count else { return false }
        return zip(a.successors, b.successors).allSatisfy { so, sn in
            Int(so) < old.count && Int(sn) < new.count && old[Int(so)].hash == new[Int(sn)].hash
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
