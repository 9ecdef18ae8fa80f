import BlockIR
import Foundation
import Selection
import Store
import Testing
import TrimModel

/// Doctests: selected when their crate's digest differs from the recorded one.
@Suite struct CrateGrainTests {
    static let key = TestKey(binary: "fx::doctest", name: "src/lib.rs - add (line 3)")
    static let build = BuildID(1)
    static let snapshot = BuildSnapshot(facts: SelectorTests.facts, modules: [String: ModuleFingerprint]())

    static func select(recorded digest: String, now: String, outcome: Outcome = .passed,
                       facts: BuildFacts = SelectorTests.facts) -> Selection {
        let record = TestResultRecord(key: key, build: build, outcome: outcome, duration: 0.5, coverage: .complete,
                                      hits: [CrateGrain.hit(digest: digest)])
        var input = SelectionInput(current: BuildSnapshot(facts: facts, modules: [String: ModuleFingerprint]()),
                                   recorded: [build: snapshot], tests: [key], results: [key: record])
        input.crateDigests = [key: now]
        return Selector.select(input)
    }

    @Test func theSameDigestSkips() {
        #expect(Self.select(recorded: "d1", now: "d1").skipped == [Self.key])
    }

    @Test func anotherDigestSelectsWithItsReason() throws {
        let selected = try #require(Self.select(recorded: "d1", now: "d2").selected.first)
        #expect(selected.reasons.map(\.kind) == [.crateChanged])
    }

    @Test func aFailureLastTimeSelectsWhateverTheDigest() throws {
        let selected = try #require(Self.select(recorded: "d1", now: "d1", outcome: .failed).selected.first)
        #expect(selected.reasons.map(\.kind).contains(.failedLastRun))
    }

    @Test func otherBuildFactsSelect() throws {
        var facts = SelectorTests.facts
        facts.features = ["extra"]
        let selected = try #require(Self.select(recorded: "d1", now: "d1", facts: facts).selected.first)
        #expect(selected.reasons.map(\.kind) == [.buildChanged])
    }

    @Test func aRecordWithoutADigestSelects() throws {
        let record = TestResultRecord(key: Self.key, build: Self.build, outcome: .passed, duration: 0.5,
                                      coverage: .complete, hits: [])
        var input = SelectionInput(current: Self.snapshot, recorded: [Self.build: Self.snapshot], tests: [Self.key],
                                   results: [Self.key: record])
        input.crateDigests = [Self.key: "d1"]
        #expect(Selector.select(input).selected.first?.reasons.map(\.kind) == [.noCoverage])
    }
}
