/// Why trim refused a directory or file it keeps private to the user (its
/// scratch space, its caches, the native libraries it builds and loads).
/// Each case names the path and what is wrong with it.
public enum PrivacyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The path is a symbolic link: trim never follows one there.
    case symbolicLink(path: String)
    case notADirectory(path: String)
    case notARegularFile(path: String)
    case ownedByAnotherUser(path: String, owner: UInt32, user: UInt32)
    /// Group or others may write it (`mode` is its permission bits).
    case writableByOthers(path: String, mode: UInt32)
    case cannotCreate(path: String, reason: String)
    case cannotInspect(path: String, reason: String)

    public var path: String {
        switch self {
        case .symbolicLink(let path), .notADirectory(let path), .notARegularFile(let path),
            .ownedByAnotherUser(let path, _, _), .writableByOthers(let path, _), .cannotCreate(let path, _),
            .cannotInspect(let path, _):
            return path
        }
    }

    public var description: String {
        let advice = "trim keeps its scratch and cache files private to you; remove it or choose another directory"
        switch self {
        case .symbolicLink(let path):
            return "\(path): refused: it is a symbolic link (\(advice))"
        case .notADirectory(let path):
            return "\(path): refused: not a directory (\(advice))"
        case .notARegularFile(let path):
            return "\(path): refused: not a regular file (\(advice))"
        case .ownedByAnotherUser(let path, let owner, let user):
            return "\(path): refused: owned by user \(owner), not by you (user \(user)) (\(advice))"
        case .writableByOthers(let path, let mode):
            let octal = String(mode, radix: 8)
            let padded = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
            return "\(path): refused: writable by group or others (mode \(padded)) (\(advice))"
        case .cannotCreate(let path, let reason):
            return "\(path): cannot create: \(reason)"
        case .cannotInspect(let path, let reason):
            return "\(path): cannot inspect: \(reason)"
        }
    }
}
