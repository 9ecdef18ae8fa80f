import BitcodeReader
import BlockIR
import Foundation
import ProcessSpawn
import Testing

/// Block lines (what `trim coverage` and the editor show) come from the worker,
/// as fingerprints do: the same answer as a read in this process, cached by
/// content, and every failure an error naming the file.
@Suite struct BlockLinesWorkerTests {
    static let source = """
        pub fn classify(n: i32) -> &'static str {
            if n < 0 {
                "negative"
            } else {
                "positive"
            }
        }
        """

    func fingerprinter(_ builds: FixtureBuilds) throws -> Fingerprinter {
        Fingerprinter(cache: FingerprintCache(directory: builds.root.appendingPathComponent("cache")),
                      reader: try IsolatedReader())
    }

    @Test func theWorkersLinesAreTheInProcessReadAndAreCached() throws {
        let builds = try FixtureBuilds()
        defer { try? FileManager.default.removeItem(at: builds.root) }
        let path = try builds.rust("lines", Self.source)
        let file = try BitcodeFile(path: path)
        let fingerprinter = try fingerprinter(builds)
        let viaWorker = try fingerprinter.blockLines(of: file)
        let inProcess = try ShimReader.blockLines(path: path).get()
        #expect(viaWorker == inProcess)
        let classify = try #require(viaWorker.functions.first { $0.key.contains("classify") }?.value)
        let lines = Set(classify.flatMap { $0.map(\.line) })
        #expect(lines.isSuperset(of: [2, 3, 5]), "\(lines)")
        #expect(classify.allSatisfy { $0.allSatisfy { $0.file.hasPrefix("/") && $0.file.hasSuffix("src/lib.rs") } })

        let entry = fingerprinter.cache.linesEntry(for: file)
        #expect(FileManager.default.fileExists(atPath: entry.path))
        #expect(try fingerprinter.blockLines(of: file) == viaWorker)
        // A damaged entry is never trusted: read again.
        try Data("TRIMBL01 not lines".utf8).write(to: entry)
        #expect(try fingerprinter.blockLines(of: file) == viaWorker)
        // Several files (a crate's units) at once, in order; each worker's
        // answer lands whole even when two write the same entry.
        try FileManager.default.removeItem(at: entry)
        let second = try BitcodeFile(path: try builds.rust("other", "pub fn one() -> u32 {\n    1\n}\n"))
        let several = fingerprinter.blockLines(of: [file, second, file])
        #expect(try several.map { try $0.get() } == [viaWorker, ShimReader.blockLines(path: second.path).get(), viaWorker])
    }

    @Test func damagedBitcodeIsAnErrorNamingTheFile() throws {
        let builds = try FixtureBuilds()
        defer { try? FileManager.default.removeItem(at: builds.root) }
        let path = try builds.rust("whole", Self.source)
        let damaged = builds.root.appendingPathComponent("damaged.bc").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: damaged))
        let fingerprinter = try fingerprinter(builds)
        do {
            _ = try fingerprinter.blockLines(of: try BitcodeFile(path: damaged))
            Issue.record("half a bitcode file read without an error")
        } catch {
            #expect(error.path == damaged)
            #expect(error.description.hasPrefix(damaged + ": "), "\(error)")
        }
        // In a batch, the files around it are read all the same, and the
        // error is its own (a worker stops at the file it fails on).
        let other = try builds.rust("other", "pub fn one() -> u32 {\n    1\n}\n")
        let batch = fingerprinter.blockLines(of: [try BitcodeFile(path: path), try BitcodeFile(path: damaged),
                                                  try BitcodeFile(path: other)])
        #expect(try batch[0].get() == ShimReader.blockLines(path: path).get())
        #expect(throws: (any Error).self) { try batch[1].get() }
        if case .failure(let error) = batch[1] { #expect(error.path == damaged, "\(error)") }
        #expect(try batch[2].get() == ShimReader.blockLines(path: other).get())

        let text = builds.root.appendingPathComponent("text.bc").path
        try Data("not bitcode".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: BlockIRError.notBitcode(path: text)) { try BitcodeFile(path: text) }
    }

    /// A crate's few small units left to read go to one worker; a damaged
    /// one among them is still an error naming it, and the units after it
    /// are read all the same.
    @Test func smallUnitsAreReadByOneWorkerAndADamagedOneIsNamed() throws {
        let builds = try FixtureBuilds()
        defer { try? FileManager.default.removeItem(at: builds.root) }
        let paths = try (0..<3).map { try builds.rust("unit\($0)", "pub fn f\($0)(n: u32) -> u32 {\n    n + \($0)\n}\n") }
        // The worker, behind a script that notes each start.
        let log = builds.root.appendingPathComponent("starts.log").path
        let script = builds.root.appendingPathComponent("worker.sh").path
        try "#!/bin/sh\necho start >> '\(log)'\nexec '\(try IsolatedReader().workerPath)' \"$@\"\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        func starts() -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let files = try paths.map { try BitcodeFile(path: $0) }
        let fingerprinter = Fingerprinter(cache: FingerprintCache(directory: builds.root.appendingPathComponent("cache")),
                                          reader: try IsolatedReader(workerPath: script), parallelism: 2)
        let read = fingerprinter.unitFingerprints(of: files)
        #expect(starts() == 1, "three small units, one worker")
        #expect(fingerprinter.statistics.parsed == 3 && fingerprinter.statistics.cached == 0)
        for (result, path) in zip(read, paths) {
            #expect(try result.get() == ShimReader.read(path: path).get())
        }

        let damaged = builds.root.appendingPathComponent("damaged.bc").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: damaged))
        let others = try (3..<5).map { try builds.rust("unit\($0)", "pub fn g\($0)() -> u32 {\n    \($0)\n}\n") }
        let batch = fingerprinter.unitFingerprints(of: try [others[0], damaged, others[1]].map { try BitcodeFile(path: $0) })
        #expect(try batch[0].get() == ShimReader.read(path: others[0]).get())
        if case .failure(let error) = batch[1] { #expect(error.path == damaged, "\(error)") } else {
            Issue.record("half a bitcode file read without an error")
        }
        #expect(try batch[2].get() == ShimReader.read(path: others[1]).get())
        #expect(starts() > 2, "what the batch left is read one file at a time")
    }

    @Test func theWorkerReadsOnlyWithTheLLVMItIsAskedFor() throws {
        let builds = try FixtureBuilds()
        defer { try? FileManager.default.removeItem(at: builds.root) }
        let path = try builds.rust("version", Self.source)
        let worker = try IsolatedReader().workerPath
        let output = builds.root.appendingPathComponent("out.lines").path
        let other = try ChildProcess.run(worker, ["--lines", "--llvm-version", "1.0.0", path, output])
        #expect(other.status == WorkerProtocol.otherLLVM)
        #expect(String(decoding: other.stderr, as: UTF8.self) == ShimReader.loadedLLVMVersion + "\n")
        #expect(!FileManager.default.fileExists(atPath: output))
        let same = try ChildProcess.run(worker, ["--lines", "--llvm-version", ReaderVersion.llvm, path, output])
        #expect(same.status == 0, "\(String(decoding: same.stderr, as: UTF8.self))")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(try data.withUnsafeBytes { try BlockLinesCodec.decode($0) } == ShimReader.blockLines(path: path).get())
        // The headers trim is built against are the libLLVM the worker loads.
        #expect(ReaderVersion.llvm == ShimReader.loadedLLVMVersion)
    }

    /// BLAKE3's published test vectors (empty input, "abc"), truncated to 16 bytes.
    @Test func contentHashIsBLAKE3() {
        #expect(ContentHash.of(Data()) == "af1349b9f5f9a1a6a0404dea36dcc949")
        #expect(ContentHash.of(Data("abc".utf8)) == "6437b3ac38465133ffb63b75273a8db5")
    }
}
