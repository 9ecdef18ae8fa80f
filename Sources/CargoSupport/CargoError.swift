/// What can go wrong talking to cargo or a test binary, each with what to do.
public enum CargoError: Error, CustomStringConvertible, Sendable, Equatable {
    case cargoNotFound
    /// The workspace directory given (`--workspace`) does not exist.
    case workspaceMissing(path: String)
    /// The workspace path given is a file (or anything but a directory).
    case workspaceNotADirectory(path: String)
    /// The workspace directory given has no Cargo.toml.
    case noManifest(directory: String)
    case notAWorkspace(directory: String, cargoSays: String)
    case metadataUnreadable(detail: String)
    case buildFailed(status: Int32)
    case listingFailed(binary: String, status: Int32, output: String)
    case spawnFailed(executable: String, detail: String)
    /// Package or target flags that cannot select anything.
    case badSelection(String)
    case doctestListingFailed(status: Int32, output: String)
    case unitsUnrecorded(crate: String, manifest: String)
    case unitsRecordDamaged(manifest: String, line: String)
    case wrapperNotFound(searched: [String])

    public var description: String {
        switch self {
        case .cargoNotFound:
            return "cargo is not on PATH; install Rust (rustup or Debian's cargo) and try again"
        case .workspaceMissing(let path):
            return "\(path): the workspace directory does not exist"
        case .workspaceNotADirectory(let path):
            return "\(path): the workspace is not a directory; give the directory that holds Cargo.toml"
        case .noManifest(let directory):
            return "\(directory): no Cargo.toml in the workspace directory; give the directory of the workspace "
                + "or of one of its packages"
        case .notAWorkspace(let directory, let says):
            return "\(directory) is not inside a cargo workspace (no Cargo.toml found): \(says)"
        case .metadataUnreadable(let detail):
            return "cannot read `cargo metadata` output: \(detail)"
        case .buildFailed(let status):
            return "the instrumented build failed (cargo exited with status \(status)); see cargo's messages above"
        case .listingFailed(let binary, let status, let output):
            return "listing the tests of \(binary) failed (exit status \(status)): \(output)"
        case .spawnFailed(let executable, let detail):
            return "cannot run \(executable): \(detail)"
        case .badSelection(let message):
            return message
        case .doctestListingFailed(let status, let output):
            return "listing the doctests failed (`cargo test --doc -- --list` exited with status \(status)): \(output)"
        case .unitsUnrecorded(let crate, let manifest):
            return "the build left no record of \(crate)'s codegen units (\(manifest)): "
                + "it was not compiled through trim's rustc wrapper; remove trim's target directory and run again"
        case .unitsRecordDamaged(let manifest, let line):
            return "\(manifest): not a codegen unit of this crate: \(line); remove the file and run again"
        case .wrapperNotFound(let searched):
            return "cannot find the trim executable to act as rustc wrapper (looked at \(searched.joined(separator: ", "))); "
                + "set TRIM_EXECUTABLE to its path"
        }
    }
}
