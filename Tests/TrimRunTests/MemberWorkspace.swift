import Foundation
import TrimModel

/// A virtual workspace of four members written for these tests: `alpha` (a
/// library with doctests, a unit test and `tests/api.rs`), `beta` (depends on
/// alpha), `gamma` (on its own, with a test target called `doctest`) and `broken` (does not compile; not a
/// default member). trim runs on it as a user would, without the
/// `--workspace` the example tests add.
enum MemberWorkspace {
    static let files: [String: String] = [
        "Cargo.toml": """
            [workspace]
            members = ["alpha", "beta", "gamma", "broken"]
            default-members = ["alpha", "beta", "gamma"]
            resolver = "2"
            """,
        "alpha/Cargo.toml": manifest("alpha"),
        "alpha/src/lib.rs": """
            /// Adds two numbers.
            ///
            /// ```
            /// assert_eq!(alpha::add(2, 3), 5);
            /// ```
            pub fn add(a: u32, b: u32) -> u32 {
                a + b
            }

            /// Doubles a number.
            ///
            /// ```
            /// assert_eq!(alpha::double(4), 8);
            /// ```
            pub fn double(a: u32) -> u32 {
                a * 2
            }

            /// Never compiled.
            ///
            /// ```ignore
            /// not rust
            /// ```
            pub fn ignored_example() {}

            #[cfg(test)]
            mod tests {
                #[test]
                fn adds() {
                    assert_eq!(super::add(1, 1), 2);
                }
            }
            """,
        "alpha/tests/api.rs": """
            #[test]
            fn adds_through_the_api() {
                assert_eq!(alpha::add(2, 2), 4);
            }
            """,
        "beta/Cargo.toml": manifest("beta", dependencies: "alpha = { path = \"../alpha\" }"),
        "beta/src/lib.rs": """
            /// One more.
            ///
            /// ```
            /// assert_eq!(beta::increment(2), 3);
            /// ```
            pub fn increment(a: u32) -> u32 {
                alpha::add(a, 1)
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn increments() {
                    assert_eq!(super::increment(1), 2);
                }
            }
            """,
        "gamma/Cargo.toml": manifest("gamma"),
        "gamma/src/lib.rs": """
            /// Shouts.
            ///
            /// ```
            /// assert_eq!(gamma::shout("a"), "A!");
            /// ```
            pub fn shout(text: &str) -> String {
                format!("{}!", text.to_uppercase())
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn shouts() {
                    assert_eq!(super::shout("hi"), "HI!");
                }
            }
            """,
        // Its id is `gamma::doctest`, as gamma's doctests': both must be kept.
        "gamma/tests/doctest.rs": """
            #[test]
            fn shouts_from_a_test_target() {
                assert_eq!(gamma::shout("x"), "X!");
            }
            """,
        "broken/Cargo.toml": manifest("broken"),
        "broken/src/lib.rs": """
            pub fn broken() -> u32 {
                "not a number"
            }
            """,
    ]

    static func manifest(_ name: String, dependencies: String = "") -> String {
        """
        [package]
        name = "\(name)"
        version = "0.1.0"
        edition = "2021"
        publish = false

        [dependencies]
        \(dependencies)
        """
    }

    static let alphaDoctests: Set<String> = [
        "alpha::doctest alpha/src/lib.rs - add (line 3)", "alpha::doctest alpha/src/lib.rs - double (line 12)",
    ]
    static let alphaTests = Set(["alpha tests::adds", "alpha::api adds_through_the_api"]).union(alphaDoctests)
    static let betaTests: Set<String> = ["beta tests::increments", "beta::doctest beta/src/lib.rs - increment (line 3)"]
    static let gammaTests: Set<String> = ["gamma tests::shouts", "gamma::doctest gamma/src/lib.rs - shout (line 3)",
                                          "gamma::doctest shouts_from_a_test_target"]

    /// A fresh copy in a temporary directory.
    static func make() throws -> ExampleWorkspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-members-\(UUID().uuidString)")
        for (path, text) in files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        }
        return ExampleWorkspace(root: root, wholeWorkspace: false)
    }
}

extension ExampleWorkspace {
    /// The `BINARY NAME` of every test a run started (PASS or FAIL lines).
    static func ran(_ outcome: Outcome) -> Set<String> {
        Set(outcome.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: #"^\s+(PASS|FAIL) \[[^\]]*\] "#, options: .regularExpression) else {
                return nil
            }
            return String(line[range.upperBound...])
        })
    }

    /// The `BINARY NAME` lines of `trim list`, markers dropped.
    static func listed(_ outcome: Outcome) -> Set<String> {
        Set(outcome.stdout.split(separator: "\n").map { String($0).replacingOccurrences(of: " (ignored)", with: "") })
    }

    func edit(_ path: String, _ change: (String) -> String) throws {
        let file = root.appendingPathComponent(path)
        try change(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
    }
}
