import ArgumentParser
import Editor
import Foundation
import TrimConfig
import TrimPipeline

struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Serve the Language Server Protocol over stdio: failing tests as diagnostics, lenses, hover.")

    @OptionGroup var workspace: WorkspaceArguments
    @OptionGroup var filters: FilterArguments
    @OptionGroup var selection: SelectionArguments
    @OptionGroup var runner: RunnerArguments

    func run() throws {
        var request = try runRequest(workspace: workspace, filters: filters, selection: selection, runner: runner)
        if request.failFast == nil { request.failFast = .noFailFast }  // an editor wants every failure
        // The protocol owns stdout: anything else that writes there (cargo,
        // a warning) goes to stderr instead.
        let protocolOutput = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        let server = LanguageServer(
            input: FileHandle.standardInput, output: FileHandle(fileDescriptor: protocolOutput),
            template: request, log: { FileHandle.standardError.write(Data("trim lsp: \($0)\n".utf8)) })
        throw ExitCode(server.serve())
    }
}
