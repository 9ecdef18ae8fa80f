import PrivateFiles

/// Everything that can go wrong building the runtime or reading coverage
/// output; each case names the file and says what to do.
public enum CoverageError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but cannot be read (permissions, a directory, I/O error).
    case unreadable(path: String, reason: String)
    /// A hit dump or PC table that does not start with trim's magic.
    case notCoverageFile(path: String, expected: String)
    /// A hit dump or PC table written by another version of the runtime.
    case unsupportedFormat(path: String, version: UInt32)
    /// A hit dump or PC table shorter or longer than its header says.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// A hit dump or PC table whose fields contradict each other.
    case corrupt(path: String, reason: String)
    /// Not an ELF file at all.
    case notELF(path: String)
    /// An ELF file trim cannot read (32-bit, big-endian).
    case unsupportedELF(path: String, reason: String)
    /// An ELF file whose headers point outside the file or are inconsistent.
    case damagedELF(path: String, reason: String)
    /// An ELF file without `.symtab` (stripped).
    case noSymbolTable(path: String)
    /// A hit dump and a PC table from different binaries.
    case slotCountMismatch(dumpPath: String, dumpSlots: UInt32, pcTablePath: String, tableSlots: UInt32)
    /// The C compiler or archiver could not be started.
    case toolNotFound(tool: String, reason: String)
    /// Compiling or archiving the runtime failed.
    case runtimeBuildFailed(path: String, command: String, output: String)
    /// The runtime cache directory cannot be created or written.
    case cacheUnwritable(path: String, reason: String)
    /// The runtime cache, or the runtime in it, is not private to the user.
    case untrustedCache(PrivacyError)

    public var path: String? {
        switch self {
        case .fileNotFound(let p), .unreadable(let p, _), .notCoverageFile(let p, _), .unsupportedFormat(let p, _),
            .truncated(let p, _, _), .corrupt(let p, _), .notELF(let p), .unsupportedELF(let p, _),
            .damagedELF(let p, _), .noSymbolTable(let p), .runtimeBuildFailed(let p, _, _),
            .cacheUnwritable(let p, _):
            return p
        case .slotCountMismatch(let p, _, _, _): return p
        case .untrustedCache(let problem): return problem.path
        case .toolNotFound: return nil
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file or directory"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        case .notCoverageFile(let path, let expected):
            return "\(path): not a trim \(expected) (bad magic); was it written by trim's coverage runtime?"
        case .unsupportedFormat(let path, let version):
            return "\(path): format version \(version) is not supported by this trim; "
                + "rebuild the tests with this trim's runtime and run them again"
        case .truncated(let path, let expected, let actual):
            return "\(path): truncated (\(actual) bytes, \(expected) expected); the process was probably "
                + "killed while writing it: treat the test's coverage as unknown and run it again"
        case .corrupt(let path, let reason):
            return "\(path): damaged: \(reason); delete it and run the test again"
        case .notELF(let path):
            return "\(path): not an ELF executable (bad magic); give the test binary itself"
        case .unsupportedELF(let path, let reason):
            return "\(path): unsupported ELF file: \(reason); trim reads 64-bit little-endian ELF only"
        case .damagedELF(let path, let reason):
            return "\(path): damaged ELF file: \(reason); rebuild the test binary"
        case .noSymbolTable(let path):
            return "\(path): has no .symtab (stripped?); build tests without `strip` "
                + "(profile `strip = \"none\"` or \"debuginfo\") so coverage can be mapped"
        case .slotCountMismatch(let dumpPath, let dumpSlots, let pcTablePath, let tableSlots):
            return "\(dumpPath): has \(dumpSlots) coverage slots but the PC table \(pcTablePath) has \(tableSlots); "
                + "they come from different builds: write the PC table from the same binary that ran the test"
        case .toolNotFound(let tool, let reason):
            return "cannot run `\(tool)` to build trim's coverage runtime: \(reason); install a C compiler "
                + "(e.g. `apt-get install gcc binutils` or `clang`)"
        case .runtimeBuildFailed(let path, let command, let output):
            return "\(path): building trim's coverage runtime failed: `\(command)`:\n\(output)"
        case .cacheUnwritable(let path, let reason):
            return "\(path): cannot write trim's runtime cache: \(reason); make the directory writable "
                + "or point the cache elsewhere (TRIM_CACHE_DIR)"
        case .untrustedCache(let problem):
            return "trim's coverage runtime cache: \(problem)"
        }
    }
}
