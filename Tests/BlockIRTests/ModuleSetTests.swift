@testable import BlockIR
import Foundation
import Testing

/// Directories of modules, globals shared across modules, and the cache.
@Suite struct ModuleSetTests {
    static let library = """
        pub static LIMIT: u64 = 5;

        pub fn clamp(x: u64) -> u64 {
            if x > LIMIT { LIMIT } else { x }
        }

        pub fn double(x: u64) -> u64 {
            x * 2
        }
        """

    static let user = """
        pub fn limit_plus_one() -> u64 {
            fxlib::LIMIT + 1
        }

        pub fn doubled(x: u64) -> u64 {
            fxlib::double(x)
        }
        """

    /// Builds `fxlib` (rlib + bitcode) and `fxuser` against it into `name/out/`.
    func build(_ builds: FixtureBuilds, _ name: String, library: String, user: String?) throws -> URL {
        let out = builds.root.appendingPathComponent(name).appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let lib = try builds.write("\(name)/fxlib", ["src/lib.rs": library])
        try builds.run("rustc", ["--edition", "2021", "--crate-name", "fxlib", "--crate-type", "lib", "-g",
                                 "--emit=llvm-bc,link", "--out-dir", out.path, "src/lib.rs"], in: lib)
        if let user {
            let dir = try builds.write("\(name)/fxuser", ["src/lib.rs": user])
            try builds.run("rustc", ["--edition", "2021", "--crate-name", "fxuser", "--crate-type", "lib", "-g",
                                     "--emit=llvm-bc", "--out-dir", out.path,
                                     "--extern", "fxlib=\(out.path)/libfxlib.rlib", "src/lib.rs"], in: dir)
        }
        return out
    }

    @Test func directoriesPairModulesAndReportUnpairedOnes() throws {
        let builds = try FixtureBuilds()
        let old = try build(builds, "old", library: Self.library, user: nil)
        let new = try build(builds, "new", library: Self.library.replacingOccurrences(of: "x * 2", with: "x * 3"),
                            user: Self.user)
        let diff = try builds.diff(old.path, new.path)
        #expect(diff.modules.map(\.status) == [.added])
        #expect(diff.modules.first?.path.hasSuffix("fxuser.bc") == true)
        #expect(diff.function(named: "fxlib::double")?.status == .changed)
        #expect(diff.function(named: "fxuser::doubled")?.status == .added)
        #expect(diff.function(named: "fxlib::clamp") == nil)
    }

    @Test func aStaticChangedInAnotherModuleChangesItsUsers() throws {
        let builds = try FixtureBuilds()
        let old = try build(builds, "old", library: Self.library, user: Self.user)
        let new = try build(builds, "new", library: Self.library.replacingOccurrences(of: "= 5;", with: "= 6;"),
                            user: Self.user)
        let userOld = old.appendingPathComponent("fxuser.bc").path
        let userNew = new.appendingPathComponent("fxuser.bc").path
        // fxuser's own bitcode is identical apart from paths: alone, nothing differs...
        #expect(try builds.diff(userOld, userNew).isEmpty)
        // ...but with the module that defines LIMIT in view, its user changes.
        let diff = try builds.diff(old.path, new.path)
        #expect(diff.function(named: "fxuser::limit_plus_one")?.status == .changed)
        #expect(diff.function(named: "fxlib::clamp")?.status == .changed)
        #expect(diff.function(named: "fxuser::doubled") == nil)
    }

    /// `up` formats its own type and a `u32`, and `down` formats up's type,
    /// a `u64` and a `u32`: in cargo's debug build down calls instances of
    /// `Argument::new_display` that up defines (declared in down, several of
    /// one name), under symbols whose hash moves with up's version.
    static let sharing: [String: String] = [
        "Cargo.toml": "[workspace]\nmembers = [\"up\", \"down\"]\nresolver = \"2\"\n",
        "up/Cargo.toml": "[package]\nname = \"up\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        "up/src/lib.rs": """
            use std::fmt;

            pub struct Money(pub u64);

            impl fmt::Display for Money {
                fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    write!(f, "${}.{:02}", self.0 / 100, self.0 % 100)
                }
            }

            pub fn describe(n: u32, s: &str) -> String {
                format!("{} {}", n, s)
            }
            """,
        "down/Cargo.toml": """
            [package]
            name = "down"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            up = { path = "../up" }
            """,
        "down/src/lib.rs": """
            pub fn price_tag(cents: u64) -> String {
                format!("price: {} ({} cents, {} items)", up::Money(cents), cents, cents as u32 / 100)
            }
            """,
    ]

    /// The workspace built by cargo (one codegen unit per crate, bitcode
    /// kept) into `name/target`; returns the directory of the `.bc` files.
    func cargoBuild(_ builds: FixtureBuilds, _ name: String, version: String) throws -> URL {
        var files = Self.sharing
        files["up/Cargo.toml"] = files["up/Cargo.toml"]!.replacingOccurrences(of: "0.1.0", with: version)
        let dir = try builds.write(name, files)
        try builds.run("env", ["RUSTFLAGS=--emit=llvm-bc,link -C codegen-units=1", "cargo", "build", "-q"], in: dir)
        let deps = dir.appendingPathComponent("target/debug/deps")
        let out = dir.appendingPathComponent("bitcode")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: deps.path) where file.hasSuffix(".bc") {
            try FileManager.default.copyItem(at: deps.appendingPathComponent(file), to: out.appendingPathComponent(file))
        }
        return out
    }

    @Test func aCallToAnotherModulesInstanceCountsByThatInstancesContent() throws {
        let builds = try FixtureBuilds()
        let old = try cargoBuild(builds, "old", version: "0.1.0")
        let released = try cargoBuild(builds, "released", version: "0.1.1")
        func down(_ dir: URL) throws -> String {
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasPrefix("down-") })
            return dir.appendingPathComponent(name).path
        }
        // down alone cannot tell which instance it calls but by its symbol, which the release moved...
        #expect(try builds.diff(try down(old), try down(released)).function(named: "down::price_tag")?.status == .changed)
        // ...with the module that defines it in view, nothing changed.
        let diff = try builds.diff(old.path, released.path)
        #expect(diff.isEmpty, "\(diff.names)")
    }

    @Test func cargoHashSuffixesPairByCrateName() {
        let pairing = ModulePairing.pairDirectories(
            old: ["/o/ledger-0123456789abcdef.bc", "/o/report-1111111111111111.bc", "/o/gone-2222222222222222.bc"],
            new: ["/n/ledger-fedcba9876543210.bc", "/n/report-1111111111111111.bc", "/n/fresh-3333333333333333.bc"])
        #expect(pairing.pairs.map { [$0.old, $0.new] } == [
            ["/o/report-1111111111111111.bc", "/n/report-1111111111111111.bc"],
            ["/o/ledger-0123456789abcdef.bc", "/n/ledger-fedcba9876543210.bc"],
        ])
        #expect(pairing.onlyOld == ["/o/gone-2222222222222222.bc"])
        #expect(pairing.onlyNew == ["/n/fresh-3333333333333333.bc"])
    }

    /// A release moves the hash of every module of a crate: a library and its
    /// unit tests share the crate name and pair by role.
    @Test func aLibraryAndItsTestsPairAcrossARelease() throws {
        let builds = try FixtureBuilds()
        let tests = Self.library + "\n#[test]\nfn doubles() {\n    assert_eq!(double(2), 4);\n}\n"
        func build(_ side: String, _ metadata: String) throws -> URL {
            let dir = builds.root.appendingPathComponent(side + "-modules")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, test) in [("lib", false), ("test", true)] {
                let bc = try builds.rust("\(side)-\(name)", tests, test: test, extraArguments: ["-C", "metadata=\(metadata)"])
                let hash = String(repeating: side == "old" ? "a" : "b", count: 15) + (test ? "2" : "1")
                try FileManager.default.copyItem(at: URL(fileURLWithPath: bc),
                                                 to: dir.appendingPathComponent("fx-\(hash).bc"))
            }
            return dir
        }
        let old = try build("old", "one"), new = try build("new", "two")
        let diff = try builds.diff(old.path, new.path)
        #expect(diff.modules.isEmpty, "every module paired: \(diff.modules)")
        #expect(diff.isEmpty, "changed: \(diff.functions.map(\.name))")
    }

    @Test func unchangedBytesAreNeverParsedTwice() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.library)
        let new = try builds.rust("new", Self.library.replacingOccurrences(of: "x * 2", with: "x * 4"))
        let cache = FingerprintCache(directory: builds.root.appendingPathComponent("cache"))
        let first = Fingerprinter(cache: cache, reader: try IsolatedReader())
        _ = try BlockDiffEngine(fingerprinter: first).diff(old: old, new: new)
        #expect(first.statistics.parsed == 2)
        let second = Fingerprinter(cache: cache, reader: try IsolatedReader())
        let diff = try BlockDiffEngine(fingerprinter: second).diff(old: old, new: new)
        #expect(second.statistics.parsed == 0)
        #expect(second.statistics.cached == 2)
        #expect(diff.names == ["fx::double"])
    }
}
