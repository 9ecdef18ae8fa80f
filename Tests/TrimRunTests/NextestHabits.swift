import Foundation
import ProcessSpawn

/// `Examples/ledger` with a module of tests for nextest's everyday options:
/// tests that print markers around a pause (to see output passed through
/// and overlap), and two that fail loudly.
enum NextestHabits {
    static let module = """
        #[cfg(test)]
        /// Appends a line to $HABITS_LOG, when set: the order of BEGIN and
        /// END lines there shows whether tests overlapped.
        pub fn log(line: &str) {
            if let Some(path) = std::env::var_os("HABITS_LOG") {
                use std::io::Write;
                let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
                // One write per line: with O_APPEND it lands whole even while another test appends
                // (writeln! writes the text and the newline separately, and they interleave).
                file.write_all(format!("{line}\n").as_bytes()).unwrap();
            }
        }

        #[cfg(test)]
        mod tests {
            fn marked(name: &str) {
                super::log(&format!("BEGIN-{name}"));
                println!("BEGIN-{name}");
                std::thread::sleep(std::time::Duration::from_millis(300));
                println!("END-{name}");
                super::log(&format!("END-{name}"));
            }

            #[test]
            fn first() {
                marked("first");
            }

            #[test]
            fn second() {
                marked("second");
            }

            #[test]
            fn third() {
                marked("third");
            }

            #[test]
            fn loud_failure() {
                println!("LOUD-OUTPUT");
                panic!("a deliberate failure");
            }

            #[test]
            fn other_failure() {
                println!("OTHER-OUTPUT");
                panic!("another deliberate failure");
            }
        }
        """

    /// A test that fails when any of trim's settings reaches it.
    static let environmentCheck = """

        #[cfg(test)]
        mod environment {
            #[test]
            fn sees_no_trim_settings() {
                for name in ["TRIM_PROFILE", "TRIM_TEST_THREADS", "TRIM_RETRIES", "TRIM_HIDE_PROGRESS_BAR",
                             "TRIM_STATUS_LEVEL", "TRIM_FINAL_STATUS_LEVEL", "TRIM_SUCCESS_OUTPUT",
                             "TRIM_FAILURE_OUTPUT", "TRIM_CACHE_DIR"] {
                    assert!(std::env::var_os(name).is_none(), "{name} reached the test");
                }
                assert!(std::env::var_os("HABITS_LOG").is_some(), "other variables do reach it");
            }
        }
        """

    /// Whether two BEGIN…END spans in a $HABITS_LOG overlap.
    static func overlaps(log: String) -> Bool {
        var open = 0
        for line in log.split(separator: "\n") {
            if line.hasPrefix("BEGIN-") { open += 1; if open > 1 { return true } }
            if line.hasPrefix("END-") { open -= 1 }
        }
        return false
    }

    /// Whether `a` ran while `b` did, or `b` while `a` did, by the order of
    /// BEGIN and END lines in a $HABITS_LOG.
    static func overlap(log: String, _ a: String, _ b: String) -> Bool {
        var open: Set<String> = []
        for line in log.split(separator: "\n") {
            if line.hasPrefix("BEGIN-") {
                let name = String(line.dropFirst(6))
                if (name == a && open.contains(b)) || (name == b && open.contains(a)) { return true }
                open.insert(name)
            } else if line.hasPrefix("END-") {
                open.remove(String(line.dropFirst(4)))
            }
        }
        return false
    }

    /// `trim ARGS` in a pseudo-terminal (`script`), so trim draws its progress
    /// line; what the terminal showed.
    static func inTerminal(_ workspace: ExampleWorkspace, _ arguments: [String],
                           environment: [String: String] = [:]) throws -> String {
        let trim = ExampleWorkspace.binDirectory.appendingPathComponent("trim").path
        let command = ([trim] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
        let finished = try ChildProcess.run(
            "/usr/bin/script", ["-qec", command, "/dev/null"], directory: workspace.root.path,
            environment: ProcessInfo.processInfo.environment.merging(Self.environment) { _, new in new }
                .merging(environment) { _, new in new },
            stderr: .inherit)
        return String(decoding: finished.stdout, as: UTF8.self)
    }

    /// A private copy of the ledger example with `module` as `src/habits.rs`.
    static func ledger(module: String = NextestHabits.module) throws -> ExampleWorkspace {
        let workspace = try ExampleWorkspace(withExtraTests: false)
        try module.write(to: workspace.root.appendingPathComponent("src/habits.rs"), atomically: true, encoding: .utf8)
        let lib = workspace.root.appendingPathComponent("src/lib.rs")
        try (try String(contentsOf: lib, encoding: .utf8) + "\npub mod habits;\n")
            .write(to: lib, atomically: true, encoding: .utf8)
        return workspace
    }

    /// Every trim of these tests shares one cache of the compiled runtime,
    /// never the user's.
    static let environment = ["TRIM_CACHE_DIR": FileManager.default.temporaryDirectory
        .appendingPathComponent("trim-nextest-habits-cache").path]

    static func writeConfig(_ workspace: ExampleWorkspace, _ text: String) throws {
        let dir = workspace.root.appendingPathComponent(".config")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("trim.toml"), atomically: true, encoding: .utf8)
    }
}

extension ExampleWorkspace {
    /// `trim ARGS` with the shared test cache.
    func habit(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        try run(arguments, environment: NextestHabits.environment.merging(environment) { _, new in new })
    }
}

extension String {
    /// The lines containing `text`, in order.
    func lines(containing text: String) -> [String] {
        split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// Where `text` first occurs, as a distance from the start (Int.max when absent).
    func offset(of text: String) -> Int {
        range(of: text).map { distance(from: startIndex, to: $0.lowerBound) } ?? Int.max
    }
}
