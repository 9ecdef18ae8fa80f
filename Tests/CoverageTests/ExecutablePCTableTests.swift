import Coverage
import Foundation
import Testing

/// The PC table read from an executable before it runs is the runtime's
/// own, or none: built with real rustc and the real runtime, then run.
@Suite struct ExecutablePCTableTests {
    /// The fixture's crate built again as a test harness with `flags`, into a
    /// directory of its own.
    static func build(_ name: String, _ flags: [String]) throws -> URL {
        let fixture = try CoverageFixture.get()
        let out = fixture.root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try CoverageFixture.check("rustc", CoverageFixture.run(
            "rustc", ["--edition", "2021", "--test", "--crate-name", "fx", "--out-dir", out.path]
                + SanitizerCoverage.rustcFlags(runtimeLibrary: fixture.runtimeLibrary) + flags + ["src/lib.rs"],
            in: fixture.root.appendingPathComponent("crate")))
        return out.appendingPathComponent("fx")
    }

    /// What the runtime writes while the executable lists its tests.
    static func runtimeTable(_ executable: URL) throws -> PCTable {
        let table = executable.deletingLastPathComponent().appendingPathComponent("fx.pctable")
        try CoverageFixture.check("--list", CoverageFixture.run(
            executable.path, ["--list"], environment: [SanitizerCoverage.pcTableFileVariable: table.path]))
        return try PCTable.read(table)
    }

    @Test func aPositionDependentExecutablesTableIsTheRuntimes() throws {
        let executable = try Self.build("no-pie", ["-C", "link-arg=-no-pie"])
        let read = try #require(ExecutablePCTable.read(executable: executable))
        let written = try Self.runtimeTable(executable)
        #expect(read.entries.count > 20 && read.entries.contains { $0.isFunctionEntry })
        #expect(read.hasSameSlots(as: written))
        #expect(read.entries == written.entries && read.ranges == written.ranges)
    }

    /// A position-independent executable is loaded with a bias only the
    /// runtime knows; one that loads Rust's standard library as a shared
    /// object (whose slots the runtime would count too, were it instrumented)
    /// is not read either.
    @Test func otherExecutablesAreLeftToTheRuntime() throws {
        let fixture = try CoverageFixture.get()
        #expect(ExecutablePCTable.read(executable: fixture.executable) == nil, "a PIE was read")
        let dynamic = try Self.build("prefer-dynamic", ["-C", "link-arg=-no-pie", "-C", "prefer-dynamic"])
        #expect(ExecutablePCTable.read(executable: dynamic) == nil, "a binary needing libstd-*.so was read")
        #expect(ExecutablePCTable.read(executable: fixture.root.appendingPathComponent("crate/src/lib.rs")) == nil)
        #expect(ExecutablePCTable.read(executable: fixture.root.appendingPathComponent("missing")) == nil)
    }

    /// A damaged executable (cut short anywhere, or with bytes of its
    /// headers changed) gives no table or a table, never a crash; cut
    /// before its PC section ends, no table.
    @Test func damagedExecutablesNeverCrash() throws {
        let executable = try Self.build("no-pie-damaged", ["-C", "link-arg=-no-pie"])
        let bytes = try Data(contentsOf: executable)
        let damaged = executable.deletingLastPathComponent().appendingPathComponent("damaged")
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 4, 16, 63, 64, 65, 1000, bytes.count / 2, bytes.count - 1] {
            try bytes.prefix(length).write(to: damaged)
            #expect(ExecutablePCTable.read(executable: damaged) == nil, "cut at \(length) bytes, still read")
        }
        for _ in 0..<300 {
            var copy = bytes
            for _ in 0..<4 {
                copy[Int.random(in: 0..<min(copy.count, 128), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            // And bytes of the section headers (sizes, offsets, types), as read before the damage.
            let sectionHeaders = Int(clamping: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0x28, as: UInt64.self) })
            for _ in 0..<4 where sectionHeaders < copy.count - 64 {
                copy[Int.random(in: sectionHeaders..<copy.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            try copy.write(to: damaged)
            _ = ExecutablePCTable.read(executable: damaged)
        }
    }

    /// Section headers that claim what no file holds: a section without
    /// bytes in the file (`.bss`) of 2⁶⁴−1 bytes, then every section's size
    /// and offset at their largest in turn.
    @Test func sectionHeadersOutOfRange() throws {
        let executable = try Self.build("no-pie-headers", ["-C", "link-arg=-no-pie"])
        let bytes = try Data(contentsOf: executable)
        let damaged = executable.deletingLastPathComponent().appendingPathComponent("headers")
        func load<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        }
        let headers = Int(load(0x28, UInt64.self)), count = Int(load(0x3C, UInt16.self))
        let noBits = try #require((0..<count).first { load(headers + $0 * 64 + 4, UInt32.self) == 8 }, "no .bss")
        for (section, field) in [(noBits, 32)] + (0..<count).flatMap({ [($0, 24), ($0, 32)] }) {
            var copy = bytes
            copy.replaceSubrange((headers + section * 64 + field)..<(headers + section * 64 + field + 8),
                                 with: [UInt8](repeating: 0xFF, count: 8))
            try copy.write(to: damaged)
            _ = ExecutablePCTable.read(executable: damaged)
        }
    }

    /// Tables that differ in one slot's address or entry flag are told apart.
    @Test func sameSlotsComparesEverySlot() throws {
        let executable = try Self.build("no-pie-compare", ["-C", "link-arg=-no-pie"])
        let read = try #require(ExecutablePCTable.read(executable: executable))
        var moved = read
        moved.entries[moved.entries.count / 2].address += 1
        var flagged = read
        flagged.entries[0].isFunctionEntry.toggle()
        var biased = read
        biased.ranges[0].loadBias = 0x1000
        for other in [moved, flagged, biased] { #expect(!read.hasSameSlots(as: other)) }
        #expect(read.hasSameSlots(as: PCTable(path: "elsewhere", entries: read.entries, ranges: read.ranges)))
    }
}
