import Coverage
import Foundation
import Testing

/// Damaged input gives a typed error naming the file, never a crash: real
/// dumps, PC tables and executables, cut short and corrupted.
extension CoverageSuites {
    @Suite struct ReaderErrorTests {
        let fixture: CoverageFixture
        let scratch: URL

        init() throws {
            fixture = try CoverageFixture.get()
            scratch = fixture.root.appendingPathComponent("damaged-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        }

        func write(_ name: String, _ data: Data) throws -> URL {
            let url = scratch.appendingPathComponent(name)
            try data.write(to: url)
            return url
        }

        var dumpBytes: Data { get throws { try Data(contentsOf: fixture.runs["adds"]!.dumpPath) } }
        var tableBytes: Data { get throws { try Data(contentsOf: URL(fileURLWithPath: fixture.pcTable.path)) } }
        var executableBytes: Data { get throws { try Data(contentsOf: fixture.executable) } }

        @Test func truncatedDump() throws {
            let whole = try dumpBytes
            let cut = try write("cut.cov", whole.prefix(whole.count - 3))
            #expect(throws: CoverageError.truncated(path: cut.path, expectedBytes: whole.count, actualBytes: whole.count - 3)) {
                try HitDump.read(cut)
            }
            let header = try write("header.cov", whole.prefix(20))
            #expect(throws: CoverageError.truncated(path: header.path, expectedBytes: 32, actualBytes: 20)) {
                try HitDump.read(header)
            }
            let magic = try write("magic.cov", whole.prefix(5))
            #expect(throws: CoverageError.truncated(path: magic.path, expectedBytes: 32, actualBytes: 5)) {
                try HitDump.read(magic)
            }
            let empty = try write("empty.cov", Data())
            #expect(throws: CoverageError.truncated(path: empty.path, expectedBytes: 32, actualBytes: 0)) {
                try HitDump.read(empty)
            }
            do {
                _ = try HitDump.read(cut)
            } catch {
                #expect(error.description.contains(cut.path))
                #expect(error.description.contains("run it again"))
            }
        }

        @Test func otherDumpDamage() throws {
            var whole = try dumpBytes
            let missing = scratch.appendingPathComponent("missing.cov")
            #expect(throws: CoverageError.fileNotFound(path: missing.path)) { try HitDump.read(missing) }
            let text = try write("text.cov", Data("not a coverage dump at all, just text".utf8))
            #expect(throws: CoverageError.notCoverageFile(path: text.path, expected: "hit dump")) { try HitDump.read(text) }
            let longer = try write("longer.cov", whole + Data([0]))
            #expect(throws: CoverageError.self) { try HitDump.read(longer) }
            whole[8] = 9
            let future = try write("future.cov", whole)
            #expect(throws: CoverageError.unsupportedFormat(path: future.path, version: 9)) { try HitDump.read(future) }
            let pcTableAsDump = URL(fileURLWithPath: fixture.pcTable.path)
            #expect(throws: CoverageError.notCoverageFile(path: pcTableAsDump.path, expected: "hit dump")) {
                try HitDump.read(pcTableAsDump)
            }
        }

        @Test func truncatedPCTable() throws {
            let whole = try tableBytes
            let cut = try write("cut.pct", whole.prefix(whole.count - 16))
            #expect(throws: CoverageError.truncated(path: cut.path, expectedBytes: whole.count, actualBytes: whole.count - 16)) {
                try PCTable.read(cut)
            }
            let dumpAsTable = fixture.runs["adds"]!.dumpPath
            #expect(throws: CoverageError.notCoverageFile(path: dumpAsTable.path, expected: "PC table")) {
                try PCTable.read(dumpAsTable)
            }
        }

        @Test func garbageAndDamagedELF() throws {
            let text = try write("garbage", Data("#!/bin/sh\necho this is not an executable\n".utf8))
            #expect(throws: CoverageError.notELF(path: text.path)) { try ELFSymbols.read(executable: text) }

            let whole = try executableBytes
            let head = try write("head", whole.prefix(4096))
            do {
                _ = try ELFSymbols.read(executable: head)
                Issue.record("a 4 KiB prefix of the executable parsed")
            } catch {
                guard case .damagedELF(let path, _) = error else {
                    Issue.record("expected damagedELF, got \(error)")
                    return
                }
                #expect(path == head.path)
                #expect(error.description.contains("rebuild the test binary"))
            }

            var bigEndian = whole.prefix(64)
            bigEndian[5] = 2
            let big = try write("big-endian", bigEndian)
            #expect(throws: CoverageError.unsupportedELF(path: big.path, reason: "not little-endian")) {
                try ELFSymbols.read(executable: big)
            }
            var elf32 = whole.prefix(64)
            elf32[4] = 1
            let small = try write("elf32", elf32)
            #expect(throws: CoverageError.unsupportedELF(path: small.path, reason: "ELF class 1, not 64-bit")) {
                try ELFSymbols.read(executable: small)
            }
            let directory = scratch
            #expect(throws: CoverageError.unreadable(path: directory.path, reason: "is a directory")) {
                try ELFSymbols.read(executable: directory)
            }
        }

        @Test func strippedExecutableHasNoSymbolTable() throws {
            let stripped = scratch.appendingPathComponent("stripped")
            try CoverageFixture.check("strip", CoverageFixture.run(
                "strip", ["--strip-all", "-o", stripped.path, fixture.executable.path]))
            #expect(throws: CoverageError.noSymbolTable(path: stripped.path)) {
                try ELFSymbols.read(executable: stripped)
            }
        }

        /// Every prefix length around the headers and a few thousand corrupted
        /// variants of all three formats: each parses or throws, none crashes.
        @Test func corruptedVariantsNeverCrash() throws {
            var random = SplitMix64(seed: 0x7472_696d)
            let dump = try dumpBytes, table = try tableBytes, executable = try executableBytes

            for length in 0..<dump.count { _ = try? HitDump.parse(dump.prefix(length), path: "d") }
            for length in stride(from: 0, to: table.count, by: 3) { _ = try? PCTable.parse(table.prefix(length), path: "t") }
            for _ in 0..<2000 {
                _ = try? HitDump.parse(random.corrupt(dump, within: 0..<dump.count), path: "d")
                _ = try? PCTable.parse(random.corrupt(table, within: 0..<min(table.count, 256)), path: "t")
            }

            // ELF: the header, the section header table and the symbol table are what the reader trusts.
            let shoff = Int(executable.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0x28, as: UInt64.self) })
            let regions = [0..<64, shoff..<executable.count]
            for cut in [0, 3, 4, 17, 63, 64, 65, shoff - 1, shoff, shoff + 100, executable.count - 1] {
                _ = try? ELFSymbols.parse(executable.prefix(cut), path: "e")
            }
            var parsed = 0, failed = 0
            for round in 0..<300 {
                let damaged = random.corrupt(executable, within: regions[round % regions.count])
                do {
                    _ = try ELFSymbols.parse(damaged, path: "e")
                    parsed += 1
                } catch {
                    failed += 1
                }
            }
            #expect(parsed + failed == 300)
        }
    }
}

/// Deterministic pseudo-random numbers for the corruption test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Flips, zeroes or randomises 1–8 bytes inside `range`.
    mutating func corrupt(_ data: Data, within range: Range<Int>) -> Data {
        var copy = data
        guard !range.isEmpty else { return copy }
        for _ in 0..<Int.random(in: 1...8, using: &self) {
            let index = copy.startIndex + Int.random(in: range, using: &self)
            switch Int.random(in: 0..<3, using: &self) {
            case 0: copy[index] ^= UInt8.random(in: 1...255, using: &self)
            case 1: copy[index] = 0
            default: copy[index] = 0xFF
            }
        }
        return copy
    }
}
