import Testing

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
