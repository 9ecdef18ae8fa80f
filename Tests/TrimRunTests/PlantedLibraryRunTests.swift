import Foundation
import InputTracing
import Testing
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// `trim run` with a library someone else could have planted where trim
/// caches its input interposer: exit 2 naming the file, and no test process
/// ever loads it.
@Suite struct PlantedLibraryRunTests {
    @Test func aGroupWritableInterposerIsRefusedAndNeverPreloaded() throws {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        // A cache of this test's own (TRIM_CACHE_DIR): never the user's, which
        // every other trim on the machine uses.
        let cache = workspace.root.appendingPathComponent("user-cache/trim")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let directory = cache.appendingPathComponent("inputs/\(InputTracer.sourceHash)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let library = directory.appendingPathComponent("libtrimio.so")
        let source = ExampleWorkspace.repository.appendingPathComponent("Tests/HistoryTests/Fixtures/planted.c")
        let compile = try ChildProcess.run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-o", library.path, source.path],
                                           stdout: .inherit, stderr: .inherit)
        try #require(compile.status == 0)
        chmod(library.path, 0o775)
        let marker = workspace.root.appendingPathComponent("planted-library-was-loaded")

        let outcome = try workspace.run(["run", "--no-progress"],
                                        environment: ["PLANTED_MARKER": marker.path, "TRIM_CACHE_DIR": cache.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(library.path): refused: writable by group or others (mode 0775)"),
                "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "the planted library was loaded")
    }
}
