import Foundation

/// `Examples/ledger` with a module of tests for nextest's everyday options:
/// tests that print markers around a pause (to see output passed through
/// and overlap), and two that fail loudly.
enum NextestHabits {
    static let module = """
        #[cfg(test)]
        mod tests {
            fn marked(name: &str) {
                println!("BEGIN-{name}");
                std::thread::sleep(std::time::Duration::from_millis(300));
                println!("END-{name}");
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
