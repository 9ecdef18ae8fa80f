/// A test: its binary (e.g. `ledger::report`) and its libtest name.
public struct TestKey: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var binary: String
    public var name: String
    public init(binary: String, name: String) {
        self.binary = binary
        self.name = name
    }
    public static func < (a: TestKey, b: TestKey) -> Bool { (a.binary, a.name) < (b.binary, b.name) }
    public var description: String { "\(binary) \(name)" }
}

/// A test binary a build produced.
public struct TestBinaryRecord: Hashable, Codable, Sendable {
    /// Stable id across builds, e.g. `ledger::report`.
    public var id: String
    public var package: String
    /// cargo's target kind: `lib`, `test`, `bin`, ...
    public var kind: String
    /// Path of the executable in this build: relative to the workspace root
    /// when it lies inside it (a record serves a checkout elsewhere).
    public var executable: String

    public init(id: String, package: String, kind: String, executable: String) {
        self.id = id
        self.package = package
        self.kind = kind
        self.executable = executable
    }
}
