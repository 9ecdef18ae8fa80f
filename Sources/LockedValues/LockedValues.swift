/// LockedValues: the two shapes of shared mutable state trim's parallel loops
/// need — one slot per work item, filled from any thread and read once the
/// loop has joined (`IndexedSlots`), and one value set by a background task
/// (`LockedBox`).
///
/// Invariant: every read and write goes through one lock per container.
/// Never depends on: anything but Foundation.
