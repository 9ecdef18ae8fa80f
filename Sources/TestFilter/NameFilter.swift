/// cargo test's name filters (`cargo nextest run -- PATTERN... [--exact] [--skip S]...`):
/// a test is kept when its name contains one of the patterns (or equals one,
/// with `--exact`) and contains none of the skip strings (equals none, with
/// `--exact`). No patterns keeps every name that is not skipped.
public struct NameFilter: Hashable, Sendable {
    public var patterns: [String]
    public var exact: Bool
    public var skip: [String]

    public init(patterns: [String] = [], exact: Bool = false, skip: [String] = []) {
        self.patterns = patterns
        self.exact = exact
        self.skip = skip
    }

    /// Keeps everything.
    public static let everything = NameFilter()

    public func matches(_ name: String) -> Bool {
        if skip.contains(where: { hit($0, name) }) { return false }
        return patterns.isEmpty || patterns.contains(where: { hit($0, name) })
    }

    private func hit(_ pattern: String, _ name: String) -> Bool {
        exact ? name == pattern : (pattern.isEmpty || name.contains(pattern))
    }
}
