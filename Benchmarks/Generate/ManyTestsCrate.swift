import Foundation

/// The incremental benchmark's gen3000: one library crate of `moduleCount`
/// modules `m0`, `m1`, ..., each with five functions `f0`...`f4` of one
/// branch and 100 tests (20 per function) whose expected values
/// `expected(module:function:input:)` computes as the function does.
struct ManyTestsCrate {
    static let functionsPerModule = 5
    static let testsPerModule = 100

    let moduleCount: Int

    var name: String { "gen\(moduleCount * Self.testsPerModule)" }

    func write(to directory: URL) throws(GenerateError) {
        try writeFile(Template(name: "plain-Cargo.toml", bytes: PackageResources.plain_Cargo_toml).render(["name": name]),
                      to: "Cargo.toml", in: directory)
        let lib = try Template(name: "many-tests-lib.rs", bytes: PackageResources.many_tests_lib_rs).render([
            "moduleDeclarations": (0..<moduleCount).map { "pub mod m\($0);" }.joined(separator: "\n"),
        ])
        try writeFile(lib, to: "src/lib.rs", in: directory)
        let function = Template(name: "many-tests-function.rs", bytes: PackageResources.many_tests_function_rs)
        let test = Template(name: "many-tests-test.rs", bytes: PackageResources.many_tests_test_rs)
        let module = Template(name: "many-tests-module.rs", bytes: PackageResources.many_tests_module_rs)
        for index in 0..<moduleCount {
            var functions = ""
            for f in 0..<Self.functionsPerModule {
                functions += try function.render([
                    "function": "\(f)", "limit": "\(Self.limit(module: index, function: f))",
                    "factor": "\(f + 2)", "offset": "\(index + 7)",
                ])
            }
            var tests = ""
            for t in 0..<Self.testsPerModule {
                let f = t % Self.functionsPerModule
                let input = t * 3 % 61
                tests += try test.render([
                    "number": "\(t)", "function": "\(f)", "input": "\(input)",
                    "expected": "\(Self.expected(module: index, function: f, input: input))",
                ])
            }
            try writeFile(module.render(["functions": functions, "tests": tests]), to: "src/m\(index).rs", in: directory)
        }
    }

    /// Where function `f` of module `module` switches from scaling to shifting.
    static func limit(module: Int, function f: Int) -> Int { 10 + module + f }

    /// What `m<module>::f<function>(input)` returns.
    static func expected(module: Int, function f: Int, input x: Int) -> Int {
        x < limit(module: module, function: f) ? x * (f + 2) : x + module + 7
    }
}
