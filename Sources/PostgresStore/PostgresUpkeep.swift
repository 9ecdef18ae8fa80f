import Foundation
import PostgresNIO
import Store
import TrimModel

extension PostgresStore {
    /// Like the SQLite store's, in one transaction holding the builds lock
    /// exclusively: no other writer can be recording a build, a hold or a
    /// result that names a build while the sweep decides what to delete.
    @discardableResult
    public func collectGarbage(isHolderAlive: (String) -> Bool) throws(StoreError) -> GarbageReport {
        try write { statements in
            try statements.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.buildsLock))")
            var holders: [String] = []
            for row in try statements.query("SELECT DISTINCT holder FROM trim.build_hold") {
                holders.append(try row.cell(0).decode(String.self))
            }
            // Another machine's holder cannot be checked from here: it counts as alive.
            let ended = holders.filter { !isHolderAlive($0) }
            if !ended.isEmpty {
                try statements.query("DELETE FROM trim.build_hold WHERE holder = ANY(\(ended))")
            }
            let builds = try statements.query("""
                DELETE FROM trim.build
                WHERE id <> (SELECT MAX(id) FROM trim.build)
                  AND NOT EXISTS (SELECT 1 FROM trim.test_result r WHERE r.build_id = build.id)
                  AND NOT EXISTS (SELECT 1 FROM trim.build_hold h WHERE h.build_id = build.id)
                RETURNING id
                """).count
            // Modules go only with a build (the sweep reads the whole table; most runs delete no build).
            guard builds > 0 else { return GarbageReport(builds: 0, modules: 0, functions: 0, hitSymbols: 0) }
            let modules = try statements.query("""
                DELETE FROM trim.module m WHERE NOT EXISTS (SELECT 1 FROM trim.build_module bm WHERE bm.module_id = m.id)
                RETURNING id
                """).count
            return GarbageReport(builds: builds, modules: modules, functions: 0, hitSymbols: 0)
        }
    }

    public func releaseBuild(_ build: BuildID, heldBy holder: String) throws(StoreError) {
        _ = try write { statements in
            try statements.query("DELETE FROM trim.build_hold WHERE build_id = \(build.rawValue) AND holder = \(holder)")
        }
    }

    public func holders(of build: BuildID) throws(StoreError) -> [String] {
        try read { statements in
            try statements.query("""
                SELECT holder FROM trim.build_hold WHERE build_id = \(build.rawValue) ORDER BY holder COLLATE "C"
                """).map { try $0.cell(0).decode(String.self) }
        }
    }
}
