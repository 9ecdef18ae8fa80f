import PrivateFiles
import TrimPipeline

/// Why a replay could not start or had to stop. A commit that does not
/// build is not an error: it is recorded as such and skipped.
public enum HistoryError: Error, CustomStringConvertible {
    case notARepository(path: String, gitSays: String)
    case git(arguments: [String], directory: String, says: String)
    case noCommits(revision: String)
    /// cargo's target dir is not the scratch one: replay would share built
    /// artifacts with another copy of the workspace (ARCHITECTURE.md, toolchain facts: paths).
    case targetDirectoryNotPrivate(expected: String, actual: String?)
    /// Another replay of this repository holds the scratch directory.
    case scratchBusy(path: String)
    /// The scratch space, or a library in it, is not private to the user.
    case notPrivate(PrivacyError)
    case pipeline(TrimError)
    case setup(String)
    /// A file the replay was asked to write (`--plans`) could not be written.
    case write(path: String, reason: String)
    /// Ctrl-C or SIGTERM during a run.
    case interrupted

    public var description: String {
        switch self {
        case .notARepository(let path, let says):
            return "\(path): not inside a git repository (git says: \(says))"
        case .git(let arguments, let directory, let says):
            return "git \(arguments.joined(separator: " ")) failed in \(directory): \(says)"
        case .noCommits(let revision):
            return "no commits to replay from \(revision)"
        case .targetDirectoryNotPrivate(let expected, let actual):
            return "CARGO_TARGET_DIR must be the replay's own \(expected) (it is \(actual ?? "unset")): "
                + "a target dir shared with another copy of the workspace makes cargo reuse the other copy's binaries"
        case .scratchBusy(let path):
            return "\(path) is in use by another `trim simulate-history` of this repository"
        case .notPrivate(let problem):
            return "simulate-history's scratch space: \(problem)"
        case .pipeline(let error):
            return "\(error)"
        case .setup(let message):
            return message
        case .write(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .interrupted:
            return "interrupted"
        }
    }
}
