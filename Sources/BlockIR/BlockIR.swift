/// BlockIR: normalised basic-block fingerprints of LLVM bitcode, and their diff.
///
/// Owns: asking the isolated worker process (trim-ir-worker) for a file's
/// fingerprint or block lines and caching its answers, content hashes, the
/// fingerprint value types and their binary encoding, and the pairing of
/// functions and blocks across two builds.
/// Invariant: a fingerprint is a pure function of a file's bytes and the
/// reader's version; cache entries name both.
/// Never depends on: libLLVM (reading in this process is `BitcodeReader`'s,
/// for the worker only), printing, the store, the runner.
