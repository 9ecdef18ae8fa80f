/// Folds into a build's crate modules the references `ReferenceFold` left
/// open: blocks naming a function their crate only declares (a generic
/// instance another crate of the workspace defines and shares with its
/// dependents, under a symbol whose hash moves with that crate's version; or
/// one the crate defined before and another holds now).
///
/// Each such block keeps its unit hash and its references as tokens, in
/// order, folded here as `ReferenceFold` folds a function the crate defines:
/// one unique by name counts by its name and the debug-info name of the
/// definition the build holds; one that shares its name counts by the
/// content of the definition (its own open references folded first; several
/// differing definitions count together). So a release of the upstream
/// crate, which moves the symbol's hash and nothing else, leaves the caller's
/// block unchanged, and so does an instance moving between crates; calling
/// another instance, or one whose content changed, changes it. A symbol no
/// crate of the build defines (or met again inside its own content) counts
/// as within its crate: by name without a debug-info name, or by its full
/// symbol, which moves with crate metadata (the safe choice). A function
/// coverage cannot see with such references gets its folded content as its
/// entry in the module's globals.
///
/// It also drops from blocks' external globals the names of callees only
/// another crate of the build defines and coverage sees there (as
/// `CrateModule` does for its own): a unit cannot tell them from callees
/// coverage cannot see, and a test that runs one sees its changes in its own
/// blocks. So a shared instance that moves between a crate and its dependent
/// changes no caller.
///
/// Applied to the whole build's modules at once (`WorkspaceBuild`, and each
/// side of `blockdiff`), after every crate is merged; a module with no open
/// reference is returned as it is. What it reads of each module alone
/// (`Prepared`) can be gathered before, as each crate is merged.
public enum CrossCrateFold {
    public static func resolve(_ modules: [String: ModuleFingerprint]) -> [String: ModuleFingerprint] {
        resolve(modules, prepared: [:])
    }

    /// `prepared`: modules' preparations made beforehand from the modules as
    /// given (one that does not match its module in size is made again, as
    /// is any missing).
    public static func resolve(_ modules: [String: ModuleFingerprint], prepared: [String: Prepared])
        -> [String: ModuleFingerprint]
    {
        let keys = modules.keys.sorted()
        let preparations = keys.map { key in
            let module = modules[key]!
            if let given = prepared[key], given.functionCount == module.functions.count { return given }
            return Prepared(module)
        }
        return dropCoverableCallees(foldOpenReferences(modules, keys: keys, preparations), keys: keys, preparations)
    }

    private static func foldOpenReferences(_ modules: [String: ModuleFingerprint], keys: [String],
                                           _ preparations: [Prepared]) -> [String: ModuleFingerprint] {
        guard preparations.contains(where: { !$0.withReferences.isEmpty }) else { return modules }
        var open = Set<String>()
        for preparation in preparations {
            for text in preparation.tokens {
                switch ReferenceFold.Token(text: text) {
                case .byName(let symbol), .byContent(let symbol): open.insert(symbol)
                case .known, nil: break
                }
            }
        }
        var fold = Resolution(modules: keys.map { modules[$0]! }, open: open, preparations: preparations)
        var result = modules
        for (m, preparation) in preparations.enumerated() where !preparation.withReferences.isEmpty {
            var module = modules[keys[m]]!
            for f in preparation.withReferences {
                let function = fold.resolvedFunction(Location(module: m, function: f))
                module.functions[f] = function
                // A function coverage cannot see is compared by this content
                // wherever it is called (`FunctionDiffer.environment`).
                if module.globals[function.symbol] != nil { module.globals[function.symbol] = function.contentDigest }
            }
            result[keys[m]] = module
        }
        return result
    }

    /// Names of functions some module defines and coverage sees, that no
    /// module defines as a global or a function coverage cannot see.
    /// Only the names blocks hold are looked up, in every module's sets.
    private static func dropCoverableCallees(_ modules: [String: ModuleFingerprint], keys: [String],
                                             _ preparations: [Prepared]) -> [String: ModuleFingerprint] {
        var named = Set<String>()
        for (m, preparation) in preparations.enumerated() {
            let functions = modules[keys[m]]!.functions
            for place in preparation.withExternalGlobals {
                named.formUnion(functions[place.function].blocks[place.block].externalGlobals)
            }
        }
        let coverable = named.filter { name in
            preparations.contains { $0.coverableNames.contains(name) }
                && !preparations.contains { $0.uncoverableNames.contains(name) }
        }
        guard !coverable.isEmpty else { return modules }
        var result = modules
        for (m, preparation) in preparations.enumerated() {
            let key = keys[m]
            var changed = modules[key]!
            var any = false
            for place in preparation.withExternalGlobals
            where changed.functions[place.function].blocks[place.block].externalGlobals.contains(where: coverable.contains) {
                changed.functions[place.function].blocks[place.block].externalGlobals.removeAll(where: coverable.contains)
                any = true
            }
            if any { result[key] = changed }
        }
        return result
    }

    private struct Location: Hashable {
        var module: Int
        var function: Int
    }

    private struct Resolution {
        let modules: [ModuleFingerprint]
        /// Each open symbol's definitions, in module order.
        var definitions: [String: [Location]] = [:]
        var contributions: [String: UInt64] = [:]
        var resolved: [Location: FunctionFingerprint] = [:]
        var visiting = Set<String>()

        init(modules: [ModuleFingerprint], open: Set<String>, preparations: [Prepared]) {
            self.modules = modules
            for (m, preparation) in preparations.enumerated() {
                for symbol in open {
                    for f in preparation.places(of: symbol) {
                        definitions[symbol, default: []].append(Location(module: m, function: f))
                    }
                }
            }
        }

        mutating func resolvedFunction(_ location: Location) -> FunctionFingerprint {
            if let known = resolved[location] { return known }
            var function = modules[location.module].functions[location.function]
            for b in function.blocks.indices where !function.blocks[b].references.isEmpty {
                function.blocks[b].hash = function.blocks[b].references.reduce(function.blocks[b].hash) {
                    ReferenceFold.mix($0, contribution($1))
                }
                function.blocks[b].references = []
            }
            resolved[location] = function
            return function
        }

        mutating func contribution(_ text: String) -> UInt64 {
            if let known = contributions[text] { return known }
            let value: UInt64
            switch ReferenceFold.Token(text: text) {
            case .known(let known):
                return known
            case .byName(let symbol):
                let debugNames = Set((definitions[symbol] ?? []).map {
                    modules[$0.module].functions[$0.function].nameHash
                }).sorted()
                let debugName = debugNames.count <= 1 ? debugNames.first ?? 0
                    : debugNames.reduce(0x5ca1_ab1e) { ReferenceFold.mix($0, $1) }
                value = ReferenceFold.byName(SymbolNames.withoutHash(symbol), debugName: debugName)
            case .byContent(let symbol):
                guard let places = definitions[symbol], !visiting.contains(symbol) else {
                    return ReferenceFold.bySymbol(symbol)
                }
                visiting.insert(symbol)
                let variants = Set(places.map { resolvedFunction($0).contentDigest }).sorted()
                visiting.remove(symbol)
                let digest = variants.count == 1 ? variants[0] : variants.reduce(0x5ca1_ab1e) { ReferenceFold.mix($0, $1) }
                value = ReferenceFold.byContent(digest)
            case nil:
                // Not a token (a module merged by an older trim): by the text, which is safe.
                return ReferenceFold.bySymbol(text)
            }
            contributions[text] = value
            return value
        }
    }
}
