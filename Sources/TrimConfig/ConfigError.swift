/// Every failure names the configuration file and, for a bad value, the key
/// path (`profile.ci.slow-timeout`), what was found and what is allowed.
/// Key paths are written as in TOML (`profile."my.profile".retries`);
/// `overrides[0]` is the first `[[profile.<name>.overrides]]` block.
public enum ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file exists but cannot be read: a directory, no permission, not UTF-8.
    case unreadable(file: String, detail: String)
    /// Not TOML. `line` and `column` are 1-based, as TOMLKit reports them.
    case syntax(file: String, line: Int, column: Int, detail: String)
    /// A key trim does not know. `allowed`: the keys that may stand there;
    /// `note`: why, when the key is a cargo-nextest setting trim lacks.
    case unknownKey(file: String, keyPath: String, allowed: [String], note: String?)
    /// A value of the wrong TOML type (`found` describes it, e.g. `the string "3"`).
    case wrongType(file: String, keyPath: String, found: String, expected: String)
    /// A duration string that does not parse, or is out of range.
    case badDuration(file: String, keyPath: String, value: String, detail: String)
    /// A value of the right type but not allowed: a negative count, an
    /// unknown level name, an empty path.
    case invalidValue(file: String, keyPath: String, value: String, allowed: String)
    /// A required key is absent (`keyPath` names it).
    case missingKey(file: String, keyPath: String, expected: String)
    /// Keys that mean the same setting, set together in one table.
    case conflictingKeys(file: String, keyPath: String, keys: [String])
    /// An override's `filter` that is empty or blank.
    case emptyFilter(file: String, keyPath: String)
    /// An override's `filter` that the caller's `validateFilter` rejected.
    case invalidFilter(file: String, keyPath: String, filter: String, detail: String)
    /// `--profile NAME` names no profile. `defined`: the ones there are.
    case unknownProfile(file: String, name: String, defined: [String])

    /// The configuration file's path (where it is, or would be).
    public var file: String {
        switch self {
        case .unreadable(let file, _), .syntax(let file, _, _, _), .unknownKey(let file, _, _, _),
            .wrongType(let file, _, _, _), .badDuration(let file, _, _, _), .invalidValue(let file, _, _, _),
            .missingKey(let file, _, _), .conflictingKeys(let file, _, _), .emptyFilter(let file, _),
            .invalidFilter(let file, _, _, _), .unknownProfile(let file, _, _):
            return file
        }
    }

    /// The key the error is about, if it is about one.
    public var keyPath: String? {
        switch self {
        case .unreadable, .syntax, .unknownProfile:
            return nil
        case .unknownKey(_, let keyPath, _, _), .wrongType(_, let keyPath, _, _), .badDuration(_, let keyPath, _, _),
            .invalidValue(_, let keyPath, _, _), .missingKey(_, let keyPath, _), .conflictingKeys(_, let keyPath, _),
            .emptyFilter(_, let keyPath), .invalidFilter(_, let keyPath, _, _):
            return keyPath
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let file, let detail):
            return "\(file): cannot read the trim configuration: \(detail)"
        case .syntax(let file, let line, let column, let detail):
            return "\(file):\(line):\(column): TOML syntax error: \(detail)"
        case .unknownKey(let file, let keyPath, let allowed, let note):
            let list = allowed.isEmpty ? "none" : allowed.joined(separator: ", ")
            return "\(file): unknown key \(keyPath)\(note.map { " (\($0))" } ?? ""); allowed here: \(list)"
        case .wrongType(let file, let keyPath, let found, let expected):
            return "\(file): \(keyPath): expected \(expected), found \(found)"
        case .badDuration(let file, let keyPath, let value, let detail):
            return "\(file): \(keyPath): invalid duration \"\(value)\": \(detail); expected "
                + ConfigDuration.allowedDescription
        case .invalidValue(let file, let keyPath, let value, let allowed):
            return "\(file): \(keyPath): invalid value \(value); expected \(allowed)"
        case .missingKey(let file, let keyPath, let expected):
            return "\(file): missing key \(keyPath): expected \(expected)"
        case .conflictingKeys(let file, let keyPath, let keys):
            return "\(file): \(keyPath): \(keys.joined(separator: " and ")) set the same thing; keep one"
        case .emptyFilter(let file, let keyPath):
            return "\(file): \(keyPath): the filter expression is empty; write one such as \"test(name)\" "
                + "or \"package(crate)\" (an override without a filter would apply to every test)"
        case .invalidFilter(let file, let keyPath, let filter, let detail):
            let shown = filter.count <= 120 ? "\"\(filter)\"" : "\"\(filter.prefix(60))…\" (\(filter.count) characters)"
            return "\(file): \(keyPath): invalid filter expression \(shown): \(detail)"
        case .unknownProfile(let file, let name, let defined):
            return "\(file): no profile named \"\(name)\"; defined profiles: \(defined.joined(separator: ", "))"
        }
    }
}
