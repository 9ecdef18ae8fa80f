import BlockIR
import Coverage
import Foundation
import Testing

extension CoverageSuites {
    /// Binaries linked from several instrumented modules: a library crate and
    /// its integration test (global symbols, and `#[inline]`/generic copies in
    /// both modules), and C files with same-named `static` functions, told
    /// apart only by the `STT_FILE` that equals each module's `source_filename`.
    @Suite struct CrossModuleTests {
        static let library = """
            pub fn add(a: i64, b: i64) -> i64 {
                a + b
            }

            #[inline]
            pub fn twice(x: i64) -> i64 {
                if x > 100 { x * 2 } else { x + x }
            }

            pub fn magnitude<T: Copy + Into<i64>>(x: T) -> i64 {
                let v: i64 = x.into();
                if v > 0 { v } else { -v }
            }

            pub fn uses_twice(x: i64) -> i64 {
                twice(x) + magnitude(3u8)
            }

            pub fn unused_by_tests(x: i64) -> i64 {
                x - 1
            }
            """

        static let integrationTest = """
            #[test]
            fn it_adds() {
                assert_eq!(fxlib::add(1, 2), 3);
                assert_eq!(fxlib::twice(3), 6);
                assert_eq!(fxlib::uses_twice(1), 5);
                assert_eq!(fxlib::magnitude(5u32), 5);
            }
            """

        let fixture: CoverageFixture
        let directory: URL

        init() throws {
            fixture = try CoverageFixture.get()
            directory = fixture.root.appendingPathComponent("cross-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        func write(_ path: String, _ content: String) throws {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }

        func fingerprint(_ path: URL) throws -> ModuleFingerprint {
            try Fingerprinter(cache: FingerprintCache(directory: directory.appendingPathComponent("fingerprints")),
                              reader: try IsolatedReader()).fingerprint(try BitcodeFile(path: path.path))
        }

        func function(_ name: String, in module: ModuleFingerprint) throws -> FunctionFingerprint {
            try #require(module.functions.first { SymbolNames.display(demangled: $0.demangled, keepHash: false) == name })
        }

        @Test func libraryAndIntegrationTest() throws {
            try write("src/lib.rs", Self.library)
            try write("tests/it.rs", Self.integrationTest)
            let out = directory.appendingPathComponent("out")
            let flags = SanitizerCoverage.rustcFlags(runtimeLibrary: fixture.runtimeLibrary)
            let common = ["--edition", "2021", "-g", "-C", "debuginfo=line-tables-only", "--emit=llvm-bc,link",
                          "--out-dir", out.path]
            try CoverageFixture.check("rustc lib", CoverageFixture.run(
                "rustc", common + ["--crate-type", "lib", "--crate-name", "fxlib"] + flags + ["src/lib.rs"],
                in: directory))
            try CoverageFixture.check("rustc it", CoverageFixture.run(
                "rustc", common + ["--test", "--crate-name", "it", "--extern",
                                   "fxlib=\(out.appendingPathComponent("libfxlib.rlib").path)", "-L", out.path]
                    + flags + ["tests/it.rs"],
                in: directory))
            let executable = out.appendingPathComponent("it")
            let lib = try fingerprint(out.appendingPathComponent("fxlib.bc"))
            let it = try fingerprint(out.appendingPathComponent("it.bc"))
            #expect(lib.sourceFilename != it.sourceFilename)

            let table = directory.appendingPathComponent("it.pctable"), dump = directory.appendingPathComponent("it.cov")
            try CoverageFixture.check("--list", CoverageFixture.run(
                executable.path, ["--list"], environment: [SanitizerCoverage.pcTableFileVariable: table.path]))
            try CoverageFixture.check("it_adds", CoverageFixture.run(
                executable.path, ["--exact", "it_adds"], environment: [SanitizerCoverage.coverageFileVariable: dump.path]))
            let symbols = try ELFSymbols.read(executable: executable)
            let mapper = SlotMapper(pcTable: try PCTable.read(table), symbols: symbols, modules: [lib, it])
            #expect(mapper.unmappedFunctions.isEmpty, "\(mapper.unmappedFunctions)")
            let mapping = try mapper.map(try HitDump.read(dump))
            #expect(mapping.unmapped.isEmpty, "\(mapping.unmapped)")

            // Global library functions map to the library's module.
            let add = try function("fxlib::add", in: lib)
            #expect(symbols.functions.first { $0.name == add.symbol }?.isLocal == false)
            #expect(mapping.function(module: lib.sourceFilename, symbol: add.symbol) != nil)
            #expect(mapping.function(symbol: try function("fxlib::unused_by_tests", in: lib).symbol) == nil)
            // `twice` is compiled into both modules (a local copy each): each
            // copy maps to its own module through its STT_FILE.
            let libTwice = try function("fxlib::twice", in: lib), itTwice = try function("fxlib::twice", in: it)
            #expect(mapping.function(module: lib.sourceFilename, symbol: libTwice.symbol) != nil)
            #expect(mapping.function(module: it.sourceFilename, symbol: itTwice.symbol) != nil)
            for symbol in [libTwice.symbol, itTwice.symbol] {
                let elf = try #require(symbols.functions.first { $0.name == symbol })
                #expect(elf.isLocal)
                #expect(elf.file == (symbol == libTwice.symbol ? lib.sourceFilename : it.sourceFilename))
            }

            // Without the library's bitcode its functions are reported, not dropped.
            let partial = try SlotMapper(pcTable: try PCTable.read(table), symbols: symbols, modules: [it])
                .map(try HitDump.read(dump))
            #expect(partial.function(symbol: add.symbol) == nil)
            let reasons = partial.unmapped.map(\.reason)
            #expect(reasons.contains(.noFingerprint(symbol: add.symbol, file: nil)))
            #expect(reasons.allSatisfy { if case .noFingerprint = $0 { true } else { false } })
        }

        @Test func sameStaticFunctionNameInTwoCFiles() throws {
            try write("a.c", "static int helper(int x) { return x + 1; }\nint run_a(int x) { return helper(x); }\n")
            try write("b.c", """
                static int helper(int x) {
                    if (x > 3) return x * 2;
                    for (int i = 0; i < x; i++) x += i;
                    return x;
                }
                int run_b(int x) { return helper(x); }

                """)
            try write("main.c", """
                int run_a(int);
                int run_b(int);
                int main(int argc, char **argv) { (void)argv; return (argc > 1 ? run_b(argc) : run_a(argc)) & 0; }

                """)
            // Clang's equivalent of the rustc flags: a guard per block, no pruning, the PC table.
            let coverage = "-fsanitize-coverage=bb,trace-pc-guard,pc-table,no-prune"
            var modules: [ModuleFingerprint] = []
            for name in ["a", "b", "main"] {
                try CoverageFixture.check("clang", CoverageFixture.run(
                    "clang-22", ["-g", "-O0", coverage, "-c", "\(name).c", "-o", "\(name).o"], in: directory))
                try CoverageFixture.check("clang", CoverageFixture.run(
                    "clang-22", ["-g", "-O0", coverage, "-emit-llvm", "-c", "\(name).c", "-o", "\(name).bc"],
                    in: directory))
                modules.append(try fingerprint(directory.appendingPathComponent("\(name).bc")))
            }
            #expect(modules.map(\.sourceFilename) == ["a.c", "b.c", "main.c"])
            try CoverageFixture.check("link", CoverageFixture.run(
                "clang-22", ["a.o", "b.o", "main.o", fixture.runtimeLibrary.path, "-o", "prog"], in: directory))
            let program = directory.appendingPathComponent("prog").path
            let table = directory.appendingPathComponent("prog.pctable")
            try CoverageFixture.check("prog", CoverageFixture.run(
                program, [], environment: [SanitizerCoverage.pcTableFileVariable: table.path]))
            let symbols = try ELFSymbols.read(executable: URL(fileURLWithPath: program))
            #expect(symbols.functions.filter { $0.name == "helper" }.compactMap(\.file).sorted() == ["a.c", "b.c"])
            let mapper = SlotMapper(pcTable: try PCTable.read(table), symbols: symbols, modules: modules)
            #expect(mapper.unmappedFunctions.isEmpty, "\(mapper.unmappedFunctions)")

            func helpers(_ arguments: [String]) throws -> [String: [UInt32]] {
                let dump = directory.appendingPathComponent("prog-\(arguments.count).cov")
                try CoverageFixture.check("prog", CoverageFixture.run(
                    program, arguments, environment: [SanitizerCoverage.coverageFileVariable: dump.path]))
                let mapping = try mapper.map(try HitDump.read(dump))
                #expect(mapping.unmapped.isEmpty, "\(mapping.unmapped)")
                return Dictionary(uniqueKeysWithValues: mapping.functions.filter { $0.symbol == "helper" }
                    .map { ($0.module, $0.blocks) })
            }
            let bHelper = try #require(modules[1].functions.first { $0.symbol == "helper" })
            #expect(try helpers([]) == ["a.c": [0]])
            let viaB = try helpers(["x"])
            #expect(Array(viaB.keys) == ["b.c"])
            #expect(viaB["b.c"]!.count > 1 && viaB["b.c"]!.count <= bHelper.blocks.count)
        }
    }
}
