/// Runner: executes tests, one process each, several at once, and tells what
/// happens as a stream of `TestEvent`s.
///
/// Owns: spawning, waiting, timing, retries, timeouts, stopping early
/// (fail-fast, Ctrl-C), cleaning up every process a test leaves behind.
/// Invariant: everything a reporter shows comes from the events; reporters
/// never reach into the runner.
/// Never depends on: cargo, LLVM, the store, any reporter.
