import Foundation
import ProcessSpawn
import Testing
@testable import TrimPipeline

/// trim's ustar files against GNU tar, both ways, with a name too long for
/// the header's name field alone and an executable; and an entry given twice.
@Suite struct TarFileTests {
    static let longName = "target/debug/deps/" + String(repeating: "a", count: 60) + "/"
        + String(repeating: "b", count: 70) + ".rcgu.bc"

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-tar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func gnuTarReadsWhatTrimWritesAndTrimReadsWhatGNUTarWrites() throws {
        let directory = try Self.scratch()
        let executable = directory.appendingPathComponent("tool")
        try Data("#!/bin/sh\necho hi\n".utf8).write(to: executable)
        chmod(executable.path, 0o755)
        let archive = directory.appendingPathComponent("mine.tar")
        let writer = try TarFile.Writer(creating: archive)
        try writer.add(name: Self.longName, data: Data(repeating: 7, count: 1000))
        try writer.add(name: "bin/tool", file: executable)
        try writer.finish()

        let byGNU = directory.appendingPathComponent("by-gnu")
        try FileManager.default.createDirectory(at: byGNU, withIntermediateDirectories: true)
        let extracted = try ChildProcess.run("/usr/bin/tar", ["-xf", archive.path, "-C", byGNU.path])
        #expect(extracted.status == 0, "\(String(decoding: extracted.stderr, as: UTF8.self))")
        #expect(try Data(contentsOf: byGNU.appendingPathComponent(Self.longName)) == Data(repeating: 7, count: 1000))
        #expect(FileManager.default.isExecutableFile(atPath: byGNU.appendingPathComponent("bin/tool").path))

        let gnuArchive = directory.appendingPathComponent("gnu.tar")
        let packed = try ChildProcess.run("/usr/bin/tar", ["--format=ustar", "-cf", gnuArchive.path, "-C", byGNU.path,
                                                           Self.longName, "bin/tool"])
        #expect(packed.status == 0, "\(String(decoding: packed.stderr, as: UTF8.self))")
        let byTrim = directory.appendingPathComponent("by-trim")
        try FileManager.default.createDirectory(at: byTrim, withIntermediateDirectories: true)
        let names = try TarFile.extract(gnuArchive, into: byTrim)
        #expect(names.contains(Self.longName) && names.contains("bin/tool"), "\(names)")
        #expect(try Data(contentsOf: byTrim.appendingPathComponent(Self.longName)) == Data(repeating: 7, count: 1000))
        #expect(FileManager.default.isExecutableFile(atPath: byTrim.appendingPathComponent("bin/tool").path))
    }

    @Test func anEntryGivenTwiceIsRefused() throws {
        let directory = try Self.scratch()
        let archive = directory.appendingPathComponent("twice.tar")
        let writer = try TarFile.Writer(creating: archive)
        try writer.add(name: "a/file", data: Data("first".utf8))
        try writer.add(name: "a/file", data: Data("second".utf8))
        try writer.finish()
        let into = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: into, withIntermediateDirectories: true)
        #expect(throws: TarFile.Problem.self) { try TarFile.extract(archive, into: into) }
        #expect(try String(contentsOf: into.appendingPathComponent("a/file"), encoding: .utf8) == "first")
    }
}
