import ArgumentParser
import CargoSupport

/// cargo test's package, target and feature flags, passed to cargo as given.
struct CargoSelectionArguments: ParsableArguments {
    @Option(name: [.customShort("p"), .long], help: "Test this package (repeatable; globs as in cargo).")
    var package: [String] = []

    @Flag(help: "Test every member of the workspace.")
    var workspace = false

    @Option(help: "With --workspace: leave this package out (repeatable; globs).")
    var exclude: [String] = []

    @Flag(help: "Only the library's unit tests.")
    var lib = false

    @Flag(help: "Only the unit tests of every binary.")
    var bins = false

    @Option(help: "Only the unit tests of this binary (repeatable).")
    var bin: [String] = []

    @Flag(help: "Every target with test = true (library and binary unit tests, tests/*.rs); no doctests.")
    var tests = false

    @Option(help: "Only this integration test target (repeatable).")
    var test: [String] = []

    @Flag(help: "Only the tests of every example.")
    var examples = false

    @Option(help: "Only the tests of this example (repeatable).")
    var example: [String] = []

    @Option(name: [.customShort("F"), .long], help: "Cargo features to enable (comma or space separated; repeatable).")
    var features: [String] = []

    @Flag(help: "Enable all features.")
    var allFeatures = false

    @Flag(help: "Do not enable the default features.")
    var noDefaultFeatures = false

    @Flag(help: "Do not list or run doctests (cargo test runs them when no target flag is given).")
    var noDoctests = false

    @Option(help: "Build in this cargo profile (cargo's --profile); its records are kept apart from other profiles'.")
    var cargoProfile: String?

    @Flag(help: "Build in the release profile (--cargo-profile release).")
    var release = false

    /// `--release` or `--cargo-profile`; both at once is an error, as in cargo.
    func profile() throws -> String? {
        if release, let cargoProfile, cargoProfile != "release" {
            throw ValidationError("--release and --cargo-profile \(cargoProfile) contradict each other: give one")
        }
        return release ? "release" : cargoProfile
    }

    func selection() throws -> PackageSelection {
        PackageSelection(
            packages: package, workspace: workspace, excluded: exclude,
            targets: TargetSelection(lib: lib, bins: bins, bin: bin, tests: tests, test: test, examples: examples,
                                     example: example),
            features: features, allFeatures: allFeatures, noDefaultFeatures: noDefaultFeatures,
            cargoProfile: try profile())
    }
}
