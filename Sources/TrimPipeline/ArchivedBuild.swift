import BlockIR
import CargoSupport
import Foundation

/// `trim run --archive-file`: the build comes out of an archive instead of
/// cargo. The workspace is the checkout given (`--workspace-remap`, `-C` or
/// the current directory): tests run in its package directories with cargo's
/// variables pointing into it, and results go to its store, so the next run
/// there selects against them.
public struct ArchiveSource: Sendable {
    public var file: String
    public init(file: String) { self.file = file }
}

extension WorkspaceBuild {
    /// Takes the workspace lock, unpacks the archive into the run's scratch
    /// directory, refuses it when the checkout's sources differ from those it
    /// was built from, and reads its modules (from the fingerprints it carries).
    static func fromArchive(_ archive: ArchiveSource, options: WorkspaceOptions, command: String, signals: SignalWatch,
                            timings: PhaseTimings) throws(TrimError) -> WorkspaceBuild
    {
        if let database = options.database { try DatabaseLocation.check(database) }
        var info = stat()
        guard stat(archive.file, &info) == 0 else {
            throw .archive(ArchiveError(file: archive.file, problem: "no such archive file"))
        }
        let workspace = try WorkspaceBuild.loadWorkspace(options, signals: signals)
        var paths = TrimPaths(cargoTargetDirectory: workspace.targetDirectory, database: options.database)
        let session = try WorkspaceSession.open(paths: paths, command: command, signals: signals)
        timings.lap("cargo metadata + lock")
        do throws(TrimError) {
            let unpacked = session.scratch.appendingPathComponent("archive")
            let manifest = try BuildArchive.open(archive.file, into: unpacked)
            try signals.check()
            timings.lap("unpack archive")
            paths = TrimPaths(cargoTargetDirectory: workspace.targetDirectory, database: options.database,
                              cargoProfile: manifest.cargoProfile)
            paths.serverReadOnly = options.databaseReadOnly
            try checkSources(manifest, archive: archive.file, workspaceRoot: workspace.root)
            let target = unpacked.appendingPathComponent("target").path
            // The target dir first: it is usually inside the workspace.
            func remapped(_ path: String) -> String {
                let inTarget = WorkspacePaths.remap(path, from: manifest.targetDirectory, to: target)
                return inTarget != path ? inTarget
                    : WorkspacePaths.remap(path, from: manifest.workspaceRoot, to: workspace.root)
            }
            let unitsOfCrate = Dictionary(manifest.crates.map { ($0.key, $0.units.map { target + "/" + $0 }) },
                                          uniquingKeysWith: { a, _ in a })
            var binaries: [TestBinary] = []
            for binary in manifest.binaries {
                guard let kind = TestBinary.Kind(rawValue: binary.kind) else {
                    throw TrimError.archive(ArchiveError(file: archive.file,
                                                         problem: "its binary \(binary.id) has an unknown kind \(binary.kind)"))
                }
                let directory = binary.packageDirectory.hasPrefix("/") ? binary.packageDirectory
                    : (workspace.root as NSString).appendingPathComponent(binary.packageDirectory)
                binaries.append(TestBinary(
                    id: binary.id, package: binary.package, target: binary.target, kind: kind,
                    executable: target + "/" + binary.executable, bitcode: binary.bitcode,
                    units: unitsOfCrate[binary.bitcode] ?? [],
                    packageDirectory: URL(fileURLWithPath: directory).standardizedFileURL.path,
                    environment: binary.environment.mapValues(remapped)))
            }
            var binaryIdentities: [String: FileIdentity] = [:]
            for binary in binaries { binaryIdentities[binary.id] = FileIdentity(path: binary.executable) }
            let reader: IsolatedReader
            do { reader = try IsolatedReader() } catch { throw TrimError.bitcode(error) }
            // The archive's own fingerprints first; any it lacks are read from its bitcode.
            let fingerprinter = Fingerprinter(cache: FingerprintCache(directory: unpacked), reader: reader,
                                              parallelism: options.jobs)
            let hashes = UnitHashMemo(file: session.scratch.appendingPathComponent("unit-hashes.tsv"))
            let fingerprinted = try fingerprint(
                manifest.crates.map { ($0.key, unitsOfCrate[$0.key] ?? []) }, with: fingerprinter, hashes: hashes)
            try signals.check()
            timings.lap("fingerprint modules (from the archive)")
            let sysroot = BuildFactsProbe.sysroot(workspaceRoot: workspace.root)
            return WorkspaceBuild(workspace: workspace, paths: paths, binaries: binaries, modules: fingerprinted.modules,
                                  unitsOfModule: fingerprinted.unitsOfModule, modulesOfBinary: manifest.modulesOfBinary,
                                  facts: manifest.facts, sourceFiles: manifest.sourceFiles, session: session,
                                  binaryIdentities: binaryIdentities, toolchainSysroot: sysroot, wrapperEnvironment: [:],
                                  functionIndexes: fingerprinted.functionIndexes)
        } catch {
            session.close()
            throw error
        }
    }

    /// The checkout must hold the sources the archive was built from: its
    /// binaries' coverage and fingerprints describe those, and a test's
    /// files in the checkout would not match the code that reads them.
    static func checkSources(_ manifest: ArchiveManifest, archive: String, workspaceRoot: String) throws(TrimError) {
        var differing: [String] = []
        for (name, recorded) in manifest.sourceFiles.sorted(by: { $0.key < $1.key }) {
            let path = name.hasPrefix("/")
                ? WorkspacePaths.remap(name, from: manifest.workspaceRoot, to: workspaceRoot)
                : (workspaceRoot as NSString).appendingPathComponent(name)
            if (ContentHash.of(file: path) ?? "missing") != recorded { differing.append(name) }
        }
        guard differing.isEmpty else {
            let shown = differing.prefix(5).joined(separator: ", ") + (differing.count > 5 ? ", …" : "")
            throw .archive(ArchiveError(
                file: archive,
                problem: "it was built from other sources than the workspace at \(workspaceRoot): "
                    + "\(differing.count == 1 ? "1 file's content differs" : "\(differing.count) files' contents differ") (\(shown)); "
                    + "nothing was run. Build a new archive from this checkout (trim archive), or run trim run "
                    + "there without --archive-file"))
        }
    }
}

extension WorkspaceBuild {
    /// The request's build: unpacked from its archive when it names one, else built by cargo.
    static func make(for request: RunRequest, command: String, signals: SignalWatch,
                     timings: PhaseTimings = PhaseTimings(enabled: false),
                     warm: WarmState = WarmState(),
                     whileBuilding: StoreWork? = nil, earlySelection: EarlySelection? = nil,
                     listsEarly: Bool = false) throws(TrimError) -> WorkspaceBuild
    {
        if let archive = request.archive {
            return try fromArchive(archive, options: request.workspace, command: command, signals: signals,
                                   timings: timings)
        }
        return try make(request.workspace, command: command, signals: signals, timings: timings, warm: warm,
                        whileBuilding: whileBuilding, earlySelection: earlySelection, listsEarly: listsEarly)
    }
}

extension DoctestSuite {
    /// Doctests are compiled by rustdoc when they run, so an archive holds none (as nextest's).
    static func make(build: WorkspaceBuild, request: RunRequest) throws(TrimError) -> DoctestSuite {
        request.archive == nil ? try make(build: build, options: request.workspace) : .none
    }
}
