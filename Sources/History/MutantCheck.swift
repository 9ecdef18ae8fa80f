import CargoSupport
import Foundation
import Selection
import Store
import TrimPipeline

/// The mutation safety check at one commit. Each mutant is one change on top
/// of the commit, so its base is the data the commit's full run just
/// recorded: that database is copied, the mutant selected and fully run
/// against the copy (the commit's own data is never written), and the file
/// restored. Every test failing under the mutant must be selected.
struct MutantCheck {
    let replay: Replay
    let commit: CommitInfo
    /// The commit's own full run.
    let base: FullRun

    /// Tries mutants of the lines the commit changed until `limit` of them
    /// built and ran, giving up after `2 × limit` attempts.
    func run(limit: Int) throws(HistoryError) -> [MutantRecord] {
        let candidates = try sites()
        var records: [MutantRecord] = []
        var ran = 0
        for mutation in candidates.prefix(2 * limit) where ran < limit {
            if replay.interrupted() { throw .interrupted }
            let record = try attempt(mutation)
            if record.status == .caught || record.status == .survived { ran += 1 }
            records.append(record)
            replay.progress("      mutant \(mutation): \(record.status.rawValue)"
                + (record.killed.isEmpty ? "" : ", killed \(record.killed.count) tests, "
                    + "block grain selected \(record.killedSelectedByBlock)")
                + (record.missed.values.allSatisfy(\.isEmpty) ? ""
                    : "; MISSED " + historyGrains.map { "\($0.rawValue) \(record.missed[$0]?.count ?? 0)" }
                        .joined(separator: ", ")))
        }
        return records
    }

    /// The mutation sites on the Rust lines the commit added or changed in the
    /// packages under test, in the order to try them.
    func sites() throws(HistoryError) -> [Mutation] {
        let changed = try replay.worktree.repository.changedLines(commit, under: replay.target.subdirectory)
        // The workspace just built at this commit: its metadata is cached.
        let tested = (try? CargoWorkspace.load(from: replay.workspaceDirectory))
            .map { TestedPackages(workspace: $0, selection: replay.options.selection) }
        var sites: [Mutation] = []
        for (file, lines) in changed.sorted(by: { $0.key < $1.key }) where file.hasSuffix(".rs") {
            let url = replay.target.scratch.worktree.appendingPathComponent(file)
            if let tested, !tested.contains(file: url) { continue }
            guard let source = try? String(contentsOf: url, encoding: .utf8) else { continue }
            sites += MutationSites.find(in: source, file: file, lines: lines)
        }
        return MutationSites.choose(sites, seed: commit.sha, limit: Int.max)
    }

    func attempt(_ mutation: Mutation) throws(HistoryError) -> MutantRecord {
        var record = MutantRecord(commit: commit.sha, mutation: mutation, status: .error)
        let url = replay.target.scratch.worktree.appendingPathComponent(mutation.file)
        let original: Data
        do { original = try Data(contentsOf: url) } catch {
            record.note = "cannot read \(mutation.file): \(error)"
            return record
        }
        guard let mutated = mutation.apply(to: String(decoding: original, as: UTF8.self)) else {
            record.note = "the site is not in \(mutation.file)"
            return record
        }
        defer { try? original.write(to: url) }
        do { try Data(mutated.utf8).write(to: url) } catch {
            record.note = "cannot write \(mutation.file): \(error)"
            return record
        }
        let database = replay.target.scratch.mutantDatabase
        try ScratchSpace.copyDatabase(replay.target.scratch.database, to: database)
        defer { ScratchSpace.removeDatabase(database) }

        let plan: GrainPlan
        do { plan = try RunPipeline.plan(replay.request(database: database, force: false), at: historyGrains) } catch {
            if case .cargo(.buildFailed) = error {
                record.status = .unviable
            } else {
                record.note = "\(error)"
            }
            return record
        }
        let run: FullRun
        do { run = try FullRun.execute(replay.request(database: database, force: true), progress: replay.progress) } catch {
            if case .interrupted = error { throw error }
            record.note = "\(error)"
            return record
        }
        record.failing = run.failing.sorted().map(\.description)
        record.killed = run.failing.subtracting(base.failing).sorted().map(\.description)
        record.status = record.killed.isEmpty ? .survived : .caught
        for grain in historyGrains {
            let chosen = Set(plan.selections[grain]?.selected.map(\.key) ?? [])
            record.selected[grain] = chosen.count
            record.missed[grain] = run.failing.filter { !chosen.contains($0) }.sorted().map(\.description)
        }
        return record
    }
}
