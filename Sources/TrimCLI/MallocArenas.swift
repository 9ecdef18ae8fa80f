import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How many malloc arenas trim's threads share.
///
/// glibc gives a thread that allocates while others do an arena of its own,
/// up to eight per core, and grows each a page at a time, with one
/// `mprotect` call per page and every page touched fresh. trim's work while
/// cargo builds (merges, the store's records, cache writes) runs on many
/// short-lived threads: on shop, one-line edits, 6,700 `mprotect` calls a
/// run. With as many arenas as cores (at least two, since one made threads
/// wait on its lock: a run 20 ms slower), 1,800.
public enum MallocArenas {
    /// Sets glibc's arena limit; before any thread is started. Elsewhere, nothing.
    public static func limitToProcessorCount() {
        #if os(Linux)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        // glibc has it, but its header is not among those Swift's importer reads.
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "mallopt") else { return }
        let arenaMaximum: Int32 = -8  // M_ARENA_MAX
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaximum, Int32(max(2, min(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 64))))
        #endif
    }
}
