import Foundation

/// One doctest, as rustdoc lists it: `src/lib.rs - add (line 5)`.
public struct Doctest: Sendable, Hashable {
    public var package: String
    public var name: String
    public var ignored: Bool

    public init(package: String, name: String, ignored: Bool) {
        self.package = package
        self.name = name
        self.ignored = ignored
    }

    /// The binary id doctests are recorded under: `<package>::doctest`.
    public static func binaryID(package: String) -> String { "\(package)::doctest" }
    public static let kind = "doctest"
}

/// How `cargo test --doc` is run for trim: in the user's directory, with the
/// user's package and feature flags and RUSTFLAGS (never trim's
/// instrumentation), into a target directory of trim's own.
public struct DoctestCargo: Sendable {
    public var workspace: CargoWorkspace
    public var directory: URL
    public var targetDirectory: String
    /// Set on top of the filtered environment: trim's rustc wrapper, when
    /// listing in the instrumented build's target directory (whose libraries
    /// are then already built: only rustdoc runs).
    public var wrapperEnvironment: [String: String]

    public init(workspace: CargoWorkspace, directory: URL, targetDirectory: String,
                wrapperEnvironment: [String: String] = [:]) {
        self.workspace = workspace
        self.directory = directory
        self.targetDirectory = targetDirectory
        self.wrapperEnvironment = wrapperEnvironment
    }

    /// The environment: the user's, cargo's status lines on (they name each
    /// crate's block of the listing), no colour.
    public func environment(base: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = base.filter { !$0.key.hasPrefix("TRIM_") }
        environment["CARGO_TARGET_DIR"] = targetDirectory
        environment["CARGO_TERM_QUIET"] = "false"
        environment["CARGO_TERM_COLOR"] = "never"
        environment.merge(wrapperEnvironment) { _, wrapper in wrapper }
        return environment
    }
}

/// The doctests of the packages `cargo test --doc` chose.
public struct DoctestList: Sendable {
    /// Every package whose library was listed, with doctests or without.
    public var packages: [String]
    public var doctests: [Doctest]

    public init(packages: [String], doctests: [Doctest]) {
        self.packages = packages
        self.doctests = doctests
    }
}

public enum DoctestListing {
    /// Every doctest `cargo test --doc` would run for `selection`, per
    /// package; ignored ones marked (a second listing with `--ignored`).
    public static func list(_ cargo: DoctestCargo, selection: PackageSelection) throws(CargoError) -> DoctestList {
        let arguments = Self.arguments(selection)
        let all = try listing(cargo, arguments)
        guard !all.doctests.isEmpty else { return all }
        let ignored = Set(try listing(cargo, arguments + ["--ignored"]).doctests.map { "\($0.package) \($0.name)" })
        return DoctestList(packages: all.packages, doctests: all.doctests.map {
            Doctest(package: $0.package, name: $0.name, ignored: ignored.contains("\($0.package) \($0.name)"))
        })
    }

    /// cargo's arguments for listing the doctests of `selection`.
    public static func arguments(_ selection: PackageSelection) -> [String] {
        ["test", "--doc"] + selection.packageArguments + selection.buildArguments + ["--", "--list"]
    }

    private static func listing(_ cargo: DoctestCargo, _ arguments: [String]) throws(CargoError) -> DoctestList {
        let output = try CapturedProcess(executable: cargo.workspace.cargo, arguments: arguments,
                                         directory: cargo.directory, environment: cargo.environment()).run()
        let stderr = String(decoding: output.stderr, as: UTF8.self)
        guard output.status == 0 else {
            // A selection without any library has no doctests; cargo says so as an error.
            if stderr.contains("no library targets found") { return DoctestList(packages: [], doctests: []) }
            throw .doctestListingFailed(status: output.status, output: stderr)
        }
        return try parse(stdout: String(decoding: output.stdout, as: UTF8.self), stderr: stderr,
                         workspace: cargo.workspace)
    }

    /// `line` without the spaces and tabs around it. (Read by hand, as
    /// `isSummary`: Foundation's character sets and regular expressions
    /// first load Unicode tables, milliseconds on the way to the first test.)
    static func trimmingBlanks(_ line: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = line.firstIndex(where: { !blank($0) }), let last = line.lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return line[first...last]
    }

    /// Whether `line` is libtest's `N tests, M benchmarks` (or `1 test`,
    /// `1 benchmark`), the line that ends a crate's list.
    static func isSummary(_ line: Substring) -> Bool {
        var rest = line.utf8[...]
        if rest.last == UInt8(ascii: "\r") { rest = rest.dropLast() }
        func number() -> Bool {
            let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            rest = rest.dropFirst(digits)
            return digits > 0
        }
        func word(_ text: StaticString) -> Bool {
            let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
            guard rest.starts(with: bytes) else { return false }
            rest = rest.dropFirst(bytes.count)
            return true
        }
        guard number(), word(" test") else { return false }
        _ = word("s")
        guard word(", "), number(), word(" benchmark") else { return false }
        _ = word("s")
        return rest.isEmpty
    }

    /// cargo announces each crate on stderr (`Doc-tests ledger`), in the
    /// order rustdoc then lists that crate's tests on stdout, each list
    /// ending in `N tests, M benchmarks`.
    static func parse(stdout: String, stderr: String, workspace: CargoWorkspace) throws(CargoError) -> DoctestList {
        let crates = stderr.split(separator: "\n").compactMap { line -> String? in
            let trimmed = Self.trimmingBlanks(line)
            guard trimmed.hasPrefix("Doc-tests ") else { return nil }
            return String(trimmed.dropFirst("Doc-tests ".count))
        }
        var blocks: [[String]] = [[]]
        for line in stdout.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasSuffix(": test") {
                blocks[blocks.count - 1].append(String(line.dropLast(": test".count)))
            } else if Self.isSummary(line) {
                blocks.append([])
            }
        }
        blocks.removeLast()  // what follows the last summary
        guard blocks.count == crates.count else {
            throw .doctestListingFailed(status: 0, output: "cargo announced \(crates.count) crate(s) "
                                        + "(\(crates.joined(separator: ", "))) but rustdoc listed \(blocks.count)")
        }
        var doctests: [Doctest] = []
        var packages: [String] = []
        for (crate, names) in zip(crates, blocks) {
            let owners = workspace.packages.filter { $0.libraryCrateName == crate }
            guard owners.count == 1 else {
                throw .doctestListingFailed(status: 0, output: owners.isEmpty
                    ? "no workspace member has a library called \(crate)"
                    : "several workspace members have a library called \(crate): "
                        + owners.map(\.name).joined(separator: ", "))
            }
            packages.append(owners[0].name)
            doctests += names.map { Doctest(package: owners[0].name, name: $0, ignored: false) }
        }
        return DoctestList(packages: packages, doctests: doctests)
    }
}
