import Foundation

/// One test executable cargo built, with what it takes to run its tests.
public struct TestBinary: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable { case lib, bin, test, bench, example, procMacro = "proc-macro" }

    /// nextest's naming: `ledger` (unit tests of the library), `ledger::report`
    /// (tests/report.rs), `ledger::bin/ledger` (unit tests of a binary).
    public var id: String
    public var package: String
    public var target: String
    public var kind: Kind
    public var executable: String
    /// The key path of the crate module compiled into this executable from its own crate.
    public var bitcode: String
    /// That crate's codegen-unit bitcode files, current ones only.
    public var units: [String]
    /// The package directory: tests run there, as under `cargo test`.
    public var packageDirectory: String
    /// What `cargo test` sets for the test process (CARGO_MANIFEST_DIR, CARGO_PKG_NAME, ...).
    public var environment: [String: String]

    public init(id: String, package: String, target: String, kind: Kind, executable: String, bitcode: String,
                units: [String], packageDirectory: String, environment: [String: String]) {
        self.id = id
        self.package = package
        self.target = target
        self.kind = kind
        self.executable = executable
        self.bitcode = bitcode
        self.units = units
        self.packageDirectory = packageDirectory
        self.environment = environment
    }

    static func id(package: String, target: String, kind: Kind) -> String {
        switch kind {
        case .lib, .procMacro: return package
        case .bin: return "\(package)::bin/\(target)"
        case .test: return "\(package)::\(target)"
        case .bench: return "\(package)::bench/\(target)"
        case .example: return "\(package)::example/\(target)"
        }
    }
}

/// A library's bitcode module (linked into the test binaries that depend on it).
public struct LibraryModule: Sendable, Hashable {
    public var package: String
    public var target: String
    /// The crate module's key path (see `TestBinary.bitcode`).
    public var bitcode: String
    public var units: [String]
}
