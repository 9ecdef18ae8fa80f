import Testing
import TrimModel

@testable import TrimPipeline

/// Copies of one function in several codegen units are recorded as one
/// function with the union of their blocks (`BinaryCoverageMap.crateHits`).
@Suite struct BlockUnionTests {
    @Test func theUnionKeepsEveryBlockOnceInOrder() {
        #expect(BinaryCoverageMap.union([], []) == [])
        #expect(BinaryCoverageMap.union([0, 2, 5], []) == [0, 2, 5])
        #expect(BinaryCoverageMap.union([], [1, 3]) == [1, 3])
        #expect(BinaryCoverageMap.union([0, 2, 5], [1, 2, 6]) == [0, 1, 2, 5, 6])
        #expect(BinaryCoverageMap.union([0, 0, 4], [4, 4, 9]) == [0, 4, 9])
        #expect(BinaryCoverageMap.union([7], [0, 1, 2, 3, 4, 5, 6, 7, 8]) == Array(0...8))
    }

    @Test func theUnionAgreesWithASetOnRandomLists() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let a = (0..<Int.random(in: 0...20, using: &generator)).map { _ in UInt32.random(in: 0...30, using: &generator) }.sorted()
            let b = (0..<Int.random(in: 0...20, using: &generator)).map { _ in UInt32.random(in: 0...30, using: &generator) }.sorted()
            #expect(BinaryCoverageMap.union(a, b) == Set(a + b).sorted())
        }
    }
}

/// Hits of several units merged into their crate modules' functions
/// (`BinaryCoverageMap.mergedByFunction`), against a dictionary doing the same.
@Suite struct CrateHitsTests {
    @Test func copiesOfOneFunctionBecomeOneInModuleAndSymbolOrder() {
        let hits = [
            HitFunction(module: "shop-1.bc", symbol: "_ZN4shop5stock", blocks: [0, 3]),
            HitFunction(module: "orders-2.bc", symbol: "_ZN6orders4take", blocks: [1]),
            HitFunction(module: "shop-1.bc", symbol: "_ZN4shop5price", blocks: [2]),
            HitFunction(module: "shop-1.bc", symbol: "_ZN4shop5stock", blocks: [1, 3, 4]),
        ]
        #expect(BinaryCoverageMap.mergedByFunction(hits) == [
            HitFunction(module: "orders-2.bc", symbol: "_ZN6orders4take", blocks: [1]),
            HitFunction(module: "shop-1.bc", symbol: "_ZN4shop5price", blocks: [2]),
            HitFunction(module: "shop-1.bc", symbol: "_ZN4shop5stock", blocks: [0, 1, 3, 4]),
        ])
        #expect(BinaryCoverageMap.mergedByFunction([]) == [])
    }

    @Test func theMergeAgreesWithADictionaryOnRandomHits() {
        var generator = SystemRandomNumberGenerator()
        let modules = ["a-1.bc", "b-2.bc", "src/lib.rs/@/c.3", "ab-1.bc"]
        let symbols = ["_ZN1f", "_ZN1g", "_ZN2ff", "main", "_ZN1f1h"]
        for _ in 0..<300 {
            let hits = (0..<Int.random(in: 0...25, using: &generator)).map { _ in
                HitFunction(module: modules.randomElement(using: &generator)!,
                            symbol: symbols.randomElement(using: &generator)!,
                            blocks: Set((0..<Int.random(in: 1...4, using: &generator)).map { _ in
                                UInt32.random(in: 0...9, using: &generator)
                            }).sorted())
            }
            var expected: [String: [String: Set<UInt32>]] = [:]
            for hit in hits { expected[hit.module, default: [:]][hit.symbol, default: []].formUnion(hit.blocks) }
            let reference = expected.keys.sorted().flatMap { module in
                expected[module]!.keys.sorted().map { symbol in
                    HitFunction(module: module, symbol: symbol, blocks: expected[module]![symbol]!.sorted())
                }
            }
            #expect(BinaryCoverageMap.mergedByFunction(hits) == reference)
        }
    }
}
