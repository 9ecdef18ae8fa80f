import Foundation

/// The bitcode files of one crate's codegen units from its latest rustc
/// call, as the rustc wrapper recorded them beside the crate's outputs.
///
/// rustc names them `<stem>.<unit>.<session>.rcgu.bc`; the session part
/// changes on every call, so older calls' files stay in `deps/`. Only this
/// record says which are current: a listing of `deps/` never does.
public enum CodegenUnits {
    /// `<out-dir>/<stem>.trim-units`: one file name per line.
    public static func manifestPath(outDirectory: String, stem: String) -> String {
        (outDirectory as NSString).appendingPathComponent(stem + ".trim-units")
    }

    /// Whether `name` is a unit bitcode file of the crate output `stem`:
    /// `<stem>.<unit>.<session>.rcgu.bc`, or `<stem>.bc` when rustc builds
    /// the crate as one unit (`TRIM_CODEGEN_UNITS=1`), rewritten in place.
    static func isUnitFile(_ name: String, stem: String) -> Bool {
        name == stem + ".bc" || (name.hasPrefix(stem + ".") && name.hasSuffix(".rcgu.bc"))
    }

    /// The unit files of `stem` in `directory` now.
    static func unitFiles(in directory: String, stem: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(names.filter { isUnitFile($0, stem: stem) })
    }

    /// Replaces the record atomically: a reader sees the old list or the new one.
    static func write(_ names: [String], outDirectory: String, stem: String) throws {
        let path = manifestPath(outDirectory: outDirectory, stem: stem)
        let temporary = path + ".\(getpid()).tmp"
        try Data(names.sorted().map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "reason": reason])
        }
    }

    /// The current unit files (absolute paths) of the crate whose artifact
    /// sits at `deps/<stem>`; throws when the wrapper left no record (the crate
    /// was not built through it) or a listed file is missing.
    public static func read(outDirectory: String, stem: String) throws(CargoError) -> [String] {
        let path = manifestPath(outDirectory: outDirectory, stem: stem)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unitsUnrecorded(crate: stem, manifest: path)
        }
        let names = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard !names.isEmpty else { throw .unitsUnrecorded(crate: stem, manifest: path) }
        var units: [String] = []
        for name in names {
            guard isUnitFile(name, stem: stem), !name.contains("/") else {
                throw .unitsRecordDamaged(manifest: path, line: name)
            }
            let unit = (outDirectory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: unit) else {
                throw .unitsRecordDamaged(manifest: path, line: name + " (no such file)")
            }
            units.append(unit)
        }
        return units
    }
}
