/// Folds into a crate's hashes which function each reference names.
///
/// A unit's reader hashes a reference to a function by its symbol without
/// the crate hash (the callee may sit in another codegen unit, and a release
/// moves every hash) and lists the full symbol beside it. Knowing every unit
/// of the crate, a reference then counts as:
/// - the function's name: its symbol without the hash and its debug-info
///   name (none for a function the crate only declares), when no other
///   function the crate defines or names has both; the name alone when no
///   other has that name (so a callee that moves between this crate and
///   another keeps its callers' hashes). A test that runs the callee sees
///   its changes in the callee's own blocks, wherever it is defined.
/// - else, for a function the crate defines (instances of a generic over fn
///   items print alike), its content: calling another instance, or an
///   instance whose content changed, changes the block; the hash a release
///   moves does not. In a cycle of such instances (recursion) the one met
///   again is taken by its full symbol, which is safe: it changes with crate
///   metadata.
/// - else (functions of other crates that share a name here) its full symbol,
///   except in a function's own blocks: there the reference is left in the
///   block's `references` (deferred, a fixed mark in its place), and
///   `CrossCrateFold` folds in the content of its definition in the crate of
///   the build that defines it (rustc shares generic instances with downstream
///   crates, under a symbol whose hash moves with the upstream crate's
///   version), or the full symbol when no crate of the build defines it.
///   Digests for callers that name a function by content, globals and test
///   descriptors keep the full symbol: they are final within the crate.
///
/// So a reference counts the same whichever unit rustc put the callee in,
/// as in a single-unit build.
struct ReferenceFold {
    /// Every copy of every function the crate defines, by symbol, as read.
    private let copies: [String: [FunctionFingerprint]]
    private var keyCounts: [Key: Int] = [:]
    private var nameCounts: [String: Int] = [:]
    private var contributions: [String: UInt64] = [:]
    private var resolved: [String: [FunctionFingerprint]] = [:]
    private var digests: [String: UInt64] = [:]
    private var visiting = Set<String>()

    private struct Key: Hashable {
        var name: String
        var debugName: UInt64
    }

    /// `copies`: each defined symbol's copies (one per unit that has it);
    /// `referenced`: every symbol the crate's blocks, globals and descriptors name.
    init(copies: [String: [FunctionFingerprint]], referenced: Set<String>) {
        self.copies = copies
        for symbol in Set(copies.keys).union(referenced) {
            let key = key(of: symbol)
            keyCounts[key, default: 0] += 1
            nameCounts[key.name, default: 0] += 1
        }
    }

    private func key(of symbol: String) -> Key {
        Key(name: SymbolNames.withoutHash(symbol), debugName: copies[symbol]?.first?.nameHash ?? 0)
    }

    /// The copies of `symbol` as the crate module keeps them: references
    /// folded, except those to functions only another crate of the build can
    /// tell apart, which stay in `references` for `CrossCrateFold`.
    mutating func keptCopies(of symbol: String) -> [FunctionFingerprint] {
        let functions = copies[symbol, default: []]
        guard functions.contains(where: { $0.blocks.contains { $0.references.contains(where: isDeferred) } }) else {
            return resolvedCopies(of: symbol)
        }
        return functions.map { resolveKeepingDeferred($0) }
    }

    /// A reference the crate cannot tell apart from others of its name and
    /// does not define: left to `CrossCrateFold`.
    private func isDeferred(_ symbol: String) -> Bool {
        copies[symbol] == nil && keyCounts[key(of: symbol)] != 1
    }

    private mutating func resolveKeepingDeferred(_ function: FunctionFingerprint) -> FunctionFingerprint {
        var function = function
        function.nameHash = 0
        for b in function.blocks.indices where !function.blocks[b].references.isEmpty {
            var hash = function.blocks[b].hash
            var deferred: [String] = []
            for symbol in function.blocks[b].references {
                if isDeferred(symbol) {
                    hash = Self.mix(hash, Self.deferredMark)
                    deferred.append(symbol)
                } else {
                    hash = Self.mix(hash, contribution(symbol))
                }
            }
            function.blocks[b].hash = hash
            function.blocks[b].references = deferred
        }
        return function
    }

    /// Where a deferred reference stood in a block's hash.
    static let deferredMark: UInt64 = 0x6465_6665_7272_6564

    /// The copies of `symbol` (defined here) with every reference folded, in the order given.
    mutating func resolvedCopies(of symbol: String) -> [FunctionFingerprint] {
        if let known = resolved[symbol] { return known }
        visiting.insert(symbol)
        let result = copies[symbol, default: []].map { resolve($0) }
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
        function.nameHash = 0
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
            // The only function of its name needs no debug name (which a
            // function the crate only declares lacks): it stays the same
            // reference when the crate that defines it changes.
            let debugName = nameCounts[key.name] == 1 ? 0 : key.debugName
            value = Self.mix(Self.mix(0x6e61_6d65, Self.fnv(key.name)), debugName)
        } else if copies[symbol] != nil {
            // Met again inside its own content: by full symbol, and not remembered.
            if visiting.contains(symbol) { return Self.mix(0x6379_636c, Self.fnv(symbol)) }
            value = Self.mix(0x636f_6e74, digest(of: symbol))
        } else {
            value = Self.mix(0x7379_6d62, Self.fnv(symbol))
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
