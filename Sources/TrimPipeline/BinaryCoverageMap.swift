import BlockIR
import CargoSupport
import Coverage
import Foundation
import Store
import TrimModel

/// How one test binary's coverage slots map to blocks: its PC table (written
/// by the runtime while the binary lists its tests, or read from the
/// executable, `ExecutablePCTable`), its ELF symbols, and the
/// fingerprints of the codegen units linked into it; a hit in a unit is
/// recorded against its crate's merged module.
struct BinaryCoverageMap: Sendable {
    let mapper: SlotMapper
    /// What each of the mapper's functions is in its crate's module.
    let crates: CrateNumbering

    init(binary: TestBinary, pcTable: URL, modules: [(key: String, units: CrateUnits)]) throws(TrimError) {
        let table: PCTable
        do { table = try PCTable.read(pcTable) } catch { throw .coverage(error) }
        try self.init(binary: binary, table: table, modules: modules)
    }

    init(binary: TestBinary, table: PCTable, modules: [(key: String, units: CrateUnits)]) throws(TrimError) {
        let symbols: ELFSymbols
        do { symbols = try ELFSymbols.read(executable: URL(fileURLWithPath: binary.executable)) } catch {
            throw .coverage(error)
        }
        var units: [(key: String, units: [UnitLayout])] = []
        for module in modules {
            do { units.append((module.key, try module.units.layouts())) } catch { throw .bitcode(error) }
        }
        let mapper = SlotMapper(pcTable: table, symbols: symbols, units: units.flatMap(\.units))
        self.mapper = mapper
        var crateOfUnit: [String: String] = [:]
        var folded: [CrateModule.UnitFunction: Int] = [:]
        for (module, (_, moduleUnits)) in zip(modules, units) {
            for unit in moduleUnits where crateOfUnit[unit.sourceFilename] == nil {
                crateOfUnit[unit.sourceFilename] = module.key
            }
            folded.merge(module.units.folded) { first, _ in first }
        }
        let functions = (0..<mapper.functionCount).map { number in
            let (unit, symbol) = mapper.function(number)
            return CrateNumbering.UnitFunction(unit: unit, symbol: symbol, blocksWithoutSlot: mapper.blocksWithoutSlot(number))
        }
        crates = CrateNumbering(functions, crateOfUnit: crateOfUnit, folded: folded)
    }

    /// What a test's dump says it executed, and how far that can be trusted.
    /// No dump (killed, timed out, never started) → unknown; written from a
    /// signal handler or with unmapped slots → partial (it must run again).
    func coverage(of execution: URL) -> (state: CoverageState, hits: [HitFunction], problem: String?) {
        let dump: HitDump
        do { dump = try HitDump.read(execution) } catch {
            return (.unknown, [], "no usable coverage: \(error)")
        }
        let executed: [(function: Int, block: UInt32)], unmapped: [UnmappedSlot]
        do { (executed, unmapped) = try mapper.executedBlocks(dump) } catch { return (.unknown, [], "\(error)") }
        let hits = crates.hits(executed)
        if let signal = dump.endedBySignal {
            return (.partial, hits, "ended by signal \(signal): coverage recorded up to the crash")
        }
        if !dump.isComplete { return (.partial, hits, "the runtime could not record every object's slots") }
        if !unmapped.isEmpty {
            let reasons = Set(unmapped.map { "\($0.reason)" }).sorted().prefix(3).joined(separator: "; ")
            return (.partial, hits, "\(unmapped.count) executed slot(s) could not be mapped to a block: \(reasons)")
        }
        return (.complete, hits, nil)
    }
}
