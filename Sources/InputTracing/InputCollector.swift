import Foundation
import TrimModel

/// Turns what was traced into `TestInputs`: paths made workspace-relative
/// and filtered, contents and listings hashed, variables filtered and their
/// values (from the environment the test was given) hashed, addresses
/// sorted, and the files of `when-files-change` policies snapshotted.
public enum InputCollector {
    /// - Parameters:
    ///   - events: every process's events, merged (problems included).
    ///   - method: how they were traced (`TracingMethod.name`).
    ///   - environment: the environment the test was started with.
    ///   - watchPatterns: for the addresses the test used, the file patterns
    ///     of their `when-files-change` policies (`NetworkPolicy.filePatterns(for:)`).
    public static func inputs(
        from events: TraceEvents, method: String, filter: InputFilter,
        environment: [String: String],
        watchPatterns: ([String]) -> [String] = { _ in [] }
    ) -> TestInputs {
        var files: [String: String] = [:]
        for path in events.files {
            guard let relative = filter.relativePath(forAbsolute: path) else { continue }
            files[relative] = InputHash.file(atPath: filter.absolutePath(relative))
        }
        for path in events.listings {
            guard let relative = filter.relativePath(forAbsolute: path) else { continue }
            files[relative + "/"] = InputHash.listing(atPath: filter.absolutePath(relative))
        }
        var env: [String: String] = [:]
        for name in events.variables where filter.tracks(variable: name) {
            env[name] = InputHash.value(environment[name])
        }
        if events.environmentUnknown {
            env[TestInputs.wholeEnvironment] = InputHash.environment(environment, filter: filter)
        }
        let network = events.endpoints.sorted()
        let patterns = Array(Set(watchPatterns(network))).sorted()
        let watched = patterns.isEmpty ? [:] : WorkspaceFiles.matching(patterns, filter: filter)
        return TestInputs(
            files: files, env: env, network: network, watched: watched, watchPatterns: patterns,
            method: method, problems: events.problems)
    }
}

/// Files of the workspace that match patterns, with their hashes.
public enum WorkspaceFiles {
    /// Every regular file matching one of `patterns` that `filter` tracks:
    /// relative path (absolute for an absolute pattern) → `InputHash.file`.
    /// Walks only below each pattern's literal prefix.
    public static func matching(_ patterns: [String], filter: InputFilter) -> [String: String] {
        var result: [String: String] = [:]
        for text in patterns {
            let pattern = PathPattern(text)
            let prefix = pattern.literalPrefix
            let start = pattern.isAbsolute ? "/" + prefix : filter.absolutePath(prefix.isEmpty ? "." : prefix)
            let key = { (absolute: String) -> String? in
                if pattern.isAbsolute { return pattern.matches(absolute) ? absolute : nil }
                guard let relative = filter.relativePath(forAbsolute: absolute), pattern.matches(relative) else {
                    return nil
                }
                return relative
            }
            var info = stat()
            guard stat(start, &info) == 0 else { continue }
            if info.st_mode & S_IFMT != S_IFDIR {
                if let name = key(start) { result[name] = InputHash.file(atPath: start) }
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: start) else { continue }
            while let next = walker.nextObject() as? String {
                let absolute = PathNormalizer.normalize(start + "/" + next)
                if filter.ignoredDirectories.contains(where: { InputFilter.isWithin(absolute, $0) }) {
                    walker.skipDescendants()
                    continue
                }
                var entry = stat()
                guard stat(absolute, &entry) == 0, entry.st_mode & S_IFMT == S_IFREG, let name = key(absolute)
                else { continue }
                result[name] = InputHash.file(atPath: absolute)
            }
        }
        return result
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
