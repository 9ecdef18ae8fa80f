import Foundation
import TrimModel

/// Which recorded paths and variables count as a test's inputs.
///
/// Files: only paths inside the workspace, written relative to its root;
/// never the target directory, the system's pseudo-files (`/proc`, `/sys`,
/// `/dev`), the toolchain (rustup and cargo homes, the rustc sysroot,
/// `/usr/lib`, ...) or what the configuration ignores (`[inputs] ignore`).
/// Variables: every variable read except trim's own (`TRIM_*`, `LD_PRELOAD`,
/// which change from run to run by design) and the configured ones
/// (`[inputs] ignore-env`, by default `TERM`, `TERMINFO`, `TERMINFO_DIRS`:
/// libtest reads them in every test only to colour its own output, which
/// trim captures). libtest's and std's behavioural variables
/// (`RUST_TEST_THREADS`, `RUST_MIN_STACK`, `RUST_BACKTRACE`, ...) are kept:
/// their values are hashed, so they select a test only when they change.
public struct InputFilter: Hashable, Sendable {
    /// Variables trim sets or changes itself: never inputs.
    public static let trimVariables = ["TRIM_*", "LD_PRELOAD"]
    /// `[inputs] ignore-env` when the configuration does not set it.
    public static let defaultIgnoredVariables = ["TERM", "TERMINFO", "TERMINFO_DIRS"]
    /// Never inputs, even inside the workspace.
    public static let systemDirectories = [
        "/proc", "/sys", "/dev", "/run", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/share", "/lib", "/lib64",
        "/etc/ld.so.cache", "/etc/ld.so.preload",
    ]

    /// The workspace root, absolute and normalised.
    public let workspaceRoot: String
    /// The root as written and with symbolic links resolved (traces show real paths).
    let rootForms: [String]
    /// Absolute directories whose contents are never inputs.
    public let ignoredDirectories: [String]
    /// Configured globs (relative to the root, or absolute).
    public let ignore: [PathPattern]
    /// Names, or prefixes ending in `*`.
    public let ignoredVariables: [String]

    /// - Parameters:
    ///   - targetDirectory: cargo's target directory (wherever it is).
    ///   - ignore: `[inputs] ignore` globs.
    ///   - ignoreVariables: `[inputs] ignore-env` (nil: `defaultIgnoredVariables`); trim's own are added.
    ///   - toolchainDirectories: e.g. `rustc --print sysroot`; the rustup and cargo homes are added from `environment`.
    public init(
        workspaceRoot: URL, targetDirectory: URL?, ignore: [String] = [], ignoreVariables: [String]? = nil,
        toolchainDirectories: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        let root = PathNormalizer.normalize(workspaceRoot.path)
        self.workspaceRoot = root
        let real = PathNormalizer.normalize(workspaceRoot.resolvingSymlinksInPath().path)
        rootForms = real == root ? [root] : [root, real]
        var directories = Self.systemDirectories + toolchainDirectories + Self.toolchainHomes(environment)
        if let targetDirectory {
            directories.append(targetDirectory.path)
            directories.append(targetDirectory.resolvingSymlinksInPath().path)
        }
        // A directory holding the workspace itself (a workspace under /usr/lib) would hide all of it.
        let forms = rootForms
        ignoredDirectories = Array(Set(directories.filter { !$0.isEmpty }.map(PathNormalizer.normalize)))
            .filter { directory in !forms.contains { Self.isWithin($0, directory) } }.sorted()
        self.ignore = ignore.map(PathPattern.init)
        ignoredVariables = Self.trimVariables + (ignoreVariables ?? Self.defaultIgnoredVariables)
    }

    /// `$RUSTUP_HOME` (else `~/.rustup`) and `$CARGO_HOME` (else `~/.cargo`).
    static func toolchainHomes(_ environment: [String: String]) -> [String] {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        var result: [String] = []
        if let rustup = environment["RUSTUP_HOME"], !rustup.isEmpty {
            result.append(rustup)
        } else if let home {
            result.append(home + "/.rustup")
        }
        if let cargo = environment["CARGO_HOME"], !cargo.isEmpty {
            result.append(cargo)
        } else if let home {
            result.append(home + "/.cargo")
        }
        return result
    }

    /// The workspace-relative form of an absolute path when it is an input
    /// (`.` for the root itself), else nil.
    public func relativePath(forAbsolute path: String) -> String? {
        // Most paths a process touches are outside the workspace (the loader, /proc, /etc): say so
        // cheaply, for paths normalising cannot move (no `.` or `..` segment, no `//`).
        if !Self.mayNeedNormalizing(path), !rootForms.contains(where: { path.utf8.starts(with: $0.utf8) }) {
            return nil
        }
        let normalized = Self.mayNeedNormalizing(path) ? PathNormalizer.normalize(path) : path
        guard normalized.hasPrefix("/") else { return nil }
        for root in rootForms where Self.isWithin(normalized, root) {
            let relative =
                normalized.utf8.count == root.utf8.count
                ? "."
                : String(decoding: normalized.utf8.dropFirst(root == "/" ? 1 : root.utf8.count + 1), as: UTF8.self)
            return tracks(relative: relative, absolute: normalized) ? relative : nil
        }
        return nil
    }

    /// Whether a workspace-relative path is still an input under this
    /// filter's ignore list (for comparing against an older record).
    public func tracks(relativePath: String) -> Bool {
        let path = relativePath.hasSuffix("/") ? String(relativePath.dropLast()) : relativePath
        return tracks(relative: path, absolute: PathNormalizer.normalize(workspaceRoot + "/" + path))
    }

    private func tracks(relative: String, absolute: String) -> Bool {
        if ignoredDirectories.contains(where: { Self.isWithin(absolute, $0) }) { return false }
        for pattern in ignore {
            if pattern.isAbsolute ? pattern.matches(absolute) : relative != "." && pattern.matches(relative) {
                return false
            }
        }
        return true
    }

    public func tracks(variable name: String) -> Bool {
        !ignoredVariables.contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
        }
    }

    /// The absolute path of a workspace-relative one (a listing's `/` dropped).
    public func absolutePath(_ relativePath: String) -> String {
        let path = relativePath.hasSuffix("/") ? String(relativePath.dropLast()) : relativePath
        return path.hasPrefix("/") ? path : PathNormalizer.normalize(workspaceRoot + "/" + path)
    }

    static func isWithin(_ path: String, _ directory: String) -> Bool {
        if directory == "/" { return true }
        let bytes = path.utf8
        let prefix = directory.utf8
        guard bytes.starts(with: prefix) else { return false }
        let rest = bytes.dropFirst(prefix.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }

    /// Whether `path` has a `.` or `..` segment or a `//` (so normalising may change it).
    static func mayNeedNormalizing(_ path: String) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if previous == UInt8(ascii: "/"), byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") { return true }
            previous = byte
        }
        return false
    }
}
