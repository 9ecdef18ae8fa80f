import BlockIR
import Foundation

/// The stored ids of the modules this process decoded (`modules(of:)`,
/// `modules(ofBuilds:)`) or recorded (`recordBuild`, once committed): per
/// module path, the newest build's module, its fingerprint and its
/// functions' ids. `recordBuild` takes from it the id of every function
/// equal to one kept under the same path, and the module's id when all of
/// it is the same, instead of encoding each function and looking its bytes
/// up; a long-lived process (`trim watch`, `trim lsp`) takes them from the
/// build it recorded last.
///
/// Exact, not a guess: a function decoded from its stored bytes, or the one
/// that was encoded into them, equal to the new one in all the bytes hold
/// (its blocks' files compared by name: the bytes hold names, not a
/// module's indices), encodes to those same bytes. Ids are
/// used only after the write transaction has seen the build still holding
/// the module (`stillHeld`): build ids are never reused, and a module a build
/// holds, with its functions, is never collected or changed.
final class StoredModules: @unchecked Sendable {
    struct Entry {
        var build: Int64
        var moduleID: Int64
        var fingerprint: ModuleFingerprint
        var functionIDs: [Int64]
    }

    private let lock = NSLock()
    private var byPath: [String: Entry] = [:]

    func remember(_ entry: Entry, path: String) {
        lock.withLock {
            if let known = byPath[path], known.build > entry.build { return }
            byPath[path] = entry
        }
    }

    var entries: [String: Entry] { lock.withLock { byPath } }
}

extension StoredModules.Entry {
    /// For each of `module`'s functions, the stored id of an equal decoded
    /// one, nil where there is none. The file tables may differ (an edit
    /// that calls into one more file adds one, and the files after it move):
    /// a block's file is compared by name, which is what its bytes hold.
    func knownIDs(of module: ModuleFingerprint) -> [Int64?] {
        let recorded = fingerprint.functions
        let files = module.files == fingerprint.files ? nil : Self.fileMap(from: module.files, to: fingerprint.files)
        var bySymbol: [String: Int]?
        var ids: [Int64?] = []
        ids.reserveCapacity(module.functions.count)
        for index in module.functions.indices {
            let function = module.functions[index]
            // Most functions keep their place: looked up by symbol only when not.
            var match = index < recorded.count && recorded[index].symbol == function.symbol ? index : nil
            if match == nil {
                if bySymbol == nil {
                    var table: [String: Int] = [:]
                    table.reserveCapacity(recorded.count)
                    for (position, stored) in recorded.enumerated() where table[stored.symbol] == nil {
                        table[stored.symbol] = position
                    }
                    bySymbol = table
                }
                match = bySymbol?[function.symbol]
            }
            if let match, Self.storesTheSame(recorded[match], function, files: files) {
                ids.append(functionIDs[match])
            } else {
                ids.append(nil)
            }
        }
        return ids
    }

    /// For each index into `new`, the index into `old` of the file with its
    /// name; nil for a name `new` holds twice (a block's bytes could not tell
    /// which) or `old` lacks.
    static func fileMap(from new: [String], to old: [String]) -> [UInt32?] {
        var oldIndex: [String: UInt32] = [:]
        for (index, name) in old.enumerated() where oldIndex[name] == nil { oldIndex[name] = UInt32(index) }
        var uses: [String: Int] = [:]
        for name in new { uses[name, default: 0] += 1 }
        return new.map { uses[$0] == 1 ? oldIndex[$0] : nil }
    }

    /// `storesTheSame` with `function`'s block files first renumbered by
    /// `files` (nil: the tables are equal); a file it cannot renumber is a difference.
    static func storesTheSame(_ stored: FunctionFingerprint, _ function: FunctionFingerprint, files: [UInt32?]?)
        -> Bool
    {
        guard let files else { return storesTheSame(stored, function) }
        guard stored.blocks.count == function.blocks.count else { return false }
        var renumbered = function
        for index in renumbered.blocks.indices {
            guard let file = function.blocks[index].file else { continue }
            guard Int(file) < files.count, let old = files[Int(file)] else { return false }
            renumbered.blocks[index].file = old
        }
        return storesTheSame(stored, renumbered)
    }

    /// `stored` (decoded or recorded) and `function` encode to the same
    /// bytes: equal in all but the debug-info name hash, which the store
    /// does not keep (other fields it does not keep only make them differ:
    /// then `function` is encoded, which is safe).
    static func storesTheSame(_ stored: FunctionFingerprint, _ function: FunctionFingerprint) -> Bool {
        guard function.nameHash != stored.nameHash else { return stored == function }
        var kept = function
        kept.nameHash = stored.nameHash
        return stored == kept
    }

    /// The module itself is stored under `moduleID`: the same header and the same functions in order.
    func isStored(_ module: ModuleFingerprint, functionIDs ids: [Int64]) -> Bool {
        ids == functionIDs && module.sourceFilename == fingerprint.sourceFilename && module.files == fingerprint.files
            && module.globals == fingerprint.globals && module.testDescriptors == fingerprint.testDescriptors
    }
}
