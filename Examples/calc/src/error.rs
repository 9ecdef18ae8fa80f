//! Errors of every stage (lexing, parsing, running), each with the position
//! in the source it refers to.

use std::fmt;

/// A position in the source: line and column, both counted from 1
/// (columns in characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    // The lexer's.
    UnexpectedChar(char),
    UnterminatedString,
    BadEscape(char),
    BadNumber(String),
    // The parser's.
    Expected { expected: String, found: String },
    InvalidAssignment,
    // The interpreter's.
    UndefinedVariable(String),
    Type(String),
    DivisionByZero,
    Overflow,
    IndexOutOfRange { index: i64, len: usize },
    NotCallable(String),
    Arity { name: String, expected: usize, found: usize },
    TooDeep,
    ReturnOutsideFunction,
}

impl ErrorKind {
    /// True for the errors found before the program runs.
    pub fn is_syntax(&self) -> bool {
        matches!(
            self,
            ErrorKind::UnexpectedChar(_)
                | ErrorKind::UnterminatedString
                | ErrorKind::BadEscape(_)
                | ErrorKind::BadNumber(_)
                | ErrorKind::Expected { .. }
                | ErrorKind::InvalidAssignment
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::UnexpectedChar(c) => write!(f, "unexpected character `{c}`"),
            ErrorKind::UnterminatedString => f.write_str("unterminated string"),
            ErrorKind::BadEscape(c) => write!(f, "unknown escape `\\{c}`"),
            ErrorKind::BadNumber(text) => write!(f, "bad number `{text}`"),
            ErrorKind::Expected { expected, found } => write!(f, "expected {expected}, found {found}"),
            ErrorKind::InvalidAssignment => f.write_str("only a variable can be assigned to"),
            ErrorKind::UndefinedVariable(name) => write!(f, "undefined variable `{name}`"),
            ErrorKind::Type(message) => f.write_str(message),
            ErrorKind::DivisionByZero => f.write_str("division by zero"),
            ErrorKind::Overflow => f.write_str("integer overflow"),
            ErrorKind::IndexOutOfRange { index, len } => write!(f, "index {index} out of range for length {len}"),
            ErrorKind::NotCallable(type_name) => write!(f, "a value of type {type_name} is not a function"),
            ErrorKind::Arity { name, expected, found } => {
                let s = if *expected == 1 { "" } else { "s" };
                write!(f, "`{name}` takes {expected} argument{s}, got {found}")
            }
            ErrorKind::TooDeep => write!(f, "calls nested more than {} deep", crate::eval::MAX_DEPTH),
            ErrorKind::ReturnOutsideFunction => f.write_str("`return` outside a function"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub pos: Pos,
}

impl Error {
    pub fn new(kind: ErrorKind, pos: Pos) -> Error {
        Error { kind, pos }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.kind, self.pos)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_ends_with_the_position() {
        let error = Error::new(ErrorKind::Expected { expected: "`)`".into(), found: "`;`".into() }, Pos::new(3, 7));
        assert_eq!(error.to_string(), "expected `)`, found `;` at 3:7");
    }

    #[test]
    fn arity_message_uses_the_singular_for_one() {
        let kind = ErrorKind::Arity { name: "len".into(), expected: 1, found: 2 };
        assert_eq!(kind.to_string(), "`len` takes 1 argument, got 2");
    }
}
