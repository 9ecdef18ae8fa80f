/// Finds, among a newer build's modules, the one an older build's module
/// became. Module keys are cargo's `<crate>-<16 hex>.bc`, and the hash moves
/// with the package version and dependencies; one crate name can also stand
/// for several modules (a library, its unit tests, a binary, its tests). So:
/// the same key; else the only module of that crate name left on both sides;
/// else the only one of the same role (test harness or not); else the one
/// whose functions overlap most by name, when each is the other's clear best.
/// Otherwise none: its tests are then selected.
public struct ModuleCounterpart {
    public let old: [String: ModuleFingerprint]
    public let new: [String: ModuleFingerprint]

    public init(old: [String: ModuleFingerprint], new: [String: ModuleFingerprint]) {
        self.old = old
        self.new = new
    }

    public func match(_ key: String) -> String? {
        if new[key] != nil { return key }
        guard let module = old[key] else { return nil }
        let crate = ModulePairing.crateName(key)
        // Modules kept under their key pair with themselves.
        var news = new.keys.filter { old[$0] == nil && ModulePairing.crateName($0) == crate }
        var olds = old.keys.filter { new[$0] == nil && ModulePairing.crateName($0) == crate }
        if olds.count == 1, news.count == 1 { return news[0] }
        let role = Self.isTestHarness(module)
        news = news.filter { Self.isTestHarness(new[$0]!) == role }
        olds = olds.filter { Self.isTestHarness(old[$0]!) == role }
        if olds.count == 1, news.count == 1 { return news[0] }
        guard !news.isEmpty else { return nil }
        let oldShapes = Dictionary(uniqueKeysWithValues: olds.map { ($0, Shape(old[$0]!)) })
        let newShapes = Dictionary(uniqueKeysWithValues: news.map { ($0, Shape(new[$0]!)) })
        guard let best = Self.clearBest(for: oldShapes[key]!, among: newShapes),
            Self.clearBest(for: newShapes[best]!, among: oldShapes) == key
        else { return nil }
        return best
    }

    private static func isTestHarness(_ module: ModuleFingerprint) -> Bool {
        module.functions.contains(where: \.isTestHarnessMain)
    }

    /// A module's functions by name without the crate hash (names that occur
    /// once only: generic instances share theirs).
    private struct Shape {
        var names: Set<String>
        var unique: [String: FunctionFingerprint]

        init(_ module: ModuleFingerprint) {
            var byName: [String: [FunctionFingerprint]] = [:]
            for f in module.functions where !f.isTestHarnessMain {
                byName[SymbolNames.withoutHash(f.symbol), default: []].append(f)
            }
            names = Set(byName.keys)
            unique = byName.compactMapValues { $0.count == 1 ? $0[0] : nil }
        }

        /// How alike two modules are: the fraction of names they share, then
        /// how many functions of one name have the same content.
        func likeness(to other: Shape) -> (Double, Int) {
            let union = names.union(other.names).count
            let shared = union == 0 ? 0 : Double(names.intersection(other.names).count) / Double(union)
            let same = unique.reduce(0) { count, entry in
                guard let twin = other.unique[entry.key], twin.hasSameContent(as: entry.value) else { return count }
                return count + 1
            }
            return (shared, same)
        }
    }

    /// The candidate most like `shape`, when no other is as alike.
    private static func clearBest(for shape: Shape, among candidates: [String: Shape]) -> String? {
        let scored = candidates.map { ($0.key, shape.likeness(to: $0.value)) }.sorted { $0.1 > $1.1 }
        guard let first = scored.first, first.1.0 > 0 else { return nil }
        if scored.count > 1, scored[1].1 == first.1 { return nil }
        return first.0
    }
}
