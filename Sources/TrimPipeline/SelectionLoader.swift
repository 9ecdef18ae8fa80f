import CargoSupport
import Selection
import Store

/// Gathers what the selection rule needs: the current build as built, and
/// from the store the last results and the builds they were recorded on.
enum SelectionLoader {
    /// `tests`: the candidates (listed, admitted by the filters, in the partition).
    static func input(store: TrimStore, build: WorkspaceBuild, tests: [TestKey], granularity: Granularity,
                      force: Bool) throws(TrimError) -> SelectionInput {
        do {
            let results = try store.lastResults()
            var recorded: [BuildID: BuildSnapshot] = [:]
            for id in Set(results.values.map(\.build)) {
                guard let facts = try store.build(id) else { continue }
                recorded[id] = BuildSnapshot(facts: facts, modules: try store.modules(of: id),
                                             sourceFiles: try store.sourceFiles(of: id))
            }
            let current = BuildSnapshot(facts: build.facts, modules: Array(build.modules.values),
                                        sourceFiles: build.sourceFiles)
            return SelectionInput(
                current: current, recorded: recorded,
                tests: tests,
                results: results, granularity: granularity, force: force)
        } catch {
            throw .store(error)
        }
    }
}
