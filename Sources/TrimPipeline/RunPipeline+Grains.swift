import Foundation
import Selection
import Store
import TrimModel

/// What `trim plan --granularity G` would say for several grains at once,
/// from one build and one listing (history replay compares the grains on
/// every commit and must not build three times).
public struct GrainPlan: Sendable {
    /// Seconds spent building and fingerprinting (cargo, bitcode, fingerprints).
    public var buildSeconds: Double
    /// Seconds spent listing the tests and selecting at every grain asked.
    public var selectionSeconds: Double
    /// The candidates: listed, admitted by the filters, in the partition.
    public var tests: [TestKey]
    /// One selection per grain asked.
    public var selections: [Granularity: Selection]
}

extension RunPipeline {
    /// Builds once, lists once, and selects at each of `granularities`
    /// (`request.granularity` is ignored). With no grain, only builds and
    /// lists: the database is not opened.
    public static func plan(_ request: RunRequest, at granularities: [Granularity]) throws(TrimError) -> GrainPlan {
        try SignalWatch.guarding { signals throws(TrimError) in try plan(request, at: granularities, signals: signals) }
    }

    static func plan(_ request: RunRequest, at granularities: [Granularity], signals: SignalWatch) throws(TrimError)
        -> GrainPlan
    {
        let clock = ContinuousClock()
        let started = clock.now
        let build = try WorkspaceBuild.make(request.workspace, command: "plan", signals: signals)
        defer { build.session.close() }
        let built = clock.now
        let tests = try build.listTests(jobs: request.workspace.jobs)
        let doctests = try DoctestSuite.make(build: build, options: request.workspace)
        let keys = candidates(tests, doctests: doctests, build: build, request: request)
            .map { TestKey(binary: $0.binary, name: $0.name) }
        var selections: [Granularity: Selection] = [:]
        if let first = granularities.first {
            let store = try build.openStore()
            var input = try SelectionLoader.input(
                store: store, build: build, tests: keys, granularity: first, force: request.force,
                configuration: try request.configuration(workspaceRoot: build.workspace.root),
                crateDigests: doctests.keyDigests)
            for granularity in granularities {
                input.granularity = granularity
                selections[granularity] = Selector.select(input)
            }
        }
        let done = clock.now
        return GrainPlan(buildSeconds: (built - started).seconds, selectionSeconds: (done - built).seconds,
                         tests: keys, selections: selections)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
