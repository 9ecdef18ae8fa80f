import BlockIR
import CargoSupport
import Coverage
import Foundation
import Store

/// How one test binary's coverage slots map to blocks: its PC table (written
/// by the runtime while the binary lists its tests), its ELF symbols, and the
/// fingerprints of the modules linked into it.
struct BinaryCoverageMap: Sendable {
    let mapper: SlotMapper
    /// A module's `sourceFilename` → its key in the store.
    let moduleKeys: [String: String]

    init(binary: TestBinary, pcTable: URL, modules: [StoredModule]) throws(TrimError) {
        let table: PCTable, symbols: ELFSymbols
        do {
            table = try PCTable.read(pcTable)
            symbols = try ELFSymbols.read(executable: URL(fileURLWithPath: binary.executable))
        } catch { throw .coverage(error) }
        mapper = SlotMapper(pcTable: table, symbols: symbols, modules: modules.map(\.fingerprint))
        var keys: [String: String] = [:]
        for module in modules where keys[module.fingerprint.sourceFilename] == nil {
            keys[module.fingerprint.sourceFilename] = module.path
        }
        moduleKeys = keys
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
        let hits = mapping.functions.map {
            HitFunction(module: moduleKeys[$0.module] ?? $0.module, symbol: $0.symbol, blocks: $0.blocks)
        }
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
