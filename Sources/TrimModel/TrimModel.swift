/// TrimModel: the values the pipeline's stages hand each other — a test's
/// key, a build's facts, a test's recorded result and hits, the inputs a
/// test read, and the question "what are those inputs now?".
///
/// Invariant: plain values (and one answering class, `InputState`) with no
/// behaviour beyond construction, comparison and coding; every field means
/// the same thing to the store, selection, coverage and input tracing.
/// Never depends on: any other trim module, the database, LLVM, processes or
/// the file system. Everything else may depend on it.
