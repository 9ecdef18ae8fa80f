import Foundation
import Testing

/// A release (a new package version) or a dependency no code uses moves the
/// hash in every symbol and module name downstream, yet changes no compiled
/// code: `trim plan` selects nothing for it, except the tests whose code
/// reads the version.
@Suite(.serialized) struct ReleaseSelectionTests: WrittenWorkspaceSuite {
    static let files: [String: String] = [
        "Cargo.toml": """
            [workspace]
            members = ["plain", "stamped", "helper"]
            resolver = "2"
            """,
        "plain/Cargo.toml": """
            [package]
            name = "plain"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            """,
        "plain/src/lib.rs": """
            pub enum Entry {
                Deposit(u64),
                Withdraw(u64),
            }

            pub fn parse(line: &str) -> Option<Entry> {
                let (kind, amount) = line.split_once(' ')?;
                let amount = amount.parse().ok();
                match kind {
                    "deposit" => amount.map(Entry::Deposit),
                    "withdraw" => amount.map(Entry::Withdraw),
                    _ => None,
                }
            }

            pub fn total(lines: &[&str]) -> i64 {
                lines.iter().filter_map(|l| parse(l)).map(|e| match e {
                    Entry::Deposit(a) => a as i64,
                    Entry::Withdraw(a) => -(a as i64),
                }).sum()
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn parses_a_deposit() {
                    assert!(matches!(parse("deposit 5"), Some(Entry::Deposit(5))));
                }

                #[test]
                fn rejects_garbage() {
                    assert!(parse("refund 5").is_none());
                }

                #[test]
                #[should_panic(expected = "overdrawn")]
                fn panics_when_overdrawn() {
                    if total(&["withdraw 3"]) < 0 {
                        panic!("overdrawn");
                    }
                }
            }
            """,
        "plain/tests/sums.rs": """
            #[test]
            fn sums_deposits_and_withdrawals() {
                assert_eq!(plain::total(&["deposit 5", "withdraw 2"]), 3);
            }

            #[test]
            fn skips_garbage() {
                assert_eq!(plain::total(&["deposit 5", "what"]), 5);
            }
            """,
        "stamped/Cargo.toml": """
            [package]
            name = "stamped"
            version = "1.0.0"
            edition = "2021"

            [dependencies]
            plain = { path = "../plain" }
            """,
        "stamped/src/lib.rs": """
            pub fn banner() -> String {
                format!("stamped {}", env!("CARGO_PKG_VERSION"))
            }

            pub fn balance(lines: &[&str]) -> i64 {
                plain::total(lines)
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn shows_the_version() {
                    println!("{}", super::banner());
                    assert!(super::banner().starts_with("stamped "));
                }

                #[test]
                fn balances() {
                    assert_eq!(super::balance(&["deposit 4"]), 4);
                }
            }
            """,
        "helper/Cargo.toml": """
            [package]
            name = "helper"
            version = "0.1.0"
            edition = "2021"
            """,
        "helper/src/lib.rs": """
            pub fn unused() -> u32 {
                7
            }
            """,
    ]

    let workspace: ExampleWorkspace
    /// Each test runs with one codegen unit per crate and with trim's default
    /// of 256, where callers and callees sit in different units.
    static let unitCounts = ["1", "256"]
    var environment: [String: String] = [:]

    init() throws {
        workspace = try Self.write(Self.files, prefix: "trim-release")
    }

    func bumpVersions() throws {
        try edit("plain/Cargo.toml", "version = \"0.1.0\"", "version = \"0.1.1\"")
        try edit("stamped/Cargo.toml", "version = \"1.0.0\"", "version = \"1.1.0\"")
    }

    @Test(arguments: unitCounts)
    mutating func aReleaseSelectsOnlyTheTestThatReadsTheVersion(units: String) throws {
        use(units: units)
        try record()
        try bumpVersions()
        for grain in ["block", "function"] {
            let selected = try plan(grain)
            #expect(selected == ["stamped tests::shows_the_version"], "\(units) unit(s), at \(grain) grain: \(selected)")
        }
        // File grain, as file-level tools, sees no source file change here.
        #expect(try plan("file").isEmpty)
    }

    @Test(arguments: unitCounts)
    mutating func aReleaseWithAnEditSelectsWhatTheEditAloneWould(units: String) throws {
        use(units: units)
        try record()
        try edit("plain/src/lib.rs", "-(a as i64)", "-(a as i64) - 1")
        let editAlone = try plan()
        #expect(editAlone.contains("plain::sums sums_deposits_and_withdrawals"))
        #expect(!editAlone.contains("plain tests::parses_a_deposit"))
        try bumpVersions()
        let withRelease = try plan()
        #expect(withRelease == editAlone.union(["stamped tests::shows_the_version"]),
                "\(units) unit(s); edit alone: \(editAlone)")
    }

    @Test(arguments: unitCounts)
    mutating func anUnusedDevDependencySelectsNothing(units: String) throws {
        use(units: units)
        try record()
        try edit("plain/Cargo.toml", "[dependencies]", "[dependencies]\n\n[dev-dependencies]\nhelper = { path = \"../helper\" }")
        #expect(try plan().isEmpty)
    }
}

/// Two packages named alike (`util` 1.x and `util` 2.x, one renamed with
/// `package =`): their modules share a crate name, and pairing them across a
/// release must never take one for the other.
@Suite(.serialized) struct SameNamedPackageTests {
    static let files: [String: String] = [
        "Cargo.toml": """
            [workspace]
            members = ["app"]
            exclude = ["util1", "util2"]
            resolver = "2"
            """,
        "app/Cargo.toml": """
            [package]
            name = "app"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            util = { path = "../util1" }
            util2 = { path = "../util2", package = "util" }
            """,
        "app/src/lib.rs": """
            pub fn old_level() -> u32 {
                util::level()
            }

            pub fn new_level() -> u32 {
                util2::level()
            }

            #[cfg(test)]
            mod tests {
                #[test]
                fn old() {
                    assert!(super::old_level() > 0);
                }

                #[test]
                fn new() {
                    assert!(super::new_level() > 0);
                }
            }
            """,
        "util1/Cargo.toml": "[package]\nname = \"util\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
        "util1/src/lib.rs": "pub fn level() -> u32 {\n    1\n}\n",
        "util2/Cargo.toml": "[package]\nname = \"util\"\nversion = \"2.0.0\"\nedition = \"2021\"\n",
        "util2/src/lib.rs": "pub fn level() -> u32 {\n    2\n}\n",
    ]

    @Test func anEditInOneIsNeverTakenForTheOther() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-twins-\(UUID().uuidString)")
        for (path, content) in Self.files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        let workspace = ExampleWorkspace(root: root)
        func edit(_ file: String, _ old: String, _ new: String) throws {
            let url = root.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(old), "\(file) lacks \(old)")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        func plan() throws -> Set<String> {
            let outcome = try workspace.run(["plan", "--json"])
            try #require(outcome.status == 0, "trim plan failed: \(outcome.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
            return Set(try #require(object["selected"] as? [[String: Any]]).map { $0["test"] as! String })
        }
        let outcome = try workspace.run(["run", "--no-progress"])
        try #require(outcome.status == 0, "trim run failed: \(outcome.stdout)\n\(outcome.stderr)")

        try edit("util2/src/lib.rs", "    2\n", "    3\n")
        #expect(try plan() == ["tests::new"])
        // Both released as well: both module names move; util 2's edit is still seen.
        try edit("util1/Cargo.toml", "1.0.0", "1.0.1")
        try edit("util2/Cargo.toml", "2.0.0", "2.0.1")
        #expect(try plan().contains("tests::new"))
        try edit("util2/src/lib.rs", "    3\n", "    2\n")
        try edit("util1/src/lib.rs", "    1\n", "    4\n")
        #expect(try plan().contains("tests::old"), "util 1's edit, after both releases")
    }
}
