import Foundation

/// What the compiler cargo builds with says of itself, as cargo keeps it in
/// the target directory (`.rustc_info.json`): the text of `rustc -vV` and
/// the toolchain's sysroot. Read instead of asking rustc again: cargo has
/// resolved `RUSTC`, `build.rustc` and rustup's toolchain to the compiler
/// that builds the code, and two runs of rustc through rustup's proxy cost
/// about 40 ms of CPU just as cargo starts.
///
/// Cargo replaces what the file holds when the compiler changes and writes
/// it as it ends, so the file speaks for a build only once cargo has
/// finished it; read before, it speaks for the build before.
public struct RustcInfo: Equatable, Sendable {
    /// `rustc -vV`, without the surrounding whitespace.
    public var version: String
    /// The toolchain's sysroot, nil when the file does not tell it plainly.
    public var sysroot: String?

    public init(version: String, sysroot: String?) {
        self.version = version
        self.sysroot = sysroot
    }

    public static func file(inTargetDirectory targetDirectory: URL) -> URL {
        targetDirectory.appendingPathComponent(".rustc_info.json")
    }

    /// The file cargo left in `targetDirectory`; nil when there is none, it
    /// cannot be read, or it does not name one version (trim then asks rustc).
    public static func read(targetDirectory: URL) -> RustcInfo? {
        guard let data = FileManager.default.contents(atPath: file(inTargetDirectory: targetDirectory).path) else {
            return nil
        }
        return parse(data)
    }

    private struct CachedOutputs: Decodable {
        struct Output: Decodable {
            var success: Bool
            var stdout: String
        }
        var outputs: [String: Output]
    }

    /// The sysroot is the one line of rustc's other answers that is an
    /// absolute directory holding `lib/rustlib`.
    static func parse(_ data: Data) -> RustcInfo? {
        guard let cached = try? JSONDecoder().decode(CachedOutputs.self, from: data) else { return nil }
        let answers = cached.outputs.values.filter(\.success).map(\.stdout)
        let versions = Set(answers.filter(isVersionText).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        guard versions.count == 1, let version = versions.first else { return nil }
        let roots = Set(answers.filter { !isVersionText($0) }.flatMap { $0.split(separator: "\n").map(String.init) }
            .filter { $0.hasPrefix("/") && looksLikeSysroot($0) })
        return RustcInfo(version: version, sysroot: roots.count == 1 ? roots.first : nil)
    }

    /// `rustc -vV`'s answer: `rustc <version>`, then `release:` among its fields.
    static func isVersionText(_ text: String) -> Bool {
        text.hasPrefix("rustc ") && text.contains("\nrelease: ") && text.contains("\nhost: ")
    }

    static func looksLikeSysroot(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path + "/lib/rustlib", isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
