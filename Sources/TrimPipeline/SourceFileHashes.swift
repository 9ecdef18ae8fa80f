import CargoSupport
import Foundation

/// Every workspace package directory's files with their content hashes
/// (`CrateDigest.files`), for the doctests' crate digests, and whether each
/// package's sources hold no doctest (`DoctestFreeLibrary`, read here rather
/// than on the way from cargo's end to the first test): hashed once a
/// run, on a thread of lower priority started as soon as the workspace is
/// known, so that cargo's build hides it (each library's digest takes the
/// files of every member it depends on: hashed again for each of them, a
/// workspace's sources were read once a library after cargo had ended).
///
/// Hashed before the build ends on purpose, never after: a doctest is
/// compiled from the sources when it runs, so an edit made meanwhile gives
/// the next run another digest, and the doctest runs again.
final class SourceFileHashes: @unchecked Sendable {
    private let work: PendingWork<(files: [String: [(String, String)]], doctestFree: [String: Bool])>
    private let otherPackages: Set<String>
    private let targetDirectory: String

    init(workspace: CargoWorkspace) {
        let packages = Set(workspace.packages.map { CrateDigest.standardized($0.directory) })
        let outside = Set(workspace.packages.flatMap(\.pathDependencies).map(CrateDigest.standardized))
            .subtracting(packages)
        let (target, directories) = (workspace.targetDirectory, packages.union(outside).sorted())
        otherPackages = packages
        targetDirectory = target
        work = PendingWork(yielding: true) { () throws(TrimError) in
            var files: [String: [(String, String)]] = [:]
            for directory in directories {
                files[directory] = CrateDigest.files(of: directory, otherPackages: packages, targetDirectory: target)
            }
            var doctestFree: [String: Bool] = [:]
            // Those `isCertain` reads: libraries (it starts from one and follows
            // library dependencies), none with a build script, a procedural macro
            // or a dependency from outside.
            for package in workspace.packages where package.libraryCrateName != nil
                && package.targets["custom-build"] == nil && package.targets["proc-macro"] == nil
                && !package.hasOutsideDependencies
            {
                doctestFree[CrateDigest.standardized(package.directory)] =
                    DoctestFreeLibrary.sourcesAreDoctestFree(of: package, workspace: workspace)
            }
            return (files, doctestFree)
        }
    }

    /// `directory`'s files and hashes, as hashed for this run (waited for);
    /// hashed now for a directory the workspace did not name.
    func files(of directory: String) -> [(String, String)] {
        let key = CrateDigest.standardized(directory)
        if let hashed = (try? work.wait())?.files[key] { return hashed }
        return CrateDigest.files(of: key, otherPackages: otherPackages, targetDirectory: targetDirectory)
    }

    /// Package directory → whether its sources are free of doctests, as read
    /// for this run (waited for): what `DoctestFreeLibrary.isCertain` reads.
    func doctestFreeSources() -> [String: Bool] { (try? work.wait())?.doctestFree ?? [:] }

    /// Waits for the hashing (`trim run` does before its session ends; it
    /// only reads the workspace's files, never the session's).
    func finish() { work.finish() }
}
