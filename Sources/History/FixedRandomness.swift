import Coverage
import Foundation

/// `getrandom(2)` made repeatable for a replay's test processes
/// (`simulate-history --fixed-random`): an `LD_PRELOAD` library whose
/// `getrandom` fills every buffer from one SplitMix64 stream with a fixed
/// seed. Rust's `HashMap` seeds its hasher from `getrandom` (std looks the
/// symbol up weakly so that it can be interposed), so with it a test iterates
/// its maps in the same order, and takes the same path, on every run: the
/// floor (`AffectedTests`) then needs no "nondeterministic" escape for it.
/// Only the libc symbol is replaced: a raw `syscall(SYS_getrandom)`, a read
/// of /dev/urandom or a statically linked test still gets real randomness.
public enum FixedRandomness {
    static let source = """
        #include <stddef.h>
        #include <stdint.h>
        #include <sys/types.h>

        /* A counter advanced atomically per 8 bytes, each value mixed by SplitMix64:
           the bytes depend only on how many were asked for before. */
        static uint64_t position;

        static uint64_t mixed(uint64_t z) {
            z += 0x9e3779b97f4a7c15ull;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            return z ^ (z >> 31);
        }

        ssize_t getrandom(void *buffer, size_t length, unsigned int flags) {
            (void)flags;
            unsigned char *bytes = buffer;
            size_t done = 0;
            while (done < length) {
                uint64_t word = mixed(__atomic_fetch_add(&position, 1, __ATOMIC_RELAXED));
                for (int i = 0; i < 8 && done < length; i++, done++) bytes[done] = (unsigned char)(word >> (8 * i));
            }
            return (ssize_t)length;
        }
        """
    static let flags = ["-shared", "-fPIC", "-O2"]

    /// `<directory>/<hash of the source>/libtrimrandom.so`, compiled with `cc` when absent.
    public static func library(cacheDirectory directory: URL) throws(HistoryError) -> URL {
        let hash = CachedNativeBuild.hash(source: source, flags: flags)
        do {
            return try CachedNativeBuild.library(
                in: directory.appendingPathComponent(hash), product: "libtrimrandom.so", sourceName: "trimrandom.c",
                source: source, steps: [.init("cc", flags + ["-o", "libtrimrandom.so", "trimrandom.c"])],
                privateRoot: directory)
        } catch {
            switch error {
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
