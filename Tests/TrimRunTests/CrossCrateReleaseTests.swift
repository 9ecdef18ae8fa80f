import Foundation
import Testing

/// A downstream crate names code its upstream crate compiled: in a debug
/// build rustc shares generic instances, so `down` calls `up`'s instances of
/// `largest::<u64>` and of `Argument::new_display::<u64>` (declared in down,
/// defined in up, under symbols whose hash moves with up's version), and
/// which crate holds an instance moves when up starts or stops instantiating
/// it. None of that changes what a test runs unless the instance's content
/// changes.
@Suite(.serialized) struct CrossCrateReleaseTests: WrittenWorkspaceSuite {
    static let files: [String: String] = [
        "Cargo.toml": """
            [workspace]
            members = ["up", "down"]
            resolver = "2"
            """,
        "up/Cargo.toml": """
            [package]
            name = "up"
            version = "0.1.0"
            edition = "2021"
            """,
        "up/src/lib.rs": """
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

            pub fn version() -> &'static str {
                env!("CARGO_PKG_VERSION")
            }
            // top
            """,
        "down/Cargo.toml": """
            [package]
            name = "down"
            version = "0.1.0"
            edition = "2021"

            [dependencies]
            up = { path = "../up" }
            """,
        "down/src/lib.rs": """
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
                    assert_eq!(super::highest(&[3, 9, 4]), 9);
                }

                #[test]
                fn names_the_version() {
                    assert!(!up::version().is_empty());
                }

                #[test]
                fn adds() {
                    assert_eq!(2 + 2, 4);
                }
            }
            """,
    ]

    /// Makes up instantiate `largest::<u64>` itself, so down uses up's instance.
    static let top = """
        pub fn top(xs: &[u64]) -> u64 {
            largest(xs)
        }
        """

    let workspace: ExampleWorkspace
    static let unitCounts = ["1", "256"]
    var environment: [String: String] = [:]

    init() throws {
        workspace = try Self.write(Self.files, prefix: "trim-xcrate")
    }

    func bumpUp() throws {
        try edit("up/Cargo.toml", "version = \"0.1.0\"", "version = \"0.1.1\"")
    }

    /// The release moves the hash of every instance up defines and down
    /// calls; only the test whose code reads up's version is selected.
    @Test(arguments: unitCounts)
    mutating func anUpstreamReleaseSelectsOnlyTheTestThatReadsItsVersion(units: String) throws {
        use(units: units)
        try edit("up/src/lib.rs", "// top", Self.top)
        try record()
        try bumpUp()
        for grain in ["block", "function"] {
            let selected = try plan(grain)
            #expect(selected == ["down tests::names_the_version"], "\(units) unit(s), at \(grain) grain: \(selected)")
        }
    }

    /// A real edit of the shared generic (or of the Display impl) with the
    /// release: the downstream tests that run it are selected, no others.
    @Test(arguments: unitCounts)
    mutating func anEditOfTheUpstreamGenericSelectsTheDownstreamTestsThatRunIt(units: String) throws {
        use(units: units)
        try edit("up/src/lib.rs", "// top", Self.top)
        try record()
        try bumpUp()
        try edit("up/src/lib.rs", "if x > best {", "if x >= best {")
        #expect(try plan() == ["down tests::finds_the_highest", "down tests::names_the_version"],
                "\(units) unit(s)")
        try edit("up/src/lib.rs", "if x >= best {", "if x > best {")
        try edit("up/src/lib.rs", "write!(f, \"${}.{:02}\"", "write!(f, \"$ {}.{:02}\"")
        #expect(try plan() == ["down tests::tags_a_price", "down tests::names_the_version"], "\(units) unit(s)")
    }

    /// up starts instantiating `largest::<u64>`: down's own instance is gone
    /// and down calls up's, which has the same content. And back.
    @Test(arguments: unitCounts)
    mutating func anInstanceMovingBetweenCratesWithTheSameContentSelectsNothing(units: String) throws {
        use(units: units)
        try record()
        try edit("up/src/lib.rs", "// top", Self.top)
        #expect(try plan().isEmpty, "\(units) unit(s): moved into up")
        try record()
        try edit("up/src/lib.rs", Self.top, "// top")
        #expect(try plan().isEmpty, "\(units) unit(s): moved back into down")
    }

    /// The same move, but the instance up now holds has other code: the test
    /// that ran down's instance is selected.
    @Test(arguments: unitCounts)
    mutating func anInstanceMovingBetweenCratesWithOtherContentIsSelected(units: String) throws {
        use(units: units)
        try record()
        try edit("up/src/lib.rs", "// top", Self.top)
        try edit("up/src/lib.rs", "if x > best {", "if x >= best {")
        #expect(try plan() == ["down tests::finds_the_highest"], "\(units) unit(s)")
    }
}
