import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `cargo metadata`'s answer for a directory, reused while nothing it reads
/// has changed: every `Cargo.toml`, `.cargo/config*` and `rust-toolchain*`
/// from the directory up, `Cargo.lock`, the members' manifests and the
/// directories between the root and each member (a new member directory
/// changes one of them), `$CARGO_HOME/config*`, the variables that move the
/// target dir, and the cargo executable. Any difference (or a missing or
/// damaged entry) runs cargo again.
struct MetadataCache {
    let directory: URL

    /// `$TRIM_CACHE_DIR`, else `$XDG_CACHE_HOME/trim`, else `~/.cache/trim`: `<that>/metadata`.
    static func defaultDirectory(environment: [String: String]) -> URL {
        let base: String
        if let explicit = environment["TRIM_CACHE_DIR"], !explicit.isEmpty {
            base = explicit
        } else {
            base = (environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache"))
                + "/trim"
        }
        return URL(fileURLWithPath: base).appendingPathComponent("metadata")
    }

    struct Stamp: Codable, Equatable {
        var path: String
        var exists: Bool
        var size: Int64
        var modified: Int64
        var inode: UInt64

        init(_ path: String) {
            self.path = path
            var info = stat()
            if stat(path, &info) == 0 {
                exists = true
                size = Int64(info.st_size)
                modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                inode = UInt64(info.st_ino)
            } else {
                exists = false
                size = 0
                modified = 0
                inode = 0
            }
        }
    }

    struct Entry: Codable {
        var environment: [String: String]
        var stamps: [Stamp]
        var output: Data
    }

    static let environmentKeys = ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "CARGO_HOME", "RUSTUP_TOOLCHAIN"]

    private func entryFile(for workingDirectory: String, cargo: String) -> URL {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (workingDirectory + "\0" + cargo).utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return directory.appendingPathComponent(String(hash, radix: 16) + ".json")
    }

    /// The cached output, when every input is as it was.
    func load(workingDirectory: String, cargo: String, environment: [String: String]) -> Data? {
        guard let data = FileManager.default.contents(atPath: entryFile(for: workingDirectory, cargo: cargo).path),
            let entry = try? JSONDecoder().decode(Entry.self, from: data),
            entry.environment == Self.relevant(environment),
            entry.stamps.allSatisfy({ Stamp($0.path) == $0 })
        else { return nil }
        return entry.output
    }

    /// Keeps `output` with the stamps of what it depends on. Failing to cache is not an error.
    func store(_ output: Data, workspaceRoot: String, memberManifests: [String], workingDirectory: String,
               cargo: String, environment: [String: String]) {
        var paths = [cargo, (workspaceRoot as NSString).appendingPathComponent("Cargo.lock")]
        for directory in CargoConfigFiles.directories(upFrom: workingDirectory) {
            for name in ["Cargo.toml", "rust-toolchain.toml", "rust-toolchain"] {
                paths.append((directory as NSString).appendingPathComponent(name))
            }
        }
        paths += CargoConfigFiles.paths(from: workingDirectory, environment: environment)
        for manifest in memberManifests {
            paths.append(manifest)
            var member = (manifest as NSString).deletingLastPathComponent
            while member.hasPrefix(workspaceRoot) && member.count >= workspaceRoot.count {
                paths.append(member)
                let parent = (member as NSString).deletingLastPathComponent
                if parent == member { break }
                member = parent
            }
        }
        let entry = Entry(environment: Self.relevant(environment), stamps: Array(Set(paths)).sorted().map(Stamp.init),
                          output: output)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let file = entryFile(for: workingDirectory, cargo: cargo)
        let temporary = file.path + ".\(getpid()).tmp"
        guard (try? data.write(to: URL(fileURLWithPath: temporary))) != nil else { return }
        if rename(temporary, file.path) != 0 { unlink(temporary) }
    }

    private static func relevant(_ environment: [String: String]) -> [String: String] {
        environment.filter { environmentKeys.contains($0.key) }
    }
}
