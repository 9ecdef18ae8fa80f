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
