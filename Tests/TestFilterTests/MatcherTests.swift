import Testing

@testable import TestFilter

/// Each predicate against the field it reads, and each matcher.
@Suite struct MatcherTests {
    let deposit = "entry::tests::parses_deposit"
    let overdraft = "balance::tests::overdraft_is_refused"
    let slow = "balance::tests::slow_audit"
    let counts = "counts_refused_lines"
    let final = "reports_the_final_balance"
    let cli = "tests::parses_args"
    let money = "tests::formats_cents"
    let bench = "format_many"

    // MARK: Matchers (on test names)

    @Test func testDefaultsToContains() throws {
        #expect(try Fixtures.selected("test(parses)") == [deposit, cli])
        #expect(try Fixtures.selected("test(parses)") == Fixtures.selected("test(~parses)"))
        #expect(try Fixtures.selected("test(balance)") == [overdraft, slow, final])
    }

    @Test func equalityMatchesTheWholeName() throws {
        #expect(try Fixtures.selected("test(=entry::tests::parses_deposit)") == [deposit])
        #expect(try Fixtures.selected("test(=parses_deposit)") == [])
        #expect(try Fixtures.selected("test(=entry::tests::parses_deposi)") == [])
    }

    @Test func containsMatchesAnyPart() throws {
        #expect(try Fixtures.selected("test(~refused)") == [overdraft, counts])
        #expect(try Fixtures.selected("test(~::tests::)") == [deposit, overdraft, slow])
        #expect(try Fixtures.selected("test(~nothing_like_it)") == [])
    }

    @Test func regexMatchesAnyPartUnlessAnchored() throws {
        #expect(try Fixtures.selected("test(/refused/)") == [overdraft, counts])
        #expect(try Fixtures.selected("test(/^balance::/)") == [overdraft, slow])
        #expect(try Fixtures.selected("test(/_lines$/)") == [counts])
        #expect(try Fixtures.selected("test(/^tests::(parses|formats)_[a-z]+$/)") == [cli, money])
        #expect(try Fixtures.selected("test(/^[a-z_]+$/)") == [counts, final, bench])
        // `\/` is a slash; other backslash pairs reach the regex engine.
        let slashy = FilterableTest(binary: "b", package: "p", kind: "lib", name: "path/to/3.rs")
        #expect(try FilterExpression(parsing: "test(/to\\/\\d\\.rs$/)").matches(slashy))
        #expect(try !FilterExpression(parsing: "test(/to\\/\\d\\.txt$/)").matches(slashy))
        // A `)` inside a regex needs no escape: the regex ends at its slash.
        #expect(try Fixtures.selected("test(/(overdraft|slow)_/)") == [overdraft, slow])
    }

    @Test func globMatchesTheWholeName() throws {
        #expect(try Fixtures.selected("test(#balance::*)") == [overdraft, slow])
        #expect(try Fixtures.selected("test(#*_refused)") == [overdraft])
        #expect(try Fixtures.selected("test(#refused)") == [])
        #expect(try Fixtures.selected("test(#tests::????ats_cents)") == [money])
        #expect(try Fixtures.selected("test(#tests::?)") == [])
        #expect(try Fixtures.selected("test(#*::[ps]*)") == [deposit, slow, cli])
        #expect(try Fixtures.selected("test(#*::[!pst]*)") == [overdraft, money])
        #expect(try Fixtures.selected("test(#*::[^pst]*)") == [overdraft, money])
        #expect(try Fixtures.selected("test(#[a-c]*)") == [overdraft, slow, counts])
        #expect(try Fixtures.selected("test(#{entry\\,balance}::*)") == [deposit, overdraft, slow])
        #expect(try Fixtures.selected("test(#{*lines\\,*many})") == [counts, bench])
    }

    @Test func globUnits() throws {
        let star = try Glob("a*c")
        #expect(star.matches("ac") && star.matches("abc") && star.matches("a::b/c") && !star.matches("acd"))
        let question = try Glob("a?c")
        #expect(question.matches("abc") && !question.matches("ac") && !question.matches("abbc"))
        // Metacharacters in brackets are literal; everything else is literal always.
        let literal = try Glob("x[*][?][[]")
        #expect(literal.matches("x*?[") && !literal.matches("xab["))
        let regexy = try Glob("a.b+(c)|^$\\")
        #expect(regexy.matches("a.b+(c)|^$\\") && !regexy.matches("aXb+(c)|^$\\"))
        let dash = try Glob("[-a]")
        #expect(dash.matches("-") && dash.matches("a") && !dash.matches("b"))
        let bracketFirst = try Glob("[]a]")
        #expect(bracketFirst.matches("]") && bracketFirst.matches("a"))
        let commaOutside = try Glob("a,b")
        #expect(commaOutside.matches("a,b"))
        let emptyAlternative = try Glob("foo{.exe,}")
        #expect(emptyAlternative.matches("foo") && emptyAlternative.matches("foo.exe"))
        let unicode = try Glob("caf?-ü*")
        #expect(unicode.matches("café-über"))
        #expect(throws: Glob.GlobProblem.self) { try Glob("[") }
        #expect(throws: Glob.GlobProblem.self) { try Glob("{a") }
    }

    @Test func escapesInStringMatchers() throws {
        func name(_ text: String) -> FilterableTest {
            FilterableTest(binary: "b", package: "p", kind: "lib", name: text)
        }
        #expect(try FilterExpression(parsing: "test(=a\\)b)").matches(name("a)b")))
        #expect(try FilterExpression(parsing: "test(=a\\,b)").matches(name("a,b")))
        #expect(try FilterExpression(parsing: "test(=a\\/b)").matches(name("a/b")))
        #expect(try FilterExpression(parsing: "test(=a\\\\b)").matches(name("a\\b")))
        #expect(try FilterExpression(parsing: "test(=a\\tb\\nc\\rd)").matches(name("a\tb\nc\rd")))
        #expect(try FilterExpression(parsing: "test(=\\u{61}\\u{1F600})").matches(name("a😀")))
        // Raw whitespace around a text is dropped; escaped whitespace stays.
        #expect(try FilterExpression(parsing: "test(=  ab  )").matches(name("ab")))
        #expect(try FilterExpression(parsing: "test(= a b )").matches(name("a b")))
        #expect(try FilterExpression(parsing: "test(=\\u{20}ab)").matches(name(" ab")))
        #expect(try !FilterExpression(parsing: "test(=\\u{20}ab)").matches(name("ab")))
        // Escapes work in globs too (after which `*` is still a wildcard).
        #expect(try FilterExpression(parsing: "test(#a\\)*)").matches(name("a)zz")))
    }

    // MARK: Predicates

    @Test func packageDefaultsToGlob() throws {
        #expect(try Fixtures.selected("package(ledger)") == [deposit, overdraft, slow, counts, final, cli])
        #expect(try Fixtures.selected("package(ledg)") == [])
        #expect(try Fixtures.selected("package(~ledg)").count == 6)
        #expect(try Fixtures.selected("package(money-*)") == [money, bench])
        #expect(try Fixtures.selected("package(=money-fmt)") == [money, bench])
        #expect(try Fixtures.selected("package(/^m/)") == [money, bench])
    }

    @Test func binaryMatchesTheIdOrTheBinaryName() throws {
        // The id.
        #expect(try Fixtures.selected("binary(ledger::report)") == [counts, final])
        #expect(try Fixtures.selected("binary(ledger::bin/ledger)") == [cli])
        #expect(try Fixtures.selected("binary(ledger::*)") == [counts, final, cli])
        // The binary (target) name: the integration test's, the bin's, the crate's.
        #expect(try Fixtures.selected("binary(report)") == [counts, final])
        #expect(try Fixtures.selected("binary(ledger)") == [deposit, overdraft, slow, cli])
        #expect(try Fixtures.selected("binary(format)") == [bench])
        #expect(try Fixtures.selected("binary(money_fmt)") == [money])
        #expect(try Fixtures.selected("binary(money-fmt)") == [money])
        #expect(try Fixtures.selected("binary(rep)") == [])
        #expect(try Fixtures.selected("binary(~rep)") == [counts, final])
        #expect(try Fixtures.selected("binary(=report)") == [counts, final])
    }

    @Test func binaryNames() {
        #expect(Fixtures.parsesDeposit.binaryName == "ledger")
        #expect(Fixtures.countsRefused.binaryName == "report")
        #expect(Fixtures.cliArgs.binaryName == "ledger")
        #expect(Fixtures.money.binaryName == "money_fmt")
        #expect(Fixtures.moneyBench.binaryName == "format")
        #expect(Fixtures.moneyBench.fullName == "money-fmt::bench/format format_many")
    }

    @Test func binaryIDMatchesTheIdOnly() throws {
        #expect(try Fixtures.selected("binary_id(report)") == [])
        #expect(try Fixtures.selected("binary_id(ledger::report)") == [counts, final])
        #expect(try Fixtures.selected("binary_id(*/*)") == [cli, bench])
        #expect(try Fixtures.selected("binary_id(ledger)") == [deposit, overdraft, slow])
    }

    @Test func kindDefaultsToEquality() throws {
        #expect(try Fixtures.selected("kind(lib)") == [deposit, overdraft, slow, money])
        #expect(try Fixtures.selected("kind(test)") == [counts, final])
        #expect(try Fixtures.selected("kind(bin)") == [cli])
        #expect(try Fixtures.selected("kind(bench)") == [bench])
        #expect(try Fixtures.selected("kind(li)") == [])
        #expect(try Fixtures.selected("kind(~e)") == [counts, final, bench])
        #expect(try Fixtures.selected("kind(#b*)") == [cli, bench])
        #expect(try Fixtures.selected("kind(proc-macro)") == [])
    }

    @Test func allAndNone() throws {
        #expect(try Fixtures.selected("all()").count == Fixtures.all.count)
        #expect(try Fixtures.selected("none()").isEmpty)
        #expect(try Fixtures.selected(" all ( ) ").count == Fixtures.all.count)
    }

    @Test func expressionsAreValuesAcrossThreads() async throws {
        let expression = try FilterExpression(parsing: "test(/^balance::/) | binary(report)")
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { Fixtures.all.filter(expression.matches).count } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 4, count: 8))
        #expect(try expression == FilterExpression(parsing: "test(/^balance::/) | binary(report)"))
    }
}
