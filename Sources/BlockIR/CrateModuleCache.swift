import Foundation
import PrivateFiles

/// Each crate's merged module (`CrateModule`: the module and its folded
/// copies), kept by the crate's key: a crate whose units did not change costs
/// one decode, not one per unit and a merge. Beside it, by the same key, its
/// units' layouts (`UnitLayout`), all a test binary's coverage map needs of them.
public struct CrateModuleCache: Sendable {
    public let directory: URL
    /// Bumped whenever `CrateModule`'s merge or this encoding changes meaning.
    /// 3: blocks naming a function the crate only declares keep their
    /// references as tokens for `CrossCrateFold`; functions keep their debug-info name hash.
    static let formatVersion = "3"
    static let magic: [UInt8] = Array("TRIMCM01".utf8)

    /// Beside the unit fingerprints it is made of.
    public init(fingerprints: FingerprintCache) {
        directory = fingerprints.directory
    }

    /// What a crate's merged module is a pure function of: its name, its
    /// units' bytes (their content hashes, in any order) and the versions of
    /// the reader, the unit fingerprints and the merge.
    public static func key(crate: String, unitHashes: [String]) -> String {
        let parts = [crate, "f\(FingerprintCache.formatVersion)", "c\(formatVersion)", "llvm\(ReaderVersion.llvm)"]
            + unitHashes.sorted()
        return ContentHash.of(Data(parts.joined(separator: "\n").utf8))
    }

    public func entry(_ key: String) -> URL { directory.appendingPathComponent("\(key).crate") }

    /// Whether a merge is kept under `key` (without reading it).
    public func contains(key: String) -> Bool { FileManager.default.fileExists(atPath: entry(key).path) }

    /// The cached merge, or nil when absent or unreadable (a damaged entry is
    /// removed, never trusted).
    public func load(key: String) -> CrateModule? {
        let url = entry(key)
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { return nil }
        do {
            return try data.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                guard try r.bytes(Self.magic.count) == Self.magic else {
                    throw FingerprintCodec.DecodingError(description: "bad magic")
                }
                var folded: [CrateModule.UnitFunction: Int] = [:]
                for _ in 0..<(try r.count()) {
                    let unit = try r.string(), symbol = try r.string()
                    folded[CrateModule.UnitFunction(unit: unit, symbol: symbol)] = Int(try r.u32())
                }
                let module = try FingerprintCodec.decode(UnsafeRawBufferPointer(rebasing: raw[r.offset...]))
                return CrateModule(module: module, folded: folded)
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            return nil
        }
    }

    public func layoutEntry(_ key: String) -> URL { directory.appendingPathComponent("\(key).layout") }

    /// The empty file that says a merge under `key` was made once.
    public func sightingEntry(_ key: String) -> URL { directory.appendingPathComponent("\(key).seen") }

    /// Whether a merge under `key` was made before; the first time, an empty
    /// marker is left instead (`sightingEntry`). A crate whose units just
    /// changed is most often edited again before a run meets those units
    /// unchanged, so its merge (megabytes, written beside a build that wants
    /// the cores) is kept only once a second run makes it: a crate left alone
    /// since, or an edit undone. A marker that cannot be made counts as seen.
    public func seenBefore(key: String) -> Bool {
        let marker = open(sightingEntry(key).path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard marker >= 0 else { return true }
        close(marker)
        return false
    }

    /// The units' layouts kept under `key`, in the order stored, or nil when
    /// absent or unreadable (a damaged entry is removed, never trusted).
    public func loadLayouts(key: String) -> [UnitLayout]? {
        let url = layoutEntry(key)
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else { return nil }
        do {
            return try data.withUnsafeBytes { try UnitLayout.decode($0) }
        } catch {
            try? FileManager.default.removeItem(at: url)
            return nil
        }
    }

    /// Keeps the units' layouts, as `store` keeps a merge.
    public func storeLayouts(_ layouts: [UnitLayout], key: String) {
        write(UnitLayout.encode(layouts), to: layoutEntry(key))
    }

    /// Keeps a merge (written under a temporary name and renamed, so a reader
    /// sees all of an entry or none). Failing to cache is not an error.
    public func store(_ crate: CrateModule, key: String) {
        var w = ByteWriter(capacity: FingerprintCodec.estimatedSize(crate.module) + crate.folded.count * 128)
        w.bytes(Self.magic)
        w.u32(UInt32(crate.folded.count))
        for (function, count) in crate.folded.sorted(by: { ($0.key.unit, $0.key.symbol) < ($1.key.unit, $1.key.symbol) }) {
            w.string(function.unit)
            w.string(function.symbol)
            w.u32(UInt32(count))
        }
        FingerprintCodec.encode(crate.module, into: &w)
        write(w.finish(), to: entry(key))
    }

    private func write(_ bytes: [UInt8], to url: URL) {
        // `.<entry>.<random>.<pid>.tmp`: what a killed trim leaves, FingerprintCache sweeps.
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).\(getpid()).tmp").path
        guard (try? WholeFileWrite.create(temporary, bytes: bytes)) != nil else { return }
        if rename(temporary, url.path) != 0 { unlink(temporary) }
    }
}
