import Foundation
import Reporting
import Selection

/// `--plans DIR`: each compared commit's selections, one `trim plan --json`
/// document per grain, named `<ordinal>-<commit>.<grain>.json` so that a
/// directory listing is in replay order.
struct PlanFiles {
    let directory: URL

    /// Creates the directory, so that one that cannot be written stops the
    /// replay before its first build rather than after it.
    init(directory: URL) throws(HistoryError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch { throw .write(path: directory.path, reason: Self.why(directory, error)) }
        self.directory = directory
    }

    /// Foundation's message names no cause ("error 512"): say which part of the path is in the way.
    private static func why(_ directory: URL, _ error: Error) -> String {
        var isDirectory: ObjCBool = false
        var ancestor = directory
        while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
            ancestor.deleteLastPathComponent()
        }
        if !isDirectory.boolValue { return "\(ancestor.path) is a file, not a directory" }
        return error.localizedDescription
    }

    func write(_ selections: [Granularity: Selection], commit: CommitInfo, ordinal: Int) throws(HistoryError) {
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
