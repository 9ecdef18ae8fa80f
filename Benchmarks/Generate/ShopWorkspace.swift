import Foundation

/// The trim-run benchmark's generated workspace: the library `shop` of
/// `moduleCount` modules (one source file each, the same code with different
/// constants, 36 unit tests each) and two integration test files of 4 tests.
/// The `gcd` loop of module `mutatedModule` carries the `// BENCH-MUTATE`
/// line the benchmark edits.
struct ShopWorkspace {
    static let moduleNames = ["money", "stock", "text", "expr", "stats", "geom", "sched", "codec", "catalog", "orders", "billing", "units"]

    let moduleCount: Int
    let mutatedModule: Int

    func write(to directory: URL) throws(GenerateError) {
        let names = Array(Self.moduleNames.prefix(moduleCount))
        try writeFile(Template(name: "shop-Cargo.toml", bytes: PackageResources.shop_Cargo_toml).render([:]), to: "Cargo.toml", in: directory)
        let lib = try Template(name: "shop-lib.rs", bytes: PackageResources.shop_lib_rs).render([
            "moduleCount": "\(moduleCount)",
            "moduleDeclarations": names.map { "pub mod \($0);" }.joined(separator: "\n"),
        ])
        try writeFile(lib, to: "src/lib.rs", in: directory)
        let template = Template(name: "shop-module.rs", bytes: PackageResources.shop_module_rs)
        for (index, name) in names.enumerated() {
            let module = ShopModule(index: index, name: name, mutated: index == mutatedModule)
            try writeFile(template.render(module.values), to: "src/\(name).rs", in: directory)
        }
        // The integration tests use the first module's prices and codecs and
        // the mutated module's `reduce`, so the one-line change reaches one of them.
        let modules = ["firstModule": names[0], "reducingModule": names[mutatedModule]]
        try writeFile(Template(name: "shop-checkout.rs", bytes: PackageResources.shop_checkout_rs).render(modules),
                      to: "tests/checkout.rs", in: directory)
        try writeFile(Template(name: "shop-text.rs", bytes: PackageResources.shop_text_rs).render(modules),
                      to: "tests/text.rs", in: directory)
    }
}

/// One module of `shop` and its unit tests, whose expected values are computed
/// here by `RustMirror`, the same functions written in Swift.
struct ShopModule {
    let index: Int
    let name: String
    let mutated: Bool

    var taxPercent: Int { 5 + index }
    var shelves: Int { 3 + index % 4 }

    var values: [String: String] {
        let i = index
        // The operands of the expression tests; each module gets its own.
        let a = 3 + i, b = 7 + 2 * i, c = 4 + i % 3, d = 2 + i % 5, e = 11 * (i + 1)
        let expressions: [(text: String, value: Int)] = [
            ("\(a) + \(b) * \(c)", a + b * c),
            ("(\(a) + \(b)) * \(c)", (a + b) * c),
            ("\(e) - \(b) / \(d)", e - b / d),
            ("\(a) * (\(b) - \(c)) * \(d) - \(e)", a * (b - c) * d - e),
            ("\(e) / (\(c) + \(d)) + \(a) * \(a)", e / (c + d) + a * a),
        ]
        let boltsAdded = 10 + i, boltsTaken = 3, nutsAdded = 4
        return [
            "name": name,
            "index": "\(i)",
            "taxPercent": "\(taxPercent)",
            "shelves": "\(shelves)",
            "mutationMarker": mutated ? " // BENCH-MUTATE" : "",
            "gcdCases": gcdCases,
            "priceCases": priceCases,
            "collatzCases": collatzCases,
            "primeCases": primeCases,
            "rleRoundTrips": ["aaabccdddd", "hello wooorld", ""].enumerated().map { k, word in
                testCase("rle_round_trip_\(k)", [
                    "let s = \"\(word)\";", "assert_eq!(rle_decode(&rle_encode(s)).as_deref(), Some(s));",
                ])
            }.joined(separator: "\n\n"),
            "row": "\(i * 3)",  // caesar_round_trip's text
            "shift": "\(i + 5)",
            "evalCases": expressions.enumerated().map { k, expression in
                testCase("eval_\(k)", ["assert_eq!(eval(\"\(expression.text)\"), Ok(\(expression.value)));"])
            }.joined(separator: "\n\n"),
            "dividend": "\(a)",
            "boltsAdded": "\(boltsAdded)",
            "boltsLeft": "\(boltsAdded - boltsTaken)",
            "stockTotal": "\(boltsAdded - boltsTaken + nutsAdded)",
        ]
    }

    /// gcd both ways round, on multiples of 6·(i+3) against small even numbers.
    private var gcdCases: String {
        (0..<5).map { k in
            let x = (index + 3) * (k + 2) * 6, y = (k + 1) * 4 + index * 2 + 2
            return testCase("gcd_case_\(k)", [
                "assert_eq!(gcd(\(x), \(y)), \(RustMirror.gcd(x, y)));",
                "assert_eq!(gcd(\(y), \(x)), \(RustMirror.gcd(y, x)));",
            ])
        }.joined(separator: "\n\n")
    }

    /// Two prices, 991 cents apart, at each tier.
    private var priceCases: String {
        (0..<2).flatMap { k in
            let cents = 1000 + index * 37 + k * 991
            return RustMirror.Tier.allCases.map { tier in
                testCase("\(tier.rawValue.lowercased())_price_\(k)", [
                    "assert_eq!(price_with_tax(\(cents), Tier::\(tier.rawValue)), \(RustMirror.priceWithTax(cents, tier, taxPercent: taxPercent)));",
                ])
            }
        }.joined(separator: "\n\n")
    }

    private var collatzCases: String {
        (0..<4).map { k in
            let n = 7 + index * 11 + k * 29
            return testCase("collatz_\(n)", ["assert_eq!(collatz_steps(\(n)), \(RustMirror.collatzSteps(n)));"])
        }.joined(separator: "\n\n")
    }

    private var primeCases: String {
        (0..<4).map { k in
            let n = 90 + index * 13 + k * 7
            return testCase("prime_\(n)", ["assert_eq!(is_prime(\(n)), \(RustMirror.isPrime(n)));"])
        }.joined(separator: "\n\n")
    }

    /// `#[test] fn name() { lines }`, indented as inside `mod tests`.
    private func testCase(_ name: String, _ lines: [String]) -> String {
        (["    #[test]", "    fn \(name)() {"] + lines.map { "        " + $0 } + ["    }"]).joined(separator: "\n")
    }
}

/// The generated module's functions, in Swift, for the expected values of its tests.
enum RustMirror {
    enum Tier: String, CaseIterable {
        case basic = "Basic", silver = "Silver", gold = "Gold"
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    static func priceWithTax(_ cents: Int, _ tier: Tier, taxPercent: Int) -> Int {
        let discounted = switch tier {
        case .basic: cents
        case .silver: cents - cents / 10
        case .gold: cents - cents / 5
        }
        return discounted + discounted * taxPercent / 100
    }

    static func collatzSteps(_ n: Int) -> Int {
        var (n, steps) = (n, 0)
        while n != 1 {
            n = n % 2 == 0 ? n / 2 : 3 * n + 1
            steps += 1
        }
        return steps
    }

    static func isPrime(_ n: Int) -> Bool {
        if n < 2 { return false }
        var d = 2
        while d * d <= n {
            if n % d == 0 { return false }
            d += 1
        }
        return true
    }
}
