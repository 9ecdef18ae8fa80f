import RustcWrapping
import Testing

/// Which files of `deps/` are a crate's codegen-unit bitcode, by name, as
/// rustc names them: `<stem>.bc` with one unit, `<stem>.<unit>.<session>.rcgu.bc` with several.
@Suite struct UnitFileNameTests {
    static let stem = "shop-507999230d6984fa"

    @Test func aCratesUnitFilesAreItsOwnBitcodeOnly() {
        for name in ["\(Self.stem).bc", "\(Self.stem).0d7r2ao75g2xr4ovo917oh9n6.16s4qsa.rcgu.bc", "\(Self.stem).rcgu.bc"] {
            #expect(UnitFiles.isUnitFile(name, stem: Self.stem), "\(name)")
        }
        for name in ["\(Self.stem)", "\(Self.stem).d", "\(Self.stem).0d7r2ao75g2xr4ovo917oh9n6.16s4qsa.rcgu.o", "lib\(Self.stem).rlib",
                     "\(Self.stem)0.bc", "shop-507999230d6984fb.bc", "\(Self.stem)x.0a.rcgu.bc", "\(Self.stem).trim-units", "\(Self.stem).bcx",
                     "\(Self.stem).rcgu.bc.tmp", "shop.bc"] {
            #expect(!UnitFiles.isUnitFile(name, stem: Self.stem), "\(name)")
        }
    }
}
