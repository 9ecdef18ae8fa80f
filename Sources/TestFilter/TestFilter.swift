/// TestFilter: which of the listed tests a run takes, as cargo-nextest decides
/// it: name filters (`-- NAME --exact --skip`), filtersets (`-E`),
/// `--run-ignored`, and `--partition`.
///
/// Owns: the filterset language (parsing, matching), name filters, the
/// ignored rule, partitioning and its stable hash.
/// Invariant: pure. Every answer is a function of the strings and tests given;
/// no I/O, no clock, no randomness (nothing here uses Swift's seeded `Hasher`
/// for anything that decides a shard).
/// Never depends on: cargo, LLVM, the store, the runner, any reporter.
///
/// Where to change what:
/// - `FilterableTest.swift`: what a filter can see of a test.
/// - `Filterset/`: the `-E` language. `Parser.swift` (grammar, errors),
///   `NameMatcher.swift` and `Glob.swift` (`=`, `~`, `/regex/`, `#glob`),
///   `FilterExpression.swift` (the tree and its evaluation).
/// - `NameFilter.swift`, `RunIgnored.swift`, `TestSelectionFilter.swift`:
///   the other filters and how they combine.
/// - `Partition.swift`, `XXHash64.swift`: `--partition`.
/// - `FilterError.swift`: every error, with the input, a column and a caret.
///
/// The order a run applies them (as nextest): name filters ∩ (∪ of `-E`
/// filtersets) ∩ the ignored rule, then the partition over what survived.
