import Foundation
import Store
import Testing

/// Kills trim (SIGKILL, SIGINT, SIGTERM) at random points of its pipeline,
/// CHAOS_KILLS times (200 by default), over a real workspace whose code
/// changes between kills. After every kill: the database passes
/// `PRAGMA integrity_check`, nothing the killed trim started is left running
/// (after a SIGKILL: once the next trim has started), and the next `trim run`
/// runs every test that fails on the code as it is.
@Suite struct ChaosTests {
    static let functions = ["alpha", "beta", "gamma"]

    /// Each function has two tests; each test sleeps a little so the test
    /// phase is long enough to be hit.
    static func workspace() throws -> ExampleWorkspace {
        var tests = ""
        for function in functions {
            for n in 1...2 {
                tests += """
                        #[test]
                        fn \(function)_\(n)() {
                            let markers = std::env::var("FIXTURE_MARKERS").unwrap();
                            std::fs::write(format!("{markers}/\(function)_\(n)"), "started").unwrap();
                            std::thread::sleep(std::time::Duration::from_millis(200));
                            assert_eq!(crate::\(function)(\(n * 10)), \(n * 10 + 1));
                        }

                    """
            }
        }
        // Reads FIXTURE_ROUND, which changes every round: always selected, so
        // every run has a test phase to be hit.
        tests += """
                #[test]
                fn every_round() {
                    let markers = std::env::var("FIXTURE_MARKERS").unwrap();
                    let round = std::env::var("FIXTURE_ROUND").unwrap_or_default();
                    std::fs::write(format!("{markers}/every_round"), round).unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(400));
                }

            """
        let workspace = try RunnerBehaviourTests.workspace(tests)
        try write(bugs: [], comment: 0, in: workspace)
        return workspace
    }

    /// The library: each function adds one, or two when it has the bug.
    static func write(bugs: Set<String>, comment: Int, in workspace: ExampleWorkspace) throws {
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        let text = try String(contentsOf: lib, encoding: .utf8)
        let tests = text[text.range(of: "#[cfg(test)]")!.lowerBound...]
        var code = "// edit \(comment)\npub fn half(x: u32) -> u32 {\n    x / 2\n}\n"
        for function in functions {
            code += "pub fn \(function)(x: u32) -> u32 {\n    x + \(bugs.contains(function) ? 2 : 1)\n}\n"
        }
        try (code + "\n" + tests).write(to: lib, atomically: true, encoding: .utf8)
    }

    enum Phase: String, CaseIterable {
        case starting = "before the build"
        case building = "cargo build"
        case preparing = "fingerprints, listing, selection"
        case testing = "test phase"
        case closing = "after the tests"
        case finished = "already finished"
    }

    /// `testsStarted`: a test had written its marker when the signal was sent
    /// (trim's stdout is a pipe, so its lines may not have been flushed yet).
    static func phase(_ outcome: ExampleWorkspace.Outcome, exitedBeforeSignal: Bool, testsStarted: Bool) -> Phase {
        if exitedBeforeSignal { return .finished }
        if testsStarted {
            let cancelled = outcome.stdout.contains("Cancelling on signal")
            return outcome.stdout.contains("Summary [") && !cancelled ? .closing : .testing
        }
        if outcome.stderr.contains("Finished `") { return .preparing }
        if outcome.stderr.contains("Compiling ") { return .building }
        return .starting
    }

    @Test func killingTrimAnywhereLeavesASoundDatabaseNoProcessesAndEveryFailureSelected() throws {
        let kills = Int(ProcessInfo.processInfo.environment["CHAOS_KILLS"] ?? "") ?? 200
        let workspace = try Self.workspace()
        let markers = workspace.root.appendingPathComponent("markers")
        try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        var environment = ["FIXTURE_MARKERS": markers.path, "FIXTURE_ROUND": "0"]
        var generator = SeededGenerator(seed: UInt64(ProcessInfo.processInfo.environment["CHAOS_SEED"] ?? "") ?? 20261204)
        var bugs = Set<String>()
        var comment = 0

        // How long a whole run takes after an edit: kills land anywhere in it.
        let first = try workspace.run(["run", "--no-progress"], environment: environment)
        try #require(first.status == 0, "\(first.stdout)\(first.stderr)")
        let started = Date()
        environment["FIXTURE_ROUND"] = "-1"
        try Self.write(bugs: bugs, comment: 1, in: workspace)
        _ = try workspace.run(["run", "--no-progress"], environment: environment)
        let window = max(0.5, Date().timeIntervalSince(started) * 1.3)

        var violations: [String] = []
        var phases: [Phase: Int] = [:]
        var bySignal: [Int32: Int] = [:]
        for round in 1...kills {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: comment += 1  // an edit that changes no block
            case 1, 2:
                let function = Self.functions.randomElement(using: &generator)!
                if bugs.contains(function) { bugs.remove(function) } else { bugs.insert(function) }
            default: break  // no edit: a run with nothing to build
            }
            try Self.write(bugs: bugs, comment: comment, in: workspace)
            environment["FIXTURE_ROUND"] = "\(round)"
            let signal = [SIGKILL, SIGINT, SIGTERM].randomElement(using: &generator)!
            bySignal[signal, default: 0] += 1
            let delay = Double.random(in: 0...window, using: &generator)

            for marker in try FileManager.default.contentsOfDirectory(atPath: markers.path) {
                try FileManager.default.removeItem(at: markers.appendingPathComponent(marker))
            }
            let trim = try BackgroundTrim(workspace, ["run", "--no-progress", "--no-fail-fast", "-j", "2"],
                                          environment: environment)
            let deadline = Date().addingTimeInterval(delay)
            while trim.process.isRunning && Date() < deadline { usleep(5_000) }
            let exitedBefore = !trim.process.isRunning
            let testsStarted = !(try FileManager.default.contentsOfDirectory(atPath: markers.path)).isEmpty
            trim.signal(signal)
            guard let killed = trim.finish(timeout: 60) else {
                violations.append("round \(round): trim did not end within 60 s of \(signal)")
                trim.signal(SIGKILL)
                continue
            }
            let phase = Self.phase(killed, exitedBeforeSignal: exitedBefore, testsStarted: testsStarted)
            phases[phase, default: 0] += 1
            let what = "round \(round) (signal \(signal), \(phase.rawValue), \(String(format: "%.2f", delay)) s)"
            // Killed by the signal itself, silently, before the build: it came
            // before trim's first instruction could watch for it (the loader
            // was still mapping libraries), when nothing had begun.
            let beforeMain = phase == .starting && killed.status == 128 + signal
                && killed.stdout.isEmpty && killed.stderr.isEmpty
            if signal != SIGKILL && !exitedBefore && ![130, 0, 100].contains(killed.status) && !beforeMain {
                violations.append("\(what): exit \(killed.status): \(killed.stderr.suffix(300))")
            }
            if signal != SIGKILL, !BackgroundTrim.noneLeft(matching: workspace.root.path, timeout: 10) {
                violations.append("\(what): processes left running: \(BackgroundTrim.processes(matching: workspace.root.path))")
            }
            if FileManager.default.fileExists(atPath: workspace.database.path) {
                do { try TrimStore(path: workspace.database).check(thorough: true) } catch {
                    violations.append("\(what): integrity_check: \(error)")
                }
            }

            let next = try workspace.run(["run", "--no-progress", "--no-fail-fast", "-j", "2"], environment: environment)
            let expected = Set(bugs.flatMap { ["tests::\($0)_1", "tests::\($0)_2"] })
            let failed = ConcurrencyTests.failed(next)
            if failed != expected || next.status != (expected.isEmpty ? 0 : 100) {
                violations.append("\(what): the next run failed \(failed.sorted()), expected \(expected.sorted()), "
                                  + "exit \(next.status): \(next.stdout.suffix(400))\(next.stderr.suffix(300))")
            }
            if !BackgroundTrim.noneLeft(matching: workspace.root.path, timeout: 10) {
                violations.append("\(what): processes left after the next run")
            }
        }
        let phaseLine = Phase.allCases.map { "\($0.rawValue) \(phases[$0] ?? 0)" }.joined(separator: ", ")
        print("chaos: \(kills) kills (SIGKILL \(bySignal[SIGKILL] ?? 0), SIGINT \(bySignal[SIGINT] ?? 0), "
              + "SIGTERM \(bySignal[SIGTERM] ?? 0)); phases hit: \(phaseLine); violations: \(violations.count)")
        #expect(violations.isEmpty, "\(violations.prefix(5).joined(separator: "\n"))")
        #expect((phases[.testing] ?? 0) > 0 && (phases[.building] ?? 0) + (phases[.preparing] ?? 0) > 0,
                "kills landed in the build and in the test phase")
    }
}

/// SplitMix64: the same kills for the same seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
