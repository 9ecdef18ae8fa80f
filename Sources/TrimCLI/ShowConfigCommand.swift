import ArgumentParser
import Foundation
import Reporting
import TrimConfig
import TrimPipeline

/// `trim show-config test-groups`.
struct ShowConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show-config", abstract: "Show what .config/trim.toml makes of the workspace's tests.",
        subcommands: [TestGroupsCommand.self])
}

struct TestGroupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-groups", abstract: "Each test group, its max-threads, and the tests the profile puts in it.")

    @OptionGroup var workspace: WorkspaceArguments
    @OptionGroup var filters: FilterArguments

    @Option(name: [.customShort("P"), .long], help: "The profile (default: $TRIM_PROFILE, else default).")
    var profile: String?

    @Flag(help: "Also list @global: the tests in no group.")
    var showDefault = false

    func run() throws {
        let (filter, partition) = try filters.filter()
        var request = RunRequest(workspace: try workspace.options(), filter: filter, partition: partition)
        request.profile = profile ?? EnvironmentSettings().profileName ?? TrimConfiguration.defaultProfileName
        print(TestGroupPrinter.text(try RunPipeline.testGroups(request, includeGlobal: showDefault)), terminator: "")
    }
}
