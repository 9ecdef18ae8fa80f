import Foundation

/// Finds, for a function an older build's module had and its counterpart
/// module lacks, the same function in another module of the newer build.
/// rustc shares a generic instance between crates: a downstream crate uses
/// the upstream crate's instance, or defines its own, and which one it does
/// moves with nothing but crate metadata (a release). Only a function with the
/// same hash-free name and the same content (blocks, successors, external
/// globals) counts: the same code, so a test that ran the old one runs the
/// same behaviour. Anything else stays gone, and its tests are selected.
public final class MovedFunction: @unchecked Sendable {
    private let modules: [String: ModuleFingerprint]
    private let lock = NSLock()
    /// Hash-free name → (module, function index), modules in key order. Built
    /// on the first lookup: most comparisons have nothing gone.
    private var table: [String: [(module: String, index: Int)]]?

    public init(modules: [String: ModuleFingerprint]) {
        self.modules = modules
    }

    /// The function with `old`'s hash-free name and content in a module of
    /// this build other than `excluded` (the first in key order), or nil.
    public func counterpart(of old: FunctionFingerprint, outside excluded: String?)
        -> (module: String, function: FunctionFingerprint)?
    {
        guard !old.isTestHarnessMain, let candidates = places(named: SymbolNames.withoutHash(old.symbol)) else {
            return nil
        }
        for place in candidates where place.module != excluded {
            let function = modules[place.module]!.functions[place.index]
            if function.hasSameContent(as: old) { return (place.module, function) }
        }
        return nil
    }

    private func places(named name: String) -> [(module: String, index: Int)]? {
        lock.withLock {
            if let table { return table[name] }
            var built: [String: [(module: String, index: Int)]] = [:]
            for key in modules.keys.sorted() {
                let functions = modules[key]!.functions
                for i in functions.indices where !functions[i].isTestHarnessMain {
                    built[SymbolNames.withoutHash(functions[i].symbol), default: []].append((key, i))
                }
            }
            table = built
            return built[name]
        }
    }
}
