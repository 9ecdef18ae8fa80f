import BlockIR
import Foundation
import Testing
@testable import TrimPipeline

/// What a test binary's coverage map reads of a crate's units
/// (`CrateUnits.layouts`): the units in memory when the crate was merged in
/// this process, else the layouts kept beside the crate's merge, else the
/// units' own fingerprints (and the layouts are kept for next time).
@Suite struct CrateUnitsTests {
    static func unit(_ name: String, _ symbols: [String]) -> ModuleFingerprint {
        ModuleFingerprint(sourceFilename: name, files: ["src/lib.rs"], functions: symbols.map { symbol in
            FunctionFingerprint(symbol: symbol, demangled: symbol, file: nil, line: 1, isTestHarnessMain: false,
                                blocks: [BlockFingerprint(hash: 1, successors: [1], file: 0, line: 1, instructionCount: 1, externalGlobals: []),
                                         BlockFingerprint(hash: 2, successors: [], file: 0, line: 2, instructionCount: 1, externalGlobals: [])],
                                coverageBlocks: [0, 1])
        }, globals: [:])
    }

    /// Two unit files of crate `c.bc` whose fingerprints the cache holds (no worker reads them).
    struct CachedUnits {
        let directory: URL
        let fingerprinter: Fingerprinter
        let units: [ModuleFingerprint]
        let files: [BitcodeFile]
        let key: String
        let crates: CrateModuleCache

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("crate-units-\(UUID().uuidString)")
            let cache = FingerprintCache(directory: directory.appendingPathComponent("cache"))
            try cache.prepare()
            fingerprinter = Fingerprinter(cache: cache, reader: try IsolatedReader())
            units = [CrateUnitsTests.unit("c.0", ["a", "b"]), CrateUnitsTests.unit("c.1", ["c"])]
            var files: [BitcodeFile] = []
            for (index, unit) in units.enumerated() {
                let file = BitcodeFile(path: directory.appendingPathComponent("c.\(index).rcgu.bc").path, size: 8,
                                       contentHash: String(repeating: "\(index)", count: 32))
                try Data(FingerprintCodec.encode(unit)).write(to: cache.entry(for: file))
                files.append(file)
            }
            self.files = files
            key = CrateModuleCache.key(crate: "c.bc", unitHashes: files.map(\.contentHash))
            crates = CrateModuleCache(fingerprints: cache)
        }
    }

    @Test func layoutsComeFromMemoryThenTheCacheThenTheUnits() throws {
        let fixture = try CachedUnits()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let (fingerprinter, units, files, key, crates) = (fixture.fingerprinter, fixture.units, fixture.files, fixture.key,
                                                         fixture.crates)
        let expected = units.map(UnitLayout.init)

        let merged = CrateUnits(files: files, folded: [:], key: key, fingerprinter: fingerprinter, units: units)
        #expect(try merged.layouts() == expected)
        #expect(crates.loadLayouts(key: key) == nil, "made from memory, nothing read or written")

        let cached = CrateUnits(files: files, folded: [:], key: key, fingerprinter: fingerprinter)
        #expect(try cached.layouts() == expected, "read from the units' fingerprints")
        #expect(crates.loadLayouts(key: key) == expected, "and kept")

        // Kept layouts are what a crate from the cache gives, without its units.
        let stand = [UnitLayout(sourceFilename: "c.0", functions: []), UnitLayout(sourceFilename: "c.1", functions: [])]
        crates.storeLayouts(stand, key: key)
        #expect(try CrateUnits(files: files, folded: [:], key: key, fingerprinter: fingerprinter).layouts() == stand)
        // Kept layouts of another number of units are not this crate's: the units are read again.
        crates.storeLayouts([stand[0]], key: key)
        #expect(try CrateUnits(files: files, folded: [:], key: key, fingerprinter: fingerprinter).layouts() == expected)
    }

    /// A crate's merge is kept the second time the same units are merged,
    /// not the first (a crate under edit has new units every run), and what
    /// is kept reads back as the merge.
    @Test func aMergeIsKeptTheSecondTimeItsUnitsAreMerged() throws {
        let fixture = try CachedUnits()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let (fingerprinter, units, files, key, crates) = (fixture.fingerprinter, fixture.units, fixture.files, fixture.key,
                                                         fixture.crates)

        let first = try WorkspaceBuild.merge("c.bc", files: files, key: key, fingerprinter: fingerprinter, cache: crates).get()
        #expect(!crates.contains(key: key), "the first merge leaves only a marker")
        #expect(crates.loadLayouts(key: key) == nil)
        #expect(FileManager.default.fileExists(atPath: crates.sightingEntry(key).path))

        _ = try WorkspaceBuild.merge("c.bc", files: files, key: key, fingerprinter: fingerprinter, cache: crates).get()
        let kept = try #require(crates.load(key: key), "the second is kept")
        #expect(kept.module == first.0.module)
        #expect(crates.loadLayouts(key: key) == units.map(UnitLayout.init))
    }

    /// A marker that cannot be made (the directory is gone) counts as seen: the merge is written as before.
    @Test func aSightingThatCannotBeNotedCountsAsSeen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crate-sighting-\(UUID().uuidString)")
        let crates = CrateModuleCache(fingerprints: FingerprintCache(directory: directory))
        #expect(crates.seenBefore(key: "k"), "no directory, no marker")
        try FileManager.default.createDirectory(at: crates.directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(!crates.seenBefore(key: "k"))
        #expect(crates.seenBefore(key: "k"))
    }
}
