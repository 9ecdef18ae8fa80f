//! A calc session, one line at a time, as an interactive front end drives
//! it: variables and functions stay defined from one line to the next, and
//! lines starting with `:` are commands.

use calc::token::TokenKind;
use calc::{tokenize, ErrorKind, Interpreter, Value};

pub const HELP: &str = "\
:vars    list the variables and their values
:reset   forget every variable and function
:help    show this text";

pub struct Session {
    interpreter: Interpreter,
    /// Lines evaluated so far (commands not included).
    pub lines: usize,
}

impl Default for Session {
    fn default() -> Session {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        Session { interpreter: Interpreter::new(), lines: 0 }
    }

    /// What the line printed, then its value (if not nil); or the error.
    pub fn eval_line(&mut self, line: &str) -> Result<String, String> {
        let line = line.trim();
        if let Some(command) = line.strip_prefix(':') {
            return self.command(command.trim());
        }
        if line.is_empty() {
            return Ok(String::new());
        }
        self.lines += 1;
        let result = self.interpreter.run(line);
        let mut out = self.interpreter.take_output();
        match result {
            Ok(Value::Nil) => {}
            Ok(value) => out.push_str(&value.repr()),
            Err(error) => return Err(error.to_string()),
        }
        Ok(out.trim_end().to_string())
    }

    fn command(&mut self, command: &str) -> Result<String, String> {
        let mut words = command.split_whitespace();
        match words.next() {
            Some("vars") => {
                let vars: Vec<String> =
                    self.interpreter.globals().iter().map(|(name, value)| format!("{name} = {}", value.repr())).collect();
                if vars.is_empty() {
                    Ok("no variables".to_string())
                } else {
                    Ok(vars.join("\n"))
                }
            }
            Some("reset") => {
                self.interpreter = Interpreter::new();
                self.lines = 0;
                Ok("reset".to_string())
            }
            Some("help") => Ok(HELP.to_string()),
            Some(other) => Err(format!("unknown command :{other} (try :help)")),
            None => Err("a command name must follow `:`".to_string()),
        }
    }
}

/// True when `input` is unfinished (an open bracket, brace or string), so
/// that a front end should read another line before evaluating it.
pub fn needs_more(input: &str) -> bool {
    match tokenize(input) {
        Err(error) => error.kind == ErrorKind::UnterminatedString,
        Ok(tokens) => {
            let mut depth = 0i32;
            for token in tokens {
                match token.kind {
                    TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                    TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth -= 1,
                    _ => {}
                }
            }
            depth > 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_an_expression() {
        assert_eq!(Session::new().eval_line("1 + 2"), Ok("3".to_string()));
    }

    #[test]
    fn keeps_variables_between_lines() {
        let mut session = Session::new();
        assert_eq!(session.eval_line("let x = 20;"), Ok(String::new()));
        assert_eq!(session.eval_line("x * 2 + 2"), Ok("42".to_string()));
        assert_eq!(session.lines, 2);
    }

    #[test]
    fn printed_output_comes_before_the_value() {
        let mut session = Session::new();
        assert_eq!(session.eval_line(r#"print("hi"); "done""#), Ok("hi\n\"done\"".to_string()));
    }

    #[test]
    fn an_error_leaves_the_session_usable() {
        let mut session = Session::new();
        session.eval_line("let n = 1;").unwrap();
        assert_eq!(session.eval_line(r#""a" - n"#), Err("cannot subtract str and int at 1:5".to_string()));
        assert_eq!(session.eval_line("n"), Ok("1".to_string()));
    }

    #[test]
    fn vars_lists_the_variables() {
        let mut session = Session::new();
        session.eval_line("let a = 1; let b = [2, \"x\"];").unwrap();
        let vars = session.eval_line(":vars").unwrap();
        assert!(vars.contains("a = 1\nb = [2, \"x\"]"), "{vars}");
    }

    #[test]
    fn reset_forgets_everything() {
        let mut session = Session::new();
        session.eval_line("let a = 1;").unwrap();
        assert_eq!(session.eval_line(":reset"), Ok("reset".to_string()));
        assert_eq!(session.eval_line("a"), Err("undefined variable `a` at 1:1".to_string()));
    }

    #[test]
    fn unknown_command_is_an_error() {
        assert_eq!(Session::new().eval_line(":quit"), Err("unknown command :quit (try :help)".to_string()));
        assert!(Session::new().eval_line(":").is_err());
    }

    #[test]
    fn help_lists_the_commands() {
        let help = Session::new().eval_line(" :help ").unwrap();
        assert!(help.starts_with(":vars") && help.contains(":reset"), "{help}");
    }

    #[test]
    fn open_brace_needs_more() {
        assert!(needs_more("fn f(x) {"));
        assert!(needs_more("print([1,"));
        assert!(!needs_more("fn f(x) { return x; }"));
    }

    #[test]
    fn unterminated_string_needs_more() {
        assert!(needs_more("print(\"abc"));
        assert!(!needs_more("let s = @;"));
    }
}
