import BlockIR
import Foundation
import TrimModel

/// The one contract every backend of trim's records keeps (the SQLite file,
/// `TrimStore`; the shared PostgreSQL database, `PostgresStore`). The
/// pipeline, selection loading, the recorder and the editor talk to this and
/// never know which backend answers. Every error is a `StoreError` naming
/// the store (`location`), and every write is all or nothing: one
/// transaction per call.
public protocol CoverageStore: AnyObject, Sendable {
    /// What messages name: a file path, or a URL without its password.
    var location: String { get }

    // builds and fingerprints
    /// `heldBy`: garbage collection keeps the build while that process lives.
    func recordBuild(_ facts: BuildFacts, modules: [ModuleRecord], sourceFiles: [String: String],
                     heldBy holder: String?) throws(StoreError) -> BuildID
    func modules(of build: BuildID) throws(StoreError) -> [ModuleRecord]
    /// `modules(of:)` of several builds; a build the store lacks is an error,
    /// as there. A backend may read builds made of the same stored modules once.
    func modules(ofBuilds builds: [BuildID]) throws(StoreError) -> [BuildID: [ModuleRecord]]
    func sourceFiles(of build: BuildID) throws(StoreError) -> [String: String]
    func build(_ id: BuildID) throws(StoreError) -> BuildFacts?
    func latestBuild() throws(StoreError) -> (BuildID, BuildFacts)?
    func builds() throws(StoreError) -> [(BuildID, BuildFacts)]

    // binaries and tests
    func recordBinaries(_ binaries: [TestBinaryRecord], build: BuildID) throws(StoreError)
    func binaries(of build: BuildID) throws(StoreError) -> [TestBinaryRecord]
    /// Replaces the listing of `binary`: tests no longer listed are forgotten with their results.
    func recordTests(_ names: [String], inBinary binary: String) throws(StoreError)
    func tests(inBinary binary: String) throws(StoreError) -> [TestKey]

    // results and their inputs
    /// One result in its own transaction, replacing the test's last result and inputs.
    func recordResult(_ result: TestResultRecord, inputs: TestInputs?) throws(StoreError)
    /// Results in one transaction (all or none).
    func recordResults(_ batch: [TestResultRecord], inputs: [TestKey: TestInputs]) throws(StoreError)
    func lastResults() throws(StoreError) -> [TestKey: TestResultRecord]
    func lastResult(for key: TestKey) throws(StoreError) -> TestResultRecord?
    func recordInputs(_ inputs: TestInputs?, for key: TestKey) throws(StoreError)
    func lastInputs() throws(StoreError) -> [TestKey: TestInputs]
    func inputs(for key: TestKey) throws(StoreError) -> TestInputs?

    // upkeep
    /// Drops builds that are neither the latest, nor a result's, nor held by a live holder.
    @discardableResult
    func collectGarbage(isHolderAlive: (String) -> Bool) throws(StoreError) -> GarbageReport
    func releaseBuild(_ build: BuildID, heldBy holder: String) throws(StoreError)
    func holders(of build: BuildID) throws(StoreError) -> [String]
    func statistics() throws(StoreError) -> StoreStatistics
}

extension CoverageStore {
    /// One build after the other.
    public func modules(ofBuilds builds: [BuildID]) throws(StoreError) -> [BuildID: [ModuleRecord]] {
        var modules: [BuildID: [ModuleRecord]] = [:]
        for build in builds { modules[build] = try self.modules(of: build) }
        return modules
    }

    public func recordBuild(_ facts: BuildFacts, modules: [ModuleRecord]) throws(StoreError) -> BuildID {
        try recordBuild(facts, modules: modules, sourceFiles: [:], heldBy: nil)
    }

    public func recordBuild(_ facts: BuildFacts, modules: [ModuleRecord], sourceFiles: [String: String])
        throws(StoreError) -> BuildID
    {
        try recordBuild(facts, modules: modules, sourceFiles: sourceFiles, heldBy: nil)
    }

    public func recordBuild(_ facts: BuildFacts, modules: [ModuleRecord], heldBy holder: String?)
        throws(StoreError) -> BuildID
    {
        try recordBuild(facts, modules: modules, sourceFiles: [:], heldBy: holder)
    }

    public func recordResult(_ result: TestResultRecord) throws(StoreError) {
        try recordResult(result, inputs: nil)
    }

    public func recordResults(_ batch: [TestResultRecord]) throws(StoreError) {
        try recordResults(batch, inputs: [:])
    }

    /// Keeps every hold: never deletes a held build.
    @discardableResult
    public func collectGarbage() throws(StoreError) -> GarbageReport {
        try collectGarbage(isHolderAlive: { _ in true })
    }
}

extension TrimStore: CoverageStore {
    public var location: String { pathString }
}
