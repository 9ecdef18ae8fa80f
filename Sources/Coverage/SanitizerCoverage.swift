import Foundation

/// The compiler side of coverage: which flags instrument a crate, and which
/// environment variables the runtime reads.
public enum SanitizerCoverage {
    /// Path the runtime writes its hit dump to (at exit and on fatal signals);
    /// nothing is written when unset. `%p` in it becomes the writer's process
    /// id, so a test's instrumented children do not overwrite its dump.
    public static let coverageFileVariable = "TRIM_COVERAGE_FILE"
    /// Path the runtime writes the binary's PC table to at normal exit.
    public static let pcTableFileVariable = "TRIM_PCTABLE_FILE"

    /// The instrumentation flags (ARCHITECTURE.md, toolchain facts): one guard per basic
    /// block (level 2, no CFG change, no pruning), trace-pc-guard callbacks and
    /// the PC table; then the runtime archive for the linker.
    public static let instrumentationFlags: [String] = [
        "-C", "passes=sancov-module",
        "-C", "llvm-args=-sanitizer-coverage-level=2",
        "-C", "llvm-args=-sanitizer-coverage-prune-blocks=0",
        "-C", "llvm-args=-sanitizer-coverage-trace-pc-guard",
        "-C", "llvm-args=-sanitizer-coverage-pc-table",
    ]

    /// `instrumentationFlags` plus `-C link-arg=<runtimeLibrary>`.
    public static func rustcFlags(runtimeLibrary: URL) -> [String] {
        instrumentationFlags + ["-C", "link-arg=\(runtimeLibrary.path)"]
    }
}
