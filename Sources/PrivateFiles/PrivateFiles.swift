/// PrivateFiles: the directories and files trim keeps for the user alone —
/// the user cache (`$XDG_CACHE_HOME/trim`, else `~/.cache/trim`), history
/// scratch space, cached native libraries — and the leftovers a killed run
/// leaves behind (trace files, temporary cache entries).
///
/// Owns: creating directories `0700`, the checks that refuse a symbolic
/// link, another user's directory or a group/other-writable one, removing
/// leftovers of processes that are gone, and writing a new cache file whole
/// past the page cache (`WholeFileWrite`).
/// Invariant: nothing trim loads or runs is taken from a place someone else
/// could have written; a refused place is an error naming the path, never
/// silently used or repaired.
/// Never depends on: cargo, LLVM, the store, the runner.
