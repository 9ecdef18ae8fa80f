import Foundation
import GRDB
import TrimModel

extension TrimStore {
    /// Deletes, in one transaction, every build that is neither the latest,
    /// nor the build of some test's last result, nor held by a live run, with
    /// its binaries and module mappings; then, when it deleted a build, modules
    /// and functions no remaining build holds, and hit symbols no remaining
    /// result names. The file does not shrink (SQLite reuses the freed pages).
    ///
    /// `isHolderAlive` decides which holds still count; the holds of ended
    /// runs are dropped first. The default keeps every hold (never deletes a
    /// held build), so only a caller that can tell live runs from dead ones
    /// (TrimPipeline, through ProcessIdentity) lets a crashed run's build go.
    @discardableResult
    public func collectGarbage(isHolderAlive: (String) -> Bool) throws(StoreError) -> GarbageReport {
        var deletedSymbols: (ids: Set<Int64>, generation: Int64)?
        let report = try write { db in
            let holders = try String.fetchAll(db, sql: "SELECT DISTINCT holder FROM build_hold")
            for holder in holders where !isHolderAlive(holder) {
                try db.execute(sql: "DELETE FROM build_hold WHERE holder = ?", arguments: [holder])
            }
            try db.execute(sql: """
                DELETE FROM build
                WHERE id <> (SELECT MAX(id) FROM build)
                  AND id NOT IN (SELECT DISTINCT build_id FROM test_result)
                  AND id NOT IN (SELECT build_id FROM build_hold)
                """)
            let builds = db.changesCount
            // Modules, functions and hit symbols are let go only when builds
            // were: each sweep reads a whole table, most runs delete no build,
            // and an unused row left until the next deleting run costs nothing.
            guard builds > 0 else { return GarbageReport(builds: 0, modules: 0, functions: 0, hitSymbols: 0) }
            try db.execute(sql: "DELETE FROM module WHERE id NOT IN (SELECT module_id FROM build_module)")
            let modules = db.changesCount
            try db.execute(sql: "DELETE FROM function WHERE id NOT IN (SELECT function_id FROM module_function)")
            let functions = db.changesCount

            // Hit symbols live inside the hits blobs: read them to know which are used.
            var used = Set<Int64>()
            let rows = try Row.fetchCursor(db, sql: "SELECT hits FROM test_result")
            while let row = try rows.next() {
                try row.withBlob(at: 0, "hits") { raw in
                    try HitsCodec.decode(raw) { id, _ in used.insert(id) }
                }
            }
            var unused: [Int64] = []
            let ids = try Int64.fetchCursor(db, sql: "SELECT id FROM hit_symbol")
            while let id = try ids.next() {
                if !used.contains(id) { unused.append(id) }
            }
            if !unused.isEmpty {
                deletedSymbols = (Set(unused), try Self.symbolGeneration(db))
                let delete = try db.cachedStatement(sql: "DELETE FROM hit_symbol WHERE id = ?")
                for id in unused { try delete.execute(arguments: [id]) }
                // Invalidate every process's cache of symbol ids.
                try db.execute(sql: """
                    UPDATE store_state SET value = value + 1 WHERE key = 'hit_symbol_generation'
                    """)
            }
            return GarbageReport(builds: builds, modules: modules, functions: functions, hitSymbols: unused.count)
        }
        // Committed: this process's ids stay valid but for those deleted.
        if let deletedSymbols { symbolCache.collected(deletedSymbols.ids, inGeneration: deletedSymbols.generation) }
        return report
    }

    /// Ends `holder`'s hold on `build`: garbage collection may take the build
    /// once no result refers to it.
    public func releaseBuild(_ build: BuildID, heldBy holder: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM build_hold WHERE build_id = ? AND holder = ?",
                           arguments: [build.rawValue, holder])
        }
    }

    /// The processes holding `build`, as they were written.
    public func holders(of build: BuildID) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT holder FROM build_hold WHERE build_id = ? ORDER BY holder",
                                arguments: [build.rawValue])
        }
    }
}
