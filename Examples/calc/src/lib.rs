//! calc: a small expression language. A lexer, a precedence-climbing
//! parser, a tree-walking interpreter with a few built-in functions and a
//! prelude written in calc itself, and a pretty-printer.
//!
//! The third bundled example for trim (see `Benchmarks/calc-history/`):
//! branch-heavy code, with big `match`es in the lexer, the parser and the
//! evaluator, where each test takes a path of its own; unit tests in every
//! module, whole programs in `tests/`, and a second package (`repl`) that
//! depends on this one.

pub mod ast;
pub mod builtins;
pub mod error;
pub mod eval;
pub mod format;
pub mod lexer;
pub mod parser;
pub mod token;
pub mod value;

pub use error::{Error, ErrorKind, Pos};
pub use eval::{Interpreter, MAX_DEPTH};
pub use lexer::tokenize;
pub use parser::parse;
pub use value::Value;

/// What a program produced: the value of its last statement (when that is
/// an expression) and what it printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub value: Value,
    pub printed: String,
}

/// Runs `source` in a fresh interpreter (with the prelude).
pub fn run(source: &str) -> Result<Output, Error> {
    let mut interpreter = Interpreter::new();
    let value = interpreter.run(source)?;
    Ok(Output { value, printed: interpreter.take_output() })
}

/// The value of `source`, run in a fresh interpreter; what it prints is dropped.
pub fn eval(source: &str) -> Result<Value, Error> {
    run(source).map(|output| output.value)
}

/// `source` in the standard layout (see `format`).
pub fn format_source(source: &str) -> Result<String, Error> {
    Ok(format::format_program(&parse(source)?))
}
