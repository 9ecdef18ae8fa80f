import PrivateFiles

/// Everything that can go wrong building the interposer or reading traces;
/// each case names the file and says what to do.
public enum InputTracingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The C compiler could not be started.
    case toolNotFound(tool: String, reason: String)
    /// Compiling the interposer failed.
    case libraryBuildFailed(path: String, command: String, output: String)
    /// The cache directory cannot be created or written.
    case cacheUnwritable(path: String, reason: String)
    /// The cache, or the interposer in it, is not private to the user: never preloaded.
    case untrustedCache(PrivacyError)
    /// A trace file that exists but cannot be read.
    case unreadableTrace(path: String, reason: String)
    /// A trace file that is not in the interposer's format.
    case malformedTrace(path: String, reason: String)
    /// An executable whose linkage cannot be determined (missing, unreadable, damaged ELF).
    case unreadableExecutable(path: String, reason: String)

    public var path: String? {
        switch self {
        case .toolNotFound: return nil
        case .libraryBuildFailed(let path, _, _), .cacheUnwritable(let path, _), .unreadableTrace(let path, _),
            .malformedTrace(let path, _), .unreadableExecutable(let path, _):
            return path
        case .untrustedCache(let problem): return problem.path
        }
    }

    public var description: String {
        switch self {
        case .toolNotFound(let tool, let reason):
            return "cannot run `\(tool)` to build trim's input tracer: \(reason); install a C compiler "
                + "(e.g. `apt-get install gcc` or `clang`)"
        case .libraryBuildFailed(let path, let command, let output):
            return "\(path): building trim's input tracer failed: `\(command)`:\n\(output)"
        case .cacheUnwritable(let path, let reason):
            return "\(path): cannot write trim's input tracer cache: \(reason); make the directory writable "
                + "or point the cache elsewhere (TRIM_CACHE_DIR)"
        case .untrustedCache(let problem):
            return "trim's input tracer cache: \(problem)"
        case .unreadableTrace(let path, let reason):
            return "\(path): cannot read the input trace: \(reason)"
        case .malformedTrace(let path, let reason):
            return "\(path): not an input trace written by this trim: \(reason)"
        case .unreadableExecutable(let path, let reason):
            return "\(path): cannot tell how it is linked: \(reason)"
        }
    }
}
