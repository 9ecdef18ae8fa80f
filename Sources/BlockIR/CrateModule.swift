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
        var files: [String] = []
        var fileIndex: [String: UInt32] = [:]
        func remap(_ file: UInt32?, in unit: ModuleFingerprint) -> UInt32? {
            guard let file, Int(file) < unit.files.count else { return nil }
            let name = unit.files[Int(file)]
            if let known = fileIndex[name] { return known }
            let index = UInt32(files.count)
            files.append(name)
            fileIndex[name] = index
            return index
        }

        // Each symbol's copies, grouped by index in the order first met (no
        // hashing of a symbol per block below); their units apart, so that
        // the fold shares the functions' storage instead of copying it.
        var groupOf: [String: Int] = [:]
        var groups: [[FunctionFingerprint]] = []
        var unitsOfGroup: [[String]] = []
        for unit in ordered {
            for var function in unit.functions {
                for b in function.blocks.indices {
                    let file = remap(function.blocks[b].file, in: unit)
                    if file != function.blocks[b].file { function.blocks[b].file = file }
                }
                if let group = groupOf[function.symbol] {
                    groups[group].append(function)
                    unitsOfGroup[group].append(unit.sourceFilename)
                } else {
                    groupOf[function.symbol] = groups.count
                    groups.append([function])
                    unitsOfGroup.append([unit.sourceFilename])
                }
            }
        }
        var referenced = Set<String>()
        for group in groups {
            for copy in group {
                for block in copy.blocks where !block.references.isEmpty { referenced.formUnion(block.references) }
            }
        }
        for unit in ordered {
            for references in unit.globalReferences.values { referenced.formUnion(references) }
            for descriptor in unit.testDescriptors { referenced.formUnion(descriptor.references) }
        }
        var coverable = Set<String>()
        var uncoverable = Set<String>()
        for unit in ordered { uncoverable.formUnion(unit.globals.keys) }
        for symbol in groupOf.keys where !uncoverable.contains(symbol) { coverable.insert(symbol) }
        let names = SymbolNames.WithoutHash(referenced)
        for g in groups.indices {
            for c in groups[g].indices {
                for b in groups[g][c].blocks.indices where !groups[g][c].blocks[b].externalGlobals.isEmpty {
                    Self.dropCoverableCallees(&groups[g][c].blocks[b], coverable: coverable, names: names)
                }
            }
        }
        var fold = ReferenceFold(groups: groups, groupOf: groupOf, referenced: referenced, names: names)

        var functions: [FunctionFingerprint] = []
        functions.reserveCapacity(groups.count)
        var folded: [UnitFunction: Int] = [:]
        for group in groups.indices {
            let symbol = groups[group][0].symbol
            let kept = fold.keptCopies(of: symbol)
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

        var globals: [String: UInt64] = [:]
        for unit in ordered {
            for (name, hash) in unit.globals {
                let references = unit.globalReferences[name] ?? []
                globals[name, default: 0] &+= references.isEmpty ? hash : fold.fold(hash, references)
            }
        }
        // Uncoverable functions: their content as folded here.
        for name in globals.keys where groupOf[name] != nil { globals[name] = fold.digest(of: name) }
        let descriptors = ordered.flatMap(\.testDescriptors).map { descriptor in
            TestDescriptor(digest: fold.fold(descriptor.digest, descriptor.references), strings: descriptor.strings)
        }
        module = ModuleFingerprint(sourceFilename: name, files: files, functions: functions, globals: globals,
                                   testDescriptors: descriptors)
        self.folded = folded
    }

    /// Drops from a block's external references the functions of the crate
    /// that coverage sees (`coverable`: defined here, not uncoverable). A unit names a
    /// callee it only declares without its hash; the block's `references` say
    /// which symbol that is, so a name is dropped only when every function of
    /// that name the block refers to is such a function (never another
    /// crate's, nor an uncoverable one).
    private static func dropCoverableCallees(_ block: inout BlockFingerprint, coverable: Set<String>,
                                             names: SymbolNames.WithoutHash) {
        // A block names a few functions: arrays searched in turn cost less
        // than two sets hashed for every block (most of a crate's merge);
        // sets for the rare block that names many.
        var local: [String] = [], foreign: [String] = []
        for symbol in block.references {
            if coverable.contains(symbol) {
                local.append(names[symbol])
            } else {
                foreign.append(names[symbol])
            }
        }
        if local.count + foreign.count > 16 {
            let (localSet, foreignSet) = (Set(local), Set(foreign))
            block.externalGlobals.removeAll { name in
                coverable.contains(name) || (localSet.contains(name) && !foreignSet.contains(name))
            }
            return
        }
        block.externalGlobals.removeAll { name in
            coverable.contains(name) || (local.contains(name) && !foreign.contains(name))
        }
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
