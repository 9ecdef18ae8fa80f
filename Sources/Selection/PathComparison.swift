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
/// (it embeds every test's line, so it differs whenever a test is added),
/// and so are blocks without a coverage slot (a bare `unreachable`): the
/// hits count them as executed whenever their function ran, an assumption
/// rather than an observation, and two such blocks with equal content pair
/// in layout order, so a function that gained one (a debug build's overflow
/// check adds a panic path) would show a path change that no run took.
public final class PathComparison {
    let old: BuildSnapshot
    let new: BuildSnapshot
    private var moduleMatch: [String: String?] = [:]
    private var indexes: [String: FunctionIndex] = [:]
    /// (old module, old symbol) → (new module, new symbol, old block → new block), nil when gone.
    private var carried: [HitKey: Carried?] = [:]
    private var observed: [HitKey: Set<UInt32>?] = [:]

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
        divergence(before: before, after: after) == nil
    }

    /// Where the two paths part (nil: the same path): the first old function
    /// that cannot be carried over, else the new code the old path does not account for.
    ///
    /// Functions with the same hash-free name and the same content (generic
    /// instances whose types share a layout) are one function here: which of
    /// them a call site reaches may change with nothing but their hashes (a
    /// release), so the path through them is the union of the blocks run in
    /// any of them, on each side.
    public func divergence(before: [HitFunction], after: [HitFunction]) -> PathDivergence? {
        var remaining: [HitKey: Set<UInt32>] = [:]
        for hit in after where !isHarnessMain(hit, "new:", new) {
            let key = HitKey(module: hit.module, symbol: hit.symbol)
            let observed = observedBlocks("new:", key, new)
            remaining[key, default: []].formUnion(hit.blocks.filter { observed?.contains($0) ?? true })
        }
        // Per group of identical new functions: the blocks the old path leads to there.
        var expected: [HitKey: (members: [HitKey], blocks: Set<UInt32>)] = [:]
        var groupOrder: [HitKey] = []
        for hit in before where !isHarnessMain(hit, "old:", old) {
            guard let carried = carry(HitKey(module: hit.module, symbol: hit.symbol)) else {
                return .gone(symbol: hit.symbol)
            }
            var mapped = Set<UInt32>()
            let observedBefore = observedBlocks("old:", HitKey(module: hit.module, symbol: hit.symbol), old)
            let observedAfter = observedBlocks("new:", carried.target, new)
            for block in hit.blocks where observedBefore?.contains(block) ?? true {
                guard Int(block) < carried.partners.count, let partner = carried.partners[Int(block)] else {
                    return .unpaired(symbol: hit.symbol, block: Int(block))
                }
                if observedAfter?.contains(UInt32(partner)) ?? true { mapped.insert(UInt32(partner)) }
            }
            let members = [carried.target] + carried.siblings
            let group = members.min { $0.symbol < $1.symbol }!
            if expected[group] == nil {
                expected[group] = (members, [])
                groupOrder.append(group)
            }
            expected[group]!.blocks.formUnion(mapped)
        }
        for group in groupOrder {
            let (members, blocks) = expected[group]!
            let seen = members.reduce(into: Set<UInt32>()) { $0.formUnion(remaining[$1] ?? []) }
            guard blocks.isSubset(of: seen) else {
                let target = members[0]
                return .notExecuted(symbol: target.symbol, blocks: blocks.subtracting(seen).sorted(),
                                    instead: seen.subtracting(blocks).sorted())
            }
            for member in members { remaining[member] = nil }
            let left = seen.subtracting(blocks)
            if !left.isEmpty { remaining[members[0]] = left }
        }
        guard let (key, blocks) = remaining.min(by: { $0.key.symbol < $1.key.symbol }) else { return nil }
        return .newlyExecuted(symbol: key.symbol, blocks: blocks.sorted())
    }

    /// The blocks of the function that have a coverage slot; nil when it has
    /// none (not instrumented: every block counts).
    private func observedBlocks(_ side: String, _ key: HitKey, _ build: BuildSnapshot) -> Set<UInt32>? {
        let cacheKey = HitKey(module: side + key.module, symbol: key.symbol)
        if let known = observed[cacheKey] { return known }
        let slots = index(side, key.module, build)?.function(symbol: key.symbol)?.coverageBlocks ?? []
        let result: Set<UInt32>? = slots.isEmpty ? nil : Set(slots)
        observed[cacheKey] = result
        return result
    }

    private func isHarnessMain(_ hit: HitFunction, _ side: String, _ build: BuildSnapshot) -> Bool {
        guard let index = index(side, hit.module, build) else { return false }
        return index.isHarnessMain(symbol: hit.symbol)
    }

    private func carry(_ key: HitKey) -> Carried? {
        if let known = carried[key] { return known }
        var result: Carried?
        if let oldIndex = index("old:", key.module, old), let oldFunction = oldIndex.function(symbol: key.symbol) {
            let newModule = currentModule(key.module)
            let newIndex = newModule.flatMap { index("new:", $0, new) }
            var target: (module: String, function: FunctionFingerprint)?
            if let newModule, let found = newIndex?.counterpart(of: oldFunction, in: oldIndex) {
                target = (newModule, found)
            } else {
                // As selection: the same function defined in another module now.
                target = moved.counterpart(of: oldFunction, outside: newIndex == nil ? nil : newModule)
            }
            if let target, let targetIndex = index("new:", target.module, new) {
                result = Carried(target: HitKey(module: target.module, symbol: target.function.symbol),
                                 siblings: targetIndex.identicalSiblings(of: target.function.symbol).map {
                                     HitKey(module: target.module, symbol: $0)
                                 },
                                 partners: FunctionDiffer.blockPartners(old: oldFunction, new: target.function))
            }
        }
        carried[key] = result
        return result
    }

    private lazy var moved = MovedFunction(modules: new.modules)

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

/// How a test's path on the new build differs from its old path carried over.
public enum PathDivergence: Equatable, Sendable, CustomStringConvertible {
    /// A function it executed has no counterpart in the new build.
    case gone(symbol: String)
    /// A block it executed has no partner in its function's counterpart.
    case unpaired(symbol: String, block: Int)
    /// Blocks its old path leads to (in the new function) that it did not
    /// execute now, and what it executed there `instead`.
    case notExecuted(symbol: String, blocks: [UInt32], instead: [UInt32])
    /// Code it executed now that its old path does not account for.
    case newlyExecuted(symbol: String, blocks: [UInt32])

    /// The two builds' pairing could not carry the old path over: the
    /// comparison is blind there. The other cases are a path that differs.
    public var isCarryFailure: Bool {
        switch self {
        case .gone, .unpaired: true
        case .notExecuted, .newlyExecuted: false
        }
    }

    public var description: String {
        switch self {
        case .gone(let symbol): "no counterpart for \(symbol)"
        case .unpaired(let symbol, let block): "block \(block) of \(symbol) has no partner"
        case .notExecuted(let symbol, let blocks, let instead):
            "did not execute blocks \(Self.list(blocks)) of \(symbol)"
                + (instead.isEmpty ? "" : " but \(Self.list(instead))")
        case .newlyExecuted(let symbol, let blocks): "newly executed blocks \(Self.list(blocks)) of \(symbol)"
        }
    }

    private static func list(_ blocks: [UInt32]) -> String {
        blocks.prefix(8).map(String.init).joined(separator: ",") + (blocks.count > 8 ? ",…" : "")
    }
}
