import Foundation
import History
import Testing

/// Every test that took another path without executing a changed block is
/// explained: the replay names it nondeterministic (two runs of one build
/// differ), a change block grain missed, or a path the comparison could not
/// carry over. These fixtures reproduce the shapes that produced
/// "unexplained" paths on real histories; none is left.
@Suite(.serialized) struct UnexplainedPathTests {
    /// calc's `binary(precedence)` → `binary(precedence + 1)`: in a debug
    /// build the overflow check adds a panic path ending in a bare
    /// `unreachable`, equal to the dead one the `?` leaves at the function's
    /// end. Tests whose input has no operator never reach the change.
    static let parser = """
        #[derive(Debug, PartialEq)]
        pub enum Expr {
            Num(u32),
            Binary(u8, Box<Expr>, Box<Expr>),
        }

        pub struct Parser {
            tokens: Vec<u8>,
            pos: usize,
        }

        fn precedence(op: u8) -> Option<u8> {
            match op {
                b'+' | b'-' => Some(1),
                b'*' | b'/' => Some(2),
                _ => None,
            }
        }

        impl Parser {
            pub fn new(text: &str) -> Parser {
                Parser { tokens: text.bytes().filter(|b| !b.is_ascii_whitespace()).collect(), pos: 0 }
            }

            fn peek(&self) -> Option<u8> {
                self.tokens.get(self.pos).copied()
            }

            fn advance(&mut self) {
                self.pos += 1;
            }

            fn primary(&mut self) -> Result<Expr, String> {
                match self.peek() {
                    Some(d) if d.is_ascii_digit() => {
                        self.advance();
                        Ok(Expr::Num((d - b'0') as u32))
                    }
                    other => Err(format!("expected a digit, found {other:?}")),
                }
            }

            /// Binary operators binding at least as tightly as `min_precedence`.
            pub fn binary(&mut self, min_precedence: u8) -> Result<Expr, String> {
                let mut lhs = self.primary()?;
                while let Some(precedence) = self.peek().and_then(precedence) {
                    if precedence < min_precedence {
                        break;
                    }
                    let op = self.peek().unwrap_or(b'?');
                    self.advance();
                    let rhs = self.binary(precedence)?;
                    lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
                }
                Ok(lhs)
            }
        }

        pub fn show(e: &Expr) -> String {
            match e {
                Expr::Num(n) => n.to_string(),
                Expr::Binary(op, l, r) => format!("({} {} {})", *op as char, show(l), show(r)),
            }
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            fn parse(text: &str) -> Result<String, String> {
                Parser::new(text).binary(0).map(|e| show(&e))
            }

            #[test]
            fn a_number() {
                assert_eq!(parse("7"), Ok("7".to_string()));
            }

            #[test]
            fn a_missing_operand() {
                assert!(parse("").is_err());
            }

            #[test]
            fn precedence_nests() {
                assert_eq!(parse("1 + 2 * 3"), Ok("(+ 1 (* 2 3))".to_string()));
            }
        }

        """

    static let bitSet = """
        pub mod block;

        use block::{Block, BITS};

        /// A set of small numbers, one bit each.
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct BitSet {
            blocks: Vec<Block>,
        }

        impl BitSet {
            pub fn with_capacity(bits: usize) -> Self {
                BitSet { blocks: vec![Block::NONE; (bits + BITS - 1) / BITS] }
            }

            pub fn full(bits: usize) -> Self {
                BitSet { blocks: vec![Block::ALL; (bits + BITS - 1) / BITS] }
            }

            pub fn insert(&mut self, bit: usize) {
                let block = &mut self.blocks[bit / BITS];
                *block = block.with_bit(bit % BITS);
            }

            pub fn contains(&self, bit: usize) -> bool {
                self.blocks.get(bit / BITS).map_or(false, |b| b.has_bit(bit % BITS))
            }

            pub fn is_empty(&self) -> bool {
                self.blocks.iter().all(|b| b.is_empty())
            }

            pub fn count(&self) -> u32 {
                self.blocks.iter().map(|b| b.count_ones()).sum()
            }

            pub fn union(&self, other: &Self) -> Self {
                BitSet { blocks: self.blocks.iter().zip(&other.blocks).map(|(a, b)| a.or(*b)).collect() }
            }

            pub fn intersection(&self, other: &Self) -> Self {
                BitSet { blocks: self.blocks.iter().zip(&other.blocks).map(|(a, b)| a.and(*b)).collect() }
            }
        }

        #[cfg(test)]
        mod tests {
            use super::*;
            use std::collections::hash_map::DefaultHasher;
            use std::hash::{Hash, Hasher};

            fn set(bits: &[usize]) -> BitSet {
                let mut s = BitSet::with_capacity(256);
                for &b in bits {
                    s.insert(b);
                }
                s
            }

            #[test]
            fn starts_empty() {
                assert!(BitSet::with_capacity(200).is_empty());
            }

            #[test]
            fn full_has_every_bit() {
                assert_eq!(BitSet::full(256).count(), 256);
            }

            #[test]
            fn inserts() {
                assert!(set(&[3, 130]).contains(130));
            }

            #[test]
            fn misses() {
                assert!(!set(&[3]).contains(4));
            }

            #[test]
            fn out_of_range_is_absent() {
                assert!(!set(&[3]).contains(4000));
            }

            #[test]
            fn counts() {
                assert_eq!(set(&[1, 2, 200]).count(), 3);
            }

            #[test]
            fn unions() {
                assert_eq!(set(&[1]).union(&set(&[2])).count(), 2);
            }

            #[test]
            fn intersects() {
                assert_eq!(set(&[1, 2]).intersection(&set(&[2, 3])).count(), 1);
            }

            #[test]
            fn orders() {
                assert!(set(&[1]) < set(&[2]));
            }

            #[test]
            fn hashes_equal_sets_alike() {
                let hash = |s: &BitSet| {
                    let mut h = DefaultHasher::new();
                    s.hash(&mut h);
                    h.finish()
                };
                assert_eq!(hash(&set(&[5, 77])), hash(&set(&[77, 5])));
            }
        }
        """

    static let blockModule = """
        #[cfg(target_arch = "x86_64")]
        mod sse2;
        #[cfg(target_arch = "x86_64")]
        pub use sse2::Block;

        #[cfg(not(target_arch = "x86_64"))]
        mod default;
        #[cfg(not(target_arch = "x86_64"))]
        pub use default::Block;

        pub const BITS: usize = 128;
        """

    static let blockModuleMoved = """
        #[cfg(target_arch = "x86_64")]
        mod sse2;
        #[cfg(target_arch = "x86_64")]
        pub use sse2::Block;

        #[cfg(not(target_arch = "x86_64"))]
        mod default;
        #[cfg(not(target_arch = "x86_64"))]
        pub use default::Block;

        pub const BITS: usize = 128;

        impl Block {
            #[inline]
            pub fn into_usize_array(self) -> [usize; 2] {
                [self.0[0] as usize, self.0[1] as usize]
            }

            #[inline]
            pub const fn from_usize_array(array: [usize; 2]) -> Self {
                Block([array[0] as u64, array[1] as u64])
            }

            pub const NONE: Block = Block::from_usize_array([0, 0]);
            pub const ALL: Block = Block::from_usize_array([usize::MAX, usize::MAX]);
        }
        """

    static let sse2 = """
        use std::cmp::Ordering;
        use std::hash::{Hash, Hasher};

        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub struct Block([u64; 2]);

        impl Block {
            #[inline]
            pub fn into_usize_array(self) -> [usize; 2] {
                [self.0[0] as usize, self.0[1] as usize]
            }

            #[inline]
            pub const fn from_usize_array(array: [usize; 2]) -> Self {
                Block([array[0] as u64, array[1] as u64])
            }

            pub const NONE: Block = Block::from_usize_array([0, 0]);
            pub const ALL: Block = Block::from_usize_array([usize::MAX, usize::MAX]);

        \(Self.bitMethods)
        }

        impl Ord for Block {
            fn cmp(&self, other: &Self) -> Ordering {
                self.into_usize_array().cmp(&other.into_usize_array())
            }
        }

        impl PartialOrd for Block {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Hash for Block {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.into_usize_array().hash(state)
            }
        }
        """

    /// The bit methods both versions of `Block` keep unchanged.
    static let bitMethods = """
            #[inline]
            pub fn is_empty(self) -> bool {
                self.0[0] == 0 && self.0[1] == 0
            }

            #[inline]
            pub fn with_bit(self, bit: usize) -> Self {
                let mut words = self.0;
                words[bit / 64] |= 1 << (bit % 64);
                Block(words)
            }

            #[inline]
            pub fn has_bit(self, bit: usize) -> bool {
                self.0[bit / 64] & (1 << (bit % 64)) != 0
            }

            #[inline]
            pub fn or(self, other: Self) -> Self {
                Block([self.0[0] | other.0[0], self.0[1] | other.0[1]])
            }

            #[inline]
            pub fn and(self, other: Self) -> Self {
                Block([self.0[0] & other.0[0], self.0[1] & other.0[1]])
            }

            #[inline]
            pub fn count_ones(self) -> u32 {
                self.0[0].count_ones() + self.0[1].count_ones()
            }
        """

    static let sse2Moved = """
        use std::cmp::Ordering;
        use std::hash::{Hash, Hasher};

        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub struct Block(pub(super) [u64; 2]);

        impl Block {
        \(Self.bitMethods)
        }

        impl Ord for Block {
            fn cmp(&self, other: &Self) -> Ordering {
                self.0[1].cmp(&other.0[1]).then(self.0[0].cmp(&other.0[0]))
            }
        }

        impl PartialOrd for Block {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Hash for Block {
            fn hash<H: Hasher>(&self, state: &mut H) {
                state.write_u64(self.0[0]);
                state.write_u64(self.0[1]);
            }
        }
        """

    static let api = """
        use bits::block::Block;
        use bits::BitSet;

        #[test]
        fn arrays_round_trip() {
            let block = Block::from_usize_array([1, 2]);
            assert_eq!(block.into_usize_array(), [1, 2]);
        }

        #[test]
        fn constants() {
            assert!(Block::NONE.is_empty());
            assert_eq!(Block::ALL.count_ones(), 128);
        }

        #[test]
        fn sets_from_outside() {
            let mut s = BitSet::with_capacity(64);
            s.insert(9);
            assert!(s.contains(9) && !s.is_empty());
        }

        #[test]
        fn full_from_outside() {
            assert_eq!(BitSet::full(128).count(), 128);
        }
        """

    func replay(_ repo: Repository, commits: Int) throws -> [CommitRecord] {
        let csv = repo.scratch.appendingPathComponent("history.csv")
        let outcome = try repo.trim(["simulate-history", "--commits", String(commits), "--repo", repo.root.path,
                                     "--csv", csv.path, "--scratch", repo.scratch.appendingPathComponent("replay").path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return HistoryCSV.parseCommits(try String(contentsOf: csv, encoding: .utf8))
    }

    @Test func anAddedOverflowCheckMovesNoOtherTestsPath() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", "[package]\nname = \"prec\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        try repo.write("src/lib.rs", Self.parser)
        try repo.write(".gitignore", "/target\n")
        try repo.commit("initial")
        try repo.replace("src/lib.rs", "self.binary(precedence)?", "self.binary(precedence + 1)?")
        try repo.commit("binary operators associate to the left")
        let rows = try replay(repo, commits: 2)
        try #require(rows.count == 2)
        // Only the test with operators reaches the change; the two without are on the same path.
        #expect(rows[1].selected[.block] == 1 && rows[1].affected == 1, "\(rows[1])")
        #expect(rows[1].unexplainedTests.isEmpty, "\(rows[1].unexplainedTests)")
    }

    /// The shape of a real crate's commit that left 59 tests "unexplained":
    /// a type's inherent `#[inline]` methods and associated constants built
    /// by a `const fn` (`into_usize_array`, `from_usize_array`, `NONE`,
    /// `ALL`) move out of a cfg-selected module (`block/sse2.rs`) into a
    /// shared `impl Block` in `block/mod.rs`, and `Ord::cmp` and `Hash::hash`
    /// are rewritten; unit tests and an integration test use them. Every
    /// test whose path changed is one block grain selected.
    @Test func methodsMovedBetweenImplBlocksLeaveNoPathUnexplained() throws {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", "[package]\nname = \"bits\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        try repo.write(".gitignore", "/target\n")
        try repo.write("src/lib.rs", Self.bitSet)
        try repo.write("src/block/mod.rs", Self.blockModule)
        try repo.write("src/block/sse2.rs", Self.sse2)
        try repo.write("src/block/default.rs", Self.sse2)
        try repo.write("tests/api.rs", Self.api)
        try repo.commit("initial")
        try repo.write("src/block/mod.rs", Self.blockModuleMoved)
        try repo.write("src/block/sse2.rs", Self.sse2Moved)
        try repo.write("src/block/default.rs", Self.sse2Moved)
        try repo.commit("block: one impl for the array conversions and constants; cmp and hash by words")
        let rows = try replay(repo, commits: 2)
        try #require(rows.count == 2)
        let row = rows[1]
        #expect(row.testsTotal == 14, "\(row)")
        #expect(row.unexplainedTests.isEmpty, "\(row.unexplainedTests)")
        #expect(row.nondeterministic == 0, "\(row)")
        #expect((row.affected ?? 99) <= (row.selected[.block] ?? 0), "\(row)")
        #expect(historyGrains.map { row.missed[$0] } == [0, 0, 0], "\(row)")
    }
}
