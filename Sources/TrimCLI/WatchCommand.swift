import ArgumentParser
import Editor
import Foundation
import TrimPipeline

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run what each change affects whenever the workspace's files change (Ctrl-C stops).")

    @OptionGroup var workspace: WorkspaceArguments
    @OptionGroup var filters: FilterArguments
    @OptionGroup var selection: SelectionArguments
    @OptionGroup var runner: RunnerArguments

    @Option(help: "Seconds without a change before a round starts (default 0.2).")
    var settle: Double = 0.2

    func run() throws {
        guard settle >= 0 else { throw ValidationError("--settle must be 0 or more") }
        let request = try runRequest(workspace: workspace, filters: filters, selection: selection, runner: runner)
        let loop = WatchLoop(request: request, settle: settle, reporters: { profile, trimDirectory in
            ReporterChoice.reporters(format: .human, progress: false, color: .auto, profile: profile,
                                     trimDirectory: trimDirectory)
        }, say: { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        })
        throw ExitCode(try loop.run())
    }
}
