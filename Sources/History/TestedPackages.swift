import CargoSupport
import Foundation

/// The directories of the packages a replay tests, to keep mutants where a
/// test can fail: a file belongs to the innermost workspace member whose
/// directory holds it, and counts when the selection tests that member. A
/// file of no member (a `benchmarks/` crate outside the workspace, a
/// script) or of a member left out by `-p` is never mutated.
struct TestedPackages {
    /// (directory with a trailing slash, tested) for every member, innermost first.
    let members: [(directory: String, tested: Bool)]

    init(workspace: CargoWorkspace, selection: PackageSelection) {
        members = workspace.packages
            .map { (Self.canonical($0.directory) + "/", selection.tests($0)) }
            .sorted { $0.0.count > $1.0.count }
    }

    func contains(file: URL) -> Bool {
        let path = Self.canonical(file.path)
        return members.first { path.hasPrefix($0.directory) }?.tested ?? false
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }
}
