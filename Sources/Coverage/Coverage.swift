/// Coverage: per-test basic-block coverage through SanitizerCoverage.
///
/// Owns: the C runtime linked into instrumented binaries and how it is built,
/// the rustc flags, the readers of the runtime's output (hit dumps, PC tables),
/// of a position-dependent executable's own PC table (`ExecutablePCTable`) and
/// of ELF symbol tables, and the mapping of hit slots to BlockIR blocks.
/// Invariant: a slot is mapped through the PC table and the function symbols,
/// never by array order; a slot that cannot be mapped is reported, not dropped.
/// Never depends on: cargo, the store, the runner.
