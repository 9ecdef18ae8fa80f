import BlockIR
import Foundation
import Testing

/// A damaged fingerprint cache entry is never trusted and never an error: the
/// file is parsed again and the answer is the same as with a clean cache.
@Suite("blockdiff recovers from a damaged fingerprint cache")
struct CorruptCacheTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case garbage, empty, truncatedHalf, flippedTail, wrongMagic
        var testDescription: String { rawValue }

        func apply(to entry: URL) throws {
            let bytes = [UInt8](try Data(contentsOf: entry))
            let damaged: [UInt8]
            switch self {
            case .garbage:
                var rng = SplitMix64(seed: 42)
                damaged = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case .empty:
                damaged = []
            case .truncatedHalf:
                damaged = Array(bytes.prefix(bytes.count / 2))
            case .flippedTail:
                // Still "TRIMFP02…", but with a byte appended: "trailing bytes".
                damaged = bytes + [0xFF]
            case .wrongMagic:
                damaged = Array("NOTTRIM!".utf8) + bytes.dropFirst(8)
            }
            try Data(damaged).write(to: entry)
        }
    }

    /// Two versions of a module that differ in one function, in Rust or in C.
    static func pair(language: String, in scratch: TemporaryDirectory) throws -> (URL, URL) {
        switch language {
        case "rust":
            return (try Fixtures.compileRust(Fixtures.rustLibrary(multiplier: 31), named: "old", in: scratch.url),
                    try Fixtures.compileRust(Fixtures.rustLibrary(multiplier: 37), named: "new", in: scratch.url))
        default:
            return (try Fixtures.compileC(Fixtures.cSource(threshold: 100), named: "old", in: scratch.url),
                    try Fixtures.compileC(Fixtures.cSource(threshold: 200), named: "new", in: scratch.url))
        }
    }

    @Test("a damaged cache entry is re-parsed and gives the same answer",
          arguments: ["rust", "c"], Damage.allCases)
    func damagedEntry(language: String, damage: Damage) async throws {
        let scratch = try TemporaryDirectory(prefix: "blockdiff-cache")
        defer { scratch.remove() }
        let (old, new) = try Self.pair(language: language, in: scratch)
        let cacheDirectory = scratch.file("cache")
        let arguments = [old.path, new.path, "--verbose"]
        let changedFunction = language == "rust" ? "lib::checksum" : "classify"

        // A clean run parses both files and fills the cache.
        let clean = try await BlockDiffRunner.run(arguments, cache: .shared(cacheDirectory))
        #expect(clean.exited(with: 1), "\(clean)")
        #expect(clean.stdout.contains("changed  \(changedFunction)"),
                "\(clean)")
        #expect(clean.stdout.contains("1 function changed"), "\(clean)")
        #expect(clean.stderr.contains("0 from cache, 2 parsed"), "\(clean)")

        // The entries are where FingerprintCache says.
        let cache = FingerprintCache(directory: cacheDirectory)
        let entries = try [old, new].map { url in cache.entry(for: try BitcodeFile(path: url.path)) }
        for entry in entries {
            #expect(FileManager.default.fileExists(atPath: entry.path), "no cache entry at \(entry.path)")
            #expect(entry.lastPathComponent.contains("-f"), "\(entry.lastPathComponent)")
            #expect(entry.lastPathComponent.hasSuffix(".fp"), "\(entry.lastPathComponent)")
        }
        let cached = try await BlockDiffRunner.run(arguments, cache: .shared(cacheDirectory))
        #expect(cached.exited(with: 1), "\(cached)")
        #expect(cached.stdout == clean.stdout)
        #expect(cached.stderr.contains("2 from cache, 0 parsed"), "\(cached)")

        // Damage the old side's entry: it is parsed again, the new side still comes from the cache.
        try damage.apply(to: entries[0])
        let recovered = try await BlockDiffRunner.run(arguments, cache: .shared(cacheDirectory))
        #expect(recovered.exited(with: 1), "\(recovered)")
        #expect(recovered.stdout == clean.stdout, "a damaged cache entry changed the answer: \(recovered)")
        #expect(recovered.stderr.contains("1 from cache, 1 parsed"), "\(recovered)")
        #expect(!recovered.stderr.contains("error"), "\(recovered)")

        // …and the entry was rewritten whole: the next run is all from the cache.
        let again = try await BlockDiffRunner.run(arguments, cache: .shared(cacheDirectory))
        #expect(again.exited(with: 1), "\(again)")
        #expect(again.stdout == clean.stdout)
        #expect(again.stderr.contains("2 from cache, 0 parsed"), "\(again)")

        // Both entries damaged at once.
        for entry in entries { try damage.apply(to: entry) }
        let both = try await BlockDiffRunner.run(arguments, cache: .shared(cacheDirectory))
        #expect(both.exited(with: 1), "\(both)")
        #expect(both.stdout == clean.stdout, "\(both)")
        #expect(both.stderr.contains("0 from cache, 2 parsed"), "\(both)")
    }

    @Test("a cache entry replaced by a directory never crashes blockdiff or changes the answer")
    func entryReplacedByDirectory() async throws {
        let scratch = try TemporaryDirectory(prefix: "blockdiff-cache")
        defer { scratch.remove() }
        let (old, new) = try Self.pair(language: "c", in: scratch)
        let cacheDirectory = scratch.file("cache")
        let arguments = [old.path, new.path]
        let clean = try await BlockDiffRunner.run(arguments, cache: .shared(cacheDirectory))
        #expect(clean.exited(with: 1), "\(clean)")

        let entry = FingerprintCache(directory: cacheDirectory).entry(for: try BitcodeFile(path: old.path))
        try FileManager.default.removeItem(at: entry)
        try FileManager.default.createDirectory(at: entry, withIntermediateDirectories: true)
        let run = try await BlockDiffRunner.run(arguments, cache: .shared(cacheDirectory))
        #expect(!run.signaled, "\(run)")
        // The worker cannot rename its answer over a directory, so an error naming the
        // problem is acceptable here; a wrong answer or a crash is not.
        #expect(run.exited(with: 1) || run.exited(with: 2), "\(run)")
        if run.exited(with: 1) { #expect(run.stdout == clean.stdout, "\(run)") }
        if run.exited(with: 2) {
            #expect(run.stderr.hasPrefix("blockdiff: error: "), "\(run)")
            #expect(run.stderr.contains(old.path), "\(run)")
        }
    }
}
