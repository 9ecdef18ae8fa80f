import BlockIR
import Foundation
import Selection
import Store
import TrimModel

/// What a long-lived trim (`trim watch`, `trim lsp`) keeps in memory from one
/// round to the next, so that a round reads again only what may have changed.
/// A one-shot command starts with an empty one.
///
/// Only two kinds of thing are kept, so nothing kept can be stale:
/// - pure functions of content, keyed by that content: each crate's merged
///   module and its units' fingerprints (by the crate key: its units' bytes),
///   what the fold across crates reads of each merged module (by the crate
///   key), each test binary's coverage map (by the binary's bytes and its crates'
///   keys), and a binary's content hash (by its file identity: path, device,
///   inode, size and modification time; a relinked binary is a new file);
/// - records the store never changes once written: a recorded build's
///   modules and source files, used only while the store still holds a build
///   of that id with the same facts (its creation time among them), so a
///   database made anew, whose ids start again, never answers with another's.
///
/// Last results, inputs, test lists and held builds are read from the store
/// every round: another trim may have written them since.
public final class WarmState: @unchecked Sendable {
    private let lock = NSLock()
    private var openStore: (path: String, identity: FileIdentity?, store: TrimStore)?
    private var builds: [BuildID: BuildSnapshot] = [:]
    private var crates: [String: (module: CrateModule, units: CrateUnits)] = [:]
    private var foldPreparations: [String: CrossCrateFold.Prepared] = [:]
    private var coverageMaps: [String: BinaryCoverageMap] = [:]
    private var binaryHashes: [String: (identity: FileIdentity, hash: String)] = [:]

    public init() {}

    /// The store at `path`: the one opened before while the file there is the
    /// same file (device and inode: the open store holds its inode, so a new
    /// file never has it), else opened now.
    public func store(at path: URL) throws(StoreError) -> TrimStore {
        let key = path.standardizedFileURL.path
        if let open = lock.withLock({ openStore }), open.path == key, let identity = open.identity,
            FileIdentity(path: key)?.isSameFile(as: identity) == true
        {
            return open.store
        }
        let store = try TrimStore(path: path)
        lock.withLock { openStore = (key, FileIdentity(path: key), store) }
        return store
    }

    /// The recorded builds' snapshots (a build the store no longer has is
    /// left out): their facts read from `store` every time, their modules and
    /// source files only when no snapshot with those facts is kept, the
    /// modules of several builds in one read (`modules(ofBuilds:)`).
    func recordedBuilds(_ ids: Set<BuildID>, in store: any CoverageStore) throws(StoreError) -> [BuildID: BuildSnapshot] {
        var snapshots: [BuildID: BuildSnapshot] = [:]
        var toRead: [BuildID: BuildFacts] = [:]
        for id in ids.sorted() {
            guard let facts = try store.build(id) else { continue }
            if let kept = lock.withLock({ builds[id] }), kept.facts == facts {
                snapshots[id] = kept
            } else {
                toRead[id] = facts
            }
        }
        guard !toRead.isEmpty else { return snapshots }
        let modules = try store.modules(ofBuilds: toRead.keys.sorted())
        var indexes = SharedIndexes()
        for (id, facts) in toRead {
            var snapshot = BuildSnapshot(facts: facts, modules: modules[id] ?? [], sourceFiles: try store.sourceFiles(of: id))
            // Indexed here, while cargo builds: selection looks up every module a test ran in.
            snapshot.functionIndexes = snapshot.modules.mapValues { indexes.index(of: $0) }
            lock.withLock { builds[id] = snapshot }
            snapshots[id] = snapshot
        }
        return snapshots
    }

    /// One index for a module several builds hold. The store reads such a
    /// module once, so its values share their functions' storage: only
    /// modules that do are compared (in full, which shared storage makes
    /// quick); others are indexed apart, never compared function by function.
    private struct SharedIndexes {
        private var byStorage: [UInt: [(module: ModuleFingerprint, index: FunctionIndex)]] = [:]

        mutating func index(of module: ModuleFingerprint) -> FunctionIndex {
            let storage = module.functions.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
            guard storage != 0 else { return FunctionIndex(module) }
            if let known = byStorage[storage]?.first(where: { $0.module == module }) { return known.index }
            let index = FunctionIndex(module)
            byStorage[storage, default: []].append((module, index))
            return index
        }
    }

    /// Forgets the builds no last result ran on.
    func keepBuilds(_ kept: Set<BuildID>) {
        lock.withLock { builds = builds.filter { kept.contains($0.key) } }
    }

    func crate(_ key: String) -> (module: CrateModule, units: CrateUnits)? { lock.withLock { crates[key] } }

    /// Adds a crate merged (or read from the crate cache) while cargo builds,
    /// so the pass after the build neither reads it again nor re-reads its units.
    func addCrate(_ key: String, _ crate: (module: CrateModule, units: CrateUnits)) {
        lock.withLock { crates[key] = crate }
    }

    /// Keeps this round's crates and forgets the others (an edit rarely goes back).
    func keepCrates(_ kept: [String: (module: CrateModule, units: CrateUnits)]) {
        lock.withLock {
            crates = kept
            foldPreparations = foldPreparations.filter { kept[$0.key] != nil }
        }
    }

    /// What the fold across crates reads of a crate's merged module, by the crate's key.
    func foldPreparation(_ key: String) -> CrossCrateFold.Prepared? { lock.withLock { foldPreparations[key] } }

    /// Prepares the fold's reading of a crate added while cargo builds, off the path after the build.
    func prepareFold(_ key: String, of module: CrateModule) {
        guard foldPreparation(key) == nil else { return }
        let prepared = CrossCrateFold.Prepared(module.module)
        lock.withLock { foldPreparations[key] = prepared }
    }

    func coverageMap(_ key: String) -> BinaryCoverageMap? { lock.withLock { coverageMaps[key] } }

    /// Adds `made` and forgets the maps of binaries no longer built (a map's
    /// key begins with its binary's content hash).
    func keepCoverageMaps(_ made: [String: BinaryCoverageMap], ofBinaries current: Set<String>) {
        lock.withLock {
            coverageMaps.merge(made) { _, new in new }
            coverageMaps = coverageMaps.filter { key, _ in
                current.contains(String(key.prefix { $0 != "\n" }))
            }
        }
    }

    /// The content hash of the file at `path`: remembered while it is the same file.
    func contentHash(ofBinary path: String) -> String? {
        guard let identity = FileIdentity(path: path) else { return nil }
        if let kept = lock.withLock({ binaryHashes[path] }), kept.identity == identity { return kept.hash }
        guard let hash = ContentHash.of(file: path) else { return nil }
        // The file may have been replaced while it was read: keep the hash only if it was not.
        if FileIdentity(path: path) == identity { lock.withLock { binaryHashes[path] = (identity, hash) } }
        return hash
    }
}
