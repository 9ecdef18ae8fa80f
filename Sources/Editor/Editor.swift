/// Editor: results where people look. `trim coverage` and `trim path` (which
/// tests executed a line, which lines a test executed), `trim watch` (re-run
/// what each settled change affects) and `trim lsp` (the same as a language
/// server: diagnostics, code lenses, hover, the failure path).
///
/// Owns: mapping recorded blocks to source lines through debug locations,
/// the watch loop (inotify, debounce, rounds that a newer change cancels),
/// and the JSON-RPC language server over stdio.
/// Invariant: a round cancelled by a newer change records nothing for the
/// tests it did not finish, so they stay selected; the server answers every
/// request, bad input included, and never exits on one.
/// Never depends on: argument parsing; it runs rounds only through
/// TrimPipeline, never by reaching into the runner.
import BlockIR
import Foundation

/// A failure of an editor command, with the file, test or request it concerns.
public enum EditorError: Error, CustomStringConvertible, Equatable {
    case noRecordedResults(database: String)
    case unknownTest(String, candidates: [String])
    case ambiguousTest(String, matches: [String])
    case badLocation(String)
    case fileOutsideWorkspace(file: String, root: String)
    case store(String)
    case workspace(String)
    case watch(String)
    /// A unit's bitcode, recorded as read, could not be read for its lines.
    case bitcode(BlockIRError)

    public var description: String {
        switch self {
        case .noRecordedResults(let database):
            return "\(database): no recorded results; run `trim run` first"
        case .unknownTest(let name, let candidates):
            return "no recorded test named \(name)"
                + (candidates.isEmpty ? "" : "; did you mean: " + candidates.prefix(5).joined(separator: ", "))
        case .ambiguousTest(let name, let matches):
            return "\(name) names several tests: " + matches.prefix(10).joined(separator: ", ")
                + "; give the binary too, e.g. `trim path '\(matches[0])'`"
        case .badLocation(let text):
            return "\(text): expected FILE or FILE:LINE with LINE a positive number"
        case .fileOutsideWorkspace(let file, let root):
            return "\(file) is outside the workspace \(root)"
        case .store(let message): return message
        case .workspace(let message): return message
        case .watch(let message): return message
        case .bitcode(let error): return "cannot map blocks to source lines: \(error)"
        }
    }
}

extension EditorError {
    /// A unit's bitcode could not be read for its lines.
    var isBitcode: Bool {
        if case .bitcode = self { return true }
        return false
    }
}
