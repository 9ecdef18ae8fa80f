import CargoSupport
import Foundation
import TrimModel

/// `trim-archive.json`, the first entry of a `trim archive` file: the build as
/// `trim run` needs it without building. Paths of archived files are relative
/// to the archive's `target/` (trim's target dir, `<cargo target>/trim`).
struct ArchiveManifest: Codable {
    /// Raised whenever a field changes meaning; an archive of a newer version is refused.
    static let currentVersion = 1
    static let fileName = "trim-archive.json"
    static let formatName = "trim-archive"

    var format: String
    var version: Int
    /// Where the workspace was when the archive was built.
    var workspaceRoot: String
    /// trim's target dir when the archive was built (`<cargo target>/trim`).
    var targetDirectory: String
    /// `--cargo-profile` / `--release` as given (picks the database, as for a build).
    var cargoProfile: String?
    var facts: BuildFacts
    /// Workspace source files the blocks point at → content hash, as built.
    var sourceFiles: [String: String]
    var binaries: [Binary]
    /// Every crate module of the build: the binaries' own and the libraries they link.
    var crates: [Crate]
    var modulesOfBinary: [String: [String]]
    /// Every other entry's name → BLAKE3 of its bytes: tar checks only its
    /// headers, so a damaged byte inside a file is caught here.
    var digests: [String: String]

    struct Binary: Codable {
        var id: String
        var package: String
        var target: String
        var kind: String
        var executable: String
        var bitcode: String
        /// The package directory, relative to the workspace root when inside it.
        var packageDirectory: String
        var environment: [String: String]
    }

    struct Crate: Codable {
        /// The module key (`ledger-0123456789abcdef.bc`).
        var key: String
        var units: [String]
    }

    /// Fails when the text is not a manifest this trim can read.
    static func decode(_ data: Data) throws(TarFile.Problem) -> ArchiveManifest {
        struct Version: Decodable {
            var format: String
            var version: Int
        }
        guard let head = try? JSONDecoder().decode(Version.self, from: data) else {
            throw TarFile.Problem("it is corrupt: its \(fileName) is not valid JSON")
        }
        guard head.format == formatName else {
            throw TarFile.Problem("it is not a trim archive (its \(fileName) says format \"\(head.format)\")")
        }
        guard head.version <= currentVersion else {
            throw TarFile.Problem("it was made by a newer trim (archive format v\(head.version); this trim reads up to "
                                  + "v\(currentVersion)); upgrade trim or build the archive again with this one")
        }
        do { return try JSONDecoder().decode(ArchiveManifest.self, from: data) } catch {
            throw TarFile.Problem("it is corrupt: its \(fileName) is not a version \(head.version) manifest"
                                  + Self.missingField(error))
        }
    }

    /// `` (missing `binaries`)`` when that is what failed, else nothing.
    static func missingField(_ error: Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return " (missing `\(key.stringValue)`)" }
        return ""
    }

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}

/// A problem with an archive file, always naming it.
public struct ArchiveError: Error, CustomStringConvertible {
    public var file: String
    public var problem: String
    public var description: String { "\(file): \(problem)" }
}
