/// Folds into a crate's hashes which function each reference names.
///
/// A unit's reader hashes a reference to a function by its symbol without
/// the crate hash (the callee may sit in another codegen unit, and a release
/// moves every hash) and lists the full symbol beside it. Knowing every unit
/// of the crate, a reference then counts as:
/// - the function's name: its symbol without the hash and its debug-info
///   name (none for a function the crate only declares), when no other
///   function the crate defines or names has both. A test that runs the
///   callee sees its changes in the callee's own blocks.
/// - else, for a function the crate defines (instances of a generic over fn
///   items print alike), its content: calling another instance, or an
///   instance whose content changed, changes the block; the hash a release
///   moves does not. In a cycle of such instances (recursion) the one met
///   again is taken by its full symbol, which is safe: it changes with crate
///   metadata.
/// - else (functions of other crates that share a name here) its full symbol.
///
/// A function the crate only declares may be defined by another crate of
/// the build (rustc shares generic instances with downstream crates, under a
/// symbol whose hash moves with the upstream crate's version, and which crate
/// holds an instance moves too). So in the functions' own blocks that name
/// one, nothing is folded yet: the block keeps its unit hash, and its
/// `references` become tokens (`Token`), in order: each contribution known
/// here, and each declared function to look up in the build, by name or by
/// content. `CrossCrateFold` folds them in order once every crate is merged,
/// with the debug-info name or the content of the definition it finds (none
/// found: as above), so a callee counts the same whichever crate defines it.
/// Digests for callers that name a function by content, globals and test
/// descriptors are final within the crate (as above).
///
/// So a reference counts the same whichever unit rustc put the callee in,
/// as in a single-unit build.
struct ReferenceFold {
    /// Every copy of every function the crate defines, grouped by symbol, as
    /// read; a defined symbol's number (`InternedSymbols`) is its group's index.
    /// A group whose references are all folded is moved out when resolved
    /// (never needed as read again), so it is folded in place, not copied.
    private var groups: [[FunctionFingerprint]]
    /// Per group: whether a block of a copy names a function the crate only declares.
    private let namesDeclared: [Bool]
    /// Per group: its first copy's debug-info name hash.
    private let debugNames: [UInt64]
    /// Each copy's references as numbers, beside `groups`.
    private let references: [[BlockReferenceIDs]]
    private let symbols: InternedSymbols
    /// For each symbol's number: the number of its name without the hash.
    private let nameOf: [Int32]
    /// For each symbol's number: whether no other function the crate defines
    /// or names has its name and debug-info name.
    private let uniqueByName: [Bool]
    private var contributions: [UInt64?]
    private var resolved: [[FunctionFingerprint]?]
    private var digests: [UInt64?]
    private var visiting: [Bool]

    private struct Key: Hashable {
        var name: Int32
        var debugName: UInt64
    }

    /// `groups`: each defined symbol's copies (one per unit that has it), in
    /// the order of their numbers; `references`: the copies' references as
    /// numbers; `symbolCount`: the numbers below it are symbols (defined, then
    /// named), those above names; `nameOf`: each symbol's name's number.
    init(groups: [[FunctionFingerprint]], references: [[BlockReferenceIDs]], symbols: InternedSymbols,
         symbolCount: Int, nameOf: [Int32]) {
        self.groups = groups
        self.references = references
        self.symbols = symbols
        self.nameOf = nameOf
        let defined = Int32(groups.count)
        namesDeclared = references.map { $0.contains { $0.ids.contains { $0 >= defined } } }
        let debugNames = groups.map { $0.first?.nameHash ?? 0 }
        self.debugNames = debugNames
        var keyCounts: [Key: Int] = [:]
        keyCounts.reserveCapacity(symbolCount)
        var keys: [Key] = []
        keys.reserveCapacity(symbolCount)
        for id in 0..<symbolCount {
            let key = Key(name: nameOf[id], debugName: id < groups.count ? debugNames[id] : 0)
            keys.append(key)
            keyCounts[key, default: 0] += 1
        }
        uniqueByName = keys.map { keyCounts[$0] == 1 }
        contributions = Array(repeating: nil, count: symbolCount)
        resolved = Array(repeating: nil, count: groups.count)
        digests = Array(repeating: nil, count: groups.count)
        visiting = Array(repeating: false, count: groups.count)
    }

    private func isDeclared(_ id: Int32) -> Bool { Int(id) >= groups.count }

    /// The copies of the function numbered `group` as the crate module keeps
    /// them: references folded, except in blocks that name a function the
    /// crate only declares, whose references become tokens for `CrossCrateFold`.
    mutating func keptCopies(of group: Int) -> [FunctionFingerprint] {
        guard namesDeclared[group] else { return resolvedCopies(of: group) }
        return groups[group].indices.map { resolveKeepingDeclared(groups[group][$0], references[group][$0]) }
    }

    private mutating func resolveKeepingDeclared(_ function: FunctionFingerprint,
                                                 _ ids: BlockReferenceIDs) -> FunctionFingerprint {
        var function = function
        for b in function.blocks.indices where !function.blocks[b].references.isEmpty {
            let references = ids[b]
            // A closure over a number, never `isDeclared` passed as a value:
            // that would copy the whole fold (a retain of each of its tables).
            let defined = Int32(groups.count)
            guard references.contains(where: { $0 >= defined }) else {
                function.blocks[b].hash = fold(function.blocks[b].hash, references)
                function.blocks[b].references = []
                continue
            }
            function.blocks[b].references = references.map { id in
                guard isDeclared(id) else { return Token.known(contribution(id)).text }
                let symbol = symbols[id]
                return (uniqueByName[Int(id)] ? Token.byName(symbol) : Token.byContent(symbol)).text
            }
        }
        return function
    }

    /// A block's reference left for `CrossCrateFold`, kept as a string in
    /// `BlockFingerprint.references`.
    enum Token {
        case known(UInt64)
        /// A declared function unique here by name: its name and its definition's debug-info name.
        case byName(String)
        /// A declared function that shares its name here: its definition's content.
        case byContent(String)

        var text: String {
            switch self {
            case .known(let value): "=" + String(value, radix: 16)
            case .byName(let symbol): "n" + symbol
            case .byContent(let symbol): "c" + symbol
            }
        }

        init?(text: String) {
            guard let kind = text.first else { return nil }
            if kind == "=" {
                // Read in place: the most frequent token, met in every block that names a declared function.
                guard let value = Self.hexadecimal(text.utf8.dropFirst()) else { return nil }
                self = .known(value)
                return
            }
            let rest = String(text.dropFirst())
            switch kind {
            case "n": self = .byName(rest)
            case "c": self = .byContent(rest)
            default: return nil
            }
        }

        /// `UInt64(_:radix: 16)` of what `String(_:radix: 16)` wrote (lower-case digits), nil for anything else.
        private static func hexadecimal(_ digits: Substring.UTF8View) -> UInt64? {
            guard !digits.isEmpty, digits.count <= 16 else { return nil }
            var value: UInt64 = 0
            for digit in digits {
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(digit - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(digit - UInt8(ascii: "a") + 10)
                default: return nil
                }
            }
            return value
        }
    }

    /// What a reference to a function by its name contributes.
    static func byName(_ name: String, debugName: UInt64) -> UInt64 {
        mix(mix(0x6e61_6d65, fnv(name)), debugName)
    }

    /// What a reference to a function by its content contributes.
    static func byContent(_ digest: UInt64) -> UInt64 { mix(0x636f_6e74, digest) }

    /// What a reference to a function by its full symbol contributes.
    static func bySymbol(_ symbol: String) -> UInt64 { mix(0x7379_6d62, fnv(symbol)) }

    /// The copies of the function numbered `group` with every reference folded, in the order given.
    mutating func resolvedCopies(of group: Int) -> [FunctionFingerprint] {
        if let known = resolved[group] { return known }
        visiting[group] = true
        var copies: [FunctionFingerprint] = []
        if namesDeclared[group] { copies = groups[group] } else { swap(&copies, &groups[group]) }
        for c in copies.indices { resolve(&copies[c], references[group][c]) }
        visiting[group] = false
        resolved[group] = copies
        return copies
    }

    /// `hash` with the functions numbered `references` folded in, in order.
    mutating func fold(_ hash: UInt64, _ references: some Collection<Int32>) -> UInt64 {
        var hash = hash
        for id in references { hash = Self.mix(hash, contribution(id)) }
        return hash
    }

    /// What the function numbered `group` is, for those that refer to it by
    /// content: its folded content, or, when its copies differ, all of them.
    mutating func digest(of group: Int) -> UInt64 {
        if let known = digests[group] { return known }
        let variants = Set(resolvedCopies(of: group).map(\.contentDigest)).sorted()
        let digest = variants.count == 1 ? variants[0] : variants.reduce(0x5ca1_ab1e) { Self.mix($0, $1) }
        digests[group] = digest
        return digest
    }

    private mutating func resolve(_ function: inout FunctionFingerprint, _ ids: BlockReferenceIDs) {
        for b in function.blocks.indices where !function.blocks[b].references.isEmpty {
            function.blocks[b].hash = fold(function.blocks[b].hash, ids[b])
            function.blocks[b].references = []
        }
    }

    private mutating func contribution(_ id: Int32) -> UInt64 {
        let index = Int(id)
        if let known = contributions[index] { return known }
        let value: UInt64
        if uniqueByName[index] {
            let debugName = isDeclared(id) ? 0 : debugNames[index]
            value = Self.byName(symbols[nameOf[index]], debugName: debugName)
        } else if !isDeclared(id) {
            // Met again inside its own content: by full symbol, and not remembered.
            if visiting[index] { return Self.mix(0x6379_636c, Self.fnv(symbols[id])) }
            value = Self.byContent(digest(of: index))
        } else {
            value = Self.bySymbol(symbols[id])
        }
        contributions[index] = value
        return value
    }

    /// splitmix64's finaliser over the running hash and a value.
    static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var z = (h ^ v) &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// FNV-1a: stable across processes, unlike Swift's seeded `Hasher`.
    static func fnv(_ s: String) -> UInt64 {
        s.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
