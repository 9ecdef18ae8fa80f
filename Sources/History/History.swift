/// History: `trim simulate-history`. Replays the last N commits of a git
/// repository in one scratch worktree at a fixed path and measures, commit by
/// commit, what trim would have selected at block, function and file grain
/// against the truth of a full run; optionally injects mutants into the code
/// each commit changed and checks every test failing under them was selected.
///
///     for each commit, oldest first:        (ScratchWorktree: git worktree, fixed path)
///       checkout ─► build once ─► select at 3 grains vs the previous commit's data   (RunPipeline.plan(at:))
///                 └► full run (--all, no fail-fast) ─► truth + coverage recorded     (RunPipeline.run)
///       for each mutant: mutate ─► copy db ─► select ─► full run on the copy ─► restore
///     rows ─► CSV (HistoryCSV) ─► summary (HistorySummary)
///
/// Owns: the replay order, the scratch space, mutation operators, the CSV and
/// the summary. Invariant: the user's working tree, index, HEAD and branch
/// are never touched (every git command runs in the scratch worktree or only
/// adds/removes that worktree), and every build of a replay uses the same
/// worktree path and the same private target dir (ARCHITECTURE.md, toolchain facts: paths).
/// Never depends on: argument parsing, terminal details.
