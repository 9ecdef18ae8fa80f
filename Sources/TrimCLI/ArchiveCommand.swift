import ArgumentParser
import CargoSupport
import Foundation
import TrimPipeline

/// `trim archive`: build once, run elsewhere with `trim run --archive-file`.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Build the tests instrumented and pack them, with what selection needs, into one file that "
            + "`trim run --archive-file` runs on another machine or checkout without building.")

    @OptionGroup var workspace: WorkspaceArguments

    @Option(help: "The archive to write: a .tar, or a .tar.zst (compressed with zstd).")
    var archiveFile: String

    func run() throws {
        let summary = try BuildArchive.create(try workspace.options(), file: archiveFile)
        let megabytes = String(format: "%.1f", Double(summary.bytes) / 1_048_576)
        FileHandle.standardError.write(Data(
            "trim: archived \(summary.binaries) test binaries (\(summary.files) files, \(megabytes) MB) into \(summary.file)\n".utf8))
    }
}

/// `trim run --archive-file F [--workspace-remap DIR]`.
struct ArchiveArguments: ParsableArguments {
    @Option(help: "Run the build in this archive (made by trim archive) instead of building.")
    var archiveFile: String?

    @Option(help: "With --archive-file: the checkout to run in and record into (default: -C, else the current directory).")
    var workspaceRemap: String?

    func apply(to request: inout RunRequest) throws {
        guard let archiveFile else {
            if workspaceRemap != nil { throw ValidationError("--workspace-remap needs --archive-file") }
            return
        }
        var building = request.workspace.selection
        building.workspace = false  // harmless: the archive holds what was built
        guard building == PackageSelection() else {
            throw ValidationError("--archive-file runs the build the archive holds: give package, target, feature "
                                  + "and profile options to trim archive instead")
        }
        request.archive = ArchiveSource(file: absolute(archiveFile))
        if let workspaceRemap {
            request.workspace.directory = URL(fileURLWithPath: absolute(workspaceRemap))
            request.workspace.directoryIsExplicit = true
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
