/// Folds into each block's hash the content of the generic instances it
/// calls whose hash-free names are not unique in the module (the shim hashes
/// only that shared name and lists the callees' symbols): a block that calls
/// another instance, or an instance whose content changed, changes; the
/// symbol hash that crate metadata moves does not count.
///
/// An instance's content is its blocks (with their own instance callees
/// folded in first), successors and external references. In a cycle of such
/// instances (recursion) the instance the walk meets again is taken by its
/// full symbol instead: that changes with crate metadata, which is safe.
enum InstanceDigests {
    /// `functions` with their blocks' hashes folded; `instanceRefs[f][b]`
    /// lists the symbols block `b` of function `f` calls through a shared name.
    static func fold(_ functions: [FunctionFingerprint], instanceRefs: [[[String]]]) -> [FunctionFingerprint] {
        guard instanceRefs.contains(where: { $0.contains { !$0.isEmpty } }) else { return functions }
        var folder = Folder(functions: functions, instanceRefs: instanceRefs)
        for f in functions.indices { _ = folder.digest(of: f) }
        return folder.functions
    }

    private struct Folder {
        var functions: [FunctionFingerprint]
        let instanceRefs: [[[String]]]
        let indexBySymbol: [String: Int]
        var digests: [Int: UInt64] = [:]
        var visiting = Set<Int>()

        init(functions: [FunctionFingerprint], instanceRefs: [[[String]]]) {
            self.functions = functions
            self.instanceRefs = instanceRefs
            var index: [String: Int] = [:]
            for (i, f) in functions.enumerated() { index[f.symbol] = i }
            indexBySymbol = index
        }

        mutating func digest(of f: Int) -> UInt64 {
            if let known = digests[f] { return known }
            visiting.insert(f)
            for (b, refs) in instanceRefs[f].enumerated() where !refs.isEmpty {
                var hash = functions[f].blocks[b].hash
                for symbol in refs { hash = mix(hash, reference(symbol)) }
                functions[f].blocks[b].hash = hash
            }
            visiting.remove(f)
            var h: UInt64 = 0x1257_a9ce
            for block in functions[f].blocks {
                h = mix(h, block.hash)
                h = mix(h, UInt64(block.successors.count))
                for s in block.successors { h = mix(h, UInt64(s)) }
                for name in block.externalGlobals { h = mix(h, stringHash(name)) }
            }
            digests[f] = h
            return h
        }

        private mutating func reference(_ symbol: String) -> UInt64 {
            guard let callee = indexBySymbol[symbol], !visiting.contains(callee) else { return stringHash(symbol) }
            return digest(of: callee)
        }
    }

    /// splitmix64's finaliser over the running hash and a value.
    private static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var z = (h ^ v) &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// FNV-1a: stable across processes, unlike Swift's seeded `Hasher`.
    private static func stringHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in s.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
