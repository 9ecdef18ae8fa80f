import Foundation

/// What to compare: two files, or the modules of two directories paired by
/// file name (falling back to the crate name without cargo's `-<hash>`).
public struct ModulePairing: Sendable, Equatable {
    public var pairs: [(old: String, new: String)]
    public var onlyOld: [String]
    public var onlyNew: [String]

    public static func == (a: ModulePairing, b: ModulePairing) -> Bool {
        a.pairs.map { [$0.old, $0.new] } == b.pairs.map { [$0.old, $0.new] }
            && a.onlyOld == b.onlyOld && a.onlyNew == b.onlyNew
    }

    /// Both sides files, or both directories; a directory against a file pairs
    /// the file with the directory's module of the same name.
    public static func resolve(old: String, new: String) throws(BlockIRError) -> ModulePairing {
        let oldIsDirectory = try isDirectory(old), newIsDirectory = try isDirectory(new)
        switch (oldIsDirectory, newIsDirectory) {
        case (false, false):
            return ModulePairing(pairs: [(old, new)], onlyOld: [], onlyNew: [])
        case (true, true):
            return pairDirectories(old: try bitcodeFiles(in: old), new: try bitcodeFiles(in: new))
        case (true, false):
            let match = (old as NSString).appendingPathComponent((new as NSString).lastPathComponent)
            return ModulePairing(pairs: [(match, new)], onlyOld: [], onlyNew: [])
        case (false, true):
            let match = (new as NSString).appendingPathComponent((old as NSString).lastPathComponent)
            return ModulePairing(pairs: [(old, match)], onlyOld: [], onlyNew: [])
        }
    }

    private static func isDirectory(_ path: String) throws(BlockIRError) -> Bool {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else {
            throw .fileNotFound(path: path)
        }
        return directory.boolValue
    }

    private static func bitcodeFiles(in directory: String) throws(BlockIRError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(path: directory, reason: "\(error.localizedDescription)")
        }
        let files = names.filter { $0.hasSuffix(".bc") }.sorted()
        guard !files.isEmpty else { throw .noBitcodeInDirectory(path: directory) }
        return files.map { (directory as NSString).appendingPathComponent($0) }
    }

    static func pairDirectories(old: [String], new: [String]) -> ModulePairing {
        var pairs: [(old: String, new: String)] = []
        let newByName = Dictionary(uniqueKeysWithValues: new.map { (($0 as NSString).lastPathComponent, $0) })
        var usedNew = Set<String>()
        var leftOld: [String] = []
        for path in old {
            if let match = newByName[(path as NSString).lastPathComponent] {
                pairs.append((path, match))
                usedNew.insert(match)
            } else {
                leftOld.append(path)
            }
        }
        let leftNew = new.filter { !usedNew.contains($0) }
        // cargo names modules `crate-<16 hex>.bc`; the hash moves with metadata.
        let oldByCrate = Dictionary(grouping: leftOld, by: crateName)
        let newByCrate = Dictionary(grouping: leftNew, by: crateName)
        var onlyOld: [String] = [], onlyNew = Set(leftNew)
        for path in leftOld {
            if let olds = oldByCrate[crateName(path)], olds.count == 1,
                let news = newByCrate[crateName(path)], news.count == 1
            {
                pairs.append((path, news[0]))
                onlyNew.remove(news[0])
            } else {
                onlyOld.append(path)
            }
        }
        return ModulePairing(pairs: pairs, onlyOld: onlyOld, onlyNew: onlyNew.sorted())
    }

    /// `ledger-0f1e2d3c4b5a6978.bc` → `ledger`.
    public static func crateName(_ path: String) -> String {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let dash = name.lastIndex(of: "-") else { return name }
        let suffix = name[name.index(after: dash)...]
        guard suffix.count >= 8, suffix.allSatisfy(\.isHexDigit) else { return name }
        return String(name[..<dash])
    }
}
