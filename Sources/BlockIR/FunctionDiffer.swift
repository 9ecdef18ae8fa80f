/// Compares two fingerprints of one module: pairs functions (by symbol, then
/// by hash-free name where unique on both sides), then their blocks.
public struct FunctionDiffer: Sendable {
    /// Contents of globals defined in any module of each build, for blocks
    /// that use a global from another module.
    public var oldGlobals: [String: UInt64]
    public var newGlobals: [String: UInt64]

    public init(oldGlobals: [String: UInt64] = [:], newGlobals: [String: UInt64] = [:]) {
        self.oldGlobals = oldGlobals
        self.newGlobals = newGlobals
    }

    /// The globals table of a whole build, by name without the crate hash
    /// (as blocks name what they use from elsewhere). A name defined in
    /// several modules (C `static` functions, generic instances) gets the sum
    /// of their hashes: independent of module order, and different whenever
    /// any of them changes.
    public static func environment(of modules: [ModuleFingerprint]) -> [String: UInt64] {
        var environment: [String: UInt64] = [:]
        for module in modules {
            for (name, hash) in module.globals { environment[SymbolNames.withoutHash(name), default: 0] &+= hash }
        }
        return environment
    }

    public func diff(old: ModuleFingerprint, new: ModuleFingerprint, module: String) -> [BitcodeDiff.FunctionChange] {
        let oldFunctions = old.functions.filter { !$0.isTestHarnessMain }
        let newFunctions = new.functions.filter { !$0.isTestHarnessMain }
        let oldNames = NameTable(oldFunctions), newNames = NameTable(newFunctions)

        var newBySymbol: [String: Int] = [:]
        for (i, f) in newFunctions.enumerated() { newBySymbol[f.symbol] = i }
        var newMatched = Array(repeating: false, count: newFunctions.count)
        var pairs: [(Int, Int)] = []
        var unmatchedOld: [Int] = []
        for (i, f) in oldFunctions.enumerated() {
            if let j = newBySymbol[f.symbol], !newMatched[j] {
                newMatched[j] = true
                pairs.append((i, j))
            } else {
                unmatchedOld.append(i)
            }
        }
        // Symbol hashes change with crate metadata; pair by the rest of the name
        // only where it is unique in both builds (generic instances share it).
        var stillUnmatched: [Int] = []
        for i in unmatchedOld {
            let short = oldNames.stripped[i]
            if oldNames.isUnique(short), newNames.isUnique(short), let j = newNames.index[short], !newMatched[j] {
                newMatched[j] = true
                pairs.append((i, j))
            } else {
                stillUnmatched.append(i)
            }
        }

        // Generic instances share their hash-free name: pair those whose blocks
        // are identical, one to one.
        var leftOld: [Int] = []
        var identicalNew: [FunctionContent: [Int]] = [:]
        for (j, f) in newFunctions.enumerated() where !newMatched[j] {
            identicalNew[FunctionContent(f), default: []].append(j)
        }
        for i in stillUnmatched {
            let key = FunctionContent(oldFunctions[i])
            if var candidates = identicalNew[key], let j = candidates.first {
                candidates.removeFirst()
                identicalNew[key] = candidates
                newMatched[j] = true
                pairs.append((i, j))
            } else {
                leftOld.append(i)
            }
        }
        // Of a name shared by several functions none of which kept its symbol
        // (a release moved the crate hash), the one left on each side: an
        // edited closure, say.
        stillUnmatched = []
        var keptSymbol = Set<String>()
        for (i, j) in pairs where oldFunctions[i].symbol == newFunctions[j].symbol {
            keptSymbol.insert(oldNames.stripped[i])
        }
        var oldLeftByName: [String: [Int]] = [:], newLeftByName: [String: [Int]] = [:]
        for i in leftOld { oldLeftByName[oldNames.stripped[i], default: []].append(i) }
        for (j, matched) in newMatched.enumerated() where !matched {
            newLeftByName[newNames.stripped[j], default: []].append(j)
        }
        for i in leftOld {
            let name = oldNames.stripped[i]
            if !keptSymbol.contains(name), oldLeftByName[name]?.count == 1, let news = newLeftByName[name],
                news.count == 1
            {
                newMatched[news[0]] = true
                pairs.append((i, news[0]))
            } else {
                stillUnmatched.append(i)
            }
        }

        var changes: [BitcodeDiff.FunctionChange] = []
        for (i, j) in pairs {
            let blocks = compareBlocks(old: oldFunctions[i], new: newFunctions[j], oldModule: old, newModule: new)
            if !blocks.isEmpty {
                changes.append(change(newFunctions[j], in: new, names: newNames, status: .changed,
                                      blocks: blocks, module: module))
            }
        }
        for i in stillUnmatched {
            let f = oldFunctions[i]
            changes.append(change(f, in: old, names: oldNames, status: .removed,
                                  blocks: allBlocks(f, in: old, status: .removed), module: module))
        }
        for (j, f) in newFunctions.enumerated() where !newMatched[j] {
            changes.append(change(f, in: new, names: newNames, status: .added,
                                  blocks: allBlocks(f, in: new, status: .added), module: module))
        }
        return changes
    }

    func compareBlocks(old: FunctionFingerprint, new: FunctionFingerprint,
                       oldModule: ModuleFingerprint, newModule: ModuleFingerprint) -> [BitcodeDiff.BlockChange] {
        // Identical blocks and successors: only another module's globals can differ.
        if old.hasSameContent(as: new)
            && !new.blocks.contains(where: { block in block.externalGlobals.contains { oldGlobals[$0] != newGlobals[$0] } })
        {
            return []
        }
        let pairing = BlockPairing(old: old.blocks, new: new.blocks)
        var changes: [BitcodeDiff.BlockChange] = []
        for (n, block) in new.blocks.enumerated() {
            guard let o = pairing.newToOld[n] else {
                changes.append(blockChange(n, block, in: newModule, status: .added))
                continue
            }
            let before = old.blocks[o]
            if before.hash != block.hash || !pairing.sameSuccessors(old: before, new: block)
                || externalGlobalsDiffer(before, block)
            {
                changes.append(blockChange(n, block, in: newModule, status: .changed))
            }
        }
        for (o, block) in old.blocks.enumerated() where pairing.oldToNew[o] == nil {
            changes.append(blockChange(o, block, in: oldModule, status: .removed))
        }
        return changes
    }

    /// A global from another module is unchanged when both builds know the
    /// same content for it, or neither knows it (defined outside the inputs).
    func externalGlobalsDiffer(_ old: BlockFingerprint, _ new: BlockFingerprint) -> Bool {
        if old.externalGlobals != new.externalGlobals { return true }
        return new.externalGlobals.contains { oldGlobals[$0] != newGlobals[$0] }
    }

    private func blockChange(_ index: Int, _ block: BlockFingerprint, in module: ModuleFingerprint,
                             status: BitcodeDiff.Status) -> BitcodeDiff.BlockChange {
        .init(index: index, status: status, file: module.fileName(of: block), line: Int(block.line))
    }

    private func allBlocks(_ f: FunctionFingerprint, in module: ModuleFingerprint,
                           status: BitcodeDiff.Status) -> [BitcodeDiff.BlockChange] {
        f.blocks.enumerated().map { blockChange($0.offset, $0.element, in: module, status: status) }
    }

    private func change(_ f: FunctionFingerprint, in module: ModuleFingerprint, names: NameTable,
                        status: BitcodeDiff.Status, blocks: [BitcodeDiff.BlockChange],
                        module moduleName: String) -> BitcodeDiff.FunctionChange {
        let keepHash = !names.isUnique(SymbolNames.withoutHash(f.symbol))
        return .init(symbol: f.symbol, name: SymbolNames.display(demangled: f.demangled, keepHash: keepHash),
                     status: status, file: f.file, line: Int(f.line), blocks: blocks, module: moduleName)
    }
}

/// A function's hash-free name with everything that decides its behaviour.
private struct FunctionContent: Hashable {
    var name: String
    var blocks: [UInt64]
    var successors: [[UInt32]]
    var externals: [[String]]

    init(_ f: FunctionFingerprint) {
        name = SymbolNames.withoutHash(f.symbol)
        blocks = f.blocks.map(\.hash)
        successors = f.blocks.map(\.successors)
        externals = f.blocks.map(\.externalGlobals)
    }
}

/// Hash-free names of a module's functions and how often each occurs.
private struct NameTable {
    var stripped: [String]
    var counts: [String: Int] = [:]
    var index: [String: Int] = [:]

    init(_ functions: [FunctionFingerprint]) {
        stripped = functions.map { SymbolNames.withoutHash($0.symbol) }
        for (i, name) in stripped.enumerated() {
            counts[name, default: 0] += 1
            index[name] = i
        }
    }

    func isUnique(_ name: String) -> Bool { counts[name] == 1 }
}
