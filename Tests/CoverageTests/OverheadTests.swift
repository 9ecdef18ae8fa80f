import Coverage
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Measures (prints, does not assert) what instrumentation and the dump cost
/// per test, one process per test, against the same crate built without
/// instrumentation.
extension CoverageSuites {
    @Suite struct OverheadTests {
        @Test func perTestOverhead() throws {
            let fixture = try CoverageFixture.get()
            let tests = ["adds", "muls", "big", "small", "compass"]
            let rounds = 30
            let dumpDirectory = fixture.root.appendingPathComponent("overhead")
            try FileManager.default.createDirectory(at: dumpDirectory, withIntermediateDirectories: true)

            func time(_ executable: URL, _ test: String, environment: [String: String]) -> Double {
                let start = DispatchTime.now().uptimeNanoseconds
                let status = Self.spawnAndWait(executable.path, ["--exact", "tests::\(test)", "--nocapture"],
                                               environment: environment)
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                if status != 0 { Issue.record("\(executable.path) \(test): wait status \(status)") }
                return elapsed
            }

            var plain: [Double] = [], instrumented: [Double] = [], dumped: [Double] = []
            for round in 0..<rounds {
                for test in tests {
                    let dump = dumpDirectory.appendingPathComponent("\(test)-\(round).cov")
                    // Interleaved, in a rotating order, so drift in machine load hits all three alike.
                    for variant in 0..<3 {
                        switch (variant + round) % 3 {
                        case 0: plain.append(time(fixture.plainExecutable, test, environment: [:]))
                        case 1: instrumented.append(time(fixture.executable, test, environment: [:]))
                        default:
                            dumped.append(time(fixture.executable, test,
                                               environment: [SanitizerCoverage.coverageFileVariable: dump.path]))
                        }
                    }
                }
            }
            var hotPlain: [Double] = [], hotDumped: [Double] = []
            for round in 0..<7 {
                let dump = dumpDirectory.appendingPathComponent("crunch-\(round).cov")
                hotPlain.append(time(fixture.plainExecutable, "crunch", environment: [:]))
                hotDumped.append(time(fixture.executable, "crunch",
                                      environment: [SanitizerCoverage.coverageFileVariable: dump.path]))
            }
            func median(_ values: [Double]) -> Double {
                let sorted = values.sorted()
                return sorted[sorted.count / 2]
            }
            let p = median(plain), i = median(instrumented), d = median(dumped)
            let hp = median(hotPlain), hd = median(hotDumped)
            print(String(format: """
                [coverage overhead] one process per test, median of %d runs (%d tests x %d rounds):
                  plain %.2f ms, instrumented (no dump) %.2f ms (%.2fx), instrumented + dump %.2f ms (%.2fx)
                  hot loop (tests::crunch, ~11M block executions): plain %.1f ms, instrumented + dump %.1f ms (%.2fx)
                  dump size %d bytes for %d slots
                """, plain.count, tests.count, rounds, p, i, i / p, d, d / p, hp, hd, hd / hp,
                (try? Data(contentsOf: fixture.runs["adds"]!.dumpPath).count) ?? -1, Int(fixture.pcTable.slotCount)))
        }

        /// posix_spawn with output to /dev/null: less noise than Foundation's Process.
        static func spawnAndWait(_ path: String, _ arguments: [String], environment extra: [String: String]) -> Int32 {
            var environment = ProcessInfo.processInfo.environment
            environment[SanitizerCoverage.coverageFileVariable] = nil
            environment[SanitizerCoverage.pcTableFileVariable] = nil
            environment.merge(extra) { _, new in new }
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
            guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { return -1 }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return status
        }
    }
}
