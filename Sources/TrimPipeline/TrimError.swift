import BlockIR
import CargoSupport
import Coverage
import Runner
import PostgresStore
import Store

/// A failure of a stage, with the exit status it maps to.
public enum TrimError: Error, CustomStringConvertible {
    case cargo(CargoError)
    case bitcode(BlockIRError)
    case store(StoreError)
    case coverage(CoverageError)
    /// `--db` or `TRIM_DB` is a URL (only the scheme is kept: the rest may hold a password).
    case databaseURL(scheme: String)
    /// `--db`, `TRIM_DB` or `[store] url` is a URL trim cannot use (the error never holds the password).
    case storeURL(PostgresURLError)
    case setup(String)
    /// A `trim archive` file that cannot be written or used.
    case archive(ArchiveError)
    /// SIGINT, SIGTERM or SIGHUP arrived; trim stopped what it had started.
    case interrupted(signal: Int32)

    /// 101 when the build failed (as nextest), 2 for every other setup error.
    public var exitCode: Int32 {
        if case .cargo(.buildFailed) = self { return ExitStatus.buildFailed }
        if case .interrupted = self { return ExitStatus.interrupted }
        return ExitStatus.setupError
    }

    public var description: String {
        switch self {
        case .cargo(let e): return "\(e)"
        case .bitcode(let e): return "\(e)"
        case .store(let e): return "\(e)"
        case .storeURL(let e): return "\(e)"
        case .coverage(let e): return "\(e)"
        case .databaseURL(let scheme):
            return "the database (--db or TRIM_DB) is a \(scheme):// URL; trim keeps its data in a local "
                + "SQLite file only: give a file path"
        case .setup(let message): return message
        case .archive(let e): return "\(e)"
        case .interrupted(let signal):
            return "interrupted by \(SignalNames.name(signal)): stopped everything trim had started; results already recorded are kept"
        }
    }
}

/// trim's exit statuses (documented in the README).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let setupError: Int32 = 2
    public static let testsFailed: Int32 = 100
    public static let buildFailed: Int32 = 101
    /// Stopped by Ctrl-C or SIGTERM: finished results were kept.
    public static let interrupted: Int32 = 130
}
