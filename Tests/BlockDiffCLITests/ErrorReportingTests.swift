import Foundation
import Testing

/// Every way the inputs can be wrong ends with exit status 2 and one line on
/// stderr that names the file and says what is wrong with it, in words.
@Suite("blockdiff reports bad inputs")
struct ErrorReportingTests {
    /// Exit 2 on its own (no signal), nothing on stdout, and a stderr that starts
    /// with `blockdiff: error:`, names `path` and contains one of `causes`.
    func expectError(_ run: BlockDiffRun, naming path: String, cause causes: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!run.signaled && !run.timedOut, "ended by a signal: \(run)", sourceLocation: sourceLocation)
        #expect(run.exited(with: 2), "expected exit 2: \(run)", sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty, "nothing belongs on stdout: \(run)", sourceLocation: sourceLocation)
        #expect(run.stderr.hasPrefix("blockdiff: error: "), "\(run)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(path), "stderr must name \(path): \(run)", sourceLocation: sourceLocation)
        #expect(causes.contains { run.stderr.localizedCaseInsensitiveContains($0) },
                "stderr must say \(causes.map { "'\($0)'" }.joined(separator: " or ")): \(run)",
                sourceLocation: sourceLocation)
    }

    /// A scratch directory holding a copy of the shared Rust fixture as `good.bc`.
    func scratchWithGoodBitcode() throws -> (TemporaryDirectory, URL) {
        let scratch = try TemporaryDirectory(prefix: "blockdiff-errors")
        let good = scratch.file("good.bc")
        try FileManager.default.copyItem(at: try Fixtures.sharedRustBitcode.get(), to: good)
        return (scratch, good)
    }

    @Test("a missing file, as OLD or as NEW, is named as missing")
    func missingFile() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let missing = scratch.file("does-not-exist.bc").path

        expectError(try await BlockDiffRunner.run([missing, good.path]), naming: missing, cause: ["no such file"])
        expectError(try await BlockDiffRunner.run([good.path, missing]), naming: missing, cause: ["no such file"])
    }

    @Test("/dev/null and a FIFO, as OLD or as NEW, are named as not regular files (a FIFO is never opened)")
    func specialFiles() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let fifo = scratch.file("pipe.bc").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for special in ["/dev/null", fifo] {
            expectError(try await BlockDiffRunner.run([special, good.path], timeout: 20), naming: special,
                        cause: ["not a regular file"])
            expectError(try await BlockDiffRunner.run([good.path, special], timeout: 20), naming: special,
                        cause: ["not a regular file"])
        }
    }

    @Test("an empty file is named as empty")
    func emptyFile() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let empty = scratch.file("empty.bc")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())

        expectError(try await BlockDiffRunner.run([good.path, empty.path]), naming: empty.path, cause: ["empty"])
        expectError(try await BlockDiffRunner.run([empty.path, good.path]), naming: empty.path, cause: ["empty"])
    }

    @Test("a text file is named as not bitcode")
    func textFile() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let text = scratch.file("notes.bc")
        try Data("these are notes, not bitcode\n".utf8).write(to: text)

        expectError(try await BlockDiffRunner.run([good.path, text.path]), naming: text.path,
                    cause: ["not an LLVM bitcode file"])
        // Shorter than the 4-byte magic.
        let tiny = scratch.file("tiny.bc")
        try Data([0x42, 0x43]).write(to: tiny)
        expectError(try await BlockDiffRunner.run([tiny.path, good.path]), naming: tiny.path,
                    cause: ["not an LLVM bitcode file"])
    }

    @Test("a native object file (compiled without -emit-llvm) is named as not bitcode")
    func objectFile() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let object = try Fixtures.compileC(Fixtures.cSource(), named: "native", in: scratch.url, bitcode: false)

        expectError(try await BlockDiffRunner.run([good.path, object.path]), naming: object.path,
                    cause: ["not an LLVM bitcode file"])
    }

    /// Cut points given as a function of the file size, so they stay valid
    /// whatever rustc emits.
    static let cuts: [(label: String, length: @Sendable (Int) -> Int)] = [
        ("magic only (4 bytes)", { _ in 4 }),
        ("8 bytes", { _ in 8 }),
        ("1001 bytes (not a multiple of 4)", { _ in 1001 }),
        ("4096 bytes", { _ in 4096 }),
        ("half, rounded down to 4", { ($0 / 2) & ~3 }),
        ("half + 1 (not a multiple of 4)", { (($0 / 2) & ~3) + 1 }),
        ("all but the last 4 bytes", { $0 - 4 }),
        ("all but the last byte", { $0 - 1 }),
    ]

    @Test("a truncated real .bc is reported as damaged, cut anywhere", arguments: 0..<cuts.count)
    func truncatedBitcode(cut: Int) async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let bytes = try Data(contentsOf: good)
        let length = Self.cuts[cut].length(bytes.count)
        try #require(length > 0 && length < bytes.count)
        let truncated = scratch.file("truncated-\(length).bc")
        try bytes.prefix(length).write(to: truncated)

        let run = try await BlockDiffRunner.run([good.path, truncated.path])
        // Bitcode is a stream of 32-bit words: an odd length can only be a cut; on a
        // word boundary LLVM says "can't skip to bit N" past the end or "ends too soon".
        expectError(run, naming: truncated.path, cause: ["truncated"])
    }

    @Test("a directory without .bc files is named as such")
    func directoryWithoutBitcode() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let empty = scratch.file("empty-dir")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let other = scratch.file("other-dir")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("not a module".utf8).write(to: other.appendingPathComponent("notes.txt"))
        try Data("; textual IR is not read".utf8).write(to: other.appendingPathComponent("good.ll"))
        let full = scratch.file("full-dir")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: good, to: full.appendingPathComponent("good.bc"))

        let cause = ["holds no .bc files"]
        expectError(try await BlockDiffRunner.run([empty.path, full.path]), naming: empty.path, cause: cause)
        expectError(try await BlockDiffRunner.run([full.path, empty.path]), naming: empty.path, cause: cause)
        expectError(try await BlockDiffRunner.run([other.path, full.path]), naming: other.path, cause: cause)
    }

    @Test("a directory against a file names the module missing from the directory")
    func directoryAgainstFile() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let directory = scratch.file("build")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: good, to: directory.appendingPathComponent("other.bc"))

        let expected = directory.appendingPathComponent("good.bc").path
        expectError(try await BlockDiffRunner.run([directory.path, good.path]), naming: expected,
                    cause: ["no such file"])
    }

    @Test("a subdirectory named like a module is named as unreadable")
    func directoryNamedLikeModule() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let old = scratch.file("old"), new = scratch.file("new")
        try FileManager.default.createDirectory(at: old.appendingPathComponent("good.bc"),
                                                withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: new, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: good, to: new.appendingPathComponent("good.bc"))

        expectError(try await BlockDiffRunner.run([old.path, new.path]),
                    naming: old.appendingPathComponent("good.bc").path, cause: ["is a directory"])
    }

    // Tests usually run as root here, and root reads a mode-000 file anyway, so
    // the case can only be checked as an ordinary user.
    @Test("an unreadable file is named as unreadable", .disabled(if: geteuid() == 0, "root can read a mode-000 file"))
    func unreadableFile() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let locked = scratch.file("locked.bc")
        try FileManager.default.copyItem(at: good, to: locked)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked.path)

        expectError(try await BlockDiffRunner.run([good.path, locked.path]), naming: locked.path,
                    cause: ["cannot be read", "permission"])
    }

    @Test("a cache directory that cannot be created is an error naming it")
    func unusableCacheDirectory() async throws {
        let (scratch, good) = try scratchWithGoodBitcode()
        defer { scratch.remove() }
        let changed = try Fixtures.compileRust(Fixtures.rustLibrary(multiplier: 37), named: "changed", in: scratch.url)
        let notADirectory = scratch.file("cache-is-a-file")
        try Data("x".utf8).write(to: notADirectory)

        expectError(try await BlockDiffRunner.run([good.path, changed.path], cache: .shared(notADirectory)),
                    naming: notADirectory.path, cause: ["cache"])
    }

    @Test("bad arguments exit 2 with ArgumentParser's message and the usage", arguments: [
        ([], "Missing expected argument '<old>'"),
        (["only-one.bc"], "Missing expected argument '<new>'"),
        (["a.bc", "b.bc", "c.bc"], "Unexpected argument 'c.bc'"),
        (["a.bc", "b.bc", "--no-such-option"], "Unknown option '--no-such-option'"),
        (["a.bc", "b.bc", "--jobs", "many"], "The value 'many' is invalid for '--jobs <jobs>'"),
        (["a.bc", "b.bc", "--jobs"], "Missing value for '--jobs <jobs>'"),
    ])
    func badArguments(_ arguments: [String], message: String) async throws {
        let run = try await BlockDiffRunner.run(arguments, cache: .omitted)
        #expect(!run.signaled && !run.timedOut, "\(run)")
        #expect(run.exited(with: 2), "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(run.stderr.hasPrefix("Error: \(message)"), "\(run)")
        #expect(run.stderr.localizedCaseInsensitiveContains("usage: blockdiff <old> <new>"), "\(run)")
    }

    // `--help` used to abort: main.swift force-cast the parsed command to
    // BlockDiffCommand, but ArgumentParser answers --help with a HelpCommand.
    @Test("--help exits 0 with the usage on stdout", arguments: [["--help"], ["-h"], ["old.bc", "--help"]])
    func help(_ arguments: [String]) async throws {
        let run = try await BlockDiffRunner.run(arguments, cache: .omitted)
        #expect(run.exited(with: 0), "\(run)")
        #expect(run.stdout.contains("USAGE: blockdiff"), "\(run)")
        #expect(run.stdout.contains("Exit status:"), "\(run)")
    }
}
