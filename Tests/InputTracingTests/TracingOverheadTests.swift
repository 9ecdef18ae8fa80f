import Coverage
import Foundation
import InputTracing
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Measures (prints, does not assert) what tracing costs a recording run: a
/// suite of 50 small tests, each in its own process, run plain, with the
/// interposer (traces on disk, and on tmpfs) and under strace, interleaved in
/// rotating order; the same on
/// the coverage-instrumented build (what `trim run` records with); and the
/// cost of reading the traces back into `TestInputs`.
@Suite struct TracingOverheadTests {
    static let testCount = 50

    /// Every fifth test reads a data file, every fifth another variable; the rest compute a little.
    static var crate: String {
        var text = """
            #[cfg(test)]
            mod tests {
                fn work(n: u64) -> u64 { (0..2_000u64).fold(n, |a, b| a.wrapping_mul(31).wrapping_add(b)) }

            """
        for index in 0..<testCount {
            let body: String
            switch index % 5 {
            case 0:
                body =
                    "let dir = std::env::var(\"DATA\").unwrap(); "
                    + "assert!(std::fs::read_to_string(format!(\"{dir}/x.txt\")).unwrap().len() > 0);"
            case 1: body = "assert!(std::env::var(\"MY_FLAG\").map(|v| v.len()).unwrap_or(0) < 100);"
            default: body = "assert_ne!(work(\(index)), 1);"
            }
            text += "    #[test]\n    fn t\(index)() { \(body) }\n"
        }
        return text + "}\n"
    }

    @Test func recordingRunOverhead() throws {
        let fixture = try TracingFixture.get()
        let root = fixture.root.appendingPathComponent("overhead")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try "data\n".write(to: root.appendingPathComponent("data/x.txt"), atomically: true, encoding: .utf8)
        try Self.crate.write(to: root.appendingPathComponent("lib.rs"), atomically: true, encoding: .utf8)
        let plain = root.appendingPathComponent("suite")
        let instrumented = root.appendingPathComponent("suite-covered")
        try TracingFixture.check(
            "rustc",
            TracingFixture.tool(
                "rustc", ["--edition", "2021", "--test", "-o", plain.path, "lib.rs"], in: root))
        let runtime = try CoverageRuntime.library(cacheDirectory: fixture.root.appendingPathComponent("cache"))
        try TracingFixture.check(
            "rustc",
            TracingFixture.tool(
                "rustc",
                ["--edition", "2021", "--test", "-o", instrumented.path, "lib.rs"]
                    + SanitizerCoverage.rustcFlags(runtimeLibrary: runtime), in: root))

        let disk = root.appendingPathComponent("traces")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let memory = InputTracer.traceDirectory(fallback: root)
        defer { try? FileManager.default.removeItem(at: memory) }
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRIM_") && $0.key != "LD_PRELOAD" }
        base["DATA"] = root.appendingPathComponent("data").path
        base["MY_FLAG"] = "on"
        let filter = InputFilter(workspaceRoot: root, targetDirectory: nil)
        // (name, method, where the traces and dumps go)
        let variants: [(String, TracingMethod, URL)] = [
            ("untraced", .unavailable(reason: "plain"), disk), ("preload", fixture.preload, disk),
            ("preload, traces on \(memory.path.hasPrefix("/dev/shm") ? "tmpfs" : "disk")", fixture.preload, memory),
            ("strace", fixture.strace, disk),
        ]

        /// Milliseconds of one test's process (and, separately, of reading its traces).
        func run(_ executable: URL, _ test: Int, _ method: TracingMethod, coverage: Bool, round: Int, in scratch: URL)
            -> (process: Double, collect: Double)
        {
            let stem = "\(coverage ? "c" : "p")-\(method.name)-\(test)-\(round)"
            let session = fixture.tracer.session(method: method, directory: scratch, stem: stem)
            var environment = session.environment(adding: base)
            if coverage {
                environment[SanitizerCoverage.coverageFileVariable] =
                    scratch.appendingPathComponent("\(stem).%p.cov").path
            }
            let command = session.command(executable: executable.path, arguments: ["--exact", "tests::t\(test)"])
            let start = DispatchTime.now().uptimeNanoseconds
            let (status, pid) = Self.spawn(command.executable, command.arguments, environment: environment)
            let middle = DispatchTime.now().uptimeNanoseconds
            if status != 0 { Issue.record("t\(test) under \(method.name): wait status \(status)") }
            if case .unavailable = method {
            } else {
                let inputs = session.inputs(testPID: pid, testDirectory: root.path, filter: filter, environment: base)
                if !inputs.isComplete { Issue.record("t\(test) under \(method.name): \(inputs.problems)") }
                if test % 5 == 0, inputs.files["data/x.txt"] == nil { Issue.record("t\(test): the read was missed") }
            }
            let end = DispatchTime.now().uptimeNanoseconds
            session.removeFiles()
            // The pipeline deletes coverage dumps once mapped: the scratch directory stays small.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
            where name.hasPrefix(stem + ".") {
                unlink(scratch.appendingPathComponent(name).path)
            }
            return (Double(middle - start) / 1e6, Double(end - middle) / 1e6)
        }

        let rounds = 7
        var process: [String: [Double]] = [:]
        var collect: [String: [Double]] = [:]
        var totals: [String: [Double]] = [:]
        for round in 0..<rounds {
            for (suite, executable) in [("plain", plain), ("coverage", instrumented)] {
                var roundTotals: [String: Double] = [:]
                for test in 0..<Self.testCount {
                    // Rotating order, so drift in machine load hits all three alike.
                    for offset in 0..<variants.count {
                        let (name, method, scratch) = variants[(offset + test + round) % variants.count]
                        let key = "\(suite) \(name)"
                        let (p, c) = run(
                            executable, test, method, coverage: suite == "coverage", round: round,
                            in: scratch)
                        process[key, default: []].append(p)
                        collect[key, default: []].append(c)
                        roundTotals[key, default: 0] += p + c
                    }
                }
                for (key, total) in roundTotals { totals[key, default: []].append(total) }
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        var lines = [
            "[input tracing overhead] \(Self.testCount) tests, one process each, \(rounds) rounds, "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores; medians"
        ]
        for suite in ["plain", "coverage"] {
            let baseline = median(totals["\(suite) untraced"]!)
            lines.append("  \(suite == "plain" ? "uninstrumented build" : "coverage build (+ dump), as trim records"):")
            for name in variants.map(\.0) {
                let key = "\(suite) \(name)"
                let total = median(totals[key]!)
                let label = name.padding(toLength: 26, withPad: " ", startingAt: 0)
                lines.append(
                    "    " + label
                        + String(
                            format: "suite %7.1f ms (%+5.1f%%)   per test: process %.2f ms, reading traces %.2f ms",
                            total,
                            (total / baseline - 1) * 100, median(process[key]!), median(collect[key]!)))
            }
        }
        print(lines.joined(separator: "\n"))
    }

    /// posix_spawn with output to /dev/null: less noise than Foundation's Process.
    static func spawn(_ path: String, _ arguments: [String], environment: [String: String]) -> (Int32, Int32) {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { return (-1, 0) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status, pid)
    }
}
