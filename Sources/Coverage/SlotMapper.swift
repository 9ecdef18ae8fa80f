import BlockIR
import Foundation
import TrimModel

/// Why a slot could not be mapped to a block.
public enum UnmappedReason: Sendable, Hashable, CustomStringConvertible {
    /// No function-entry slot precedes this slot in the PC table.
    case noFunctionEntry
    /// The slot belongs to a shared object, not to the executable whose symbols were given.
    case sharedObject(path: String)
    /// The executable has no function symbol at the function's entry address.
    case noFunctionSymbol(address: UInt64)
    /// The function's symbol is in no given fingerprint: its crate's bitcode was not given.
    case noFingerprint(symbol: String, file: String?)
    /// The fingerprint has a different number of slots than the binary: bitcode and binary differ.
    case slotCountDiffers(symbol: String, module: String, binarySlots: Int, bitcodeSlots: Int)
    /// The bitcode's PC table entry for this slot names no block of the function.
    case unresolvedBlock(symbol: String, module: String, slotInFunction: Int)

    public var description: String {
        switch self {
        case .noFunctionEntry:
            return "no function-entry slot precedes it in the PC table"
        case .sharedObject(let path):
            return "it belongs to the shared object \(path), whose symbols were not read"
        case .noFunctionSymbol(let address):
            return "the executable's .symtab has no function at 0x\(String(address, radix: 16))"
        case .noFingerprint(let symbol, let file):
            return "no fingerprint has function \(symbol)" + (file.map { " (file \($0))" } ?? "")
                + ": give the bitcode of the crate that defines it"
        case .slotCountDiffers(let symbol, let module, let binary, let bitcode):
            return "\(symbol) has \(binary) slots in the binary but \(bitcode) in \(module)'s bitcode: "
                + "the bitcode is not from the build that produced this binary"
        case .unresolvedBlock(let symbol, let module, let index):
            return "slot \(index) of \(symbol) in \(module) names no block of the function"
        }
    }
}

/// A hit slot that could not be mapped, with why.
public struct UnmappedSlot: Sendable, Hashable {
    public var slot: UInt32
    /// The slot's link-time address.
    public var pc: UInt64
    public var reason: UnmappedReason

    public init(slot: UInt32, pc: UInt64, reason: UnmappedReason) {
        self.slot = slot
        self.pc = pc
        self.reason = reason
    }
}

/// A function (a run of slots from one function-entry slot) of the PC table
/// that cannot be mapped, whatever the test.
public struct UnmappedFunction: Sendable, Hashable {
    public var firstSlot: UInt32
    public var slotCount: UInt32
    public var address: UInt64
    public var reason: UnmappedReason
}

/// One dump mapped to blocks.
public struct SlotMapping: Sendable, Hashable {
    /// Functions with at least one executed block, by module then symbol.
    public var functions: [HitFunction]
    /// Hit slots that could not be mapped, ascending by slot.
    public var unmapped: [UnmappedSlot]

    public init(functions: [HitFunction], unmapped: [UnmappedSlot]) {
        self.functions = functions
        self.unmapped = unmapped
    }

    public func function(module: String? = nil, symbol: String) -> HitFunction? {
        functions.first { $0.symbol == symbol && (module == nil || $0.module == module) }
    }
}

/// Maps hit slots to blocks through the PC table: a function-entry slot's
/// address → the executable's function symbol (local symbols disambiguated by
/// their `STT_FILE`, which equals the module's `source_filename`) → the
/// module's `FunctionFingerprint` → slot index within the function →
/// `coverageBlocks[k]`. Never by array order across functions.
///
/// Build one per executable (the table is resolved once), then map each test's dump.
public struct SlotMapper: Sendable {
    public let pcTable: PCTable
    /// Functions of the PC table that cannot be mapped (e.g. from crates whose
    /// bitcode was not given); their hit slots appear in `SlotMapping.unmapped`.
    public let unmappedFunctions: [UnmappedFunction]
    /// Number of PC-table functions mapped to a fingerprint.
    public let mappedFunctionCount: Int

    private struct Target: Sendable {
        var module: String
        var symbol: String
        var coverageBlocks: [UInt32]
        /// Blocks without a slot, counted as executed with the function.
        var uninstrumented: [UInt32]
    }

    private enum SlotTarget: Sendable {
        case block(function: Int, block: UInt32)
        case unmapped(UnmappedReason)
    }

    /// Symbol → (module, function) of each definition: the first in a table
    /// of its own, the rare further ones (local copies in several units)
    /// apart, so that most symbols cost no array of their own.
    /// Keyed by `SymbolKey` (a symbol's tail and length hashed, not all of it).
    private struct Definitions {
        var first: [SymbolKey: (module: Int, function: Int)] = [:]
        var more: [SymbolKey: [(module: Int, function: Int)]] = [:]

        mutating func add(_ symbol: String, _ location: (module: Int, function: Int)) {
            // One lookup for a new symbol; a repeated one puts the earlier
            // definition back, so definitions stay in module order.
            let key = SymbolKey(symbol)
            if let earlier = first.updateValue(location, forKey: key) {
                first[key] = earlier
                more[key, default: []].append(location)
            }
        }

        /// Each definition of `symbol`, in module order.
        func forEach(_ symbol: String, _ body: ((module: Int, function: Int)) -> Void) {
            let key = SymbolKey(symbol)
            guard let head = first[key] else { return }
            body(head)
            for location in more[key] ?? [] { body(location) }
        }
    }

    private enum Resolution {
        case found(module: Int, function: Int)
        case failed(UnmappedReason)
    }

    private let targets: [Target]
    private let slots: [SlotTarget]

    public init(pcTable: PCTable, symbols: ELFSymbols, modules: [ModuleFingerprint]) {
        self.init(pcTable: pcTable, symbols: symbols, units: modules.map(UnitLayout.init))
    }

    /// `units`: the layouts of the codegen units (or whole modules) whose
    /// functions the executable holds.
    public init(pcTable: PCTable, symbols: ELFSymbols, units modules: [UnitLayout]) {
        self.pcTable = pcTable
        // symbol → (module, function) for every defined, instrumented or not, function.
        var bySymbol = Definitions()
        bySymbol.first.reserveCapacity(modules.reduce(0) { $0 + $1.functions.count })
        // By index: copying each function to read its symbol costs a retain per field.
        for m in modules.indices {
            for f in modules[m].functions.indices {
                bySymbol.add(modules[m].functions[f].symbol, (m, f))
            }
        }

        var targets: [Target] = []
        var slots: [SlotTarget] = []
        slots.reserveCapacity(pcTable.entries.count)
        var unmappedFunctions: [UnmappedFunction] = []
        let entries = pcTable.entries
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count, !entries[end].isFunctionEntry { end += 1 }
            let slotCount = end - start
            let resolved: Resolution
            if !entries[start].isFunctionEntry {
                resolved = .failed(.noFunctionEntry)
            } else if let object = pcTable.range(of: UInt32(start))?.object {
                resolved = .failed(.sharedObject(path: object))
            } else {
                resolved = Self.resolve(address: entries[start].address, slotCount: slotCount, symbols: symbols,
                                        modules: modules, bySymbol: bySymbol)
            }
            switch resolved {
            case .failed(let reason):
                unmappedFunctions.append(UnmappedFunction(
                    firstSlot: UInt32(start), slotCount: UInt32(slotCount), address: entries[start].address,
                    reason: reason))
                slots.append(contentsOf: repeatElement(.unmapped(reason), count: slotCount))
            case .found(let m, let f):
                let module = modules[m], function = module.functions[f]
                let uninstrumented = Self.uninstrumented(function)
                let index = targets.count
                targets.append(Target(module: module.sourceFilename, symbol: function.symbol,
                                      coverageBlocks: function.coverageBlocks, uninstrumented: uninstrumented))
                for k in 0..<slotCount {
                    let block = function.coverageBlocks[k]
                    if Int(block) < function.blockCount {
                        slots.append(.block(function: index, block: block))
                    } else {
                        slots.append(.unmapped(.unresolvedBlock(
                            symbol: function.symbol, module: module.sourceFilename, slotInFunction: k)))
                    }
                }
            }
            start = end
        }
        self.targets = targets
        self.slots = slots
        self.unmappedFunctions = unmappedFunctions
        self.mappedFunctionCount = targets.count
    }

    /// The blocks of `function` no slot covers. Most functions have a slot
    /// for every block, in order: told without an array of their own.
    private static func uninstrumented(_ function: UnitLayout.Function) -> [UInt32] {
        let slots = function.coverageBlocks
        if slots.count == function.blockCount, slots.indices.allSatisfy({ slots[$0] == UInt32($0) }) { return [] }
        var covered = [Bool](repeating: false, count: function.blockCount)
        for block in slots where Int(block) < covered.count { covered[Int(block)] = true }
        return (0..<UInt32(function.blockCount)).filter { !covered[Int($0)] }
    }

    /// The fingerprint of the function at `address`: among the function
    /// symbols there, a local one must be defined in the module whose
    /// `sourceFilename` equals its STT_FILE; a global one in any module.
    /// A candidate whose slot count matches the binary's wins.
    private static func resolve(address: UInt64, slotCount: Int, symbols: ELFSymbols, modules: [UnitLayout],
                                bySymbol: Definitions) -> Resolution {
        // The first match with the binary's slot count wins, else the first match.
        var exact: (module: Int, function: Int)?
        var other: (module: Int, function: Int)?
        var firstCandidate: Int?, firstLocal: Int?
        symbols.forEachFunction(at: address) { index in
            if firstCandidate == nil { firstCandidate = index }
            let isLocal = symbols.functions[index].isLocal
            if isLocal, firstLocal == nil { firstLocal = index }
            guard exact == nil else { return }
            let file = isLocal ? symbols.functions[index].file : nil
            bySymbol.forEach(symbols.functions[index].name) { match in
                guard exact == nil else { return }
                if let file, modules[match.module].sourceFilename != file { return }
                if modules[match.module].functions[match.function].coverageBlocks.count == slotCount {
                    exact = match
                } else if other == nil {
                    other = match
                }
            }
        }
        guard let firstCandidate else { return .failed(.noFunctionSymbol(address: address)) }
        if let exact { return .found(module: exact.module, function: exact.function) }
        if let other {
            let module = modules[other.module], function = module.functions[other.function]
            return .failed(.slotCountDiffers(symbol: function.symbol, module: module.sourceFilename,
                                              binarySlots: slotCount, bitcodeSlots: function.coverageBlocks.count))
        }
        let named = symbols.functions[firstLocal ?? firstCandidate]
        return .failed(.noFingerprint(symbol: named.name, file: named.file))
    }

    /// The blocks `dump` executed, by function in (module, symbol) order.
    /// Throws when the dump comes from a binary with a different number of
    /// slots than this PC table. (trim itself merges `executedBlocks` into
    /// crate modules; only the functions a dump hit are sorted here, never
    /// all the mapper knows.)
    public func map(_ dump: HitDump) throws(CoverageError) -> SlotMapping {
        let (executed, unmapped) = try executedBlocks(dump)
        // (function, block) per hit, sorted: runs of one function.
        let hits = executed.sorted { $0.function != $1.function ? $0.function < $1.function : $0.block < $1.block }
        var functions: [HitFunction] = []
        var start = 0
        while start < hits.count {
            var end = start
            while end < hits.count, hits[end].function == hits[start].function { end += 1 }
            let target = targets[hits[start].function]
            var blocks = hits[start..<end].map(\.block) + target.uninstrumented
            if !target.uninstrumented.isEmpty { blocks.sort() }
            var unique: [UInt32] = []
            unique.reserveCapacity(blocks.count)
            for block in blocks where unique.last != block { unique.append(block) }
            functions.append(HitFunction(module: target.module, symbol: target.symbol, blocks: unique))
            start = end
        }
        functions.sort { ($0.module, $0.symbol) < ($1.module, $1.symbol) }
        return SlotMapping(functions: functions, unmapped: unmapped)
    }

    /// The functions the mapper maps slots to, numbered `0..<functionCount`
    /// (the numbers `executedBlocks` gives), for a caller that works out
    /// once what each stands for instead of once per test.
    public var functionCount: Int { targets.count }

    /// Function `number`'s unit (`sourceFilename`) and symbol.
    public func function(_ number: Int) -> (module: String, symbol: String) {
        (targets[number].module, targets[number].symbol)
    }

    /// Function `number`'s blocks that carry no slot: executed whenever the function is.
    public func blocksWithoutSlot(_ number: Int) -> [UInt32] { targets[number].uninstrumented }

    /// The (function number, block) of each executed slot that maps to one,
    /// in slot order, and the slots that map to none, ascending.
    public func executedBlocks(_ dump: HitDump) throws(CoverageError)
        -> (blocks: [(function: Int, block: UInt32)], unmapped: [UnmappedSlot])
    {
        guard dump.slotCount == pcTable.slotCount else {
            throw .slotCountMismatch(dumpPath: dump.path, dumpSlots: dump.slotCount,
                                     pcTablePath: pcTable.path, tableSlots: pcTable.slotCount)
        }
        var blocks: [(function: Int, block: UInt32)] = []
        blocks.reserveCapacity(dump.hitSlots.count)
        var unmapped: [UnmappedSlot] = []
        for slot in dump.hitSlots {
            switch slots[Int(slot)] {
            case .block(let function, let block):
                blocks.append((function, block))
            case .unmapped(let reason):
                unmapped.append(UnmappedSlot(slot: slot, pc: pcTable.entries[Int(slot)].address, reason: reason))
            }
        }
        return (blocks, unmapped.sorted { $0.slot < $1.slot })
    }
}
