import Foundation

/// A test as filters see it.
public struct FilterableTest: Hashable, Sendable {
    /// The binary's id as nextest writes it: `ledger` (the library's unit
    /// tests), `ledger::report` (`tests/report.rs`), `ledger::bin/ledger`.
    public var binary: String
    /// The package (crate) the binary belongs to, e.g. `ledger`.
    public var package: String
    /// Cargo's target kind: `lib`, `test`, `bin`, `bench`, `example`, `proc-macro`.
    public var kind: String
    /// libtest's name, e.g. `entry::tests::parses_deposit`.
    public var name: String
    /// Marked `#[ignore]`.
    public var ignored: Bool

    public init(binary: String, package: String, kind: String, name: String, ignored: Bool = false) {
        self.binary = binary
        self.package = package
        self.kind = kind
        self.name = name
        self.ignored = ignored
    }

    /// `binary name`, the way nextest prints a test and the string `hash:`
    /// partitions hash.
    public var fullName: String { "\(binary) \(name)" }

    /// The target's name, nextest's "binary name": what follows `::` (and the
    /// last `/`) in the id: `report` for `ledger::report`, `ledger` for
    /// `ledger::bin/ledger`. For unit tests of a library the id is the package
    /// name, and the binary name is the crate name, `-` written `_`.
    public var binaryName: String {
        guard let separator = binary.range(of: "::") else {
            return kind == "lib" || kind == "proc-macro"
                ? binary.replacingOccurrences(of: "-", with: "_") : binary
        }
        let target = binary[separator.upperBound...]
        if let slash = target.lastIndex(of: "/") { return String(target[target.index(after: slash)...]) }
        return String(target)
    }
}
