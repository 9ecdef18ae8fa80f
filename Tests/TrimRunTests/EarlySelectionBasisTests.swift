import BlockIR
import Selection
import Testing
import TrimModel
@testable import TrimPipeline

/// The decision made while cargo links is given only for the basis it was
/// made from: the same crates (by their units' bytes), facts and source files.
@Suite struct EarlySelectionBasisTests {
    static let facts = BuildFacts(toolchain: "rustc 1.95.0", rustflags: "", profile: "test", features: [])
    static let basis = EarlySelection.Basis(crates: ["core-1.bc": "k1", "app-2.bc": "k2"], facts: facts,
                                            sourceFiles: ["src/lib.rs": "h1"])

    /// An early selection decided from `basis`, deciding `decision` for one test.
    static func decided(_ decision: [Reason]) -> EarlySelection {
        let early = EarlySelection(expected: { ["core-1.bc", "app-2.bc"] }, decide: { current in
            CodeSelection(granularity: .block, decisions: [
                .init(key: TestKey(binary: "app", name: "t"), reasons: decision, asksInputs: false),
            ])
        })
        #expect(!early.startsWith(["core-1.bc": "k1"]), "waits for every expected crate")
        #expect(early.startsWith(Self.basis.crates))
        #expect(!early.startsWith(Self.basis.crates), "starts once")
        early.finish(Self.basis, folded: .init(modules: [:], functionIndexes: [:]))
        return early
    }

    @Test func theSameBasisGetsTheDecision() {
        let early = Self.decided([Reason(.blocksChanged, detail: "changed")])
        #expect(early.selection(for: Self.basis)?.decisions.first?.reasons.first?.kind == .blocksChanged)
        #expect(early.folded(for: Self.basis.crates) != nil)
    }

    @Test func anotherBasisGetsNothing() {
        let early = Self.decided([])
        var moreCrates = Self.basis
        moreCrates.crates["new-3.bc"] = "k3"
        var otherBytes = Self.basis
        otherBytes.crates["app-2.bc"] = "k9"
        var otherFacts = Self.basis
        otherFacts.facts.rustflags = "--cfg x"
        var otherSources = Self.basis
        otherSources.sourceFiles["src/lib.rs"] = "h2"
        for basis in [moreCrates, otherBytes, otherFacts, otherSources] {
            #expect(early.selection(for: basis) == nil, "\(basis)")
        }
        #expect(early.folded(for: moreCrates.crates) == nil)
    }

    @Test func nothingStartedNothingGiven() {
        let early = EarlySelection(expected: { nil }, decide: { _ in nil })
        #expect(!early.startsWith(Self.basis.crates), "the store not read yet")
        #expect(early.selection(for: Self.basis) == nil)
        let givenUp = EarlySelection(expected: { ["core-1.bc"] }, decide: { _ in nil })
        #expect(givenUp.startsWith(Self.basis.crates))
        givenUp.finish(nil, folded: nil)
        #expect(givenUp.selection(for: Self.basis) == nil)
    }
}
