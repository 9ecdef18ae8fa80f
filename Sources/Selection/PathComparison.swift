import BlockIR
import TrimModel

/// Whether a test took the same path through the code in two runs on two
/// builds: the blocks it executed on the old build, carried over to the new
/// one by the pairing selection uses, are exactly the blocks it executed on
/// the new build. This is what a change observably did to a test; together
/// with its outcome it measures how close a selection comes to the tests a
/// change affected (`trim simulate-history`'s "affected" column).
///
/// A path counts as changed when it cannot be carried over: a function or
/// block it executed has no counterpart, or it executed a function it did
/// not execute before. libtest's generated `main` is left out on both sides
/// (it embeds every test's line, so it differs whenever a test is added).
public final class PathComparison {
    let old: BuildSnapshot
    let new: BuildSnapshot
    private var moduleMatch: [String: String?] = [:]
    private var indexes: [String: FunctionIndex] = [:]
    /// (old module, old symbol) → (new module, new symbol, old block → new block), nil when gone.
    private var carried: [HitKey: Carried?] = [:]

    private struct HitKey: Hashable {
        var module: String
        var symbol: String
    }

    private struct Carried {
        var target: HitKey
        /// Functions with the target's hash-free name and content.
        var siblings: [HitKey]
        var partners: [Int?]
    }

    public init(old: BuildSnapshot, new: BuildSnapshot) {
        self.old = old
        self.new = new
    }

    /// `before`: the blocks the test executed on the old build; `after`: on the new one.
    public func samePath(before: [HitFunction], after: [HitFunction]) -> Bool {
        var remaining: [HitKey: Set<UInt32>] = [:]
        for hit in after where !isHarnessMain(hit, "new:", new) {
            remaining[HitKey(module: hit.module, symbol: hit.symbol), default: []].formUnion(hit.blocks)
        }
        for hit in before where !isHarnessMain(hit, "old:", old) {
            guard let carried = carry(HitKey(module: hit.module, symbol: hit.symbol)) else { return false }
            var mapped = Set<UInt32>()
            for block in hit.blocks {
                guard Int(block) < carried.partners.count, let partner = carried.partners[Int(block)] else {
                    return false
                }
                mapped.insert(UInt32(partner))
            }
            // One new function may stand for several old ones (instances
            // paired by content): what is left of it must match the rest. An
            // identical instance the pairing did not pick may stand in for it
            // (a release moved their hashes, and with them their order).
            let target = ([carried.target] + carried.siblings).first { remaining[$0].map(mapped.isSubset) ?? false }
            guard let target, let seen = remaining[target] else { return false }
            let left = seen.subtracting(mapped)
            remaining[target] = left.isEmpty ? nil : left
        }
        return remaining.isEmpty
    }

    private func isHarnessMain(_ hit: HitFunction, _ side: String, _ build: BuildSnapshot) -> Bool {
        guard let index = index(side, hit.module, build) else { return false }
        return index.isHarnessMain(symbol: hit.symbol)
    }

    private func carry(_ key: HitKey) -> Carried? {
        if let known = carried[key] { return known }
        var result: Carried?
        if let oldIndex = index("old:", key.module, old), let oldFunction = oldIndex.function(symbol: key.symbol),
            let newModule = currentModule(key.module), let newIndex = index("new:", newModule, new),
            let newFunction = newIndex.counterpart(of: oldFunction, in: oldIndex)
        {
            result = Carried(target: HitKey(module: newModule, symbol: newFunction.symbol),
                             siblings: newIndex.identicalSiblings(of: newFunction.symbol).map {
                                 HitKey(module: newModule, symbol: $0)
                             },
                             partners: FunctionDiffer.blockPartners(old: oldFunction, new: newFunction))
        }
        carried[key] = result
        return result
    }

    private func currentModule(_ key: String) -> String? {
        if let known = moduleMatch[key] { return known }
        let match = BuildComparison.currentModule(for: key, old: old, new: new)
        moduleMatch[key] = match
        return match
    }

    private func index(_ side: String, _ module: String, _ build: BuildSnapshot) -> FunctionIndex? {
        if let known = indexes[side + module] { return known }
        guard let fingerprint = build.modules[module] else { return nil }
        let index = FunctionIndex(fingerprint)
        indexes[side + module] = index
        return index
    }
}
