import BlockIR
import Foundation
import ProcessSpawn
import Testing
@testable import TrimPipeline

/// The unit hash memo on real rustc output: units rustc reuses from its
/// incremental cache come back under new names and are not read again; units
/// it writes anew are, and every hash it gives is the file's true hash.
@Suite struct UnitHashMemoTests {
    struct Crate {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-unit-memo-\(UUID().uuidString)")
        var source: URL { root.appendingPathComponent("lib.rs") }
        var out: URL { root.appendingPathComponent("out") }

        /// Compiles `text` as crate `memo` with 16 units and incremental reuse; returns the unit files this call wrote.
        func compile(_ text: String) throws -> [String] {
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try text.write(to: source, atomically: true, encoding: .utf8)
            let before = Set(try FileManager.default.contentsOfDirectory(atPath: out.path))
            let finished = try ChildProcess.run("/usr/bin/env", [
                "rustc", "--crate-type", "lib", "--crate-name", "memo", "--edition", "2021", "--emit=llvm-bc",
                "-C", "codegen-units=16", "-C", "incremental=" + root.appendingPathComponent("incr").path,
                "--out-dir", out.path, source.path,
            ])
            try #require(finished.status == 0, "rustc: \(String(decoding: finished.stderr, as: UTF8.self))")
            return try FileManager.default.contentsOfDirectory(atPath: out.path)
                .filter { !before.contains($0) && $0.hasSuffix(".rcgu.bc") }.map { out.appendingPathComponent($0).path }
        }
    }

    /// Twelve modules of one function each: a one-line change touches one unit.
    static func library(changing value: Int) -> String {
        (0..<12).map { index in
            "pub mod m\(index) { pub fn f(x: u64) -> u64 { x.wrapping_mul(\(index == 3 ? value : index + 7)) + \(index) } }\n"
        }.joined()
    }

    @Test func reusedUnitsAreNotReadAgainAndEveryHashIsTrue() throws {
        let crate = Crate()
        defer { try? FileManager.default.removeItem(at: crate.root) }
        let first = try crate.compile(Self.library(changing: 40))
        try #require(first.count > 4, "rustc wrote \(first.count) units")
        let file = crate.root.appendingPathComponent("memo.tsv")
        let memo = UnitHashMemo(file: file)
        for path in first { _ = try memo.bitcodeFile(path) }
        #expect(memo.filesRead == first.count)
        memo.save()

        let second = try crate.compile(Self.library(changing: 41))
        #expect(Set(second).isDisjoint(with: first), "rustc names every unit anew on every call")
        let again = UnitHashMemo(file: file)
        for path in second {
            let remembered = try again.bitcodeFile(path)
            #expect(remembered.contentHash == (try BitcodeFile(path: path)).contentHash, "\(path)")
        }
        #expect(again.filesRead >= 1, "the changed unit is read")
        #expect(again.filesRead < second.count / 2, "reused units are known by their inode: \(again.filesRead) read")
    }

    @Test func aFileRewrittenInPlaceIsReadAgain() throws {
        let crate = Crate()
        defer { try? FileManager.default.removeItem(at: crate.root) }
        let units = try crate.compile(Self.library(changing: 40))
        let (target, donor) = (try #require(units.first), try #require(units.last))
        let memo = UnitHashMemo(file: crate.root.appendingPathComponent("memo.tsv"))
        _ = try memo.bitcodeFile(target)
        // The same inode, other bytes (and so a newer modification time).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: donor))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: bytes)
        try handle.close()
        let after = try memo.bitcodeFile(target)
        #expect(after.contentHash == (try BitcodeFile(path: donor)).contentHash)
        #expect(memo.filesRead == 2)
    }

    @Test func identitiesReadBackAsWrittenAndOtherShapesAreIgnored() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let identity = UnitHashMemo.Identity(
                device: UInt64.random(in: 0...UInt64.max, using: &generator),
                inode: UInt64.random(in: 0...UInt64.max, using: &generator),
                seconds: Int.random(in: -2_000_000_000...4_000_000_000, using: &generator),
                nanoseconds: Int.random(in: 0...999_999_999, using: &generator))
            #expect(UnitHashMemo.Identity(text: Array(identity.text.utf8)) == identity, "\(identity.text)")
        }
        for text in ["dev1:2:3", "dev:2:3.4", "dev1:2:3.4x", "de1:2:3.4", "dev1:2:3:4.5", "dev1:2:.4",
                     "dev18446744073709551616:1:1.1", "dev-1:2:3.4", ""] {
            #expect(UnitHashMemo.Identity(text: Array(text.utf8)) == nil, "\(text)")
        }
    }
}
