import Foundation
import RustcWrapping

/// Reading the record the rustc wrapper keeps of a crate's current
/// codegen-unit bitcode files (`UnitFiles`).
public enum CodegenUnits {
    /// `<out-dir>/<stem>.trim-units`: one file name per line.
    public static func manifestPath(outDirectory: String, stem: String) -> String {
        (outDirectory as NSString).appendingPathComponent(UnitFiles.recordName(stem: stem))
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
        units.reserveCapacity(names.count)
        let directory = outDirectory.hasSuffix("/") ? outDirectory : outDirectory + "/"
        for name in names {
            guard UnitFiles.isUnitFile(name, stem: stem), !name.utf8.contains(UInt8(ascii: "/")) else {
                throw .unitsRecordDamaged(manifest: path, line: name)
            }
            let unit = directory + name
            // access(2), not FileManager: read for every unit of every crate once cargo ends.
            guard access(unit, F_OK) == 0 else {
                throw .unitsRecordDamaged(manifest: path, line: name + " (no such file)")
            }
            units.append(unit)
        }
        return units
    }
}
