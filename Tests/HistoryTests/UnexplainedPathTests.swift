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
}
