/// BlockIR: normalised basic-block fingerprints of LLVM bitcode, and their diff.
///
/// Owns: reading bitcode (through CLLVMShim, in an isolated worker process),
/// the fingerprint value types, their binary encoding and on-disk cache, and
/// the pairing of functions and blocks across two builds.
/// Invariant: a fingerprint is a pure function of a file's bytes.
/// Never depends on: printing, the store, the runner.
