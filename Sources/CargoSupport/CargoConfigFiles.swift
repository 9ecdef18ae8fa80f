import Foundation

/// Where cargo looks for its configuration when run in a directory:
/// `.cargo/config.toml` and `.cargo/config` there and in every parent, then
/// in `$CARGO_HOME` (by default `~/.cargo`).
public enum CargoConfigFiles {
    static let names = [".cargo/config.toml", ".cargo/config"]

    /// `directory` and each of its parents up to the root, nearest first.
    static func directories(upFrom directory: String) -> [String] {
        var directories: [String] = []
        var current = (directory as NSString).standardizingPath
        while true {
            directories.append(current)
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { return directories }
            current = parent
        }
    }

    /// `$CARGO_HOME`, else `~/.cargo`.
    static func home(_ environment: [String: String]) -> String {
        environment["CARGO_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cargo")
    }

    /// Every file cargo may read its configuration from, run in `directory`, nearest first.
    public static func paths(from directory: String, environment: [String: String]) -> [String] {
        let local = directories(upFrom: directory).flatMap { directory in
            names.map { (directory as NSString).appendingPathComponent($0) }
        }
        let home = home(environment)
        return local + [home + "/config.toml", home + "/config"]
    }
}
