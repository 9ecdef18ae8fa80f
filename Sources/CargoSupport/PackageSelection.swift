import Foundation

/// Which packages and targets `cargo test` is asked for, with cargo's own
/// flags. trim hands them to cargo unchanged (cargo runs in the user's
/// directory), so cargo's rules decide: `-p` with globs, `--workspace`,
/// `--exclude`, default members, the package of the current directory.
public struct PackageSelection: Sendable, Equatable {
    /// `-p` / `--package` specs (names or globs), in order.
    public var packages: [String] = []
    /// `--workspace`: every member.
    public var workspace = false
    /// `--exclude` specs (only with `--workspace`).
    public var excluded: [String] = []
    public var targets = TargetSelection()
    /// `--features` values as given (comma or space separated lists).
    public var features: [String] = []
    public var allFeatures = false
    public var noDefaultFeatures = false
    /// `--cargo-profile NAME` / `--release`: cargo's `--profile`; nil for
    /// `cargo test`'s own (`test`).
    public var cargoProfile: String?

    public init(packages: [String] = [], workspace: Bool = false, excluded: [String] = [],
                targets: TargetSelection = TargetSelection(), features: [String] = [], allFeatures: Bool = false,
                noDefaultFeatures: Bool = false, cargoProfile: String? = nil) {
        self.cargoProfile = cargoProfile
        self.packages = packages
        self.workspace = workspace
        self.excluded = excluded
        self.targets = targets
        self.features = features
        self.allFeatures = allFeatures
        self.noDefaultFeatures = noDefaultFeatures
    }

    /// The package flags (`--package`, `--workspace`, `--exclude`).
    public var packageArguments: [String] {
        var result: [String] = packages.flatMap { ["--package", $0] }
        if workspace { result.append("--workspace") }
        return result + excluded.flatMap { ["--exclude", $0] }
    }

    /// The feature flags.
    public var featureArguments: [String] {
        var result: [String] = features.flatMap { ["--features", $0] }
        if allFeatures { result.append("--all-features") }
        if noDefaultFeatures { result.append("--no-default-features") }
        return result
    }

    /// The feature flags and the profile: what every cargo call of a build
    /// (the tests', the doctests') must agree on.
    public var buildArguments: [String] { featureArguments + (cargoProfile.map { ["--profile", $0] } ?? []) }

    /// The cargo profile a build's facts name: a build in another profile is another build.
    public var profileName: String { cargoProfile ?? "test" }

    /// Everything for `cargo test --no-run`.
    public var cargoArguments: [String] { packageArguments + targets.arguments + buildArguments }

    /// Feature names for the build facts: a different set is a different build.
    public var featureNames: [String] {
        var result: [String] = features.flatMap { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) }
        if allFeatures { result.append("--all-features") }
        if noDefaultFeatures { result.append("--no-default-features") }
        return result
    }

    /// Whether the selection tests `package`: named by `-p`, else not
    /// `--exclude`d from `--workspace`; cargo's own default (neither) counts every member.
    public func tests(_ package: CargoWorkspace.Package) -> Bool {
        if !packages.isEmpty { return packages.contains { Self.matchesAny($0, [package.name]) } }
        if workspace { return !excluded.contains { Self.matchesAny($0, [package.name]) } }
        return true
    }

    /// Mistakes cargo would make a build failure of, found before building:
    /// `--exclude` without `--workspace`, and package or target names (or
    /// globs) that name nothing in `workspace`.
    public func validate(against workspace: CargoWorkspace) throws(CargoError) {
        if let cargoProfile, !Self.isProfileName(cargoProfile) {
            throw .badSelection("--cargo-profile \(cargoProfile): not a cargo profile name (letters, digits, '-' and '_')")
        }
        if !excluded.isEmpty && !self.workspace {
            throw .badSelection("--exclude \(excluded.joined(separator: ", ")) needs --workspace (as in cargo)")
        }
        let members = workspace.packages.map(\.name)
        for spec in packages where !Self.matchesAny(spec, members) {
            throw .badSelection("-p \(spec): no package of the workspace at \(workspace.root) is called that "
                                + "(members: \(members.sorted().joined(separator: ", ")))")
        }
        for (flag, kind, names) in [("--bin", "bin", targets.bin), ("--test", "test", targets.test),
                                    ("--example", "example", targets.example)] {
            let known = workspace.packages.flatMap { $0.targets[kind] ?? [] }
            for name in names where !Self.matchesAny(name, known) {
                throw .badSelection("\(flag) \(name): no \(kind) target of the workspace at \(workspace.root) is "
                                    + "called that (\(kind) targets: \(known.isEmpty ? "none" : known.sorted().joined(separator: ", ")))")
            }
        }
    }

    static func isProfileName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
    }

    /// A spec matches a member by name, as a glob, or as `name@version` / `name:version`.
    static func matchesAny(_ spec: String, _ names: [String]) -> Bool {
        let name = String(spec.split(whereSeparator: { $0 == "@" || $0 == ":" }).first ?? Substring(spec))
        if spec.contains("://") || spec.hasPrefix("path+") || spec.hasPrefix("registry+") { return true }
        if name.contains(where: { "*?[".contains($0) }) {
            return names.contains { fnmatch(name, $0, 0) == 0 }
        }
        return names.contains(name)
    }
}

/// Which of the selected packages' targets: cargo's target flags. None
/// given: cargo's default (lib, bins, tests, examples built, and doctests).
public struct TargetSelection: Sendable, Equatable {
    public var lib = false
    public var bins = false
    public var bin: [String] = []
    public var tests = false
    public var test: [String] = []
    public var examples = false
    public var example: [String] = []

    public init(lib: Bool = false, bins: Bool = false, bin: [String] = [], tests: Bool = false, test: [String] = [],
                examples: Bool = false, example: [String] = []) {
        self.lib = lib
        self.bins = bins
        self.bin = bin
        self.tests = tests
        self.test = test
        self.examples = examples
        self.example = example
    }

    /// True when no target flag is given: `cargo test` then runs doctests too.
    public var isDefault: Bool { self == TargetSelection() }

    public var arguments: [String] {
        var result: [String] = []
        if lib { result.append("--lib") }
        if bins { result.append("--bins") }
        for name in bin { result += ["--bin", name] }
        if tests { result.append("--tests") }
        for name in test { result += ["--test", name] }
        if examples { result.append("--examples") }
        for name in example { result += ["--example", name] }
        return result
    }
}
