import BlockIR
import Foundation
import Testing
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// A reader killed with `kill -9` leaves `.<entry>.<pid>.<n>.err` and a
/// worker's `.<entry>.<pid>.tmp` in the fingerprint cache: the next run
/// removes those whose process is gone, and keeps a live run's.
@Suite struct LeftoverCacheFileTests {
    @Test func theNextRunRemovesTheFilesOfKilledProcesses() async throws {
        let scratch = try TemporaryDirectory(prefix: "blockdiff-leftovers")
        defer { scratch.remove() }
        let old = try Fixtures.compileC(Fixtures.cSource(threshold: 100), named: "old", in: scratch.url)
        let new = try Fixtures.compileC(Fixtures.cSource(threshold: 200), named: "new", in: scratch.url)
        let cache = scratch.file("cache")
        let fingerprints = cache.appendingPathComponent("fingerprints")
        try FileManager.default.createDirectory(at: fingerprints, withIntermediateDirectories: true)

        let killed = try ChildProcess.start("/bin/sleep", ["60"])
        let live = try ChildProcess.start("/bin/sleep", ["60"])
        defer { live.signal(SIGTERM); _ = live.wait() }
        let gone = killed.pid
        let abandoned = [".0123abcd-f8-llvm22.fp.\(gone).77.err", ".0123abcd-f8-llvm22.fp.\(gone).tmp"]
        let kept = [".4567abcd-f8-llvm22.fp.\(live.pid).5.err", "notes.err"]
        for name in abandoned + kept { try Data().write(to: fingerprints.appendingPathComponent(name)) }
        killed.signal(SIGKILL)
        _ = killed.wait()

        let run = try await BlockDiffRunner.run([old.path, new.path], cache: .shared(cache))
        #expect(run.exited(with: 1), "\(run)")
        let left = try FileManager.default.contentsOfDirectory(atPath: fingerprints.path)
        for name in abandoned { #expect(!left.contains(name), "\(name) stayed") }
        for name in kept { #expect(left.contains(name), "\(name) was removed") }
    }
}
