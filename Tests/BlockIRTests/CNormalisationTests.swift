import BlockIR
import Testing

/// The same rules on clang-22's bitcode: trim works on LLVM IR, not on Rust.
@Suite struct CNormalisationTests {
    static let source = """
        #include <string.h>

        static const int limits[3] = {10, 20, 30};

        int classify(int x) {
            if (x > 100)
                return 2;
            return x % 2 == 0;
        }

        int dispatch(int x) {
            if (x > 0)
                goto positive;
            else
                goto other;
        positive:
            return classify(x) + 1;
        other:
            return classify(-x) - 1;
        }

        int limit(int i) {
            return limits[i];
        }

        size_t name_length(void) {
            return strlen("ledger");
        }
        """

    @Test func commentsAndBlankLinesChangeNothing() throws {
        let builds = try FixtureBuilds()
        let old = try builds.c("old", Self.source)
        let new = try builds.c("new", "/* header */\n\n// another\n" + Self.source.replacingOccurrences(
            of: "int limit(int i) {", with: "\n// the table\nint limit(int i) {"))
        #expect(try builds.diff(old, new).isEmpty)
    }

    @Test func oneOperatorChangesExactlyOneBlock() throws {
        let builds = try FixtureBuilds()
        let old = try builds.c("old", Self.source)
        let new = try builds.c("new", Self.source.replacingOccurrences(of: "x % 2 == 0", with: "x % 3 == 0"))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["classify"])
        #expect(diff.function(named: "classify")?.blocks.map(\.line) == [8])
    }

    @Test func swappedGotoTargetsAreAChange() throws {
        let builds = try FixtureBuilds()
        let old = try builds.c("old", Self.source)
        let new = try builds.c("new", Self.source
            .replacingOccurrences(of: "goto positive;\n    else\n        goto other;",
                                  with: "goto other;\n    else\n        goto positive;"))
        let diff = try builds.diff(old, new)
        #expect(diff.names == ["dispatch"])
        #expect(diff.function(named: "dispatch")?.blocks.isEmpty == false)
    }

    @Test func changedConstantTableChangesItsUser() throws {
        let builds = try FixtureBuilds()
        let old = try builds.c("old", Self.source)
        let new = try builds.c("new", Self.source.replacingOccurrences(of: "{10, 20, 30}", with: "{10, 25, 30}"))
        #expect(try builds.diff(old, new).names == ["limit"])
        let renamedString = try builds.c("str", Self.source.replacingOccurrences(of: "\"ledger\"", with: "\"ledgers\""))
        #expect(try builds.diff(old, renamedString).names == ["name_length"])
    }
}
