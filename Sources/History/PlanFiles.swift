import Foundation
import Reporting
import Selection

/// `--plans DIR`: each compared commit's selections, one `trim plan --json`
/// document per grain, named `<ordinal>-<commit>.<grain>.json` so that a
/// directory listing is in replay order.
struct PlanFiles {
    let directory: URL

    func write(_ selections: [Granularity: Selection], commit: CommitInfo, ordinal: Int) throws(HistoryError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch { throw .write(path: directory.path, reason: error.localizedDescription) }
        let stem = String(format: "%03d-", ordinal) + commit.sha.prefix(10)
        for grain in historyGrains {
            guard let selection = selections[grain] else { continue }
            let file = directory.appendingPathComponent("\(stem).\(grain.rawValue).json")
            do { try PlanPrinter.json(selection).write(to: file, atomically: true, encoding: .utf8) } catch {
                throw .write(path: file.path, reason: error.localizedDescription)
            }
        }
    }
}
