/// NativeBuild: the small C libraries trim compiles for itself (the coverage
/// runtime, the input interposer, the fixed-random library), built once per
/// content hash into the user's private cache and found there afterwards.
///
/// Invariant: a library is either absent or complete (built under a temporary
/// name, renamed into place), and it is used only from a directory that is
/// the user's own and writable by no one else.
/// Never depends on: what the libraries do — coverage, tracing and history
/// hand in their source and flags.
