import NativeBuild
import Foundation

/// Randomness made repeatable for a replay's test processes
/// (`simulate-history --fixed-random`): an `LD_PRELOAD` library that fills
/// every buffer from one SplitMix64 stream with a fixed seed, whichever way
/// the process asks: `getrandom`/`getentropy` (std's `HashMap` seed),
/// libc's `syscall(SYS_getrandom, …)` (the getrandom crate, and through it
/// quickcheck and proptest), and reads of /dev/urandom or /dev/random opened
/// with `open`/`openat` or `fopen`. A test then takes the same path on every
/// run, and the floor (`AffectedTests`) needs no "nondeterministic" escape
/// for it. A raw `syscall` instruction or a statically linked test still
/// gets real randomness.
public enum FixedRandomness {
    /// The C text (`FixedRandom/trim_fixed_random.c`, embedded at build time).
    static let source = String(decoding: PackageResources.trim_fixed_random_c, as: UTF8.self)
    static let flags = ["-shared", "-fPIC", "-O2", "-Wall", "-Wextra"]

    /// `<directory>/<hash of the source>/libtrimrandom.so`, compiled with `cc` when absent.
    public static func library(cacheDirectory directory: URL) throws(HistoryError) -> URL {
        let hash = CachedNativeBuild.hash(source: source, flags: flags)
        do {
            return try CachedNativeBuild.library(
                in: directory.appendingPathComponent(hash), cacheRoot: directory, product: "libtrimrandom.so",
                sourceName: "trimrandom.c", source: source,
                steps: [.init("cc", flags + ["-o", "libtrimrandom.so", "trimrandom.c"])])
        } catch {
            switch error {
            case .notPrivate(let problem):
                throw .notPrivate(problem)
            case .cacheUnwritable(let path, let reason):
                throw .write(path: path, reason: reason)
            case .toolNotFound(let tool, let reason):
                throw .setup("--fixed-random needs a C compiler to build its getrandom library: \(tool): \(reason)")
            case .buildFailed(let path, let command, let output):
                throw .setup("--fixed-random: building \(path) failed (\(command)):\n\(output)")
            }
        }
    }

    /// What to add to every test's environment: `LD_PRELOAD` with `library`
    /// after whatever `base` (trim's own environment) preloads already.
    public static func environment(library: URL, base: [String: String]) -> [String: String] {
        guard let existing = base["LD_PRELOAD"], !existing.isEmpty else { return ["LD_PRELOAD": library.path] }
        return ["LD_PRELOAD": existing + ":" + library.path]
    }
}
