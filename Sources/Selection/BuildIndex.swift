import BlockIR
import Foundation

/// One build's modules indexed for selection: per module, libtest's harness
/// `main` symbols, symbol → function, hash-free name → functions, and test
/// name → descriptor digest; and the build's globals. Each module is indexed
/// the first time a test's hits name it, once per selection, and shared by
/// every part of the selection, so a test costs what it executed, not what
/// its module holds.
public final class BuildIndex: @unchecked Sendable {
    public let snapshot: BuildSnapshot
    /// Contents of the globals every module defines (`FunctionDiffer.environment`).
    public let globals: [String: UInt64]
    private let lock = NSLock()
    private var modules: [String: ModuleIndex] = [:]

    public init(_ snapshot: BuildSnapshot) {
        self.snapshot = snapshot
        globals = FunctionDiffer.environment(of: Array(snapshot.modules.values))
    }

    /// The index of the module `key`, or nil when the build has no such module.
    public func module(_ key: String) -> ModuleIndex? {
        lock.withLock {
            if let known = modules[key] { return known }
            guard let fingerprint = snapshot.modules[key] else { return nil }
            let index = ModuleIndex(fingerprint)
            modules[key] = index
            return index
        }
    }
}

/// One module's lookups, built in one pass over its functions and descriptors.
/// A class: looked up once per test, and a reference is one retain where the
/// struct would be a dozen.
public final class ModuleIndex: Sendable {
    /// Symbol → function, harness `main`s, counterparts in another build.
    public let functions: FunctionIndex
    /// Test name → the sum of the digests of the descriptors naming it
    /// (what `ModuleFingerprint.descriptorDigest(ofTest:)` gives one name at a time).
    public let descriptorDigests: [String: UInt64]

    public init(_ module: ModuleFingerprint) {
        functions = FunctionIndex(module)
        descriptorDigests = module.descriptorDigestsByString()
    }

    public var fingerprint: ModuleFingerprint { functions.module }
}
