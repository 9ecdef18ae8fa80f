import Foundation
import History
import Testing

/// The floor pairs functions across crates as selection does: a shared
/// generic instance that moves from the downstream crate into the upstream
/// one, then the upstream crate's release, change no test's path and select
/// nothing; an edit of the instance affects and selects the test that runs it.
@Suite struct CrossCrateHistoryTests {
    static let up = """
        use std::fmt;

        pub struct Money(pub u64);

        impl fmt::Display for Money {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "${}.{:02}", self.0 / 100, self.0 % 100)
            }
        }

        pub fn largest<T: PartialOrd + Copy>(xs: &[T]) -> T {
            let mut best = xs[0];
            for &x in xs {
                if x > best {
                    best = x;
                }
            }
            best
        }

        pub fn describe(n: u32, s: &str) -> String {
            format!("{} {}", n, s)
        }
        // top
        """

    static let down = """
        pub fn price_tag(cents: u64) -> String {
            format!("price: {} ({} cents, {} items)", up::Money(cents), cents, cents as u32 / 100)
        }

        pub fn highest(xs: &[u64]) -> u64 {
            up::largest(xs)
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn tags_a_price() {
                assert_eq!(super::price_tag(250), "price: $2.50 (250 cents, 2 items)");
            }

            #[test]
            fn finds_the_highest() {
                assert_eq!(super::highest(&[9, 3, 4]), 9);
            }

            #[test]
            fn adds() {
                assert_eq!(2 + 2, 4);
            }
        }
        """

    static let top = "pub fn top(xs: &[u64]) -> u64 {\n    largest(xs)\n}\n"

    @Test func anInstanceMovingUpstreamAndAReleaseChangeNoPath() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", "[workspace]\nmembers = [\"up\", \"down\"]\nresolver = \"2\"\n")
        try repo.write("up/Cargo.toml", "[package]\nname = \"up\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        try repo.write("down/Cargo.toml", """
            [package]
            name = "down"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            up = { path = "../up" }
            """)
        try repo.write("up/src/lib.rs", Self.up)
        try repo.write("down/src/lib.rs", Self.down)
        try repo.write(".gitignore", "/target\n")
        try repo.commit("initial")
        try repo.replace("up/src/lib.rs", "// top", Self.top)
        try repo.commit("up: top")
        try repo.replace("up/Cargo.toml", "0.1.0", "0.2.0")
        try repo.commit("release up 0.2.0")
        try repo.replace("up/src/lib.rs", "if x > best {", "if x >= best {")
        try repo.commit("up: the last of equal values")

        let csv = repo.scratch.appendingPathComponent("history.csv")
        let outcome = try repo.trim(["simulate-history", "--commits", "4", "--repo", repo.root.path,
                                     "--csv", csv.path, "--scratch", repo.scratch.appendingPathComponent("replay").path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let rows = HistoryCSV.parseCommits(try String(contentsOf: csv, encoding: .utf8))
        try #require(rows.count == 4)
        for row in rows[1...2] {
            #expect(row.selected[.block] == 0, "\(row.subject): \(row)")
            #expect(row.affected == 0, "\(row.subject): \(row)")
            #expect(row.unexplainedTests.isEmpty, "\(row.subject): \(row.unexplainedTests)")
        }
        // With `>=` the first element replaces itself: finds_the_highest runs a block it did not run.
        #expect(rows[3].selected[.block] == 1 && rows[3].affected == 1, "\(rows[3])")
        #expect(historyGrains.map { rows[3].missed[$0] } == [0, 0, 0], "\(rows[3])")
    }
}
