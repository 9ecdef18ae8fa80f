import BlockIR
import Testing
import TrimModel

@testable import TrimPipeline

/// A test's hits in codegen units, recorded as its crate modules' functions
/// (`CrateNumbering`): copies of one function in several units become one
/// function with the union of their blocks, a folded copy counts as every
/// block of the kept one, blocks without a slot come with their function;
/// in (module, symbol) order. Checked against sets and dictionaries doing
/// the same.
@Suite struct CrateNumberingTests {
    @Test func copiesOfOneFunctionBecomeOneInModuleAndSymbolOrder() {
        let functions = [
            CrateNumbering.UnitFunction(unit: "shop.0", symbol: "_ZN4shop5stock", blocksWithoutSlot: []),
            CrateNumbering.UnitFunction(unit: "orders.0", symbol: "_ZN6orders4take", blocksWithoutSlot: []),
            CrateNumbering.UnitFunction(unit: "shop.1", symbol: "_ZN4shop5price", blocksWithoutSlot: [5]),
            CrateNumbering.UnitFunction(unit: "shop.1", symbol: "_ZN4shop5stock", blocksWithoutSlot: []),
            CrateNumbering.UnitFunction(unit: "shop.2", symbol: "_ZN4shop4left", blocksWithoutSlot: []),
        ]
        let numbering = CrateNumbering(functions, crateOfUnit: ["shop.0": "shop-1", "shop.1": "shop-1", "shop.2": "shop-1",
                                                               "orders.0": "orders-2"],
                                       folded: [CrateModule.UnitFunction(unit: "shop.2", symbol: "_ZN4shop4left"): 3])
        let executed: [(function: Int, block: UInt32)] = [(3, 4), (0, 3), (1, 1), (2, 2), (0, 0), (3, 1), (3, 3), (4, 7)]
        #expect(numbering.hits(executed) == [
            HitFunction(module: "orders-2", symbol: "_ZN6orders4take", blocks: [1]),
            HitFunction(module: "shop-1", symbol: "_ZN4shop4left", blocks: [0, 1, 2]),
            HitFunction(module: "shop-1", symbol: "_ZN4shop5price", blocks: [2, 5]),
            HitFunction(module: "shop-1", symbol: "_ZN4shop5stock", blocks: [0, 1, 3, 4]),
        ])
        #expect(numbering.hits([]) == [])
    }

    @Test func theHitsAgreeWithADictionaryOnRandomUnits() {
        var generator = SystemRandomNumberGenerator()
        let units = ["a.0", "a.1", "b.0", "src/lib.rs/@/c.3", "ab.0"]
        let crateOfUnit = ["a.0": "a-1", "a.1": "a-1", "b.0": "b-2", "ab.0": "ab-1"]  // c.3: a unit of no crate
        let symbols = ["_ZN1f", "_ZN1g", "_ZN2ff", "main", "_ZN1f1h"]
        for _ in 0..<300 {
            var functions: [CrateNumbering.UnitFunction] = []
            for unit in units {
                for symbol in symbols where Bool.random(using: &generator) {
                    let without = Set((0..<Int.random(in: 0...2, using: &generator)).map { _ in
                        UInt32.random(in: 0...9, using: &generator)
                    }).sorted()
                    functions.append(CrateNumbering.UnitFunction(unit: unit, symbol: symbol, blocksWithoutSlot: without))
                }
            }
            var folded: [CrateModule.UnitFunction: Int] = [:]
            for function in functions where Int.random(in: 0..<6, using: &generator) == 0 {
                folded[CrateModule.UnitFunction(unit: function.unit, symbol: function.symbol)] = Int.random(in: 1...6, using: &generator)
            }
            let executed: [(function: Int, block: UInt32)] = functions.isEmpty ? [] :
                (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                    (Int.random(in: 0..<functions.count, using: &generator), UInt32.random(in: 0...9, using: &generator))
                }

            var expected: [String: [String: Set<UInt32>]] = [:]
            for (number, block) in executed {
                let function = functions[number]
                let module = crateOfUnit[function.unit] ?? function.unit
                var blocks = Set(function.blocksWithoutSlot + [block])
                if let kept = folded[CrateModule.UnitFunction(unit: function.unit, symbol: function.symbol)] {
                    blocks = Set(0..<UInt32(kept))
                }
                expected[module, default: [:]][function.symbol, default: []].formUnion(blocks)
            }
            let reference = expected.keys.sorted().flatMap { module in
                expected[module]!.keys.sorted().map { symbol in
                    HitFunction(module: module, symbol: symbol, blocks: expected[module]![symbol]!.sorted())
                }
            }
            let numbering = CrateNumbering(functions, crateOfUnit: crateOfUnit, folded: folded)
            #expect(numbering.hits(executed) == reference)
        }
    }
}
