import Foundation
import NativeBuild

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The instrumentation runtime (`RuntimeSource.c`), compiled once per content
/// hash into a static archive that instrumented binaries link.
public enum CoverageRuntime {
    /// Flags the runtime is compiled with (part of the cache key).
    static let compileFlags = ["-O2", "-fPIC", "-Wall", "-Wextra", "-c"]

    /// The C source of the runtime.
    public static var source: String { RuntimeSource.c }

    /// Cache key: changes whenever the source or the compile flags change.
    public static var sourceHash: String { CachedNativeBuild.hash(source: RuntimeSource.c, flags: compileFlags) }

    /// `<cacheDirectory>/runtime/<hash of source>/libtrimrt.a`, compiled with
    /// `cc -O2 -fPIC -c` and `ar rcs` when absent (see `CachedNativeBuild`).
    public static func library(cacheDirectory: URL) throws(CoverageError) -> URL {
        let directory = cacheDirectory.appendingPathComponent("runtime").appendingPathComponent(sourceHash)
        do {
            return try CachedNativeBuild.library(
                in: directory, cacheRoot: cacheDirectory, product: "libtrimrt.a", sourceName: "trimrt.c",
                source: RuntimeSource.c,
                steps: [.init("cc", compileFlags + ["trimrt.c", "-o", "trimrt.o"]),
                        .init("ar", ["rcs", "libtrimrt.a", "trimrt.o"])])
        } catch {
            switch error {
            case .notPrivate(let problem): throw .untrustedCache(problem)
            case .cacheUnwritable(let path, let reason): throw .cacheUnwritable(path: path, reason: reason)
            case .toolNotFound(let tool, let reason): throw .toolNotFound(tool: tool, reason: reason)
            case .buildFailed(let path, let command, let output):
                throw .runtimeBuildFailed(path: path, command: command, output: output)
            }
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
