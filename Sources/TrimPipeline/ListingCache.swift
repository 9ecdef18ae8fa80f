import BlockIR
import CargoSupport
import Foundation

/// Test binaries' listings (their tests and the PC table the runtime writes
/// while they list), kept by the binary's content hash: a binary whose bytes
/// did not change is not run again to list itself.
struct ListingCache: Sendable {
    let directory: URL

    struct Entry {
        var tests: [ListedTest]
        var pcTable: URL
    }

    /// The binary's content hash, or nil when it cannot be read (then nothing is cached).
    static func key(of binary: TestBinary) -> String? { ContentHash.of(file: binary.executable) }

    private func testsFile(_ key: String) -> URL { directory.appendingPathComponent("\(key).tests") }
    private func tableFile(_ key: String) -> URL { directory.appendingPathComponent("\(key).pctable") }

    /// The cached listing; `needsTable`: only with its PC table.
    func load(_ binary: TestBinary, key: String, needsTable: Bool) -> Entry? {
        guard let data = FileManager.default.contents(atPath: testsFile(key).path) else { return nil }
        if needsTable && !FileManager.default.fileExists(atPath: tableFile(key).path) { return nil }
        var tests: [ListedTest] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        where !line.isEmpty {
            guard line.count >= 2, let flag = line.first, flag == "0" || flag == "1" else { return nil }
            tests.append(ListedTest(binary: binary.id, name: String(line.dropFirst(2)), ignored: flag == "1"))
        }
        return Entry(tests: tests, pcTable: tableFile(key))
    }

    /// Keeps a listing (written under temporary names and renamed, so a reader
    /// sees all of an entry or none). Failing to cache is not an error.
    func store(_ tests: [ListedTest], pcTable: URL?, key: String) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let suffix = ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        if let pcTable {
            let temporary = tableFile(key).path + suffix
            guard (try? FileManager.default.copyItem(atPath: pcTable.path, toPath: temporary)) != nil else { return }
            guard rename(temporary, tableFile(key).path) == 0 else { unlink(temporary); return }
        }
        let text = tests.map { ($0.ignored ? "1 " : "0 ") + $0.name + "\n" }.joined()
        let temporary = testsFile(key).path + suffix
        guard (try? Data(text.utf8).write(to: URL(fileURLWithPath: temporary))) != nil else { return }
        if rename(temporary, testsFile(key).path) != 0 { unlink(temporary) }
    }

    /// Removes the listings of binaries other than `keys` (older builds').
    func prune(keeping keys: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names {
            let key = name.split(separator: ".").first.map(String.init) ?? name
            if !keys.contains(key) { unlink(directory.appendingPathComponent(name).path) }
        }
    }
}
