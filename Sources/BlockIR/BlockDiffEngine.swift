import Foundation

/// Runs a whole comparison: resolve the inputs, fingerprint every module of
/// both sides at once (cache first, workers in parallel), pair and diff.
public struct BlockDiffEngine: Sendable {
    public let fingerprinter: Fingerprinter

    public init(fingerprinter: Fingerprinter) {
        self.fingerprinter = fingerprinter
    }

    public func diff(old: String, new: String) throws(BlockIRError) -> BitcodeDiff {
        let pairing = try ModulePairing.resolve(old: old, new: new)
        // Check every file before parsing any, so the first bad one is reported.
        var pairFiles = try pairing.pairs.map { pair throws(BlockIRError) in
            (try BitcodeFile(path: pair.old), try BitcodeFile(path: pair.new))
        }
        var oldOnly = try pairing.onlyOld.map { path throws(BlockIRError) in try BitcodeFile(path: path) }
        var newOnly = try pairing.onlyNew.map { path throws(BlockIRError) in try BitcodeFile(path: path) }

        // Same bytes on both sides of a single pair: nothing can differ.
        if pairFiles.count == 1, oldOnly.isEmpty, newOnly.isEmpty,
            pairFiles[0].0.contentHash == pairFiles[0].1.contentHash
        {
            return BitcodeDiff()
        }

        var unique: [String: BitcodeFile] = [:]
        for file in pairFiles.flatMap({ [$0.0, $0.1] }) + oldOnly + newOnly where unique[file.contentHash] == nil {
            unique[file.contentHash] = file
        }
        let order = unique.keys.sorted()
        var modules: [String: ModuleFingerprint] = [:]
        for (key, result) in zip(order, fingerprinter.crateFingerprints(of: order.map { unique[$0]! })) {
            modules[key] = try result.get()
        }

        // Modules the crate name alone could not pair (a release moved the
        // hashes of a library, its tests and a binary): by role and content.
        let leftPairs = Self.pairByContent(oldOnly: oldOnly, newOnly: newOnly, modules: modules)
        pairFiles += leftPairs
        oldOnly.removeAll { file in leftPairs.contains { $0.0.path == file.path } }
        newOnly.removeAll { file in leftPairs.contains { $0.1.path == file.path } }

        // Each side is one build: references to functions another of its
        // modules defines are folded by that side's definitions.
        let oldModules = Self.resolved(pairFiles.map(\.0) + oldOnly, modules)
        let newModules = Self.resolved(pairFiles.map(\.1) + newOnly, modules)
        let differ = FunctionDiffer(oldGlobals: FunctionDiffer.environment(of: Array(oldModules.values)),
                                    newGlobals: FunctionDiffer.environment(of: Array(newModules.values)))
        let empty = ModuleFingerprint(sourceFilename: "", files: [], functions: [], globals: [:])

        var result = BitcodeDiff()
        for (oldFile, newFile) in pairFiles {
            result.functions += differ.diff(old: oldModules[oldFile.path]!, new: newModules[newFile.path]!,
                                            module: newFile.path)
        }
        for file in oldOnly {
            result.modules.append(.init(path: file.path, status: .removed))
            result.functions += differ.diff(old: oldModules[file.path]!, new: empty, module: file.path)
        }
        for file in newOnly {
            result.modules.append(.init(path: file.path, status: .added))
            result.functions += differ.diff(old: empty, new: newModules[file.path]!, module: file.path)
        }
        return result
    }

    /// One side's modules by path, with `CrossCrateFold` applied across them.
    private static func resolved(_ files: [BitcodeFile], _ modules: [String: ModuleFingerprint])
        -> [String: ModuleFingerprint]
    {
        CrossCrateFold.resolve(Dictionary(files.map { ($0.path, modules[$0.contentHash]!) }, uniquingKeysWith: { a, _ in a }))
    }

    private static func pairByContent(oldOnly: [BitcodeFile], newOnly: [BitcodeFile],
                                      modules: [String: ModuleFingerprint]) -> [(BitcodeFile, BitcodeFile)] {
        guard !oldOnly.isEmpty, !newOnly.isEmpty else { return [] }
        func name(_ file: BitcodeFile) -> String { (file.path as NSString).lastPathComponent }
        let olds = Dictionary(oldOnly.map { (name($0), $0) }, uniquingKeysWith: { a, _ in a })
        let news = Dictionary(newOnly.map { (name($0), $0) }, uniquingKeysWith: { a, _ in a })
        let counterpart = ModuleCounterpart(old: olds.mapValues { modules[$0.contentHash]! },
                                            new: news.mapValues { modules[$0.contentHash]! })
        return oldOnly.compactMap { file in
            counterpart.match(name(file)).flatMap { news[$0] }.map { (file, $0) }
        }
    }
}
