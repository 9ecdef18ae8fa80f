import Foundation

/// A CSV file written row by row as the replay goes (`--csv`,
/// `--mutants-csv`): each row reaches the file when its commit is done, so a
/// replay killed later keeps every row before it. Opened (and truncated, the
/// header written) before the first commit, so a path that cannot be written
/// stops the replay before any build.
public final class CSVFile {
    public let path: URL
    private let handle: FileHandle

    public init(path: URL, columns: [String]) throws(HistoryError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path.path, contents: Data(CSV.line(columns).utf8)),
            let handle = FileHandle(forWritingAtPath: path.path)
        else { throw .write(path: path.path, reason: "cannot create the file") }
        self.handle = handle
        handle.seekToEndOfFile()
    }

    deinit { try? handle.close() }

    /// Appends whole lines (`HistoryCSV.commitRow`, `mutantRow`) with one write.
    public func append(_ lines: String) throws(HistoryError) {
        guard !lines.isEmpty else { return }
        do { try handle.write(contentsOf: Data(lines.utf8)) } catch {
            throw .write(path: path.path, reason: "\(error)")
        }
    }
}
