import Foundation

/// Finds, in a newer build of a module, the function that an older build's
/// function became: same symbol; else the same hash-free name where unique in
/// both; else, among functions sharing that name (generic instances, a
/// function's closures), identical content, one to one; else the one left
/// on each side once those are paired (an edited closure after a release).
/// A class: indexes are shared (by every part of a selection) and looked up
/// per test, where copying a struct of tables would cost a retain per table.
public final class FunctionIndex: @unchecked Sendable {
    public let module: ModuleFingerprint
    private let bySymbol: [SymbolKey: Int]
    private let harnessMains: Set<String>
    private let strippedLock = NSLock()
    /// Hash-free name → functions, in module order. Built on the first
    /// lookup that needs it: most selections never do.
    private var strippedTable: [String: [Int]]?

    public init(_ module: ModuleFingerprint) {
        self.module = module
        var bySymbol: [SymbolKey: Int] = [:]
        var harnessMains = Set<String>()
        bySymbol.reserveCapacity(module.functions.count)
        // Through the buffer, not `for f in` nor the array by index: each
        // element copied out costs a retain per field, and so did reading one
        // field of an element here (most of the index's cost).
        module.functions.withUnsafeBufferPointer { functions in
            for i in functions.indices {
                if functions[i].isTestHarnessMain {
                    harnessMains.insert(functions[i].symbol)
                } else {
                    bySymbol[SymbolKey(functions[i].symbol)] = i
                }
            }
        }
        self.bySymbol = bySymbol
        self.harnessMains = harnessMains
    }

    /// The same index from the fold's preparation of `module` before it was
    /// folded (the fold keeps every function's symbol and place): its table
    /// of symbols taken as made while cargo built, not hashed again.
    public convenience init(_ module: ModuleFingerprint, prepared: CrossCrateFold.Prepared) {
        guard prepared.functionCount == module.functions.count, prepared.moreDefinitions.isEmpty else {
            self.init(module)
            return
        }
        var harnessMains = Set<String>()
        module.functions.withUnsafeBufferPointer { functions in
            for i in functions.indices where functions[i].isTestHarnessMain { harnessMains.insert(functions[i].symbol) }
        }
        self.init(module: module, bySymbol: prepared.definitions, harnessMains: harnessMains)
    }

    private init(module: ModuleFingerprint, bySymbol: [SymbolKey: Int], harnessMains: Set<String>) {
        self.module = module
        self.bySymbol = bySymbol
        self.harnessMains = harnessMains
    }

    /// The functions (not harness mains) whose symbol without its hash is `name`, in module order.
    private func functions(strippedName name: String) -> [Int]? {
        strippedLock.withLock {
            if let table = strippedTable { return table[name] }
            var table: [String: [Int]] = [:]
            for i in module.functions.indices where !module.functions[i].isTestHarnessMain {
                table[SymbolNames.withoutHash(module.functions[i].symbol), default: []].append(i)
            }
            strippedTable = table
            return table[name]
        }
    }

    /// Whether `symbol` is libtest's generated `main` here.
    public func isHarnessMain(symbol: String) -> Bool { harnessMains.contains(symbol) }

    public func function(symbol: String) -> FunctionFingerprint? {
        bySymbol[SymbolKey(symbol)].map { module.functions[$0] }
    }

    /// Where `symbol` (not a harness main) sits in `module.functions`.
    public func index(symbol: String) -> Int? { bySymbol[SymbolKey(symbol)] }

    /// The other functions here with the same hash-free name and the same
    /// content as `symbol`'s: identical instances, which `counterpart` may
    /// pick for one another once a release moved their hashes.
    public func identicalSiblings(of symbol: String) -> [String] {
        guard let i = bySymbol[SymbolKey(symbol)], let group = functions(strippedName: SymbolNames.withoutHash(symbol)), group.count > 1 else {
            return []
        }
        let function = module.functions[i]
        return group.filter { $0 != i && module.functions[$0].hasSameContent(as: function) }
            .map { module.functions[$0].symbol }
    }

    /// The counterpart of `old` (from `oldIndex`'s module) in this module, or nil when it is gone.
    public func counterpart(of old: FunctionFingerprint, in oldIndex: FunctionIndex) -> FunctionFingerprint? {
        if let same = function(symbol: old.symbol) { return same }
        let name = SymbolNames.withoutHash(old.symbol)
        guard let candidates = functions(strippedName: name) else { return nil }
        if candidates.count == 1, oldIndex.functions(strippedName: name)?.count == 1 { return module.functions[candidates[0]] }
        if let same = candidates.lazy.map({ self.module.functions[$0] }).first(where: { $0.hasSameContent(as: old) }) {
            return same
        }
        return lastLeft(named: name, old: old, in: oldIndex)
    }

    /// When the crate hash moved (no function named `name` kept its symbol),
    /// pairs those functions by identical content, one to one, and returns
    /// the new one left when exactly one is left on each side and the old one
    /// left is `old`. A caller reaches either through a name that tells them
    /// apart (debug-info name, or content), so a caller that now reaches
    /// another function changes itself.
    private func lastLeft(named name: String, old: FunctionFingerprint, in oldIndex: FunctionIndex)
        -> FunctionFingerprint?
    {
        guard let olds = oldIndex.functions(strippedName: name), let news = functions(strippedName: name) else { return nil }
        guard !olds.contains(where: { bySymbol[SymbolKey(oldIndex.module.functions[$0].symbol)] != nil }) else { return nil }
        var leftNew = news
        var leftOld: [Int] = []
        for o in olds {
            let before = oldIndex.module.functions[o]
            if let same = leftNew.firstIndex(where: { module.functions[$0].hasSameContent(as: before) }) {
                leftNew.remove(at: same)
            } else {
                leftOld.append(o)
            }
        }
        guard leftOld.count == 1, leftNew.count == 1, oldIndex.module.functions[leftOld[0]].symbol == old.symbol
        else { return nil }
        return module.functions[leftNew[0]]
    }
}

extension FunctionFingerprint {
    /// Same blocks, successors, external globals and references not folded
    /// yet: the same behaviour.
    public func hasSameContent(as other: FunctionFingerprint) -> Bool { Self.sameContent(blocks, other.blocks) }

    /// Block by block, the same hashes, successors, external globals and references.
    static func sameContent(_ a: [BlockFingerprint], _ b: [BlockFingerprint]) -> Bool {
        guard a.count == b.count else { return false }
        // By index: `zip` would copy every block of both (a retain per array field).
        for i in a.indices {
            guard a[i].hash == b[i].hash, a[i].successors == b[i].successors,
                a[i].externalGlobals == b[i].externalGlobals, a[i].references == b[i].references
            else { return false }
        }
        return true
    }
}

extension FunctionDiffer {
    /// Why an old block's behaviour may differ in the new build.
    public enum BlockChange: Sendable, Equatable {
        /// No partner in the new build.
        case removed
        /// Its own instructions differ.
        case instructions(partner: Int)
        /// Same instructions, but a successor leads elsewhere.
        case successors(partner: Int)
        /// Same instructions and successors; a global from another module, or a
        /// callee coverage cannot see, changed.
        case externals(partner: Int)

        public var partner: Int? {
            switch self {
            case .removed: return nil
            case .instructions(let p), .successors(let p), .externals(let p): return p
            }
        }
    }

    /// The blocks of `old` whose behaviour may differ in `new`, and why. A
    /// test that executed none of them runs the same code in the new build.
    public func affectedOldBlocks(old: FunctionFingerprint, new: FunctionFingerprint) -> [Int: BlockChange] {
        // The same blocks in the same layout (most functions a test ran, even
        // in an edited crate): each block is its own partner, and only what
        // they use from elsewhere can differ. No walk needed.
        if old.blocks.count == new.blocks.count, Self.sameLayout(old.blocks, new.blocks) {
            var affected: [Int: BlockChange] = [:]
            for o in old.blocks.indices where externalGlobalsDiffer(old.blocks[o], new.blocks[o]) {
                affected[o] = .externals(partner: o)
            }
            return affected
        }
        let pairing = BlockPairing(old: old.blocks, new: new.blocks)
        var affected: [Int: BlockChange] = [:]
        for (o, block) in old.blocks.enumerated() {
            guard let n = pairing.oldToNew[o] else {
                affected[o] = .removed
                continue
            }
            let after = new.blocks[n]
            if block.hash != after.hash {
                affected[o] = .instructions(partner: n)
            } else if !pairing.sameSuccessors(old: block, new: after) {
                affected[o] = .successors(partner: n)
            } else if externalGlobalsDiffer(block, after) {
                affected[o] = .externals(partner: n)
            }
        }
        return affected
    }
}

extension FunctionDiffer {
    /// Whether `affectedOldBlocks` would find no block of `old[o]` affected by
    /// `new[n]` and the two have the same content: the same function. Read
    /// in place (a function copied out costs a retain per field, a block one
    /// per array), for the many functions a test ran that did not change.
    public func sameFunction(old: [FunctionFingerprint], _ o: Int, new: [FunctionFingerprint], _ n: Int) -> Bool {
        let (before, after) = (old[o].blocks, new[n].blocks)
        guard FunctionFingerprint.sameContent(before, after) else { return false }
        return !before.indices.contains { !before[$0].externalGlobals.isEmpty && externalGlobalsDiffer(before[$0], after[$0]) }
    }

    /// Same hashes and successors, block by block (read by index: `zip` would
    /// copy every block of both).
    static func sameLayout(_ old: [BlockFingerprint], _ new: [BlockFingerprint]) -> Bool {
        for i in old.indices where old[i].hash != new[i].hash || old[i].successors != new[i].successors {
            return false
        }
        return true
    }

    /// For each block of `old`, its partner in `new` (the pairing selection
    /// and blockdiff use), or nil when it has none.
    public static func blockPartners(old: FunctionFingerprint, new: FunctionFingerprint) -> [Int?] {
        BlockPairing(old: old.blocks, new: new.blocks).oldToNew
    }
}
