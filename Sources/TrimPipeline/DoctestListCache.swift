import BlockIR
import CargoSupport
import Foundation

/// The last doctest listing, kept with a key of everything it depends on.
/// Listing runs rustdoc over every library (twice when some doctest exists:
/// once more with `--ignored`), the slowest step of a run that builds
/// nothing; a listing is a pure function of the libraries' sources (each
/// package's `CrateDigest`), the cargo arguments, the toolchain, cargo's and
/// rustc's environment variables and cargo's configuration files.
struct DoctestListCache {
    let file: URL

    /// `digests`: every workspace library's package → its `CrateDigest`.
    static func key(digests: [String: String], arguments: [String], toolchain: String, cargo: DoctestCargo,
                    environment: [String: String] = ProcessInfo.processInfo.environment) -> String
    {
        var text = "doctest-list 1\ncargo \(cargo.workspace.cargo)\n\(toolchain)\n"
        text += arguments.map { "argument \($0)\n" }.joined()
        for (name, value) in cargo.environment(base: environment).sorted(by: { $0.key < $1.key })
        where name.hasPrefix("CARGO") || name.hasPrefix("RUST") {
            text += "env \(name)=\(value)\n"
        }
        for path in CargoConfigFiles.paths(from: cargo.directory.path, environment: environment) {
            text += "config \(path) \(ContentHash.of(file: path) ?? "missing")\n"
        }
        for (package, digest) in digests.sorted(by: { $0.key < $1.key }) { text += "package \(package) \(digest)\n" }
        return ContentHash.of(Data(text.utf8))
    }

    /// The listing kept under `key`, or nil (absent, another key, unreadable).
    func load(key: String) -> DoctestList? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == key, lines.last == "end" else { return nil }
        var packages: [String] = []
        var doctests: [Doctest] = []
        for line in lines.dropFirst().dropLast() {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            switch (fields.first, fields.count) {
            case ("package", 2): packages.append(fields[1])
            case ("0", 3), ("1", 3): doctests.append(Doctest(package: fields[1], name: fields[2], ignored: fields[0] == "1"))
            default: return nil
            }
        }
        return DoctestList(packages: packages, doctests: doctests)
    }

    /// Keeps `list` under `key` (written under a temporary name and renamed).
    /// Failing to cache is not an error.
    func store(_ list: DoctestList, key: String) {
        let fields = list.packages + list.doctests.flatMap { [$0.package, $0.name] }
        guard !fields.contains(where: { $0.contains("\n") || $0.contains("\t") }) else { return }
        var text = key + "\n"
        text += list.packages.map { "package\t\($0)\n" }.joined()
        text += list.doctests.map { "\($0.ignored ? "1" : "0")\t\($0.package)\t\($0.name)\n" }.joined()
        text += "end"
        let temporary = file.path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else { return }
        if rename(temporary, file.path) != 0 { unlink(temporary) }
    }
}
