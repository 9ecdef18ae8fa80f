/// TrimCLI: the `trim` (and `cargo trim`) command line — subcommands,
/// options, their checks and help — turned into requests for the pipeline,
/// the history replay and the reporters.
///
/// Owns: argument parsing, which reporters a run gets, exit statuses, the
/// printers of answers only a command gives (`trim list -T json`,
/// `trim show-config test-groups`), and how the process allocates
/// (`MallocArenas`, set before any thread starts).
/// Invariant: parses and delegates; no stage of the pipeline is done here.
/// Never depends on: LLVM, the store's tables, the runner's internals.
