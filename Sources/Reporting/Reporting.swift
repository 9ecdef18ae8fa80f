/// Reporting: what a run looks like to people and to tools — the human
/// progress and summary, JSON Lines events, JUnit XML, and `trim plan`'s
/// table of selected tests with their reasons.
///
/// Owns: every format trim prints about tests and their selection.
/// Invariant: a reporter sees only the runner's events (and the plan it is
/// given); it never reaches into the runner, and it reads no clock of its own.
/// Never depends on: cargo, LLVM, the store, the pipeline.
