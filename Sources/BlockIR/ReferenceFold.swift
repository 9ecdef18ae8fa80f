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
    /// Every copy of every function the crate defines, grouped by symbol
    /// (`groupOf`), as read.
    private let groups: [[FunctionFingerprint]]
    private let groupOf: [String: Int]
    private let names: SymbolNames.WithoutHash
    private var keyCounts: [Key: Int] = [:]
    private var contributions: [String: UInt64] = [:]
    private var resolved: [String: [FunctionFingerprint]] = [:]
    private var digests: [String: UInt64] = [:]
    private var visiting = Set<String>()

    private struct Key: Hashable {
        var name: String
        var debugName: UInt64
    }

    /// `groups`: each defined symbol's copies (one per unit that has it), the
    /// symbol's group given by `groupOf`; `referenced`: every symbol the
    /// crate's blocks, globals and descriptors name; `names`: symbols without
    /// their hash (computed once for the crate).
    init(groups: [[FunctionFingerprint]], groupOf: [String: Int], referenced: Set<String>,
         names: SymbolNames.WithoutHash) {
        self.groups = groups
        self.groupOf = groupOf
        self.names = names
        for symbol in groupOf.keys { keyCounts[key(of: symbol), default: 0] += 1 }
        for symbol in referenced where groupOf[symbol] == nil { keyCounts[key(of: symbol), default: 0] += 1 }
    }

    private func copies(_ symbol: String) -> [FunctionFingerprint] {
        groupOf[symbol].map { groups[$0] } ?? []
    }

    private func key(of symbol: String) -> Key {
        Key(name: names[symbol], debugName: groupOf[symbol].map { groups[$0].first?.nameHash ?? 0 } ?? 0)
    }

    /// The copies of `symbol` as the crate module keeps them: references
    /// folded, except in blocks that name a function the crate only declares,
    /// whose references become tokens for `CrossCrateFold`.
    mutating func keptCopies(of symbol: String) -> [FunctionFingerprint] {
        let functions = copies(symbol)
        // Closures over `groupOf`, never `isDeclared` passed as a value: that
        // would copy the whole fold (a retain of each of its tables) per call.
        let groupOf = self.groupOf
        guard functions.contains(where: { $0.blocks.contains { $0.references.contains { groupOf[$0] == nil } } }) else {
            return resolvedCopies(of: symbol)
        }
        return functions.map { resolveKeepingDeclared($0) }
    }

    private func isDeclared(_ symbol: String) -> Bool { groupOf[symbol] == nil }

    private mutating func resolveKeepingDeclared(_ function: FunctionFingerprint) -> FunctionFingerprint {
        var function = function
        for b in function.blocks.indices where !function.blocks[b].references.isEmpty {
            let references = function.blocks[b].references
            guard references.contains(where: { groupOf[$0] == nil }) else {
                function.blocks[b].hash = fold(function.blocks[b].hash, references)
                function.blocks[b].references = []
                continue
            }
            function.blocks[b].references = references.map { symbol in
                guard isDeclared(symbol) else { return Token.known(contribution(symbol)).text }
                return (keyCounts[key(of: symbol)] == 1 ? Token.byName(symbol) : Token.byContent(symbol)).text
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
            let rest = String(text.dropFirst())
            switch kind {
            case "=":
                guard let value = UInt64(rest, radix: 16) else { return nil }
                self = .known(value)
            case "n": self = .byName(rest)
            case "c": self = .byContent(rest)
            default: return nil
            }
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

    /// The copies of `symbol` (defined here) with every reference folded, in the order given.
    mutating func resolvedCopies(of symbol: String) -> [FunctionFingerprint] {
        if let known = resolved[symbol] { return known }
        visiting.insert(symbol)
        let result = copies(symbol).map { resolve($0) }
        visiting.remove(symbol)
        resolved[symbol] = result
        return result
    }

    /// `hash` with the functions `references` names folded in, in order.
    mutating func fold(_ hash: UInt64, _ references: [String]) -> UInt64 {
        references.reduce(hash) { Self.mix($0, contribution($1)) }
    }

    /// What a function defined here is, for those that refer to it by content:
    /// its folded content, or, when its copies differ, all of them.
    mutating func digest(of symbol: String) -> UInt64 {
        if let known = digests[symbol] { return known }
        let variants = Set(resolvedCopies(of: symbol).map(\.contentDigest)).sorted()
        let digest = variants.count == 1 ? variants[0] : variants.reduce(0x5ca1_ab1e) { Self.mix($0, $1) }
        digests[symbol] = digest
        return digest
    }

    private mutating func resolve(_ function: FunctionFingerprint) -> FunctionFingerprint {
        var function = function
        for b in function.blocks.indices where !function.blocks[b].references.isEmpty {
            function.blocks[b].hash = fold(function.blocks[b].hash, function.blocks[b].references)
            function.blocks[b].references = []
        }
        return function
    }

    private mutating func contribution(_ symbol: String) -> UInt64 {
        if let known = contributions[symbol] { return known }
        let key = key(of: symbol)
        let value: UInt64
        if keyCounts[key] == 1 {
            value = Self.byName(key.name, debugName: key.debugName)
        } else if groupOf[symbol] != nil {
            // Met again inside its own content: by full symbol, and not remembered.
            if visiting.contains(symbol) { return Self.mix(0x6379_636c, Self.fnv(symbol)) }
            value = Self.byContent(digest(of: symbol))
        } else {
            value = Self.bySymbol(symbol)
        }
        contributions[symbol] = value
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
