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
        if CargoConfigFiles.paths(from: directory, environment: environment).contains(where: setsJobs) { return [] }
        return ["--jobs", String(max(1, cores) + 2)]
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
