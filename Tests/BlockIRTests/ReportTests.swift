import BlockDiffReport
import BlockIR
import Foundation
import Testing

/// The printers on a real diff: every field of the documented JSON schema, and the text layout.
@Suite struct ReportTests {
    func realDiff() throws -> BitcodeDiff {
        let builds = try FixtureBuilds()
        let source = RustNormalisationTests.ledger
        let old = try builds.rust("old", source + "\npub fn gone() -> u8 {\n    7\n}\n")
        let new = try builds.rust("new", source.replacingOccurrences(of: "x % 2 == 0", with: "x % 3 == 0")
            + "\npub fn fresh() -> u8 {\n    8\n}\n")
        return try builds.diff(old, new)
    }

    @Test func jsonFollowsTheDocumentedSchema() throws {
        let text = DiffJSONPrinter.render(try realDiff())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary == ["functions_changed": 1, "functions_added": 1, "functions_removed": 1, "blocks_changed": 1])
        let functions = try #require(object["functions"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: functions.map { ($0["name"] as! String, $0) })
        let compute = try #require(byName["fx::compute"])
        #expect(compute["status"] as? String == "changed")
        #expect((compute["symbol"] as? String)?.hasPrefix("_ZN2fx7compute17h") == true)
        #expect(compute["file"] as? String == "src/lib.rs")
        #expect(compute["line"] as? Int == 4)
        let blocks = try #require(compute["blocks"] as? [[String: Any]])
        #expect(blocks.count == 1)
        #expect(blocks[0]["status"] as? String == "changed")
        #expect(blocks[0]["line"] as? Int == 5)
        #expect(blocks[0]["index"] is Int)
        #expect(byName["fx::fresh"]?["status"] as? String == "added")
        #expect(byName["fx::gone"]?["status"] as? String == "removed")
    }

    @Test func textHasOneLinePerFunctionWithItsChangedBlocks() throws {
        let lines = DiffTextPrinter.render(try realDiff()).split(separator: "\n").map(String.init)
        #expect(lines.contains("changed  fx::compute  src/lib.rs:4"))
        #expect(lines.contains { $0.hasPrefix("           block ") && $0.hasSuffix(" changed  src/lib.rs:5") })
        #expect(lines.contains("added    fx::fresh  src/lib.rs:35"))
        #expect(lines.contains("removed  fx::gone  src/lib.rs:35"))
        #expect(lines.last == "1 function changed, 1 added, 1 removed; 1 block changed")
    }

    @Test func rustLegacyEscapesAreDecoded() {
        #expect(SymbolNames.display(
            demangled: "_$LT$T$u20$as$u20$core..convert..Into$LT$U$GT$$GT$::into::h91997d95d6aeb3b2", keepHash: false)
            == "<T as core::convert::Into<U>>::into")
        #expect(SymbolNames.display(demangled: "fx::widen::h014ba63606726fa3", keepHash: true)
            == "fx::widen::h014ba63606726fa3")
        #expect(SymbolNames.withoutHash("_ZN3lib7compute17h8b615b932bfa7f2eE") == "_ZN3lib7computeE")
        // v0: every crate root loses its disambiguator, which crate metadata moves.
        #expect(SymbolNames.withoutHash("_RNvCs3mSbOeLENLV_4test16test_main_static") == "_RNvC4test16test_main_static")
        #expect(SymbolNames.withoutHash("_RINvNtCs1a_4core3ptr13drop_in_placeNtCsZz9_6ledger5EntryEB4_")
            == "_RINvNtC4core3ptr13drop_in_placeNtC6ledger5EntryEB4_")
        #expect(SymbolNames.withoutHash("main") == "main")
    }
}
