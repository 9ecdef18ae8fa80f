import CargoSupport
import Coverage
import Foundation

/// Test executables' coverage maps made as soon as their link has ended
/// (from the PC table read from the executable, `ExecutablePCTable`) or
/// they have listed themselves (`EarlyListings`) while cargo finishes,
/// rather than after cargo beside the first tests: a large harness's map
/// (its ELF symbols, the slot mapper, the crate numbering) is ~16 ms of
/// CPU, which after cargo the tests' processes want too.
///
/// Exact, or not used: a map is made of the executable's bytes, its PC
/// table (one read from the executable only counts when the runtime's,
/// written as it lists, has the same slots) and its crates' units; it is
/// kept under the key the run asks for
/// after cargo (`RunPipeline.coverageMapKey`: the executable's content hash,
/// then every module the build links into it with its crate key), guessed
/// from the library crates cargo has reported so far. A build whose final
/// crates differ asks for another key, and the map is made after cargo as
/// before.
final class EarlyCoverageMaps: @unchecked Sendable {
    private let warm: WarmState
    /// Waits until the crates heard of so far are merged (`WorkspaceBuild.make`'s early merges).
    private let merges: @Sendable () -> Void
    private let lock = NSLock()
    /// Library module keys in the order cargo reported them (that of `InstrumentedTestBuild.Result.libraries`).
    private var libraries: [String] = []
    /// Module key → crate key of every crate merged so far (the build's own record).
    private let merged: @Sendable () -> [String: String]
    private var maps: [String: PendingWork<(key: String, map: BinaryCoverageMap)?>] = [:]
    /// Every map started, replaced or withdrawn ones too, for `finish`.
    private var all: [PendingWork<(key: String, map: BinaryCoverageMap)?>] = []
    /// At most a map a core at once, however many executables link together.
    private let cores = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))
    private var taken = 0

    init(warm: WarmState, merges: @escaping @Sendable () -> Void,
         merged: @escaping @Sendable () -> [String: String]) {
        self.warm = warm
        self.merges = merges
        self.merged = merged
    }

    /// How many maps `map(of:key:)` handed out.
    var used: Int { lock.withLock { taken } }

    func libraryReported(_ moduleKey: String) { lock.withLock { libraries.append(moduleKey) } }

    /// Starts the map of `binary` (its PC table `table`, its bytes hashing
    /// to `hash`) on a thread of its own, below cargo's priority: other
    /// crates may still be building. A map started before for the same
    /// executable is no longer handed out.
    func start(_ binary: TestBinary, hash: String, table: PCTable) {
        let own = WorkspaceBuild.moduleKey(binary.bitcode)
        let work = PendingWork(yielding: true) { () throws(TrimError) -> (key: String, map: BinaryCoverageMap)? in
            self.merges()
            let libraries = self.lock.withLock { self.libraries }
            let crateKeys = self.merged()
            let moduleKeys = [own] + libraries.filter { $0 != own }
            var modules: [(key: String, units: CrateUnits)] = []
            var keyed: [(module: String, crate: String)] = []
            for moduleKey in moduleKeys {
                guard let crateKey = crateKeys[moduleKey], let crate = self.warm.crate(crateKey) else { return nil }
                modules.append((moduleKey, crate.units))
                keyed.append((moduleKey, crateKey))
            }
            let key = RunPipeline.coverageMapKey(binaryHash: hash, modules: keyed)
            guard self.warm.coverageMap(key) == nil else { return nil }
            self.cores.wait()
            defer { self.cores.signal() }
            return (key, try BinaryCoverageMap(binary: binary, table: table, modules: modules))
        }
        lock.withLock {
            maps[binary.executable] = work
            all.append(work)
        }
    }

    /// No map of `executable` is handed out (its table turned out otherwise, or none).
    func withdraw(_ executable: String) { _ = lock.withLock { maps.removeValue(forKey: executable) } }

    /// The map made early for `executable` when it was made under `key`
    /// (waited for if still being made); nil otherwise.
    func map(of executable: String, key: String) -> BinaryCoverageMap? {
        guard let work = lock.withLock({ maps[executable] }), let made = (try? work.wait()) ?? nil, made.key == key
        else { return nil }
        lock.withLock { taken += 1 }
        return made.map
    }

    /// Waits for every map started (none outlives the session).
    func finish() {
        for work in lock.withLock({ all }) { work.finish() }
    }
}
