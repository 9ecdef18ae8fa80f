import Foundation

/// The user's cache directory: `$XDG_CACHE_HOME`, else `~/.cache`. trim's
/// private things live in `trim/` below it (see `PrivateDirectory`).
public enum UserCache {
    /// The base the user owns (taken as it is, symbolic links included).
    public static func base(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["XDG_CACHE_HOME"], explicit.hasPrefix("/") {
            return URL(fileURLWithPath: explicit)
        }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".cache")
    }

    /// `<base>/trim`.
    public static func trimDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        base(environment: environment).appendingPathComponent("trim")
    }
}
