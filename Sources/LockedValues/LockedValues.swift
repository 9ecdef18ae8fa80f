/// LockedValues: trim's parallel loops (`ParallelLoop`, on threads of their
/// own) and the two shapes of shared mutable state they need — one slot per
/// work item, filled from any thread and read once the loop has joined
/// (`IndexedSlots`), and one value set by a background task (`LockedBox`).
///
/// Invariant: every read and write goes through one lock per container; a
/// loop has returned only when every iteration has.
/// Never depends on: anything but Foundation.
