import CargoSupport
import Foundation
import InputTracing
import TrimConfig
import Selection
import Store
import TrimModel

/// Gathers what the selection rule needs: the current build as built, and
/// from the store the last results and the builds they were recorded on.
public enum SelectionLoader {
    /// `tests`: the candidates (listed, admitted by the filters, in the partition).
    static func input(store: any CoverageStore, build: WorkspaceBuild, tests: [TestKey], granularity: Granularity,
                      force: Bool, configuration: TrimConfiguration,
                      inputFilter: InputFilter? = nil, crateDigests: [TestKey: String] = [:],
                      warm: WarmState = WarmState(),
                      timings: PhaseTimings = PhaseTimings(enabled: false)) throws(TrimError) -> SelectionInput {
        let records = try StoreRecords.load(from: store, warm: warm, timings: timings)
        return try input(records: records, build: build, tests: tests, granularity: granularity, force: force,
                         configuration: configuration, inputFilter: inputFilter, crateDigests: crateDigests,
                         timings: timings)
    }

    /// The same from records already read (`trim run` reads them while cargo builds).
    static func input(records: StoreRecords, build: WorkspaceBuild, tests: [TestKey], granularity: Granularity,
                      force: Bool, configuration: TrimConfiguration,
                      inputFilter: InputFilter? = nil, crateDigests: [TestKey: String] = [:],
                      timings: PhaseTimings = PhaseTimings(enabled: false)) throws(TrimError) -> SelectionInput {
        var current = BuildSnapshot(facts: build.facts, modules: Array(build.modules.values),
                                    sourceFiles: build.sourceFiles)
        current.functionIndexes = build.functionIndexes
        var input = SelectionInput(current: current, recorded: records.recorded, tests: tests,
                                   results: records.results, granularity: granularity, force: force)
        input.inputs = records.inputs
        // `inputFilter`: the run's own, when it has one.
        let filter = inputFilter ?? InputRecording.filter(build: build, configuration: configuration)
        input.inputState = InputState.live(filter: filter, environment: ProcessInfo.processInfo.environment)
        input.networkPolicy = configuration.network
        input.crateDigests = crateDigests
        timings.lap("load: input state")
        return input
    }

    /// The builds `results` ran on, as the store keeps them; a build it no longer has is left out.
    /// `warm`: builds read in an earlier round of a long-lived trim (a fresh one reads them all).
    public static func recordedBuilds(_ store: any CoverageStore, of results: [TestKey: TestResultRecord],
                                      warm: WarmState = WarmState()) throws(StoreError) -> [BuildID: BuildSnapshot]
    {
        let ids = Set(results.values.map(\.build))
        let recorded = try warm.recordedBuilds(ids, in: store)
        warm.keepBuilds(ids)
        return recorded
    }
}
