@testable import CargoSupport
import Foundation
import RustcWrapping
import Testing

/// From the file a cargo artifact message names to the crate's unit bitcode
/// files: the stem rustc named them after, the record the wrapper kept, and
/// what a damaged or missing record says.
@Suite struct ArtifactUnitsTests {
    @Test func anRlibAndATestExecutableNameTheirStemAndModule() {
        let rlib = "/work/target/trim/debug/deps/libshop-507999230d6984fa.rlib"
        #expect(InstrumentedTestBuild.stem(ofArtifact: rlib) == "shop-507999230d6984fa")
        #expect(InstrumentedTestBuild.directory(ofArtifact: rlib) == "/work/target/trim/debug/deps")
        #expect(InstrumentedTestBuild.bitcodePath(ofArtifact: rlib) == "/work/target/trim/debug/deps/shop-507999230d6984fa.bc")
        let executable = "/work/target/trim/debug/deps/orders-0671b646198c8fc8"
        #expect(InstrumentedTestBuild.stem(ofArtifact: executable) == "orders-0671b646198c8fc8")
        #expect(InstrumentedTestBuild.bitcodePath(ofArtifact: executable)
            == "/work/target/trim/debug/deps/orders-0671b646198c8fc8.bc")
        // A crate whose own name starts with "lib", built as a test: nothing stripped.
        #expect(InstrumentedTestBuild.stem(ofArtifact: "/t/deps/library-0a1b") == "library-0a1b")
        #expect(InstrumentedTestBuild.bitcodePath(ofArtifact: "/x-1.rlib") == "/x-1.bc")
    }

    @Test func theRecordedUnitsAreRead() throws {
        let deps = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: deps) }
        let stem = "shop-507999230d6984fa"
        let names = ["\(stem).0abc.1s2.rcgu.bc", "\(stem).1def.1s2.rcgu.bc"]
        for name in names { FileManager.default.createFile(atPath: "\(deps)/\(name)", contents: Data([0x42, 0x43])) }
        try UnitFiles.writeRecord(names, outDirectory: deps, stem: stem)
        #expect(try InstrumentedTestBuild.units(ofArtifact: "\(deps)/lib\(stem).rlib") == names.map { "\(deps)/\($0)" })
    }

    @Test func aMissingDamagedOrAbsentRecordNamesTheRecord() throws {
        let deps = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: deps) }
        let stem = "calc-c6626fb655a8d231"
        let record = "\(deps)/\(UnitFiles.recordName(stem: stem))"
        #expect(Self.failure(deps, stem) == .unitsUnrecorded(crate: stem, manifest: record))

        let outside = "\(stem).a/../../elsewhere.rcgu.bc"
        try UnitFiles.writeRecord([outside], outDirectory: deps, stem: stem)
        #expect(Self.failure(deps, stem) == .unitsRecordDamaged(manifest: record, line: outside))

        let gone = "\(stem).0abc.1s2.rcgu.bc"
        try UnitFiles.writeRecord([gone], outDirectory: deps, stem: stem)
        #expect(Self.failure(deps, stem) == .unitsRecordDamaged(manifest: record, line: gone + " (no such file)"))
    }

    static func failure(_ deps: String, _ stem: String) -> CargoError? {
        do {
            _ = try InstrumentedTestBuild.units(ofArtifact: "\(deps)/\(stem)")
            return nil
        } catch {
            return error
        }
    }

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trim-artifact-units-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
