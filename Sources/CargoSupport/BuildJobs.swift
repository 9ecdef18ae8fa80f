import Foundation
import TOMLKit

/// How many jobs cargo builds trim's tests with.
///
/// cargo's own default is one job per core. With rustc's 256 codegen units
/// of an incremental debug build, a rebuilt crate whose units were mostly
/// reused spends much of its time copying them back from the incremental
/// cache, one jobserver token each, and the crates that depend on it wait
/// for a token before their front end can start: on two cores, two more
/// tokens took 60–100 ms off a one-line change's rebuild (measured in
/// Benchmarks/README.md). So trim asks for the cores plus two, unless the
/// user chose: `--build-jobs`, else `CARGO_BUILD_JOBS` or `build.jobs` in a
/// cargo configuration file, which cargo then applies as always.
public enum BuildJobs {
    /// What is added to cargo's arguments: `--jobs N`, or nothing when cargo
    /// is to follow the user's own setting. `explicit`: `--build-jobs`.
    /// `directory`: where cargo runs (its configuration files are found from there).
    public static func arguments(explicit: Int?, directory: String,
                                 environment: [String: String] = ProcessInfo.processInfo.environment,
                                 cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> [String] {
        if let explicit { return ["--jobs", String(explicit)] }
        if environment["CARGO_BUILD_JOBS"] != nil { return [] }
        if configurationFiles(from: directory, environment: environment).contains(where: setsJobs) { return [] }
        return ["--jobs", String(max(1, cores) + 2)]
    }

    /// The configuration files cargo reads when run in `directory`: each
    /// directory's `.cargo/config.toml` and `.cargo/config` from there up to
    /// the root, then `$CARGO_HOME`'s (by default `~/.cargo`).
    static func configurationFiles(from directory: String, environment: [String: String]) -> [String] {
        var files: [String] = []
        var current = (directory as NSString).standardizingPath
        while true {
            for name in [".cargo/config.toml", ".cargo/config"] {
                files.append((current as NSString).appendingPathComponent(name))
            }
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current || parent.isEmpty { break }
            current = parent
        }
        let home = environment["CARGO_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cargo")
        return files + [home + "/config.toml", home + "/config"]
    }

    /// Whether the file at `path` sets `build.jobs`. A file that is missing
    /// or cannot be read as TOML sets nothing here (cargo reports its own
    /// errors about the files it reads).
    static func setsJobs(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let root = try? TOMLTable(string: text)
        else { return false }
        return root["build"]?.table?["jobs"] != nil
    }
}
