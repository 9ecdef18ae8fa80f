import Foundation
import LockedValues

/// Turns bitcode files into fingerprints: from the cache when the bytes were
/// seen before, otherwise through isolated workers, several at once.
public final class Fingerprinter: Sendable {
    public let cache: FingerprintCache
    let reader: IsolatedReader
    let parallelism: Int
    private let counters = Counters()

    /// How many files came from the cache and how many were parsed.
    public var statistics: (cached: Int, parsed: Int) { counters.snapshot }

    public init(cache: FingerprintCache, reader: IsolatedReader,
                parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.cache = cache
        self.reader = reader
        self.parallelism = max(1, parallelism)
    }

    /// One result per path, in order, each module taken as a whole crate (its
    /// function references folded, see `CrateModule`), alone in its build
    /// (`CrossCrateFold`); a failure of one file does not stop the others.
    public func fingerprints(of files: [BitcodeFile]) -> [Result<ModuleFingerprint, BlockIRError>] {
        crateFingerprints(of: files).map { $0.map(Self.alone) }
    }

    /// As `fingerprints(of:)`, with the references only a whole build can
    /// fold left open: for `CrossCrateFold` over all the modules of one build.
    public func crateFingerprints(of files: [BitcodeFile]) -> [Result<ModuleFingerprint, BlockIRError>] {
        unitFingerprints(of: files).map { $0.map(Self.wholeCrate) }
    }

    /// `fingerprints(of:)` of one file.
    public func fingerprint(_ file: BitcodeFile, threads: Int = 1) throws(BlockIRError) -> ModuleFingerprint {
        Self.alone(Self.wholeCrate(try unitFingerprint(file, threads: threads)))
    }

    /// As read (and cached): each file one codegen unit, whose function
    /// references `CrateModule` folds in once it has every unit of the crate.
    public func unitFingerprints(of files: [BitcodeFile]) -> [Result<ModuleFingerprint, BlockIRError>] {
        let results = IndexedSlots<Result<ModuleFingerprint, BlockIRError>>(count: files.count)
        let next = Counters()
        let workers = min(parallelism, files.count)
        // Cores no other worker needs go to the parses themselves: one file
        // to parse (the other side cached) gets every core.
        let missing = files.filter { access(cache.entryPath(for: $0), F_OK) != 0 }
        let threads = max(1, parallelism / max(1, min(parallelism, missing.count)))
        let parsedTogether = parseSmallUnitsTogether(missing)
        ParallelLoop.run(iterations: workers) { _ in
            while true {
                let index = next.take()
                guard index < files.count else { return }
                results.set(index, Result { () throws(BlockIRError) in
                    try self.unitFingerprint(files[index], threads: threads,
                                             parsedJustNow: parsedTogether.contains(files[index].contentHash))
                })
            }
        }
        return results.all
    }

    /// Units to parse whose bytes add up to less than `smallBatchBytes` go
    /// to one worker, in order: starting a worker (libLLVM) costs about as
    /// much CPU as reading 100 KB of bitcode, and an edit usually leaves a
    /// few small units to read while rustc still builds on every core. What
    /// this leaves unanswered (a file the worker failed on, and those after
    /// it) is read one by one as before, so an error names its own file (a
    /// file LLVM loops on costs its time limit twice, once in the batch).
    /// Returns the content hashes of the files it parsed.
    private func parseSmallUnitsTogether(_ missing: [BitcodeFile]) -> Set<String> {
        guard missing.count > 1, missing.reduce(0, { $0 + $1.size }) < Self.smallBatchBytes,
            (try? cache.prepare()) != nil
        else { return [] }
        try? reader.fingerprints(missing.map { ($0, cache.entry(for: $0)) })
        return Set(missing.filter { access(cache.entryPath(for: $0), F_OK) == 0 }.map(\.contentHash))
    }

    static let smallBatchBytes = 256 * 1024

    /// Each block's source lines in `file` (for the editor): from the cache
    /// when the bytes were seen before, otherwise through a worker, cached.
    public func blockLines(of file: BitcodeFile) throws(BlockIRError) -> BlockLines {
        if let cached = cache.loadLines(file) { return cached }
        try cache.prepare()
        let entry = cache.linesEntry(for: file)
        try reader.blockLines([(file, entry)])
        guard let lines = cache.loadLines(file) else {
            throw .workerFailed(path: file.path, detail: "the worker's answer at \(entry.path) is unreadable")
        }
        return lines
    }

    /// `blockLines(of:)` of several files (a crate's units); one result per
    /// file, in order. Those not cached are read by a few workers, each
    /// taking a share (one worker per file would cost more in starts than
    /// the reads); a file a worker could not answer is read again alone, so
    /// its error is its own.
    public func blockLines(of files: [BitcodeFile]) -> [Result<BlockLines, BlockIRError>] {
        let missing = files.filter { !FileManager.default.fileExists(atPath: cache.linesEntry(for: $0).path) }
        if !missing.isEmpty, (try? cache.prepare()) != nil {
            let workers = min(parallelism, missing.count)
            ParallelLoop.run(iterations: workers) { share in
                let batch = stride(from: share, to: missing.count, by: workers).map { missing[$0] }
                try? reader.blockLines(batch.map { ($0, cache.linesEntry(for: $0)) })
            }
        }
        return files.map { file in Result { () throws(BlockIRError) in try blockLines(of: file) } }
    }

    private static func wholeCrate(_ unit: ModuleFingerprint) -> ModuleFingerprint {
        CrateModule(name: unit.sourceFilename, units: [unit]).module
    }

    private static func alone(_ module: ModuleFingerprint) -> ModuleFingerprint {
        CrossCrateFold.resolve(["": module])[""]!
    }

    private func unitFingerprint(_ file: BitcodeFile, threads: Int, parsedJustNow: Bool = false)
        throws(BlockIRError) -> ModuleFingerprint
    {
        if let cached = cache.load(file) {
            counters.count(cached: !parsedJustNow)
            return cached
        }
        try cache.prepare()
        let entry = cache.entry(for: file)
        try reader.fingerprint(file, into: entry, threads: threads)
        counters.count(cached: false)
        guard let module = cache.load(file) else {
            throw .workerFailed(path: file.path, detail: "the worker's answer at \(entry.path) is unreadable")
        }
        return module
    }
}

private final class Counters: @unchecked Sendable {
    private let lock = NSLock()
    private var cached = 0, parsed = 0, next = 0

    func count(cached hit: Bool) {
        lock.withLock { if hit { cached += 1 } else { parsed += 1 } }
    }
    var snapshot: (cached: Int, parsed: Int) { lock.withLock { (cached, parsed) } }
    func take() -> Int {
        lock.withLock {
            defer { next += 1 }
            return next
        }
    }
}

