//! The lexer: source text to tokens. Every token records the line and
//! column where it starts, and so does every error.
//!
//! Integers are decimal (`1_000`) or hexadecimal (`0x2a`); floats have a
//! fraction (`1.5`), an exponent (`2e3`) or both. Strings are in double
//! quotes with the escapes `\n`, `\t`, `\r`, `\0`, `\\` and `\"`. A `#`
//! starts a comment that runs to the end of the line.

use crate::error::{Error, ErrorKind, Pos};
use crate::token::{Token, TokenKind};

/// All tokens of `source`, the last one `Eof`.
pub fn tokenize(source: &str) -> Result<Vec<Token>, Error> {
    let mut lexer = Lexer::new(source);
    let mut tokens = Vec::new();
    loop {
        let token = lexer.next_token()?;
        let done = token.kind == TokenKind::Eof;
        tokens.push(token);
        if done {
            return Ok(tokens);
        }
    }
}

pub struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
}

impl Lexer {
    pub fn new(source: &str) -> Lexer {
        Lexer { chars: source.chars().collect(), i: 0, line: 1, col: 1 }
    }

    fn here(&self) -> Pos {
        Pos::new(self.line, self.col)
    }

    /// The next character, moving past it.
    fn advance(&mut self) -> Option<char> {
        let c = self.chars.get(self.i).copied()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 0;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    /// Moves past the next character if it is `expected`.
    fn eat(&mut self, expected: char) -> bool {
        if self.chars.get(self.i).copied() == Some(expected) {
            self.advance();
            true
        } else {
            false
        }
    }

    /// Skips white space and comments.
    fn skip_trivia(&mut self) {
        while let Some(c) = self.chars.get(self.i).copied() {
            if c == '#' {
                while self.chars.get(self.i).copied().is_some_and(|c| c != '\n') {
                    self.advance();
                }
            } else if c.is_whitespace() {
                self.advance();
            } else {
                break;
            }
        }
    }

    pub fn next_token(&mut self) -> Result<Token, Error> {
        self.skip_trivia();
        let start = self.here();
        let Some(c) = self.advance() else {
            return Ok(Token { kind: TokenKind::Eof, line: start.line, col: start.col });
        };
        let kind = match c {
            '0'..='9' => self.number(c, start)?,
            '"' => self.string(start)?,
            c if c.is_alphabetic() || c == '_' => self.word(c),
            '+' => TokenKind::Plus,
            '-' => TokenKind::Minus,
            '*' => TokenKind::Star,
            '/' => TokenKind::Slash,
            '%' => TokenKind::Percent,
            '(' => TokenKind::LParen,
            ')' => TokenKind::RParen,
            '[' => TokenKind::LBracket,
            ']' => TokenKind::RBracket,
            '{' => TokenKind::LBrace,
            '}' => TokenKind::RBrace,
            ',' => TokenKind::Comma,
            ';' => TokenKind::Semicolon,
            '=' if self.eat('=') => TokenKind::EqEq,
            '=' => TokenKind::Eq,
            '!' if self.eat('=') => TokenKind::BangEq,
            '!' => TokenKind::Bang,
            '<' if self.eat('=') => TokenKind::LtEq,
            '<' => TokenKind::Lt,
            '>' => TokenKind::Gt,
            '&' if self.eat('&') => TokenKind::AndAnd,
            '|' if self.eat('|') => TokenKind::OrOr,
            other => return Err(Error::new(ErrorKind::UnexpectedChar(other), start)),
        };
        Ok(Token { kind, line: start.line, col: start.col })
    }

    /// A number whose first digit, `first`, is already consumed.
    fn number(&mut self, first: char, start: Pos) -> Result<TokenKind, Error> {
        let from = self.i - 1;
        if first == '0' && self.eat('x') {
            let mut value: i64 = 0;
            let mut digits = 0;
            while let Some(c) = self.chars.get(self.i).copied() {
                let digit = match c {
                    '0'..='9' => c as i64 - '0' as i64,
                    'a'..='f' => c as i64 - 'a' as i64 + 10,
                    '_' => {
                        self.advance();
                        continue;
                    }
                    _ => break,
                };
                self.advance();
                digits += 1;
                value = match value.checked_mul(16).and_then(|v| v.checked_add(digit)) {
                    Some(value) => value,
                    None => return Err(self.bad_number(from, start)),
                };
            }
            if digits == 0 || self.chars.get(self.i).copied().is_some_and(|c| c.is_alphanumeric()) {
                return Err(self.bad_number(from, start));
            }
            return Ok(TokenKind::Int(value));
        }

        let mut text = String::from(first);
        self.digits(&mut text);
        let mut is_float = false;
        if self.chars.get(self.i).copied() == Some('.')
            && self.chars.get(self.i + 1).copied().is_some_and(|c| c.is_ascii_digit())
        {
            self.advance();
            text.push('.');
            self.digits(&mut text);
            is_float = true;
        }
        if matches!(self.chars.get(self.i).copied(), Some('e' | 'E')) {
            self.advance();
            text.push('e');
            if !self.chars.get(self.i).copied().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.bad_number(from, start));
            }
            self.digits(&mut text);
            is_float = true;
        }
        if self.chars.get(self.i).copied().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return Err(self.bad_number(from, start));
        }
        let kind = if is_float { text.parse().ok().map(TokenKind::Float) } else { text.parse().ok().map(TokenKind::Int) };
        kind.ok_or_else(|| self.bad_number(from, start))
    }

    /// Decimal digits, skipping `_` separators; the digits go into `text`.
    fn digits(&mut self, text: &mut String) {
        while let Some(c) = self.chars.get(self.i).copied() {
            if c.is_ascii_digit() {
                text.push(c);
            } else if c != '_' {
                break;
            }
            self.advance();
        }
    }

    /// The error for a malformed number that began at character `from`; the
    /// rest of the word is part of it.
    fn bad_number(&mut self, from: usize, start: Pos) -> Error {
        while self.chars.get(self.i).copied().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.advance();
        }
        let text: String = self.chars[from..self.i].iter().collect();
        Error::new(ErrorKind::BadNumber(text), start)
    }

    /// A string literal whose opening quote is already consumed.
    fn string(&mut self, start: Pos) -> Result<TokenKind, Error> {
        let mut text = String::new();
        loop {
            let at = self.here();
            match self.advance() {
                None => return Err(Error::new(ErrorKind::UnterminatedString, start)),
                Some('"') => return Ok(TokenKind::Str(text)),
                Some('\\') => {
                    let escaped = match self.advance() {
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some('0') => '\0',
                        Some('\\') => '\\',
                        Some('"') => '"',
                        Some(other) => return Err(Error::new(ErrorKind::BadEscape(other), at)),
                        None => return Err(Error::new(ErrorKind::UnterminatedString, start)),
                    };
                    text.push(escaped);
                }
                Some(c) => text.push(c),
            }
        }
    }

    /// An identifier or a keyword whose first character is already consumed.
    fn word(&mut self, first: char) -> TokenKind {
        let mut word = String::from(first);
        while let Some(c) = self.chars.get(self.i).copied() {
            if !(c.is_alphanumeric() || c == '_') {
                break;
            }
            word.push(c);
            self.advance();
        }
        TokenKind::keyword(&word).unwrap_or(TokenKind::Ident(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        let mut kinds: Vec<TokenKind> = tokenize(source).unwrap().into_iter().map(|t| t.kind).collect();
        assert_eq!(kinds.pop(), Some(TokenKind::Eof));
        kinds
    }

    fn error(source: &str) -> Error {
        tokenize(source).unwrap_err()
    }

    #[test]
    fn lexes_integer() {
        assert_eq!(kinds("42"), [TokenKind::Int(42)]);
    }

    #[test]
    fn lexes_integer_with_separators() {
        assert_eq!(kinds("1_000_000"), [TokenKind::Int(1_000_000)]);
    }

    #[test]
    fn lexes_hex_literal() {
        assert_eq!(kinds("0x2a 0x0"), [TokenKind::Int(42), TokenKind::Int(0)]);
    }

    #[test]
    fn letters_after_digits_are_an_error() {
        assert_eq!(error("x = 12ab").kind, ErrorKind::BadNumber("12ab".into()));
        assert_eq!(error("x = 12ab").pos, Pos::new(1, 5));
    }

    #[test]
    fn lexes_float() {
        assert_eq!(kinds("1.5 0.25"), [TokenKind::Float(1.5), TokenKind::Float(0.25)]);
    }

    #[test]
    fn lexes_float_with_exponent() {
        assert_eq!(kinds("2e3 1.5E2"), [TokenKind::Float(2000.0), TokenKind::Float(150.0)]);
    }

    #[test]
    fn lexes_identifiers_and_keywords() {
        assert_eq!(
            kinds("let x_1 = true"),
            [TokenKind::Let, TokenKind::Ident("x_1".into()), TokenKind::Eq, TokenKind::True]
        );
    }

    #[test]
    fn lexes_string() {
        assert_eq!(kinds(r#""hello world""#), [TokenKind::Str("hello world".into())]);
    }

    #[test]
    fn string_escape_newline() {
        assert_eq!(kinds(r#""a\nb""#), [TokenKind::Str("a\nb".into())]);
    }

    #[test]
    fn string_escape_tab() {
        assert_eq!(kinds(r#""a\tb""#), [TokenKind::Str("a\tb".into())]);
    }

    #[test]
    fn string_escape_quote_and_backslash() {
        assert_eq!(kinds(r#""say \"hi\" \\ bye""#), [TokenKind::Str("say \"hi\" \\ bye".into())]);
    }

    #[test]
    fn unknown_escape_is_an_error() {
        let error = error(r#"x = "ab\q""#);
        assert_eq!(error.kind, ErrorKind::BadEscape('q'));
        assert_eq!(error.pos, Pos::new(1, 8));
    }

    #[test]
    fn unterminated_string_is_an_error() {
        let error = error("print(\"abc");
        assert_eq!(error.kind, ErrorKind::UnterminatedString);
        assert_eq!(error.pos, Pos::new(1, 7));
    }

    #[test]
    fn lexes_one_char_operators() {
        use TokenKind::*;
        assert_eq!(kinds("+ - * / % < > ! ="), [Plus, Minus, Star, Slash, Percent, Lt, Gt, Bang, Eq]);
    }

    #[test]
    fn lexes_two_char_operators() {
        use TokenKind::*;
        assert_eq!(kinds("== != <= && ||"), [EqEq, BangEq, LtEq, AndAnd, OrOr]);
    }

    #[test]
    fn unexpected_character_is_an_error() {
        let error = error("let x = @;");
        assert_eq!(error.to_string(), "unexpected character `@` at 1:9");
    }

    #[test]
    fn skips_comments() {
        assert_eq!(kinds("1 # one\n# two\n3"), [TokenKind::Int(1), TokenKind::Int(3)]);
    }

    #[test]
    fn tokens_have_columns() {
        let cols: Vec<u32> = tokenize("let total = 10;").unwrap().iter().map(|t| t.col).collect();
        assert_eq!(cols, [1, 5, 11, 13, 15, 16]);
    }

    #[test]
    fn newlines_advance_the_line() {
        let lines: Vec<u32> = tokenize("a\nb\n\nc").unwrap().iter().map(|t| t.line).collect();
        assert_eq!(lines, [1, 2, 4, 4]);
    }
}
