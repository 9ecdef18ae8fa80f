/// BlockDiffReport: how `blockdiff` shows a `BitcodeDiff` — as text for
/// people and as JSON for tools.
///
/// Owns: the two output formats and their field names.
/// Invariant: printing only; the diff it is given is never recomputed or
/// filtered here.
/// Never depends on: LLVM, processes, the file system.
