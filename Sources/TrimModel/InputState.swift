import Foundation

/// The inputs as they are now, asked for by selection: a file's hash, a
/// variable's value hash, the files some patterns match. Answers use the
/// same hashes as recording (`InputHash`). nil means "no longer an input"
/// (the configuration ignores it now): not a reason to select anything.
public final class InputState: @unchecked Sendable {
    private let fileAnswer: (String) -> String?
    private let variableAnswer: (String) -> String?
    private let matchingAnswer: ([String]) -> [String: String]
    private let lock = NSLock()
    private var files: [String: String?] = [:]
    private var variables: [String: String?] = [:]
    private var matches: [[String]: [String: String]] = [:]

    /// - Parameters:
    ///   - file: workspace-relative path (a `/` at the end: a listing) → hash.
    ///   - variable: name (`*`: the whole environment) → value hash.
    ///   - matching: sorted patterns → the files they match, with hashes.
    public init(
        file: @escaping (String) -> String?, variable: @escaping (String) -> String?,
        matching: @escaping ([String]) -> [String: String] = { _ in [:] }
    ) {
        fileAnswer = file
        variableAnswer = variable
        matchingAnswer = matching
    }

    /// Remembered per path: many tests read the same files.
    public func fileHash(_ path: String) -> String? {
        if let known = lock.withLock({ files[path] }) { return known }
        let answer = fileAnswer(path)
        lock.withLock { files[path] = .some(answer) }
        return answer
    }

    public func variableHash(_ name: String) -> String? {
        if let known = lock.withLock({ variables[name] }) { return known }
        let answer = variableAnswer(name)
        lock.withLock { variables[name] = .some(answer) }
        return answer
    }

    public func filesMatching(_ patterns: [String]) -> [String: String] {
        let key = Array(Set(patterns)).sorted()
        if let known = lock.withLock({ matches[key] }) { return known }
        let answer = matchingAnswer(key)
        lock.withLock { matches[key] = answer }
        return answer
    }
}
