import BitcodeReader
import BlockIR
import Foundation
import Testing
import TrimModel

/// Builds with several codegen units per crate: the units rustc writes change
/// between builds (new, gone, renamed, functions moving between them), and
/// selection must neither miss a test nor select one a single-unit build
/// would have skipped. Each test builds a small generated workspace.
@Suite(.serialized) struct CodegenUnitTests {
    /// A fresh directory with `files` (path → content) written into it.
    static func workspace(_ files: [String: String]) throws -> ExampleWorkspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-cgu-\(UUID().uuidString)")
        for (path, content) in files { try write(content, to: root.appendingPathComponent(path)) }
        return ExampleWorkspace(root: root)
    }

    static func write(_ content: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: url, atomically: true, encoding: .utf8)
    }

    static func manifest(_ name: String) -> String {
        "[package]\nname = \"\(name)\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"
    }

    /// `trim plan --json`: each selected test ("binary name") with its first reason's kind.
    static func plan(_ workspace: ExampleWorkspace, environment: [String: String] = [:]) throws -> [String: String] {
        let outcome = try workspace.run(["plan", "--json"], environment: environment)
        try #require(outcome.status == 0, "trim plan failed: \(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        var selected: [String: String] = [:]
        for test in try #require(object["selected"] as? [[String: Any]]) {
            let kind = (test["reasons"] as? [[String: Any]])?.first?["kind"] as? String ?? "?"
            selected["\(test["binary"] as! String) \(test["test"] as! String)"] = kind
        }
        return selected
    }

    @discardableResult
    static func run(_ workspace: ExampleWorkspace, expect status: Int32 = 0, all: Bool = false,
                    environment: [String: String] = [:]) throws -> ExampleWorkspace.Outcome {
        let outcome = try workspace.run(["run", "--no-progress", "--no-fail-fast"] + (all ? ["--all"] : []),
                                        environment: environment)
        #expect(outcome.status == status, "trim run: \(outcome.stdout)\n\(outcome.stderr)")
        return outcome
    }

    static func deps(_ workspace: ExampleWorkspace) -> URL {
        workspace.root.appendingPathComponent("target/trim/debug/deps")
    }

    /// Every crate's recorded units: manifest name → unit file names.
    static func recordedUnits(_ workspace: ExampleWorkspace) throws -> [String: [String]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: deps(workspace).path)
        var units: [String: [String]] = [:]
        for name in names where name.hasSuffix(".trim-units") {
            let text = try String(contentsOf: deps(workspace).appendingPathComponent(name), encoding: .utf8)
            units[name] = text.split(separator: "\n").map(String.init)
        }
        return units
    }

    static func unitFiles(_ workspace: ExampleWorkspace) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: deps(workspace).path).filter { $0.hasSuffix(".rcgu.bc") })
    }

    /// Every recorded unit is in `deps/`, and beside them at most the unit
    /// files `previous` (the records before the run) named: the wrapper
    /// removes a crate's older files while its next call runs, so files never
    /// pile up beyond two calls of a crate.
    static func expectNoStaleUnits(_ workspace: ExampleWorkspace, previous: [String: [String]]) throws {
        let files = try unitFiles(workspace)
        let recorded = Set(try recordedUnits(workspace).values.flatMap { $0 })
        #expect(recorded.isSubset(of: files), "recorded but missing: \(recorded.subtracting(files).sorted().prefix(3))")
        let unrecorded = files.subtracting(recorded).subtracting(previous.values.flatMap { $0 })
        #expect(unrecorded.isEmpty, "left from older calls: \(unrecorded.sorted().prefix(3))")
    }

    /// For the crate whose units `manifest` names: symbol (containing `part`) → the units defining it.
    static func definingUnits(_ workspace: ExampleWorkspace, manifest: String, symbolContaining part: String) throws
        -> [String: Set<String>]
    {
        var result: [String: Set<String>] = [:]
        for name in try #require(try recordedUnits(workspace)[manifest]) {
            let module = try ShimReader.read(path: deps(workspace).appendingPathComponent(name).path).get()
            for function in module.functions where function.symbol.contains(part) {
                result[function.symbol, default: []].insert(module.sourceFilename)
            }
        }
        return result
    }

    static func manifestName(_ workspace: ExampleWorkspace, prefix: String) throws -> String {
        try #require(try recordedUnits(workspace).keys.filter { $0.hasPrefix(prefix) }.sorted().first)
    }

    // MARK: - the user's flags

    @Test func configRustflagsStayInEffect() throws {
        let workspace = try Self.workspace([
            "Cargo.toml": Self.manifest("configured"),
            ".cargo/config.toml": "[build]\nrustflags = [\"--cfg\", \"trim_fixture_cfg\"]\n",
            "src/lib.rs": """
                pub fn configured() -> bool {
                    cfg!(trim_fixture_cfg)
                }

                #[cfg(test)]
                mod tests {
                    #[test]
                    fn the_config_cfg_is_set() {
                        assert!(super::configured(), "--cfg trim_fixture_cfg from .cargo/config.toml is lost");
                    }
                }
                """,
        ])
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let outcome = try Self.run(workspace)
        #expect(outcome.stdout.contains("1 test run: 1 passed"), "\(outcome.stdout)")
        // trim's own flags were applied too: units recorded, coverage complete.
        #expect(try !Self.recordedUnits(workspace).isEmpty)
        #expect(try Self.plan(workspace).isEmpty, "nothing changed")
    }

    // MARK: - units changing between builds

    /// `count` modules, each a function with two branches and a test of one.
    static func modules(_ range: Range<Int>, changed: Int? = nil) -> String {
        range.map { n in
            let step = n == changed ? n + 100 : n
            return """
                pub mod m\(n) {
                    pub fn f(x: u32) -> u32 {
                        if x > \(n) { x - \(n) } else { x + \(step) }
                    }

                    #[test]
                    fn high() {
                        assert_eq!(f(\(n + 1)), 1);
                    }
                }

                """
        }.joined()
    }

    @Test func unitsAppearAndDisappear() throws {
        let workspace = try Self.workspace(["Cargo.toml": Self.manifest("many"), "src/lib.rs": Self.modules(0..<24)])
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try Self.run(workspace)
        try Self.expectNoStaleUnits(workspace, previous: [:])
        let testCrate = try Self.manifestName(workspace, prefix: "many-")
        let before = try Self.recordedUnits(workspace)

        // Twelve more modules, twelve more units; the old functions keep their code.
        try Self.write(Self.modules(0..<36), to: lib)
        let grown = try Self.plan(workspace)
        #expect(Set(grown.keys) == Set((24..<36).map { "many m\($0)::high" }), "only the new tests: \(grown)")
        #expect(grown.values.allSatisfy { $0 == "new-test" })
        try Self.run(workspace)
        try Self.expectNoStaleUnits(workspace, previous: before)
        let after = try Self.recordedUnits(workspace)
        #expect((after[testCrate] ?? []).count > (before[testCrate] ?? []).count, "no unit appeared")
        #expect(Set(after[testCrate] ?? []).isDisjoint(with: before[testCrate] ?? []), "every unit file is new")

        // Most modules gone: units disappear, and the first build's files with them.
        try Self.write(Self.modules(0..<5), to: lib)
        #expect(try Self.plan(workspace).isEmpty, "removing tests selects none of the others")
        try Self.run(workspace)
        try Self.expectNoStaleUnits(workspace, previous: after)
        #expect((try Self.recordedUnits(workspace)[testCrate] ?? []).count < (after[testCrate] ?? []).count)
        #expect(try Self.unitFiles(workspace).isDisjoint(with: before.values.flatMap { $0 }),
                "a file two calls old is still in deps/")

        // One function's untested branch changes: nothing to run. Its tested
        // branch changes: exactly its test, which now fails.
        try Self.write(Self.modules(0..<5, changed: 3), to: lib)
        #expect(try Self.plan(workspace).isEmpty, "the changed branch is not executed by any test")
        try Self.write(Self.modules(0..<5).replacingOccurrences(of: "if x > 3 { x - 3 }", with: "if x > 3 { x - 2 }"),
                       to: lib)
        #expect(Set(try Self.plan(workspace).keys) == ["many m3::high"])
        let outcome = try Self.run(workspace, expect: 100)
        #expect(outcome.stdout.contains("1 test run: 0 passed, 1 failed"), "\(outcome.stdout)")
    }

    /// Few units for many modules: rustc merges modules into units, and more
    /// modules merge differently, so unchanged functions land in other units
    /// (renamed, renumbered). Whatever moves, a test the change breaks is selected.
    @Test func functionsMovingBetweenUnitsNeverHideAChange() throws {
        let few = ["TRIM_CODEGEN_UNITS": "4"]
        let workspace = try Self.workspace(["Cargo.toml": Self.manifest("moving"), "src/lib.rs": Self.modules(0..<24)])
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try Self.run(workspace, environment: few)
        try Self.expectNoStaleUnits(workspace, previous: [:])
        let first = try Self.recordedUnits(workspace)
        let testCrate = try Self.manifestName(workspace, prefix: "moving-")
        #expect((try Self.recordedUnits(workspace)[testCrate] ?? []).count <= 4)
        let placesBefore = try Self.definingUnits(workspace, manifest: testCrate, symbolContaining: "6moving")

        // More modules, and m7's tested branch changes.
        try Self.write(Self.modules(0..<36).replacingOccurrences(of: "if x > 7 { x - 7 }", with: "if x > 7 { x - 6 }"),
                       to: lib)
        let selected = Set(try Self.plan(workspace, environment: few).keys)
        let outcome = try Self.run(workspace, expect: 100, all: true, environment: few)
        try Self.expectNoStaleUnits(workspace, previous: first)
        let failing = Set(outcome.stdout.split(separator: "\n").filter { $0.contains("FAIL [") }
            .compactMap { $0.split(separator: "]", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) })
        #expect(failing == ["moving m7::high"], "\(outcome.stdout)")
        #expect(failing.isSubset(of: selected), "missed \(failing.subtracting(selected))")
        let placesAfter = try Self.definingUnits(workspace, manifest: testCrate, symbolContaining: "6moving")
        let moved = placesBefore.filter { symbol, units in placesAfter[symbol].map { $0 != units } ?? false }
        #expect(!moved.isEmpty, "no function changed unit: the scenario does not test what it should")
        // As precise as one unit: of the tests that existed, only the changed one.
        let old = Set((0..<24).map { "moving m\($0)::high" })
        #expect(selected.intersection(old) == ["moving m7::high"], "\(selected.intersection(old).sorted())")
    }

    // MARK: - calls into other units

    /// Instances of a generic over fn items (`apply::<double>`, `apply::<triple>`)
    /// print alike, so callers tell them apart by content; callers, instances and
    /// the fn items sit in four different units. A release changes none of
    /// them; a real change anywhere in the chain reaches the tests above it.
    @Test func callsThroughInstancesInOtherUnits() throws {
        let source = """
            pub mod conv {
                pub fn apply<F: Fn(u64) -> u64>(f: F, x: u64) -> u64 {
                    if x > 100 { f(x) - 1 } else { f(x) }
                }
            }

            pub mod ops {
                pub fn double(x: u64) -> u64 {
                    x * 2
                }

                pub fn triple(x: u64) -> u64 {
                    x * 3
                }
            }

            pub mod first {
                pub fn run(x: u64) -> u64 {
                    crate::conv::apply(crate::ops::double, x)
                }

                #[test]
                fn doubles() {
                    assert_eq!(run(2), 4);
                }
            }

            pub mod second {
                pub fn run(x: u64) -> u64 {
                    crate::conv::apply(crate::ops::triple, x)
                }

                #[test]
                fn triples() {
                    assert_eq!(run(2), 6);
                }
            }
            """
        let workspace = try Self.workspace(["Cargo.toml": Self.manifest("chain"), "src/lib.rs": source])
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let environment = ["TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        let manifest = workspace.root.appendingPathComponent("Cargo.toml")
        try Self.run(workspace, environment: environment)
        let testCrate = try Self.manifestName(workspace, prefix: "chain-")
        let instances = try Self.definingUnits(workspace, manifest: testCrate, symbolContaining: "4conv5apply")
        let callers = try Self.definingUnits(workspace, manifest: testCrate, symbolContaining: "5first3run")
        #expect(instances.count == 2, "\(instances)")
        #expect(Set(instances.values.flatMap { $0 }).isDisjoint(with: callers.values.flatMap { $0 }),
                "the instances share a unit with their caller: the scenario does not test what it should")

        let originals = [lib: source, manifest: Self.manifest("chain")]
        /// The plan after `edits` (file, old, new) to the recorded sources, which are then restored.
        func plan(_ edits: [(URL, String, String)]) throws -> Set<String> {
            defer { for (file, text) in originals { try? Self.write(text, to: file) } }
            for (file, old, new) in edits {
                let text = try String(contentsOf: file, encoding: .utf8)
                #expect(text.contains(old), "\(file.lastPathComponent) lacks \(old)")
                try Self.write(text.replacingOccurrences(of: old, with: new), to: file)
            }
            return Set(try Self.plan(workspace, environment: environment).keys)
        }
        let release = (manifest, "version = \"0.1.0\"", "version = \"0.2.0\"")
        #expect(try plan([release]).isEmpty, "a release")
        for edits in [[(lib, "x * 2", "x * 2 + x / 1000")], [(lib, "x * 2", "x * 2 + x / 1000"), release]] {
            #expect(try plan(edits) == ["chain first::doubles"], "the fn item one instance calls: \(edits.count)")
        }
        let otherInstance = (lib, "conv::apply(crate::ops::double, x)", "conv::apply(crate::ops::triple, x)")
        for edits in [[otherInstance], [otherInstance, release]] {
            #expect(try plan(edits).contains("chain first::doubles"), "a caller of another instance: \(edits.count)")
        }
        let generic = try plan([(lib, "else { f(x) }", "else { f(x) + x / 1000 }"), release])
        #expect(generic.isSuperset(of: ["chain first::doubles", "chain second::triples"]), "the generic itself")
    }

    /// Two instances of one generic that print alike (`Vec<T>::reserve` for
    /// two element types) trade their contents: each test now runs code the
    /// other's instance used to hold. Pairing alike instances by content must
    /// not mistake the trade for "unchanged": both tests fail, both are selected.
    @Test func alikeInstancesTradingTheirContentsSelectTheirTests() throws {
        let source = """
            #[derive(Clone, Copy)]
            pub struct A(pub [u8; 1]);
            #[derive(Clone, Copy)]
            pub struct B(pub [u8; 2]);

            pub fn cap_a() -> usize {
                let mut v: Vec<A> = Vec::new();
                v.reserve(1);
                v.capacity()
            }

            pub fn cap_b() -> usize {
                let mut v: Vec<B> = Vec::new();
                v.reserve(1);
                v.capacity()
            }

            #[test]
            fn a_starts_at_eight() {
                assert_eq!(cap_a(), 8);
            }

            #[test]
            fn b_starts_at_four() {
                assert_eq!(cap_b(), 4);
            }

            #[test]
            fn unrelated() {
                assert_eq!(1 + 1, 2);
            }
            """
        for units in ["1", "256"] {
            let workspace = try Self.workspace(["Cargo.toml": Self.manifest("trade"), "src/lib.rs": source])
            defer { try? FileManager.default.removeItem(at: workspace.root) }
            let environment = ["TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path,
                               "TRIM_CODEGEN_UNITS": units]
            try Self.run(workspace, environment: environment)
            let traded = source.replacingOccurrences(of: "A(pub [u8; 1])", with: "A(pub [u8; 3])")
                .replacingOccurrences(of: "B(pub [u8; 2])", with: "B(pub [u8; 1])")
                .replacingOccurrences(of: "A(pub [u8; 3])", with: "A(pub [u8; 2])")
            try Self.write(traded, to: workspace.root.appendingPathComponent("src/lib.rs"))
            #expect(Set(try Self.plan(workspace, environment: environment).keys)
                        == ["trade a_starts_at_eight", "trade b_starts_at_four"], "\(units) units")
        }
    }

    // MARK: - copies of one function in several units

    @Test func localCopiesOfAnInlineFunctionInSeveralUnits() throws {
        // Optimised, an `#[inline]` function gets an internal copy in each unit
        // that uses it; taken by address, the copies survive.
        let workspace = try Self.workspace([
            "Cargo.toml": Self.manifest("copies") + "\n[profile.dev]\nopt-level = 1\n",
            "src/lib.rs": """
                #[inline]
                pub fn helper(x: u32) -> u32 {
                    if x > 3 { std::hint::black_box(x.wrapping_mul(2)) } else { std::hint::black_box(x + 1) }
                }

                pub mod low {
                    pub fn call(x: u32) -> u32 {
                        std::hint::black_box(super::helper as fn(u32) -> u32)(x)
                    }

                    #[test]
                    fn small() {
                        assert_eq!(call(1), 2);
                    }
                }

                pub mod high {
                    pub fn call(x: u32) -> u32 {
                        std::hint::black_box(super::helper as fn(u32) -> u32)(x)
                    }

                    #[test]
                    fn large() {
                        assert_eq!(call(5), 10);
                    }
                }
                """,
        ])
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        try Self.run(workspace)
        let testCrate = try Self.manifestName(workspace, prefix: "copies-")
        let copies = try Self.definingUnits(workspace, manifest: testCrate, symbolContaining: "6helper")
        #expect(copies.values.contains { $0.count >= 2 }, "helper is not copied into several units: \(copies)")
        #expect(try Self.plan(workspace).isEmpty)

        // The branch only `small` executes changes (in every copy).
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try Self.write(try String(contentsOf: lib, encoding: .utf8).replacingOccurrences(of: "x + 1)", with: "x + 2)"),
                       to: lib)
        #expect(Set(try Self.plan(workspace).keys) == ["copies low::small"])
        let outcome = try Self.run(workspace, expect: 100)
        #expect(outcome.stdout.contains("1 test run: 0 passed, 1 failed"), "\(outcome.stdout)")
    }

    // MARK: - a workspace of several crates

    @Test func oneCrateReusedAnotherRebuilt() throws {
        let workspace = try Self.workspace([
            "Cargo.toml": "[workspace]\nmembers = [\"base\", \"top\"]\nresolver = \"2\"\n",
            "base/Cargo.toml": Self.manifest("base"),
            "base/src/lib.rs": Self.modules(0..<4),
            "top/Cargo.toml": Self.manifest("top") + "\n[dependencies]\nbase = { path = \"../base\" }\n",
            "top/src/lib.rs": """
                pub fn twice(x: u32) -> u32 {
                    if x > 10 { base::m0::f(x) * 2 } else { x * 2 }
                }

                #[cfg(test)]
                mod tests {
                    #[test]
                    fn small() {
                        assert_eq!(super::twice(3), 6);
                    }

                    #[test]
                    fn large() {
                        assert_eq!(super::twice(11), 22);
                    }
                }
                """,
        ])
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        try Self.run(workspace)
        let before = try Self.recordedUnits(workspace)

        let top = workspace.root.appendingPathComponent("top/src/lib.rs")
        try Self.write(try String(contentsOf: top, encoding: .utf8).replacingOccurrences(of: "{ x * 2 }", with: "{ x * 3 }"),
                       to: top)
        #expect(Set(try Self.plan(workspace).keys) == ["top tests::small"])
        try Self.run(workspace, expect: 100)
        try Self.expectNoStaleUnits(workspace, previous: before)
        let after = try Self.recordedUnits(workspace)
        let baseCrates = before.keys.filter { $0.hasPrefix("base-") }
        #expect(!baseCrates.isEmpty)
        for crate in baseCrates { #expect(after[crate] == before[crate], "\(crate) was rebuilt") }
        let topCrates = before.keys.filter { $0.hasPrefix("top-") }
        #expect(topCrates.contains { after[$0] != before[$0] }, "top's units were not rebuilt")
    }
}
