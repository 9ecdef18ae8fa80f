import BlockIR
import TrimModel

/// What changed between a recorded build and the current one, asked function
/// by function and remembered, so that ten thousand tests sharing a few
/// hundred functions cost a few hundred comparisons. Every lookup in a module
/// goes through its `BuildIndex`: a test costs what it executed, not what its
/// module holds.
final class BuildComparison {
    let old: BuildSnapshot
    let new: BuildSnapshot
    private let oldIndex: BuildIndex
    private let newIndex: BuildIndex
    private let differ: FunctionDiffer
    private var moduleMatch: [String: String?] = [:]
    /// What every function of one recorded module shares, decided once per module.
    private var moduleStates: [String: ModuleState] = [:]
    /// By symbol first (one string hashed per hit), then module: a symbol
    /// rarely lives in more than one module.
    private var verdictsBySymbol: [SymbolKey: (module: String, verdict: FunctionVerdict)] = [:]
    /// The same symbol in a second (third, ...) module.
    private var verdictsElsewhere: [HitKey: FunctionVerdict] = [:]
    /// The verdict on every function found the same without a look at it
    /// (`computeVerdict`): one object, never shown (nothing in it is a reason).
    private let unchanged = FunctionVerdict(name: .symbol(""), affectedBlocks: [], changed: false, locations: [:],
                                            constantOnly: [], files: [:], gone: nil)

    /// `old` and `new` may be shared with other comparisons (other parts of one selection).
    init(old: BuildIndex, new: BuildIndex) {
        self.old = old.snapshot
        self.new = new.snapshot
        oldIndex = old
        newIndex = new
        differ = FunctionDiffer(oldGlobals: old.globals, newGlobals: new.globals)
        // A selection asks of thousands of functions: one table, not a dozen grown in turn.
        verdictsBySymbol.reserveCapacity(4096)
    }

    convenience init(old: BuildSnapshot, new: BuildSnapshot) {
        self.init(old: BuildIndex(old), new: BuildIndex(new))
    }

    /// Why two builds' binaries cannot be compared block by block, or nil.
    /// The git commit is not among them: a new commit is what selection is for.
    static func factChange(_ old: BuildFacts, _ new: BuildFacts) -> String? {
        if old.toolchain != new.toolchain { return "the toolchain changed" }
        if old.rustflags != new.rustflags { return "the compiler flags changed" }
        if old.profile != new.profile { return "the cargo profile changed (\(old.profile) → \(new.profile))" }
        if old.features != new.features {
            return "the features changed ([\(old.features.joined(separator: ","))] → [\(new.features.joined(separator: ","))])"
        }
        return nil
    }

    struct HitKey: Hashable {
        var module: String
        var symbol: String
    }

    /// One recorded function against the current build.
    final class FunctionVerdict {
        init(name: FunctionName, affectedBlocks: Set<Int>, changed: Bool, locations: [Int: String],
             constantOnly: Set<Int>, files: [Int: String], gone: String?, harnessModule: String? = nil) {
            self.displayName = name; self.affectedBlocks = affectedBlocks; self.changed = changed
            self.locations = locations; self.constantOnly = constantOnly; self.files = files; self.gone = gone
            self.harnessModule = harnessModule
        }
        /// For libtest's generated `main`: the module whose test descriptors to compare.
        var harnessModule: String?
        private let displayName: FunctionName
        /// Demangled only when a reason names it: most verdicts never show.
        lazy var name: String = displayName.text
        /// Old blocks whose behaviour may differ; empty when none.
        var affectedBlocks: Set<Int>
        /// The function changed at all (function grain).
        var changed: Bool
        /// Where: by old block index, `file:line` in the new build where it has a partner.
        var locations: [Int: String]
        /// Affected blocks whose own instructions are the same and only a global
        /// from another module (or a callee coverage cannot see) changed.
        var constantOnly: Set<Int>
        /// Files of the old function's blocks, by old block index.
        var files: [Int: String]
        var gone: String?
    }

    /// A function's name as reasons show it, or the symbol when the recorded build lacks the function.
    enum FunctionName {
        case symbol(String)
        case demangled(String)

        var text: String {
            switch self {
            case .symbol(let symbol): return symbol
            case .demangled(let demangled): return SymbolNames.display(demangled: demangled, keepHash: false)
            }
        }
    }

    /// Why `test`, which executed `hits` on the old build, may behave
    /// differently now: its attributes, or what it executed, changed.
    func reasons(for test: TestKey, hits: [HitFunction], granularity: Granularity) -> [Reason] {
        var changedFunctions: [String] = []
        var locations: [String] = []
        var constantOnly = true
        var gone: [String] = []
        var changedFiles = Set<String>()
        // Indexing rather than copying each hit: this loop runs once per hit of
        // every test, and copies cost retains.
        for index in hits.indices {
            let verdict = self.verdict(module: hits[index].module, symbol: hits[index].symbol)
            if let module = verdict.harnessModule, let changed = descriptorChange(of: test, module: module) {
                return [changed]
            }
            if let why = verdict.gone {
                gone.append(why)
                changedFunctions.append(verdict.name)
                continue
            }
            switch granularity {
            case .block:
                if verdict.affectedBlocks.isEmpty { continue }
                let touched = hits[index].blocks.map(Int.init).filter { verdict.affectedBlocks.contains($0) }
                guard !touched.isEmpty else { continue }
                changedFunctions.append(verdict.name)
                locations += touched.compactMap { verdict.locations[$0] }
                if !touched.allSatisfy({ verdict.constantOnly.contains($0) }) { constantOnly = false }
            case .function:
                guard verdict.changed else { continue }
                changedFunctions.append(verdict.name)
                locations += verdict.affectedBlocks.sorted().compactMap { verdict.locations[$0] }
                constantOnly = false
            case .file:
                if verdict.files.isEmpty { continue }
                for block in hits[index].blocks {
                    guard let file = verdict.files[Int(block)] else { continue }
                    changedFiles.insert(file)
                }
            }
        }
        if granularity == .file {
            var reasons: [Reason] = []
            if !gone.isEmpty { reasons.append(Reason(.blocksChanged, functions: changedFunctions, detail: gone[0])) }
            if !changedFiles.isEmpty {
                let files = changedFiles.sorted()
                reasons.append(Reason(.fileChanged, locations: files,
                                      detail: "a source file it executed changed: \(files.joined(separator: ", "))"))
            }
            return reasons
        }
        guard !changedFunctions.isEmpty else { return [] }
        let functions = Array(NSOrderedSetLike(changedFunctions))
        let places = Array(NSOrderedSetLike(locations))
        if !gone.isEmpty {
            return [Reason(.blocksChanged, functions: functions, locations: places, detail: gone[0])]
        }
        if constantOnly && granularity == .block {
            return [Reason(.constantChanged, functions: functions, locations: places,
                           detail: "a constant or static it used changed (in \(functions[0]))")]
        }
        let what = granularity == .block ? "a block it executed changed" : "a function it executed changed"
        return [Reason(.blocksChanged, functions: functions, locations: places,
                       detail: "\(what): \(functions[0])" + (places.first.map { " at \($0)" } ?? ""))]
    }

    /// libtest keeps `#[should_panic(expected = ..)]`, `#[ignore]` and the like
    /// in a descriptor outside every function: compared on its own, in the
    /// module whose harness `main` the test executed.
    func descriptorChange(of test: TestKey, module: String) -> Reason? {
        let digests = descriptorDigests(ofHarnessModule: module)
        guard digests.old?[test: test.name] != digests.new?[test: test.name] else { return nil }
        return Reason(.blocksChanged, functions: [test.name],
                      detail: "its test attributes changed (#[should_panic], #[ignore], ...)")
    }

    private var harnessDigests: [String: (old: DescriptorDigests?, new: DescriptorDigests?)] = [:]

    /// The descriptors of the old module `key` and of its current counterpart:
    /// looked up once per comparison, then once per test by name alone.
    private func descriptorDigests(ofHarnessModule key: String)
        -> (old: DescriptorDigests?, new: DescriptorDigests?)
    {
        if let known = harnessDigests[key] { return known }
        let digests = (old: oldIndex.module(key)?.descriptorDigests,
                       new: matchingModule(key).flatMap { newIndex.module($0)?.descriptorDigests })
        harnessDigests[key] = digests
        return digests
    }

    private func fileChanged(_ file: String) -> Bool {
        // A file no longer known is a change; one never hashed on either side
        // (outside the workspace) is not comparable and left to block grain.
        switch (old.sourceFiles[file], new.sourceFiles[file]) {
        case (nil, nil): return false
        case let (a, b): return a != b
        }
    }

    func verdict(module: String, symbol: String) -> FunctionVerdict {
        guard let first = verdictsBySymbol[SymbolKey(symbol)] else {
            let verdict = computeVerdict(HitKey(module: module, symbol: symbol))
            verdictsBySymbol[SymbolKey(symbol)] = (module, verdict)
            return verdict
        }
        if first.module == module { return first.verdict }
        let key = HitKey(module: module, symbol: symbol)
        if let known = verdictsElsewhere[key] { return known }
        let verdict = computeVerdict(key)
        verdictsElsewhere[key] = verdict
        return verdict
    }

    /// A recorded module against the current build, for all of its functions.
    private final class ModuleState {
        let old: ModuleIndex?
        /// The current module it pairs with (`matchingModule`), and its index.
        let newKey: String?
        let new: ModuleIndex?
        /// The same bytes on both sides (see `computeVerdict`).
        let sameBytes: Bool
        /// For each entry of the old module's `files`, whether that file
        /// changed: decided once per module, not once per block.
        let changedFiles: [Bool]
        let anyFileChanged: Bool

        init(old: ModuleIndex?, newKey: String?, new: ModuleIndex?, sameBytes: Bool, changedFiles: [Bool]) {
            self.old = old; self.newKey = newKey; self.new = new; self.sameBytes = sameBytes
            self.changedFiles = changedFiles
            anyFileChanged = changedFiles.contains(true)
        }
    }

    private func moduleState(_ key: String) -> ModuleState {
        if let known = moduleStates[key] { return known }
        let oldModule = oldIndex.module(key)
        let newKey = oldModule == nil ? nil : matchingModule(key)
        let sameBytes = newKey.map { old.moduleContent[key] != nil && old.moduleContent[key] == new.moduleContent[$0] } ?? false
        let state = ModuleState(old: oldModule, newKey: newKey, new: newKey.flatMap { newIndex.module($0) },
                                sameBytes: sameBytes,
                                changedFiles: oldModule.map { $0.fingerprint.files.map(fileChanged) } ?? [])
        moduleStates[key] = state
        return state
    }

    private func computeVerdict(_ key: HitKey) -> FunctionVerdict {
        let name = FunctionName.symbol(key.symbol)
        let state = moduleState(key.module)
        guard let oldModuleIndex = state.old else {
            return FunctionVerdict(name: name, affectedBlocks: [], changed: true, locations: [:], constantOnly: [],
                                   files: [:], gone: "its recorded coverage names \(key.symbol), which the recorded build lacks")
        }
        // Looked up first: a harness `main` is never among a module's functions by symbol.
        guard let oldAt = oldModuleIndex.functions.index(symbol: key.symbol) else {
            // libtest's generated main embeds every test's line numbers: never a
            // change of its own (each test's own descriptor is compared instead).
            if oldModuleIndex.functions.isHarnessMain(symbol: key.symbol) {
                return FunctionVerdict(name: name, affectedBlocks: [], changed: false, locations: [:], constantOnly: [],
                                       files: [:], gone: nil, harnessModule: key.module)
            }
            return FunctionVerdict(name: name, affectedBlocks: [], changed: true, locations: [:], constantOnly: [],
                                   files: [:], gone: "its recorded coverage names \(key.symbol), which the recorded build lacks")
        }
        // Most of a run's verdicts are "the same": decided in place, without
        // copying the function out or naming it, and shared.
        let oldFunctions = oldModuleIndex.fingerprint.functions
        if state.sameBytes, !state.anyFileChanged,
           !oldFunctions[oldAt].blocks.contains(where: { !$0.externalGlobals.isEmpty }) {
            return unchanged
        }
        var files: [Int: String] = [:]
        let changedFiles = state.changedFiles
        if state.anyFileChanged {
            let blocks = oldFunctions[oldAt].blocks
            for i in blocks.indices {
                if let file = blocks[i].file, Int(file) < changedFiles.count, changedFiles[Int(file)] {
                    files[i] = oldModuleIndex.fingerprint.files[Int(file)]
                }
            }
        }
        // The same symbol in the current module is its counterpart (`FunctionIndex.counterpart`).
        if files.isEmpty, let newModuleIndex = state.new,
           let newAt = newModuleIndex.functions.index(symbol: key.symbol),
           differ.sameFunction(old: oldFunctions, oldAt, new: newModuleIndex.fingerprint.functions, newAt) {
            return unchanged
        }
        let oldFunction = oldFunctions[oldAt]
        let display = FunctionName.demangled(oldFunction.demangled)

        func gone() -> FunctionVerdict {
            FunctionVerdict(name: display, affectedBlocks: Set(oldFunction.blocks.indices), changed: true,
                            locations: [:], constantOnly: [], files: files,
                            gone: "a function it executed is gone: \(display.text)")
        }
        // Gone from its module, the same function may be defined in another
        // (a shared generic instance: which crate holds it moves with a release).
        func movedOrGone(outside module: String?) -> FunctionVerdict {
            guard let moved = newIndex.moved.counterpart(of: oldFunction, outside: module),
                let movedIndex = newIndex.module(moved.module)
            else { return gone() }
            return compared(oldFunction, in: oldModuleIndex, with: moved.function, in: movedIndex, display: display,
                            files: files)
        }
        guard let newKey = state.newKey else { return movedOrGone(outside: nil) }
        // Same module bytes on both sides: the same functions (a fingerprint is
        // a function of the bytes, but for calls to other crates' functions
        // folded by their content, whose changes show in their own blocks),
        // and nothing in them can differ except through another module's globals. Decided before looking the
        // function up: after a no-change build that is every verdict.
        if state.sameBytes && !oldFunction.blocks.contains(where: { !$0.externalGlobals.isEmpty }) {
            return FunctionVerdict(name: display, affectedBlocks: [], changed: false, locations: [:], constantOnly: [],
                                   files: files, gone: nil)
        }
        guard let newModuleIndex = state.new else { return movedOrGone(outside: nil) }
        guard let newFunction = newModuleIndex.functions.counterpart(of: oldFunction, in: oldModuleIndex.functions)
        else { return movedOrGone(outside: newKey) }
        return compared(oldFunction, in: oldModuleIndex, with: newFunction, in: newModuleIndex, display: display,
                        files: files)
    }

    /// The verdict on `oldFunction` against its counterpart `newFunction`.
    private func compared(_ oldFunction: FunctionFingerprint, in oldModuleIndex: ModuleIndex,
                          with newFunction: FunctionFingerprint, in newModuleIndex: ModuleIndex,
                          display: FunctionName, files: [Int: String]) -> FunctionVerdict
    {
        let affected = differ.affectedOldBlocks(old: oldFunction, new: newFunction)
        var locations: [Int: String] = [:]
        var constantOnly = Set<Int>()
        for (o, change) in affected {
            let oldBlock = oldFunction.blocks[o]
            if let n = change.partner {
                let newBlock = newFunction.blocks[n]
                if let file = newModuleIndex.fingerprint.fileName(of: newBlock) {
                    locations[o] = newBlock.line > 0 ? "\(file):\(newBlock.line)" : file
                }
                if case .externals = change { constantOnly.insert(o) }
            } else if let file = oldModuleIndex.fingerprint.fileName(of: oldBlock) {
                locations[o] = oldBlock.line > 0 ? "\(file):\(oldBlock.line)" : file
            }
        }
        let changed = !affected.isEmpty || !oldFunction.hasSameContent(as: newFunction)
        return FunctionVerdict(name: display, affectedBlocks: Set(affected.keys), changed: changed,
                               locations: locations, constantOnly: constantOnly, files: files, gone: nil)
    }

    /// The current module for a recorded module key: the same file name, else
    /// the same crate name (cargo's hash suffix moves with metadata) where unique.
    private func matchingModule(_ key: String) -> String? {
        if let known = moduleMatch[key] { return known }
        let match = Self.currentModule(for: key, old: old, new: new)
        moduleMatch[key] = match
        return match
    }

    static func currentModule(for key: String, old: BuildSnapshot, new: BuildSnapshot) -> String? {
        ModuleCounterpart(old: old.modules, new: new.modules).match(key)
    }
}

/// Keeps the first occurrence of each element, in order.
private func NSOrderedSetLike(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
