import BlockIR
import CargoSupport
import Foundation

/// Turns recorded blocks (module, symbol, block index) into source lines.
///
/// A recorded block's fingerprint knows its first line only. Its whole line
/// set comes from the bitcode, read again by the worker (and cached by
/// content like a fingerprint), when the crate's current unit files are byte
/// for byte the ones the recorded module was made from (same content hash);
/// otherwise (the crate rebuilt since, a unit gone), or when a function's
/// blocks do not match, each block counts for its first line alone. A unit
/// that is there but cannot be read is an error naming it.
final class BlockLineResolver {
    private let trimTarget: URL
    /// False: first lines only, nothing read from disk (the quick pass the
    /// language server publishes diagnostics from before the full one).
    private let readsBitcode: Bool
    /// Recorded module content hash → its functions' block lines, nil when the
    /// bitcode on disk is not that module's.
    private var linesByModule: [String: [String: [[SourceLine]]]?] = [:]
    private var fingerprinter: Fingerprinter?

    init(trimTarget: URL, readsBitcode: Bool = true) {
        self.trimTarget = trimTarget
        self.readsBitcode = readsBitcode
    }

    func lines(of function: FunctionFingerprint, blocks: [UInt32], in module: ModuleRecord) throws(EditorError)
        -> [SourceLine]
    {
        let fromBitcode = try bitcodeLines(of: module)?[function.symbol].flatMap { Self.matching($0, function, module) }
        var lines: [SourceLine] = []
        for index in blocks where Int(index) < function.blocks.count {
            if let fromBitcode {
                lines += fromBitcode[Int(index)]
            } else {
                let block = function.blocks[Int(index)]
                if block.line != 0, let file = module.fingerprint.fileName(of: block) {
                    lines.append(SourceLine(file: file, line: block.line))
                }
            }
        }
        return lines
    }

    /// The bitcode's blocks when they are the fingerprint's: same count, and
    /// each block's recorded first line among the bitcode block's lines.
    private static func matching(_ blocks: [[SourceLine]], _ function: FunctionFingerprint, _ module: ModuleRecord)
        -> [[SourceLine]]?
    {
        guard blocks.count == function.blocks.count else { return nil }
        for (block, lines) in zip(function.blocks, blocks) where block.line != 0 {
            // The bitcode's names are absolute; the fingerprint's as rustc was given them.
            guard let file = module.fingerprint.fileName(of: block),
                lines.contains(where: { $0.line == block.line && ($0.file == file || $0.file.hasSuffix("/" + file)) })
            else { return nil }
        }
        return blocks
    }

    private func bitcodeLines(of module: ModuleRecord) throws(EditorError) -> [String: [[SourceLine]]]? {
        guard readsBitcode else { return nil }
        if let known = linesByModule[module.contentHash] { return known }
        let loaded = try load(module)
        linesByModule[module.contentHash] = .some(loaded)
        return loaded
    }

    /// Reads the lines of all `modules` ahead of `lines(of:)`, a few workers
    /// for all their units at once (per module, a crate's units would cost
    /// a worker's start each time). What cannot be read here is left for
    /// `lines(of:)`, which says why.
    func prefetch(_ modules: [ModuleRecord]) {
        guard readsBitcode else { return }
        let units = modules.filter { linesByModule[$0.contentHash] == nil }
            .compactMap { (try? currentUnits(of: $0)) ?? nil }.flatMap { $0 }
        guard !units.isEmpty, let reader = try? reader() else { return }
        _ = reader.blockLines(of: units)
    }

    private func load(_ module: ModuleRecord) throws(EditorError) -> [String: [[SourceLine]]]? {
        guard let files = try currentUnits(of: module) else { return nil }
        var functions: [String: [[SourceLine]]] = [:]
        do throws(BlockIRError) {
            // In the units' order: where a symbol is in several, the first copy stands.
            for read in try reader().blockLines(of: files) {
                functions.merge(try read.get().functions) { kept, _ in kept }
            }
        } catch {
            throw .bitcode(error)
        }
        return functions
    }

    /// The crate's unit files when they are the recorded module's bytes; nil
    /// when the crate was rebuilt since or a unit is gone.
    private func currentUnits(of module: ModuleRecord) throws(EditorError) -> [BitcodeFile]? {
        guard module.path.hasSuffix(".bc"), let units = unitFiles(stem: String(module.path.dropLast(3))),
            units.allSatisfy({ FileManager.default.fileExists(atPath: $0) })
        else { return nil }
        var files: [BitcodeFile] = []
        for unit in units {
            do { files.append(try BitcodeFile(path: unit)) } catch { throw .bitcode(error) }
        }
        let hashes = files.map(\.contentHash)
        // The recorded hash names the crate's unit bytes (with the reader's
        // versions); older trims recorded the units' hashes alone.
        guard CrateModuleCache.key(crate: module.path, unitHashes: hashes) == module.contentHash
            || ContentHash.of(Data(hashes.sorted().joined(separator: "\n").utf8)) == module.contentHash
        else { return nil }
        return files
    }

    /// Made on first use: the worker is looked for only when bitcode is read.
    private func reader() throws(BlockIRError) -> Fingerprinter {
        if let fingerprinter { return fingerprinter }
        let made = Fingerprinter(cache: FingerprintCache(directory: FingerprintCache.defaultDirectory()),
                                 reader: try IsolatedReader())
        fingerprinter = made
        return made
    }

    /// The crate's current units, from the rustc wrapper's record in any profile's `deps/`.
    private func unitFiles(stem: String) -> [String]? {
        let profiles = (try? FileManager.default.contentsOfDirectory(atPath: trimTarget.path)) ?? []
        for profile in profiles.sorted() {
            let deps = trimTarget.appendingPathComponent(profile).appendingPathComponent("deps").path
            guard FileManager.default.fileExists(atPath: CodegenUnits.manifestPath(outDirectory: deps, stem: stem))
            else { continue }
            return try? CodegenUnits.read(outDirectory: deps, stem: stem)
        }
        return nil
    }
}
