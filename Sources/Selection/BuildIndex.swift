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

    /// Functions by hash-free name across every module, for those gone from
    /// their own module (built on first use).
    public let moved: MovedFunction

    public init(_ snapshot: BuildSnapshot) {
        self.snapshot = snapshot
        globals = FunctionDiffer.environment(of: Array(snapshot.modules.values))
        moved = MovedFunction(modules: snapshot.modules)
    }

    /// The index of the module `key`, or nil when the build has no such module.
    public func module(_ key: String) -> ModuleIndex? {
        lock.withLock {
            if let known = modules[key] { return known }
            guard let fingerprint = snapshot.modules[key] else { return nil }
            let index = ModuleIndex(fingerprint, functions: snapshot.functionIndexes[key])
            modules[key] = index
            return index
        }
    }
}

/// One module's lookups, each built in one pass on first use: a module whose
/// functions did not change is asked only for its descriptors.
public final class ModuleIndex: @unchecked Sendable {
    public let fingerprint: ModuleFingerprint
    private let lock = NSLock()
    private var functionIndex: FunctionIndex?
    private var digests: DescriptorDigests?

    /// `functions`: the module's function index when made beforehand.
    public init(_ module: ModuleFingerprint, functions: FunctionIndex? = nil) {
        fingerprint = module
        functionIndex = functions
    }

    /// Symbol → function, harness `main`s, counterparts in another build.
    public var functions: FunctionIndex {
        lock.withLock {
            if let functionIndex { return functionIndex }
            let index = FunctionIndex(fingerprint)
            functionIndex = index
            return index
        }
    }

    /// Test name → the sum of the digests of the descriptors naming it.
    public var descriptorDigests: DescriptorDigests {
        lock.withLock {
            if let digests { return digests }
            let built = DescriptorDigests(fingerprint.descriptorDigestsByString())
            digests = built
            return built
        }
    }
}

/// What `ModuleFingerprint.descriptorDigest(ofTest:)` gives, for every name
/// at once. A class, so that a comparison can keep it without copying the table.
public final class DescriptorDigests: Sendable {
    private let byName: [String: UInt64]

    init(_ byName: [String: UInt64]) { self.byName = byName }

    public subscript(test name: String) -> UInt64? { byName[name] }
}
