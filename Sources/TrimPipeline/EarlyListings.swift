import CargoSupport
import Coverage
import Foundation
import LockedValues
import RustcWrapping

/// Test executables listed as soon as their link ends (the wrapper's
/// `linked` notice, `LinkStage`), while rustc and cargo finish, rather than
/// after cargo has ended: the listing (and the PC table the runtime writes
/// as it lists) is then off the path to the first test. The coverage map
/// starts before the listing when the executable's own table can be read
/// (`ExecutablePCTable`), and again if the runtime's turns out otherwise.
///
/// Exact, or not used: a listing counts only for the executable cargo then
/// reports under the same path, unchanged since (its identity and content
/// hash, `WarmState.contentHash(ofBinary:)`), and run in the same directory
/// with the same environment as the listing after cargo would have used.
/// Whatever differs, failed or is unknown is listed again after cargo.
final class EarlyListings: @unchecked Sendable {
    struct Listing: Sendable {
        var environment: [String: String]
        var directory: String
        var hash: String
        var tests: [ListedTest]
        var pcTable: URL
    }

    private let workspace: CargoWorkspace
    private let scratch: URL
    private let warm: WarmState
    private let stopped: @Sendable () -> Bool
    /// Told of each executable's PC table (with its content hash): read
    /// from the executable before it lists, when it can be, then the
    /// runtime's when that one has other slots.
    private let tabled: @Sendable (TestBinary, String, PCTable) -> Void
    /// Told of an executable whose tables were told and whose listing then failed.
    private let withdrawn: @Sendable (TestBinary) -> Void
    private let lock = NSLock()
    private var started: [String: PendingWork<Listing?>] = [:]
    /// Every listing started, taken or not, for `finish`.
    private var all: [PendingWork<Listing?>] = []
    private var count = 0
    private var taken = 0
    private let confirmed = LockedBox(0)

    /// `stopped`: true once a signal has come (nothing more is started).
    init(workspace: CargoWorkspace, scratch: URL, warm: WarmState, stopped: @escaping @Sendable () -> Bool,
         tabled: @escaping @Sendable (TestBinary, String, PCTable) -> Void = { _, _, _ in },
         withdrawn: @escaping @Sendable (TestBinary) -> Void = { _ in }) {
        self.workspace = workspace
        self.scratch = scratch
        self.warm = warm
        self.stopped = stopped
        self.tabled = tabled
        self.withdrawn = withdrawn
    }

    /// How many listings `take` handed out.
    var used: Int { lock.withLock { taken } }
    /// How many PC tables read from an executable the runtime's then matched.
    var tablesReadAhead: Int { confirmed.value }

    /// Starts listing `linked` when it is a workspace package's executable.
    func start(_ linked: LinkStage.Linked) {
        guard !stopped(),
            let package = workspace.packages.first(where: { $0.directory == linked.manifestDirectory })
        else { return }
        var variables = InstrumentedTestBuild.testEnvironment(package: package, crateName: linked.crateName)
        if let outDirectory = linked.outDirectory { variables["OUT_DIR"] = outDirectory }
        let environment = variables
        let binary = TestBinary(id: linked.executable, package: package.name, target: linked.crateName, kind: .test,
                                executable: linked.executable,
                                bitcode: InstrumentedTestBuild.bitcodePath(ofArtifact: linked.executable), units: [],
                                packageDirectory: package.directory, environment: environment)
        let (warm, scratch, tabled, withdrawn, confirmed) = (warm, scratch, tabled, withdrawn, confirmed)
        let table = lock.withLock { () -> URL in
            count += 1
            return scratch.appendingPathComponent("pctable-linked-\(count)")
        }
        let work = PendingWork { () throws(TrimError) -> Listing? in
            // Hashed before it runs: what lists is what was hashed, or the identity check after cargo fails.
            guard (try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)) != nil,
                let hash = warm.contentHash(ofBinary: binary.executable)
            else { return nil }
            let read = ExecutablePCTable.read(executable: URL(fileURLWithPath: binary.executable))
            if let read { tabled(binary, hash, read) }
            guard let tests = try? TestListing.list(binary, extraEnvironment: [SanitizerCoverage.pcTableFileVariable: table.path])
            else {
                if read != nil { withdrawn(binary) }
                return nil
            }
            // The runtime's table decides.
            if let written = try? PCTable.read(table) {
                if let read, read.hasSameSlots(as: written) {
                    confirmed.update { $0 += 1 }
                } else {
                    tabled(binary, hash, written)
                }
            } else if read != nil {
                withdrawn(binary)
            }
            return Listing(environment: environment, directory: package.directory, hash: hash, tests: tests,
                           pcTable: table)
        }
        lock.withLock {
            started[linked.executable] = work
            all.append(work)
        }
    }

    /// The early listing of `binary` (waited for if still running), its tests
    /// under the binary's id; nil when there is none it may use. `hash`:
    /// the binary's content hash now.
    func take(_ binary: TestBinary, hash: String?) -> (tests: [ListedTest], pcTable: URL)? {
        guard let hash, let work = lock.withLock({ started.removeValue(forKey: binary.executable) }),
            let listing = try? work.wait(), listing.hash == hash, listing.directory == binary.packageDirectory,
            listing.environment == binary.environment
        else { return nil }
        lock.withLock { taken += 1 }
        return (listing.tests.map { ListedTest(binary: binary.id, name: $0.name, ignored: $0.ignored) },
                listing.pcTable)
    }

    /// Waits for every listing started (none outlives the session).
    func finish() {
        for work in lock.withLock({ all }) { work.finish() }
    }
}
