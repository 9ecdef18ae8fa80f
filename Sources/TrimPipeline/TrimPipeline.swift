/// TrimPipeline: ties the stages of `trim run` together: build (CargoSupport),
/// fingerprint (BlockIR), list, run (Runner → events → Reporting), map hits
/// (Coverage) and record (Store).
///
/// Owns: the order of the stages and what each passes on; trim's paths; build
/// archives (`trim archive`, and the build a run takes from one instead of cargo).
/// Invariant: every finished test's result is committed to the store as soon
/// as it is known, each in its own transaction.
/// Never depends on: argument parsing or terminal details.
