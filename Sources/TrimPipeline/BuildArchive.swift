import BlockIR
import Foundation
import ProcessSpawn

/// `trim archive`: one instrumented build packed into a file that `trim run
/// --archive-file` runs elsewhere without building. The file is a ustar
/// (`TarFile`), zstd-compressed when its name ends in `.zst`, holding
/// `trim-archive.json` first, then under `target/` the test binaries, every
/// crate's codegen-unit bitcode, the dynamic libraries in the profile's
/// `deps/` and build scripts' `out/` directories, and under `fingerprints/`
/// the cached fingerprints of those units and crates (so the run reads no
/// bitcode it does not have to).
public enum BuildArchive {
    /// What was written.
    public struct Summary: Sendable {
        public var file: String
        public var binaries: Int
        public var files: Int
        public var bytes: Int
    }

    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    public static func create(_ options: WorkspaceOptions, file: String) throws(TrimError) -> Summary {
        try SignalWatch.guarding { signals throws(TrimError) in try create(options, file: file, signals: signals) }
    }

    static func create(_ options: WorkspaceOptions, file: String, signals: SignalWatch) throws(TrimError) -> Summary {
        let destination = URL(fileURLWithPath: file)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: destination.deletingLastPathComponent().path, isDirectory: &isDirectory),
              isDirectory.boolValue
        else { throw .archive(ArchiveError(file: file, problem: "its directory does not exist")) }
        let build = try WorkspaceBuild.make(options, command: "archive", signals: signals)
        defer { build.session.close() }
        let root = build.paths.targetDirectory.path
        func relative(_ path: String) throws(TrimError) -> String {
            let standard = URL(fileURLWithPath: path).standardizedFileURL.path
            guard standard.hasPrefix(root + "/") else {
                throw .archive(ArchiveError(file: file, problem: "\(path) is outside trim's target dir \(root)"))
            }
            return String(standard.dropFirst(root.count + 1))
        }
        var entries: [(name: String, source: URL)] = []
        var binaries: [ArchiveManifest.Binary] = []
        for binary in build.binaries {
            let executable = try relative(binary.executable)
            entries.append(("target/" + executable, URL(fileURLWithPath: binary.executable)))
            binaries.append(ArchiveManifest.Binary(
                id: binary.id, package: binary.package, target: binary.target, kind: binary.kind.rawValue,
                executable: executable, bitcode: binary.bitcode,
                packageDirectory: WorkspacePaths.relative(binary.packageDirectory, to: build.workspace.root),
                environment: binary.environment))
        }
        let fingerprints = FingerprintCache(directory: build.paths.fingerprintCache)
        let crateCache = CrateModuleCache(fingerprints: fingerprints)
        var crates: [ArchiveManifest.Crate] = []
        for (key, units) in build.unitsOfModule.sorted(by: { $0.key < $1.key }) {
            var names: [String] = []
            for unit in units.files {
                names.append(try relative(unit.path))
                entries.append(("target/" + names.last!, URL(fileURLWithPath: unit.path)))
                let cached = fingerprints.entry(for: unit)
                if FileManager.default.fileExists(atPath: cached.path) {
                    entries.append(("fingerprints/" + cached.lastPathComponent, cached))
                }
            }
            if let module = build.modules[key] {
                let cached = crateCache.entry(module.contentHash)
                if FileManager.default.fileExists(atPath: cached.path) {
                    entries.append(("fingerprints/" + cached.lastPathComponent, cached))
                }
            }
            crates.append(ArchiveManifest.Crate(key: key, units: names))
        }
        let profileDirectories = Set(build.binaries.map {
            URL(fileURLWithPath: $0.executable).deletingLastPathComponent().deletingLastPathComponent()
        })
        for directory in profileDirectories.sorted(by: { $0.path < $1.path }) {
            for path in runtimeFiles(in: directory) { entries.append(("target/" + (try relative(path.path)), path)) }
        }
        var manifest = ArchiveManifest(
            format: ArchiveManifest.formatName, version: ArchiveManifest.currentVersion,
            workspaceRoot: build.workspace.root, targetDirectory: root,
            cargoProfile: options.selection.cargoProfile, facts: build.facts, sourceFiles: build.sourceFiles,
            binaries: binaries, crates: crates, modulesOfBinary: build.modulesOfBinary, digests: [:])
        try signals.check()
        var seen = Set<String>()
        let unique = entries.filter { seen.insert($0.name).inserted }
        for entry in unique {
            guard let digest = ContentHash.of(file: entry.source.path) else {
                throw .archive(ArchiveError(file: file, problem: "cannot read \(entry.source.path)"))
            }
            manifest.digests[entry.name] = digest
        }
        let bytes = try write(manifest, entries: unique, to: destination, scratch: build.session.scratch, signals: signals)
        return Summary(file: file, binaries: binaries.count, files: unique.count, bytes: bytes)
    }

    /// What test binaries may load or read at run time beside themselves:
    /// `deps/*.so` (dylib crates) and every file under `build/*/out/`.
    static func runtimeFiles(in profileDirectory: URL) -> [URL] {
        let manager = FileManager.default
        var files: [URL] = []
        let deps = profileDirectory.appendingPathComponent("deps")
        for name in ((try? manager.contentsOfDirectory(atPath: deps.path)) ?? []).sorted() where name.hasSuffix(".so") {
            let url = deps.appendingPathComponent(name)
            if isRegularFile(url) { files.append(url) }
        }
        let build = profileDirectory.appendingPathComponent("build")
        for script in ((try? manager.contentsOfDirectory(atPath: build.path)) ?? []).sorted() {
            let out = build.appendingPathComponent(script).appendingPathComponent("out")
            guard let walker = manager.enumerator(at: out, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where isRegularFile(url) { files.append(url) }
        }
        return files
    }

    static func isRegularFile(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Written beside the destination under a temporary name, then renamed:
    /// an interrupted `trim archive` never leaves a half archive under the name.
    static func write(_ manifest: ArchiveManifest, entries: [(name: String, source: URL)], to destination: URL,
                      scratch: URL, signals: SignalWatch) throws(TrimError) -> Int {
        let file = destination.path
        let compressed = destination.pathExtension == "zst"
        let tar = compressed ? scratch.appendingPathComponent("archive.tar")
            : URL(fileURLWithPath: file + ".\(getpid()).tmp")
        let temporary = URL(fileURLWithPath: file + ".\(getpid()).tmp")
        defer { unlink(tar.path); unlink(temporary.path) }
        do {
            let writer = try TarFile.Writer(creating: tar)
            try writer.add(name: ArchiveManifest.fileName, data: manifest.encoded())
            for entry in entries {
                try signals.check()
                try writer.add(name: entry.name, file: entry.source)
            }
            try writer.finish()
        } catch let problem as TarFile.Problem {
            throw .archive(ArchiveError(file: file, problem: problem.description))
        } catch let error as TrimError {
            throw error
        } catch {
            throw .archive(ArchiveError(file: file, problem: "\(error)"))
        }
        if compressed {
            guard let zstd = ChildProcess.which("zstd") else {
                throw .archive(ArchiveError(file: file, problem: "the name ends in .zst, but zstd is not on PATH; "
                                            + "install zstd or name a .tar"))
            }
            let finished: ChildProcess.Finished
            do {
                finished = try ChildProcess.run(zstd, ["-q", "-f", "-T0", tar.path, "-o", temporary.path])
            } catch {
                throw .archive(ArchiveError(file: file, problem: "cannot compress it (the name ends in .zst): \(error)"))
            }
            try signals.check()
            guard finished.status == 0 else {
                throw .archive(ArchiveError(file: file, problem: "zstd failed: "
                    + String(decoding: finished.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        }
        guard rename(temporary.path, file) == 0 else {
            throw .archive(ArchiveError(file: file, problem: "cannot write it: \(String(cString: strerror(errno)))"))
        }
        return (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)??.intValue ?? 0
    }
}
