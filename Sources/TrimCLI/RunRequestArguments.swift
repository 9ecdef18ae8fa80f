import TrimPipeline

/// The request `trim run`, `trim watch` and `trim lsp` share: the workspace,
/// filters, selection and runner options as the command line gave them.
func runRequest(workspace: WorkspaceArguments, filters: FilterArguments, selection: SelectionArguments,
                runner: RunnerArguments) throws -> RunRequest {
    let (filter, partition) = try filters.filter()
    var request = RunRequest(workspace: try workspace.options(), granularity: selection.granularity,
                             force: selection.all, filter: filter, partition: partition,
                             testThreads: try workspace.testThreads())
    try runner.apply(to: &request)
    return request
}
