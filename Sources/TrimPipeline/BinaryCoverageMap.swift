import BlockIR
import CargoSupport
import Coverage
import Foundation
import Store
import TrimModel

/// How one test binary's coverage slots map to blocks: its PC table (written
/// by the runtime while the binary lists its tests), its ELF symbols, and the
/// fingerprints of the codegen units linked into it; a hit in a unit is
/// recorded against its crate's merged module.
struct BinaryCoverageMap: Sendable {
    let mapper: SlotMapper
    /// A unit's `sourceFilename` → its crate module's key in the store, and
    /// that key's rank among this executable's crate keys (the order hits
    /// are kept in), worked out once instead of for every test's every hit.
    let crateOfUnit: [String: (key: String, rank: Int)]
    /// Copies of a function the crate module folded into another (see `CrateModule`).
    let folded: [CrateModule.UnitFunction: Int]

    init(binary: TestBinary, pcTable: URL, modules: [(key: String, units: CrateUnits)]) throws(TrimError) {
        let table: PCTable, symbols: ELFSymbols
        do {
            table = try PCTable.read(pcTable)
            symbols = try ELFSymbols.read(executable: URL(fileURLWithPath: binary.executable))
        } catch { throw .coverage(error) }
        var units: [(key: String, units: [UnitLayout])] = []
        for module in modules {
            do { units.append((module.key, try module.units.layouts())) } catch { throw .bitcode(error) }
        }
        mapper = SlotMapper(pcTable: table, symbols: symbols, units: units.flatMap(\.units))
        var keys: [String: String] = [:]
        var folded: [CrateModule.UnitFunction: Int] = [:]
        for (module, (_, moduleUnits)) in zip(modules, units) {
            for unit in moduleUnits where keys[unit.sourceFilename] == nil {
                keys[unit.sourceFilename] = module.key
            }
            folded.merge(module.units.folded) { first, _ in first }
        }
        let ranks = Dictionary(uniqueKeysWithValues: Set(keys.values).sorted().enumerated().map { ($1, $0) })
        crateOfUnit = keys.mapValues { ($0, ranks[$0]!) }
        self.folded = folded
    }

    /// Hits by unit → hits by crate module: copies of one function in several
    /// units become one function with the union of their blocks. Runs once
    /// per test: sorted arrays merged in place, no per-test sets.
    func crateHits(_ functions: [HitFunction]) -> [HitFunction] {
        var ranked: [(rank: Int, function: HitFunction)] = []
        ranked.reserveCapacity(functions.count)
        for function in functions {
            guard let crate = crateOfUnit[function.module] else {
                // A unit of no crate here (the mapper knows none): ranked by name.
                return Self.mergedByFunction(functions.map { inCrate($0, module: crateOfUnit[$0.module]?.key ?? $0.module) })
            }
            ranked.append((crate.rank, inCrate(function, module: crate.key)))
        }
        return Self.merged(ranked)
    }

    /// `function` as its crate module records it: a folded copy's hit is a hit in every block of the kept one.
    private func inCrate(_ function: HitFunction, module: String) -> HitFunction {
        if !folded.isEmpty, let count = folded[CrateModule.UnitFunction(unit: function.module, symbol: function.symbol)] {
            return HitFunction(module: module, symbol: function.symbol, blocks: Array(0..<UInt32(count)))
        }
        return HitFunction(module: module, symbol: function.symbol, blocks: function.blocks)
    }

    /// One entry a (module, symbol), in that order, with the union of the
    /// blocks its entries in `functions` hold.
    static func mergedByFunction(_ functions: [HitFunction]) -> [HitFunction] {
        // The module compared as its rank among the few modules hit: most
        // neighbours share one, and comparing those equal paths was most of
        // the sorting.
        let modules = Set(functions.map(\.module)).sorted()
        let rankOf = Dictionary(uniqueKeysWithValues: modules.enumerated().map { ($1, $0) })
        return merged(functions.map { (rank: rankOf[$0.module]!, function: $0) })
    }

    /// `ranked` in (rank, symbol) order, one entry a function with the union of its entries' blocks.
    private static func merged(_ ranked: [(rank: Int, function: HitFunction)]) -> [HitFunction] {
        var ranked = ranked
        let inOrder: ((rank: Int, function: HitFunction), (rank: Int, function: HitFunction)) -> Bool = {
            $0.rank != $1.rank ? $0.rank < $1.rank : $0.function.symbol < $1.function.symbol
        }
        if !zip(ranked, ranked.dropFirst()).allSatisfy(inOrder) { ranked.sort(by: inOrder) }
        var merged: [HitFunction] = []
        merged.reserveCapacity(ranked.count)
        var lastRank = -1
        for (rank, function) in ranked {
            if rank == lastRank, let last = merged.last, last.symbol == function.symbol {
                merged[merged.count - 1].blocks = Self.union(last.blocks, function.blocks)
            } else {
                merged.append(function)
            }
            lastRank = rank
        }
        return merged
    }

    /// The union of two ascending block lists, ascending and without repeats
    /// (each input may itself hold repeats).
    static func union(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let next: UInt32
            if j == b.count || (i < a.count && a[i] <= b[j]) {
                next = a[i]
                i += 1
            } else {
                next = b[j]
                j += 1
            }
            if result.last != next { result.append(next) }
        }
        return result
    }

    /// What a test's dump says it executed, and how far that can be trusted.
    /// No dump (killed, timed out, never started) → unknown; written from a
    /// signal handler or with unmapped slots → partial (it must run again).
    func coverage(of execution: URL) -> (state: CoverageState, hits: [HitFunction], problem: String?) {
        let dump: HitDump
        do { dump = try HitDump.read(execution) } catch {
            return (.unknown, [], "no usable coverage: \(error)")
        }
        let mapping: SlotMapping
        do { mapping = try mapper.map(dump) } catch { return (.unknown, [], "\(error)") }
        let hits = crateHits(mapping.functions)
        if let signal = dump.endedBySignal {
            return (.partial, hits, "ended by signal \(signal): coverage recorded up to the crash")
        }
        if !dump.isComplete { return (.partial, hits, "the runtime could not record every object's slots") }
        if !mapping.unmapped.isEmpty {
            let reasons = Set(mapping.unmapped.map { "\($0.reason)" }).sorted().prefix(3).joined(separator: "; ")
            return (.partial, hits, "\(mapping.unmapped.count) executed slot(s) could not be mapped to a block: \(reasons)")
        }
        return (.complete, hits, nil)
    }
}
