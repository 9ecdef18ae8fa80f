import Foundation
import GRDB

extension TrimStore {
    /// Deletes, in one transaction, every build that is neither the latest nor
    /// the build of some test's last result, with its binaries and module
    /// mappings; then modules and functions no remaining build holds, and hit
    /// symbols no remaining result names. The file does not shrink (SQLite
    /// reuses the freed pages).
    @discardableResult
    public func collectGarbage() throws(StoreError) -> GarbageReport {
        try write { db in
            try db.execute(sql: """
                DELETE FROM build
                WHERE id <> (SELECT MAX(id) FROM build)
                  AND id NOT IN (SELECT DISTINCT build_id FROM test_result)
                """)
            let builds = db.changesCount
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
                let delete = try db.cachedStatement(sql: "DELETE FROM hit_symbol WHERE id = ?")
                for id in unused { try delete.execute(arguments: [id]) }
                // Invalidate every process's cache of symbol ids.
                try db.execute(sql: """
                    UPDATE store_state SET value = value + 1 WHERE key = 'hit_symbol_generation'
                    """)
            }
            return GarbageReport(builds: builds, modules: modules, functions: functions, hitSymbols: unused.count)
        }
    }
}
