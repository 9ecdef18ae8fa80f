import Foundation

/// The incremental benchmark's slow workspace: `packageCount` independent
/// library packages `p0`, `p1`, ... (the code of Templates/slow-lib.rs), each
/// with `testCount` unit tests that check one of the package's functions and
/// then sleep `millis` ms, so the test phase is long next to the build.
struct SlowSuite {
    let packageCount: Int
    let testCount: Int
    let millis: Int

    func write(to directory: URL) throws(GenerateError) {
        let members = (0..<packageCount).map { "\"p\($0)\", " }.joined()
        try writeFile(Template(name: "slow-workspace-Cargo.toml", bytes: PackageResources.slow_workspace_Cargo_toml)
            .render(["members": members]), to: "Cargo.toml", in: directory)
        let manifest = Template(name: "plain-Cargo.toml", bytes: PackageResources.plain_Cargo_toml)
        let library = try Template(name: "slow-lib.rs", bytes: PackageResources.slow_lib_rs).render([:])
        let test = Template(name: "slow-test.rs", bytes: PackageResources.slow_test_rs)
        let testsFile = Template(name: "slow-tests.rs", bytes: PackageResources.slow_tests_rs)
        for package in 0..<packageCount {
            try writeFile(manifest.render(["name": "p\(package)"]), to: "p\(package)/Cargo.toml", in: directory)
            try writeFile(library, to: "p\(package)/src/lib.rs", in: directory)
            var tests = ""
            for t in 0..<testCount {
                tests += try test.render([
                    "number": String(format: "%02d", t), "check": Self.check(test: t, package: package),
                    "millis": "\(millis)",
                ])
            }
            try writeFile(testsFile.render(["tests": tests]), to: "p\(package)/src/tests.rs", in: directory)
        }
    }

    /// Test `t`'s check, with the expected value computed as the function does.
    static func check(test t: Int, package: Int) -> String {
        let x = (t * 7 + package) % 23 + 1
        switch t % 4 {
        case 0: return "assert_eq!(scale(\(x)), \(x < 10 ? x * 2 : x + 3));"
        case 1: return "assert_eq!(clamp(\(x * 9)), \(x * 9 > 100 ? 100 : x * 9));"
        case 2: return "assert!(digit_sum(\(x * 37)) > 0);"
        default: return "assert_eq!(is_prime(7), true);"
        }
    }
}
