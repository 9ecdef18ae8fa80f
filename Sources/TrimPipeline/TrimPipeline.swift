/// TrimPipeline: ties the stages of `trim run` together: build (CargoSupport),
/// fingerprint (BlockIR), list, run (Runner → events → Reporting), map hits
/// (Coverage) and record (Store).
///
/// Owns: the order of the stages and what each passes on; trim's paths; build
/// archives (`trim archive`, and the build a run takes from one instead of cargo).
/// Invariant: every finished test's result is committed to the store soon
/// after it is known (`GroupCommit`: what finished within 25 ms of a group's
/// first result, one transaction), and an interrupted run keeps every result
/// committed before; nothing made while cargo ran (a listing, a coverage
/// map, a selection) is used unless it was made from exactly what the
/// finished build holds.
/// Never depends on: argument parsing or terminal details.
