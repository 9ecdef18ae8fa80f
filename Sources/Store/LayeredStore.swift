import BlockIR
import Foundation
import TrimModel

/// A shared store read but never written (`--db-read-only`) under a local
/// one that takes every write: what a developer's laptop uses to start from
/// CI's records. Reads merge both — of a test's two last results the newer
/// (`recordedAt`) wins, with the inputs recorded beside it. The shared
/// store's build ids are shown negated (`BuildID(-id)`), so the two id
/// spaces never meet; a negative id is always the shared store's.
public final class LayeredStore: CoverageStore {
    public let local: any CoverageStore
    public let shared: any CoverageStore

    public init(local: any CoverageStore, shared: any CoverageStore) {
        self.local = local
        self.shared = shared
    }

    public var location: String { "\(local.location) (reading also \(shared.location), read-only)" }

    private func isShared(_ build: BuildID) -> Bool { build.rawValue < 0 }
    private func sharedID(_ build: BuildID) -> BuildID { BuildID(-build.rawValue) }
    private func fromShared(_ record: TestResultRecord) -> TestResultRecord {
        var record = record
        record.build = BuildID(-record.build.rawValue)
        return record
    }

    // MARK: - Writes: the local store's

    public func recordBuild(_ facts: BuildFacts, modules: [ModuleRecord], sourceFiles: [String: String],
                            heldBy holder: String?) throws(StoreError) -> BuildID {
        try local.recordBuild(facts, modules: modules, sourceFiles: sourceFiles, heldBy: holder)
    }

    public func recordBinaries(_ binaries: [TestBinaryRecord], build: BuildID) throws(StoreError) {
        try local.recordBinaries(binaries, build: build)
    }

    public func recordTests(_ names: [String], inBinary binary: String) throws(StoreError) {
        try local.recordTests(names, inBinary: binary)
    }

    public func recordResult(_ result: TestResultRecord, inputs: TestInputs?) throws(StoreError) {
        try local.recordResult(result, inputs: inputs)
    }

    public func recordResults(_ batch: [TestResultRecord], inputs: [TestKey: TestInputs]) throws(StoreError) {
        try local.recordResults(batch, inputs: inputs)
    }

    public func recordInputs(_ inputs: TestInputs?, for key: TestKey) throws(StoreError) {
        try local.recordInputs(inputs, for: key)
    }

    @discardableResult
    public func collectGarbage(isHolderAlive: (String) -> Bool) throws(StoreError) -> GarbageReport {
        try local.collectGarbage(isHolderAlive: isHolderAlive)
    }

    public func releaseBuild(_ build: BuildID, heldBy holder: String) throws(StoreError) {
        try local.releaseBuild(build, heldBy: holder)
    }

    public func holders(of build: BuildID) throws(StoreError) -> [String] {
        isShared(build) ? try shared.holders(of: sharedID(build)) : try local.holders(of: build)
    }

    public func statistics() throws(StoreError) -> StoreStatistics { try local.statistics() }

    // MARK: - Builds: by the sign of the id

    public func modules(of build: BuildID) throws(StoreError) -> [ModuleRecord] {
        isShared(build) ? try shared.modules(of: sharedID(build)) : try local.modules(of: build)
    }

    public func sourceFiles(of build: BuildID) throws(StoreError) -> [String: String] {
        isShared(build) ? try shared.sourceFiles(of: sharedID(build)) : try local.sourceFiles(of: build)
    }

    public func build(_ id: BuildID) throws(StoreError) -> BuildFacts? {
        isShared(id) ? try shared.build(sharedID(id)) : try local.build(id)
    }

    public func latestBuild() throws(StoreError) -> (BuildID, BuildFacts)? { try local.latestBuild() }

    public func builds() throws(StoreError) -> [(BuildID, BuildFacts)] {
        try shared.builds().map { (BuildID(-$0.0.rawValue), $0.1) } + local.builds()
    }

    public func binaries(of build: BuildID) throws(StoreError) -> [TestBinaryRecord] {
        isShared(build) ? try shared.binaries(of: sharedID(build)) : try local.binaries(of: build)
    }

    public func tests(inBinary binary: String) throws(StoreError) -> [TestKey] {
        Set(try local.tests(inBinary: binary) + shared.tests(inBinary: binary)).sorted { $0.name < $1.name }
    }

    // MARK: - Results: the newer of the two

    public func lastResults() throws(StoreError) -> [TestKey: TestResultRecord] {
        try merged().results
    }

    public func lastResult(for key: TestKey) throws(StoreError) -> TestResultRecord? {
        let mine = try local.lastResult(for: key)
        guard let theirs = try shared.lastResult(for: key).map(fromShared) else { return mine }
        guard let mine else { return theirs }
        return theirs.recordedAt > mine.recordedAt ? theirs : mine
    }

    public func lastInputs() throws(StoreError) -> [TestKey: TestInputs] {
        let (results, sharedWins) = try merged()
        let mine = try local.lastInputs()
        let theirs = sharedWins.isEmpty ? [:] : try shared.lastInputs()
        var inputs: [TestKey: TestInputs] = [:]
        for key in results.keys {
            if let value = sharedWins.contains(key) ? theirs[key] : mine[key] { inputs[key] = value }
        }
        // Inputs recorded without a result (recordInputs alone) are the local store's.
        for (key, value) in mine where results[key] == nil { inputs[key] = value }
        return inputs
    }

    public func inputs(for key: TestKey) throws(StoreError) -> TestInputs? {
        guard let winner = try lastResult(for: key) else { return try local.inputs(for: key) }
        return isShared(winner.build) ? try shared.inputs(for: key) : try local.inputs(for: key)
    }

    /// Every test's newer result, and the tests whose newer result is the shared store's.
    private func merged() throws(StoreError) -> (results: [TestKey: TestResultRecord], sharedWins: Set<TestKey>) {
        var results = try local.lastResults()
        var sharedWins = Set<TestKey>()
        for (key, record) in try shared.lastResults() {
            if let mine = results[key], mine.recordedAt >= record.recordedAt { continue }
            results[key] = fromShared(record)
            sharedWins.insert(key)
        }
        return (results, sharedWins)
    }
}
