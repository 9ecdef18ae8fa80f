/// One crate's codegen units merged into the module a single-unit build would
/// have given: selection pairs functions across units, whichever unit rustc
/// put each in this time.
///
/// - Functions: every unit's. A symbol defined in several units (`#[inline]`
///   and generic copies, some internal) is kept once when the copies have the
///   same content. When they differ, one copy stands for all, and each of its
///   blocks carries a digest of every copy and the union of their external
///   references: any copy changing changes all of its blocks, and the blocks
///   a test executed in any copy count as all of the kept one's (`folded`).
/// - References to functions, which each unit's hashes leave open (the
///   callee may sit in another unit), are folded in here knowing every unit
///   (`ReferenceFold`): by name where the name is unique in the crate, else
///   by content, so neither a release nor a callee moving between units
///   changes a caller. This comes before copies are compared. References to
///   another crate's functions that only the whole build tells apart are
///   left in blocks' `references` for `CrossCrateFold`.
/// - References to a function of the crate that coverage sees are dropped
///   from blocks' external references: in a single unit they were calls
///   within the module, and the callee's own blocks show its changes.
/// - Globals: the union; a name several units define gets the sum of hashes;
///   an uncoverable function's entry is its folded content.
public struct CrateModule: Sendable {
    public var module: ModuleFingerprint
    /// (unit `sourceFilename`, symbol) of copies whose blocks do not match the
    /// kept copy's → the kept copy's block count: a hit in one counts as a hit
    /// in every block of the kept one.
    public var folded: [UnitFunction: Int]

    public struct UnitFunction: Hashable, Sendable {
        public var unit: String
        public var symbol: String
        public init(unit: String, symbol: String) {
            self.unit = unit
            self.symbol = symbol
        }
    }

    public init(module: ModuleFingerprint, folded: [UnitFunction: Int]) {
        self.module = module
        self.folded = folded
    }

    /// `name`: the crate module's `sourceFilename` (units keep their own for slot mapping).
    public init(name: String, units: [ModuleFingerprint]) {
        let ordered = units.sorted { $0.sourceFilename < $1.sourceFilename }
        var files = CrateFiles(units: ordered)

        // Each symbol's copies, grouped: a defined symbol's number is its
        // group's index, so symbols are numbered before any reference is;
        // their units apart, so that the fold shares the functions' storage
        // instead of copying it.
        var symbols = InternedSymbols(capacity: ordered.reduce(0) { $0 + $1.functions.count } * 2)
        var groups: [[FunctionFingerprint]] = []
        var unitsOfGroup: [[String]] = []
        for (u, unit) in ordered.enumerated() {
            for var function in unit.functions {
                for b in function.blocks.indices {
                    let file = files.remap(function.blocks[b].file, unit: u)
                    if file != function.blocks[b].file { function.blocks[b].file = file }
                }
                let group = Int(symbols.intern(function.symbol))
                if group < groups.count {
                    groups[group].append(function)
                    unitsOfGroup[group].append(unit.sourceFilename)
                } else {
                    groups.append([function])
                    unitsOfGroup.append([unit.sourceFilename])
                }
            }
        }
        // Then every symbol the crate's blocks, globals and descriptors name,
        // then their names without the hash.
        var references = groups.map { $0.map { BlockReferenceIDs($0, symbols: &symbols) } }
        for unit in ordered {
            for named in unit.globalReferences.values { for symbol in named { _ = symbols.intern(symbol) } }
            for descriptor in unit.testDescriptors { for symbol in descriptor.references { _ = symbols.intern(symbol) } }
        }
        let symbolCount = symbols.count
        let nameOf = (0..<symbolCount).map { symbols.intern(SymbolNames.withoutHash(symbols[Int32($0)])) }

        var coverable = Array(repeating: false, count: symbols.count)
        for group in groups.indices { coverable[group] = true }
        for unit in ordered {
            for symbol in unit.globals.keys {
                if let id = symbols.id(of: symbol), Int(id) < groups.count { coverable[Int(id)] = false }
            }
        }
        for g in groups.indices {
            for c in groups[g].indices {
                for b in groups[g][c].blocks.indices where !groups[g][c].blocks[b].externalGlobals.isEmpty {
                    Self.dropCoverableCallees(&groups[g][c].blocks[b], references: references[g][c][b],
                                              coverable: coverable, nameOf: nameOf, symbols: symbols)
                }
            }
        }
        let groupCount = groups.count
        // The fold the only owner of the copies, so it can fold them in place.
        var fold = ReferenceFold(groups: groups, references: references, symbols: symbols, symbolCount: symbolCount,
                                 nameOf: nameOf)
        (groups, references) = ([], [])

        var functions: [FunctionFingerprint] = []
        functions.reserveCapacity(groupCount)
        var folded: [UnitFunction: Int] = [:]
        for group in 0..<groupCount {
            let symbol = symbols[Int32(group)]
            let kept = fold.keptCopies(of: group)
            if kept.count == 1 || kept.dropFirst().allSatisfy({ $0.hasSameContent(as: kept[0]) }) {
                functions.append(kept[0])
                continue
            }
            // Differing copies: the one with the smallest digest stands for
            // all, whatever the units are called this time.
            var variants = zip(unitsOfGroup[group], kept).map { (unit: $0, function: $1) }
            variants.sort { $0.function.contentDigest < $1.function.contentDigest }
            var standIn = variants[0].function
            let digest = variants.reduce(UInt64(0x5ca1_ab1e)) { Digest.mix($0, $1.function.contentDigest) }
            let references = Set(variants.flatMap { $0.function.blocks.flatMap(\.externalGlobals) }).sorted()
            for b in standIn.blocks.indices {
                standIn.blocks[b].hash = Digest.mix(standIn.blocks[b].hash, digest)
                standIn.blocks[b].externalGlobals = references
            }
            for variant in variants.dropFirst() where !variant.function.hasSameContent(as: variants[0].function) {
                folded[UnitFunction(unit: variant.unit, symbol: symbol)] = standIn.blocks.count
            }
            functions.append(standIn)
        }

        // Every symbol globals and descriptors name was numbered above.
        func ids(_ named: [String]) -> [Int32] { named.map { symbols.id(of: $0)! } }
        var globals: [String: UInt64] = [:]
        for unit in ordered {
            for (name, hash) in unit.globals {
                let named = unit.globalReferences[name] ?? []
                globals[name, default: 0] &+= named.isEmpty ? hash : fold.fold(hash, ids(named))
            }
        }
        // Uncoverable functions: their content as folded here.
        for name in globals.keys {
            if let id = symbols.id(of: name), Int(id) < groupCount { globals[name] = fold.digest(of: Int(id)) }
        }
        let descriptors = ordered.flatMap(\.testDescriptors).map { descriptor in
            TestDescriptor(digest: fold.fold(descriptor.digest, ids(descriptor.references)), strings: descriptor.strings)
        }
        module = ModuleFingerprint(sourceFilename: name, files: files.names, functions: functions, globals: globals,
                                   testDescriptors: descriptors)
        self.folded = folded
    }

    /// Drops from a block's external references the functions of the crate
    /// that coverage sees (`coverable`, by number: defined here, not
    /// uncoverable). A unit names a callee it only declares without its hash;
    /// the block's `references` say which symbol that is, so a name is dropped
    /// only when every function of that name the block refers to is such a
    /// function (never another crate's, nor an uncoverable one).
    private static func dropCoverableCallees(_ block: inout BlockFingerprint, references: ArraySlice<Int32>,
                                             coverable: [Bool], nameOf: [Int32], symbols: InternedSymbols) {
        // A block names a few functions: arrays searched in turn cost less
        // than two sets hashed for every block; sets for the rare block that
        // names many. A string never numbered is no symbol or name of the crate.
        var local: [Int32] = [], foreign: [Int32] = []
        for id in references {
            if coverable[Int(id)] {
                local.append(nameOf[Int(id)])
            } else {
                foreign.append(nameOf[Int(id)])
            }
        }
        if local.count + foreign.count > 16 {
            let (localSet, foreignSet) = (Set(local), Set(foreign))
            block.externalGlobals.removeAll { name in
                guard let id = symbols.id(of: name) else { return false }
                return coverable[Int(id)] || (localSet.contains(id) && !foreignSet.contains(id))
            }
            return
        }
        block.externalGlobals.removeAll { name in
            guard let id = symbols.id(of: name) else { return false }
            return coverable[Int(id)] || (local.contains(id) && !foreign.contains(id))
        }
    }
}

/// The source files of a crate's units, numbered for the crate module in
/// the order blocks first name them; each unit's numbers mapped once.
private struct CrateFiles {
    private(set) var names: [String] = []
    private var index: [String: UInt32] = [:]
    private let units: [ModuleFingerprint]
    /// Per unit (by position), each of its file numbers' crate number, `UInt32.max` until first named.
    private var mapped: [[UInt32]]

    init(units: [ModuleFingerprint]) {
        self.units = units
        mapped = units.map { Array(repeating: .max, count: $0.files.count) }
    }

    mutating func remap(_ file: UInt32?, unit u: Int) -> UInt32? {
        guard let file, Int(file) < mapped[u].count else { return nil }
        let known = mapped[u][Int(file)]
        if known != .max { return known }
        let name = units[u].files[Int(file)]
        let crateIndex: UInt32
        if let known = index[name] {
            crateIndex = known
        } else {
            crateIndex = UInt32(names.count)
            names.append(name)
            index[name] = crateIndex
        }
        mapped[u][Int(file)] = crateIndex
        return crateIndex
    }
}

extension FunctionFingerprint {
    /// A digest of what `hasSameContent(as:)` compares.
    var contentDigest: UInt64 {
        var h = Digest.mix(0xc0de, UInt64(blocks.count))
        for block in blocks {
            h = Digest.mix(h, block.hash)
            for successor in block.successors { h = Digest.mix(h, UInt64(successor)) }
            for reference in block.externalGlobals { h = Digest.mix(h, Digest.fnv(reference)) }
            for reference in block.references { h = Digest.mix(h, Digest.fnv(reference) ^ 0x7265_6673) }
        }
        return h
    }
}

/// Order-dependent 64-bit mixing for the digests above (not persisted on its
/// own: only inside fingerprints whose format version covers it).
private enum Digest {
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ 0x9e37_79b9_7f4a_7c15 &+ (b &* 0xbf58_476d_1ce4_e5b9)
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    static func fnv(_ string: String) -> UInt64 {
        string.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
