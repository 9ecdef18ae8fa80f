/// The instrumentation runtime linked into every instrumented binary, as C
/// source (`Runtime/trim_runtime.c`). `CoverageRuntime.library` compiles it once per content hash.
///
/// Contract with the readers (`HitDump`, `PCTable`), all integers little-endian:
///
/// Hit dump (`$TRIM_COVERAGE_FILE`, written at exit and on fatal signals):
///
///     0  "TRIMCOV1"
///     8  u32 format version (1)
///    12  u32 header size (32)
///    16  u32 slot count N (guards numbered 1...N; slot = guard number - 1)
///    20  u32 signal number that ended the process, 0 for a normal exit
///    24  u32 process id
///    28  u32 flags: bit 0 written by a signal handler,
///                   bit 1 incomplete (a guard range could not be registered)
///    32  bitset, ceil(N/8) bytes: bit (k % 8) of byte k / 8 is set when slot k was hit
///
/// PC table (`$TRIM_PCTABLE_FILE`, written at normal exit):
///
///     0  "TRIMPCT1"
///     8  u32 format version (1)
///    12  u32 header size (32)
///    16  u32 entry count E (one per slot, in slot order)
///    20  u32 guard count N (must equal E)
///    24  u32 range count R
///    28  u32 flags: bit 1 incomplete (a PC range could not be registered)
///    32  R range records, each 24 bytes + name:
///          u32 first slot, u32 slot count, u64 load bias,
///          u32 flags (bit 0: the main executable), u32 name length L,
///          then L bytes of the object's path (empty for the main executable),
///          padded with zeros to a multiple of 8
///    ..  E entries of 16 bytes: u64 address minus the load bias of its object
///        (the link-time address the ELF .symtab uses), u64 flags (bit 0: function entry)
enum RuntimeSource {
    static let formatVersion: UInt32 = 1

    /// The C text (`Runtime/trim_runtime.c`, embedded in the executable at build time).
    static let c = String(decoding: PackageResources.trim_runtime_c, as: UTF8.self)

}
