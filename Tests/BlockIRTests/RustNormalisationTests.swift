import BlockIR
import Testing

/// What must not count as a change, and what must, on real rustc output.
@Suite struct RustNormalisationTests {
    static let ledger = """
        pub const FEE: u64 = 3;
        pub static GREETING: &str = "hello";

        pub fn compute(x: u64) -> u64 {
            if x % 2 == 0 {
                x * 2
            } else {
                x + 1
            }
        }

        pub fn charge(amount: u64) -> u64 {
            amount.checked_add(FEE).expect("fee overflow")
        }

        pub fn greet(name: &str) -> String {
            format!("{GREETING}, {name}")
        }

        pub fn total(values: &[u64]) -> u64 {
            let mut sum = 0;
            for v in values {
                if *v == 0 {
                    continue;
                }
                sum += compute(*v);
            }
            sum
        }

        pub fn pick(index: usize) -> u64 {
            let table = [10, 20, 30];
            table[index]
        }
        """

    @Test func commentsAndBlankLinesChangeNothing() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let shifted = "// A header comment\n\n/* and a block\n   comment */\n\n"
            + Self.ledger.replacingOccurrences(of: "    let mut sum = 0;", with: "    // running total\n\n    let mut sum = 0;")
        let new = try builds.rust("new", shifted)
        let diff = try builds.diff(old, new)
        #expect(diff.isEmpty, "a comment-only edit changed: \(diff.functions.map(\.name))")
    }

    @Test func oneOperatorChangesExactlyOneBlock() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let new = try builds.rust("new", Self.ledger.replacingOccurrences(of: "x % 2 == 0", with: "x % 3 == 0"))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::compute"])
        let compute = try #require(diff.function(named: "fx::compute"))
        #expect(compute.status == .changed)
        #expect(compute.blocks.count == 1)
        #expect(compute.blocks.first?.status == .changed)
        #expect(compute.blocks.first?.line == 5, "the block of `if x % 3 == 0`")
        #expect(compute.blocks.first?.file == "src/lib.rs")
        #expect(diff.summary.blocksChanged == 1)
    }

    @Test func newFunctionIsAddedAndRemovedFunctionIsRemoved() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let extra = "\npub fn refund(x: u64) -> u64 {\n    x.saturating_sub(FEE)\n}\n"
        let new = try builds.rust("new", Self.ledger + extra)
        let added = try builds.diff(old, new)
        #expect(added.functions.map(\.name) == ["fx::refund"])
        #expect(added.functions.first?.status == .added)
        #expect(added.functions.first?.line == 35)

        let removed = try builds.diff(new, old)
        #expect(removed.functions.map(\.name) == ["fx::refund"])
        #expect(removed.functions.first?.status == .removed)
        #expect(removed.summary.functionsRemoved == 1)
    }

    @Test func changedConstChangesOnlyItsUsers() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let new = try builds.rust("new", Self.ledger.replacingOccurrences(of: "FEE: u64 = 3", with: "FEE: u64 = 4"))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::charge"])
        #expect(diff.function(named: "fx::charge")?.blocks.count == 1)
    }

    @Test func changedStaticChangesItsUsers() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let new = try builds.rust("new", Self.ledger.replacingOccurrences(of: "\"hello\"", with: "\"howdy\""))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::greet"])
    }

    @Test func changedIncludedFileChangesItsUsers() throws {
        let builds = try FixtureBuilds()
        let source = """
            pub fn banner() -> &'static str {
                include_str!("banner.txt")
            }

            pub fn width() -> usize {
                80
            }
            """
        let old = try builds.rust("old", source, extraFiles: ["src/banner.txt": "Welcome\n"])
        let new = try builds.rust("new", source, extraFiles: ["src/banner.txt": "Welcome back\n"])
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::banner"])
    }

    @Test func redirectedBranchIsAChange() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let new = try builds.rust("new", Self.ledger.replacingOccurrences(of: "continue;", with: "break;"))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::total"])
        let total = try #require(diff.function(named: "fx::total"))
        #expect(!total.blocks.isEmpty)
        #expect(total.blocks.count == 1, "only the redirected jump: \(total.blocks)")
    }

    @Test func panicLocationsIgnoreLineAndColumnButNotTheMessage() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let moved = try builds.rust("moved", Self.ledger.replacingOccurrences(
            of: "amount.checked_add(FEE).expect(\"fee overflow\")",
            with: "amount\n        .checked_add(FEE)\n        .expect(\"fee overflow\")"))
        #expect(try builds.diff(old, moved).isEmpty)
        let reworded = try builds.rust("reworded", Self.ledger.replacingOccurrences(
            of: "\"fee overflow\"", with: "\"fee too large\""))
        #expect(try builds.diff(old, reworded).names == ["fx::charge"])
    }

    @Test func genericInstancesAreToldApart() throws {
        let builds = try FixtureBuilds()
        let source = """
            pub fn widen<T: Into<u64>>(t: T) -> u64 {
                t.into() + 1
            }

            pub fn both() -> u64 {
                widen(3u8) + widen(4u32)
            }
            """
        let old = try builds.rust("old", source)
        let fingerprint = try builds.fingerprint(old)
        let instances = fingerprint.functions.filter { SymbolNames.withoutHash($0.symbol) == "_ZN2fx5widenE" }
        #expect(instances.count == 2)
        #expect(Set(instances.map(\.symbol)).count == 2)
        #expect(instances[0].blocks.map(\.hash) != instances[1].blocks.map(\.hash))

        let new = try builds.rust("new", source.replacingOccurrences(of: "widen(3u8)", with: "widen(3u16)"))
        let diff = try builds.diff(old, new)
        let widened = diff.functions.filter { $0.name.hasPrefix("fx::widen") }
        #expect(widened.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.added, .removed],
                "the u8 instance removed, the u16 instance added, the u32 instance untouched")
        #expect(widened.allSatisfy { $0.name.contains("::h") }, "instances keep their hash to be told apart")
        #expect(diff.function(named: "fx::both")?.status == .changed)
    }

    /// A generic's second instance must not rename the first: callers
    /// of the untouched instance stay unchanged (legacy symbols of instances
    /// differ only in their hash; debug info names the type arguments).
    @Test func aNewInstanceLeavesCallersOfTheOthersUnchanged() throws {
        let builds = try FixtureBuilds()
        let source = """
            pub fn pick<T: Copy + Default>(v: &[T]) -> T {
                v.first().copied().unwrap_or_default()
            }

            pub fn first_word(v: &[u32]) -> u32 {
                pick(v) + 1
            }
            """
        let old = try builds.rust("old", source)
        let new = try builds.rust("new", source + """

            pub fn first_byte(v: &[u8]) -> u8 {
                pick(v)
            }
            """)
        let diff = try builds.diff(old, new)
        #expect(diff.function(named: "fx::first_word") == nil, "\(diff.functions.map { "\($0.name) \($0.status)" })")
        #expect(diff.function(named: "fx::first_byte")?.status == .added)
        #expect(diff.functions.filter { $0.name.hasPrefix("fx::pick") }.map(\.status) == [.added])
    }

    /// Switching a caller to another instance with the same machine signature
    /// is a change of the caller (its block calls other code now).
    @Test func aCallerSwitchingInstancesChanges() throws {
        let builds = try FixtureBuilds()
        let source = """
            pub fn size<T>() -> usize {
                std::mem::size_of::<T>() + 1
            }

            pub fn word() -> usize {
                size::<u32>()
            }

            pub fn half() -> usize {
                size::<u16>()
            }
            """
        let old = try builds.rust("old", source)
        let new = try builds.rust("new", source.replacingOccurrences(of: "size::<u32>()", with: "size::<u16>()"))
        let diff = try builds.diff(old, new)
        #expect(diff.function(named: "fx::word")?.status == .changed)
        #expect(diff.function(named: "fx::half") == nil)
    }

    @Test func testHarnessMainIsIgnored() throws {
        let builds = try FixtureBuilds()
        let tests = Self.ledger + """

            #[cfg(test)]
            mod tests {
                #[test]
                fn computes() {
                    assert_eq!(super::compute(2), 4);
                }
            }
            """
        let old = try builds.rust("old", tests, test: true)
        #expect(try builds.fingerprint(old).functions.contains { $0.isTestHarnessMain })
        let shifted = try builds.rust("new", "// moved down\n\n" + tests, test: true)
        let diff = try builds.diff(old, shifted)
        #expect(diff.isEmpty, "only line numbers moved, yet: \(diff.functions.map(\.name))")
    }

    @Test func symbolHashChangesAreNotChanges() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger, extraArguments: ["-C", "metadata=one"])
        let new = try builds.rust("new", Self.ledger, extraArguments: ["-C", "metadata=two"])
        let oldSymbols = Set(try builds.fingerprint(old).functions.map(\.symbol))
        let newSymbols = Set(try builds.fingerprint(new).functions.map(\.symbol))
        #expect(oldSymbols != newSymbols, "the metadata should move the symbol hashes")
        let diff = try builds.diff(old, new)
        #expect(diff.isEmpty, "changed: \(diff.functions.map(\.name))")
    }

    static let sanitizerCoverage = [
        "-C", "passes=sancov-module", "-C", "llvm-args=-sanitizer-coverage-level=2",
        "-C", "llvm-args=-sanitizer-coverage-prune-blocks=0", "-C", "llvm-args=-sanitizer-coverage-trace-pc-guard",
        "-C", "llvm-args=-sanitizer-coverage-pc-table",
    ]

    @Test func instrumentationIsNotAChangeAndItsSlotsMapToBlocks() throws {
        let builds = try FixtureBuilds()
        let plain = try builds.rust("plain", Self.ledger)
        let instrumented = try builds.rust("instrumented", Self.ledger, extraArguments: Self.sanitizerCoverage)
        #expect(try builds.diff(plain, instrumented).isEmpty)

        let module = try builds.fingerprint(instrumented)
        #expect(try builds.fingerprint(plain).functions.allSatisfy { $0.coverageBlocks.isEmpty })
        let compute = try #require(module.functions.first { $0.symbol.contains("7compute") })
        #expect(compute.coverageBlocks.first == 0, "slot 0 is the entry block")
        #expect(Set(compute.coverageBlocks).count == compute.coverageBlocks.count)
        #expect(compute.coverageBlocks.allSatisfy { Int($0) < compute.blocks.count })
        // Every block but bare `unreachable` ones gets a slot.
        #expect(compute.coverageBlocks.count >= compute.blocks.filter { $0.instructionCount > 1 }.count)
    }
}

extension RustNormalisationTests {
    static let withNoreturn = """
        pub fn boom(code: u32) -> ! {
            panic!("ledger failure {code}")
        }

        pub fn check(x: u32) -> u32 {
            if x > 10 {
                boom(x);
            }
            x
        }

        pub fn other(x: u32) -> u32 {
            x + 1
        }
        """

    /// SanitizerCoverage gives a function whose entry ends in `unreachable` no
    /// slots: no test's coverage shows it, so its callers must change with it.
    @Test func aFunctionCoverageCannotSeeChangesItsCallers() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.withNoreturn, extraArguments: Self.sanitizerCoverage)
        let module = try builds.fingerprint(old)
        let boom = try #require(module.functions.first { $0.symbol.contains("4boom") })
        #expect(boom.coverageBlocks.isEmpty, "sancov leaves it out")
        #expect(module.globals[boom.symbol] != nil)

        let new = try builds.rust("new", Self.withNoreturn.replacingOccurrences(of: "ledger failure", with: "ledger fault"),
                                  extraArguments: Self.sanitizerCoverage)
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::boom", "fx::check"])
        #expect(diff.function(named: "fx::check")?.blocks.count == 1, "only the block that calls boom")
    }
}

extension RustNormalisationTests {
    static let attributed = """
        pub fn f(x: u32) -> u32 {
            if x > 3 {
                panic!("big")
            }
            x
        }

        #[cfg(test)]
        mod tests {
            #[test]
            #[should_panic(expected = "big")]
            fn panics() {
                super::f(5);
            }

            #[test]
            fn plain() {
                super::f(1);
            }
        }
        """

    /// libtest keeps `#[should_panic]`, `#[ignore]` and the like in each test's
    /// descriptor, outside any function: the descriptor itself is compared.
    @Test func testAttributesAreInTheDescriptorAndPositionsAreNot() throws {
        let builds = try FixtureBuilds()
        func digests(_ name: String, _ source: String) throws -> (UInt64?, UInt64?) {
            let module = try builds.fingerprint(try builds.rust(name, source, test: true))
            return (module.descriptorDigest(ofTest: "tests::panics"), module.descriptorDigest(ofTest: "tests::plain"))
        }
        let old = try digests("old", Self.attributed)
        #expect(old.0 != nil && old.1 != nil && old.0 != old.1)
        let moved = try digests("moved", "// a comment\n\n" + Self.attributed.replacingOccurrences(
            of: "fn plain() {", with: "fn plain()\n    {"))
        #expect(moved == old, "moving tests changes no descriptor")
        let expecting = try digests("expecting", Self.attributed.replacingOccurrences(
            of: "expected = \"big\"", with: "expected = \"huge\""))
        #expect(expecting.0 != old.0 && expecting.1 == old.1)
        let ignoring = try digests("ignoring", Self.attributed.replacingOccurrences(
            of: "#[test]\n    fn plain", with: "#[test]\n    #[ignore]\n    fn plain"))
        #expect(ignoring.0 == old.0 && ignoring.1 != old.1)
    }
}

extension RustNormalisationTests {
    /// Debug builds allocate every local's stack slot in the entry block: a
    /// new local must not make the entry block (run by every caller) change.
    @Test func aNewLocalChangesOnlyTheBlocksThatUseIt() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.ledger)
        let new = try builds.rust("new", Self.ledger.replacingOccurrences(
            of: "        sum += compute(*v);", with: "        let doubled = compute(*v) * 2;\n        sum += doubled / 2;"))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::total"])
        let total = try #require(diff.function(named: "fx::total"))
        #expect(!total.blocks.contains { $0.index == 0 }, "the entry block is unchanged: \(total.blocks)")
    }
}

extension RustNormalisationTests {
    static let comparing = """
        pub fn smaller(a: u64, b: u64, flag: bool) -> bool {
            if flag {
                return true;
            }
            a < b
        }

        pub fn tally(values: &[u32], twice: bool) -> u64 {
            let mut acc: u32 = 0;
            if twice {
                return 0;
            }
            for v in values {
                acc = acc.wrapping_add(*v);
            }
            acc as u64
        }
        """

    /// Taking a reference to a local (`a.lt(&b)`) gives it a stack slot in the
    /// entry block and stores it there: only the blocks that use the slot change.
    @Test func aReferenceToALocalChangesOnlyTheBlocksThatUseIt() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.comparing)
        let new = try builds.rust("new", Self.comparing.replacingOccurrences(of: "    a < b", with: "    a.lt(&b)"))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["fx::smaller"])
        let smaller = try #require(diff.function(named: "fx::smaller"))
        #expect(!smaller.blocks.contains { $0.index == 0 }, "the entry block is unchanged: \(smaller.blocks)")
        #expect(smaller.blocks.count == 1, "only the comparison: \(smaller.blocks)")
    }

    /// A slot of another type is another slot: every block that uses it changes.
    @Test func aLocalOfAnotherTypeChangesItsUsers() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.comparing)
        let new = try builds.rust("new", Self.comparing
            .replacingOccurrences(of: "let mut acc: u32 = 0;", with: "let mut acc: u64 = 0;")
            .replacingOccurrences(of: "acc.wrapping_add(*v)", with: "acc.wrapping_add(*v as u64)")
            .replacingOccurrences(of: "    acc as u64", with: "    acc"))
        let diff = try builds.diff(old, new)
        let tally = try #require(diff.function(named: "fx::tally"))
        #expect(tally.blocks.contains { $0.index == 0 }, "the entry block initialises the slot: \(tally.blocks)")
        #expect(tally.blocks.count >= 3, "the initialisation, the sum and the result: \(tally.blocks)")
    }
}

extension RustNormalisationTests {
    /// Instances of a generic over fn items print alike in debug info
    /// (`map<u64, Entry, fn(u64) -> Entry>` twice), so their symbols keep the
    /// hash that crate metadata moves; their callers compare their content.
    static let fnItems = """
        pub enum Entry {
            Deposit(u64),
            Withdraw(u64),
        }

        pub fn deposit(x: Option<u64>) -> Option<Entry> {
            x.map(Entry::Deposit)
        }

        pub fn withdraw(x: Option<u64>) -> Option<Entry> {
            x.map(Entry::Withdraw)
        }
        """

    @Test func instancesThatPrintAlikeIgnoreTheMetadataHash() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.fnItems, extraArguments: ["-C", "metadata=one"])
        let new = try builds.rust("new", Self.fnItems, extraArguments: ["-C", "metadata=two"])
        let maps = try builds.fingerprint(old).functions.filter { $0.demangled.contains("Option$LT$T$GT$::map") }
        #expect(maps.count == 2, "two instances of Option::map: \(maps.map(\.symbol))")
        let diff = try builds.diff(old, new)
        #expect(diff.isEmpty, "changed: \(diff.functions.map(\.name))")
    }

    @Test func aCallerSwitchingBetweenInstancesThatPrintAlikeChanges() throws {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.fnItems, extraArguments: ["-C", "metadata=one"])
        let new = try builds.rust("new", Self.fnItems.replacingOccurrences(of: "x.map(Entry::Deposit)",
                                                                        with: "x.map(Entry::Withdraw)"),
                                  extraArguments: ["-C", "metadata=two"])
        let diff = try builds.diff(old, new)
        // (withdraw changes too: its instance is now the only one of its
        // name, so its callers name it by that name rather than by content.)
        #expect(diff.names.contains("fx::deposit"), "deposit now calls the other instance: \(diff.names)")
    }
}

extension RustNormalisationTests {
    /// Each descriptor points at its test's `call_once` instance, whose symbol
    /// hash moves with crate metadata: the attributes must not look changed,
    /// also without debug info (then every instance's name is alike).
    @Test(arguments: [[String](), ["-C", "debuginfo=0"]])
    func descriptorsIgnoreTheMetadataHash(debugInfo: [String]) throws {
        let builds = try FixtureBuilds()
        func digests(_ name: String, _ metadata: String) throws -> [UInt64?] {
            let module = try builds.fingerprint(try builds.rust(name, Self.attributed, test: true,
                                                               extraArguments: ["-C", "metadata=\(metadata)"] + debugInfo))
            return [module.descriptorDigest(ofTest: "tests::panics"), module.descriptorDigest(ofTest: "tests::plain")]
        }
        let old = try digests("old", "one"), new = try digests("new", "two")
        #expect(old.allSatisfy { $0 != nil })
        #expect(old == new)
        let expecting = try builds.fingerprint(try builds.rust("expecting", Self.attributed.replacingOccurrences(
            of: "expected = \"big\"", with: "expected = \"huge\""), test: true, extraArguments: ["-C", "metadata=two"] + debugInfo))
        #expect(expecting.descriptorDigest(ofTest: "tests::panics") != old[0], "an attribute still counts")
    }
}

extension RustNormalisationTests {
    /// v0 mangling keeps the crate hash as a disambiguator in every path root
    /// (`Cs<base62>_`), in the crate's own symbols and its generic instances.
    @Test func v0SymbolHashChangesAreNotChanges() throws {
        let builds = try FixtureBuilds()
        let source = Self.ledger + "\n" + Self.fnItems
        let v0 = ["-C", "symbol-mangling-version=v0"]
        let old = try builds.rust("old", source, extraArguments: ["-C", "metadata=one"] + v0)
        let new = try builds.rust("new", source, extraArguments: ["-C", "metadata=two"] + v0)
        let oldSymbols = Set(try builds.fingerprint(old).functions.map(\.symbol))
        #expect(oldSymbols.contains { $0.hasPrefix("_R") })
        #expect(oldSymbols != Set(try builds.fingerprint(new).functions.map(\.symbol)))
        let diff = try builds.diff(old, new)
        #expect(diff.isEmpty, "changed: \(diff.functions.map(\.name))")
        let edited = try builds.rust("edited", source.replacingOccurrences(of: "x % 2 == 0", with: "x % 3 == 0"),
                                     extraArguments: ["-C", "metadata=two"] + v0)
        #expect(try builds.diff(old, edited).functions.count == 1, "the edit alone")
    }
}
