extension CrossCrateFold {
    /// What the fold reads of one module, gathered in one pass over it: made
    /// for each crate as soon as it is merged (while the rest of the build
    /// goes on), so the fold after the build reads only what crosses modules
    /// and the functions and blocks that need it, not every function again.
    ///
    /// The fold changes blocks' hashes and references and the values of
    /// globals, never which functions a module holds, in which order, nor
    /// their external globals or the globals' names: one preparation of the
    /// merged module serves both of the fold's passes.
    public struct Prepared: Sendable {
        let functionCount: Int
        /// Functions with a block whose references are not folded yet, in order.
        let withReferences: [Int]
        /// Tokens naming a function the module only declares (`n…`, `c…`; not `=…`).
        let tokens: Set<String>
        /// Each defined function's first index by symbol (libtest's harness `main` left out).
        let definitions: [SymbolKey: Int]
        /// Later functions of a symbol already in `definitions`, in order (a crate module has none).
        let moreDefinitions: [SymbolKey: [Int]]
        /// Hash-free names of the module's globals (functions coverage cannot see among them).
        let uncoverableNames: Set<String>
        /// Hash-free names of the functions that have no entry among the globals.
        let coverableNames: Set<String>
        /// Blocks with external globals, as (function, block).
        let withExternalGlobals: [(function: Int, block: Int)]

        public init(_ module: ModuleFingerprint) {
            var withReferences: [Int] = []
            var tokens = Set<String>()
            var definitions: [SymbolKey: Int] = [:]
            var moreDefinitions: [SymbolKey: [Int]] = [:]
            var coverableNames = Set<String>()
            var withExternalGlobals: [(function: Int, block: Int)] = []
            definitions.reserveCapacity(module.functions.count)
            let globals = module.globals
            // Read through the buffer: each function copied out costs a retain per field.
            module.functions.withUnsafeBufferPointer { functions in
                for f in functions.indices {
                    let symbol = functions[f].symbol
                    if globals[symbol] == nil { coverableNames.insert(SymbolNames.withoutHash(symbol)) }
                    if !functions[f].isTestHarnessMain {
                        let key = SymbolKey(symbol)
                        if definitions[key] == nil { definitions[key] = f } else { moreDefinitions[key, default: []].append(f) }
                    }
                    var referencesOpen = false
                    for b in functions[f].blocks.indices {
                        if !functions[f].blocks[b].references.isEmpty {
                            referencesOpen = true
                            for text in functions[f].blocks[b].references where text.utf8.first != UInt8(ascii: "=") {
                                tokens.insert(text)
                            }
                        }
                        if !functions[f].blocks[b].externalGlobals.isEmpty { withExternalGlobals.append((f, b)) }
                    }
                    if referencesOpen { withReferences.append(f) }
                }
            }
            functionCount = module.functions.count
            self.withReferences = withReferences
            self.tokens = tokens
            self.definitions = definitions
            self.moreDefinitions = moreDefinitions
            uncoverableNames = Set(globals.keys.map(SymbolNames.withoutHash))
            self.coverableNames = coverableNames
            self.withExternalGlobals = withExternalGlobals
        }

        /// Where `symbol` is defined here, in order.
        func places(of symbol: String) -> [Int] {
            let key = SymbolKey(symbol)
            guard let first = definitions[key] else { return [] }
            return [first] + (moreDefinitions[key] ?? [])
        }
    }
}
