//! The parser: tokens to a syntax tree. Statements by recursive descent,
//! expressions by precedence climbing over `BinOp::precedence`.
//!
//! Statements are separated by `;`. One ending in a block (`if`, `while`,
//! `fn`, a bare block) needs none, and the last statement of a block or of
//! the program may leave it out.

use std::rc::Rc;

use crate::ast::{BinOp, Expr, ExprKind, FnDef, Stmt, UnOp};
use crate::error::{Error, ErrorKind, Pos};
use crate::lexer::tokenize;
use crate::token::{Token, TokenKind};

pub fn parse(source: &str) -> Result<Vec<Stmt>, Error> {
    Parser { tokens: tokenize(source)?, next: 0 }.program()
}

struct Parser {
    /// Never empty: the last token is `Eof`.
    tokens: Vec<Token>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> &TokenKind {
        &self.tokens[self.next].kind
    }

    /// Where the next token starts.
    fn pos(&self) -> Pos {
        let token = &self.tokens[self.next];
        Pos::new(token.line, token.col)
    }

    fn advance(&mut self) -> TokenKind {
        let kind = self.tokens[self.next].kind.clone();
        if self.next + 1 < self.tokens.len() {
            self.next += 1;
        }
        kind
    }

    fn at(&self, kind: &TokenKind) -> bool {
        self.peek() == kind
    }

    fn eat(&mut self, kind: &TokenKind) -> bool {
        let found = self.at(kind);
        if found {
            self.advance();
        }
        found
    }

    fn expect(&mut self, kind: TokenKind) -> Result<(), Error> {
        if self.eat(&kind) {
            Ok(())
        } else {
            Err(self.expected(&kind.to_string()))
        }
    }

    /// The error for finding the next token where `what` should be.
    fn expected(&self, what: &str) -> Error {
        let found = self.peek().to_string();
        Error::new(ErrorKind::Expected { expected: what.to_string(), found }, self.pos())
    }

    fn name(&mut self) -> Result<String, Error> {
        match self.peek() {
            TokenKind::Ident(name) => {
                let name = name.clone();
                self.advance();
                Ok(name)
            }
            _ => Err(self.expected("a name")),
        }
    }

    fn program(&mut self) -> Result<Vec<Stmt>, Error> {
        let mut stmts = Vec::new();
        while !self.at(&TokenKind::Eof) {
            if !self.eat(&TokenKind::Semicolon) {
                stmts.push(self.statement()?);
            }
        }
        Ok(stmts)
    }

    fn block(&mut self) -> Result<Vec<Stmt>, Error> {
        self.expect(TokenKind::LBrace)?;
        let mut stmts = Vec::new();
        while !self.eat(&TokenKind::RBrace) {
            if self.at(&TokenKind::Eof) {
                return Err(self.expected("`}`"));
            }
            if !self.eat(&TokenKind::Semicolon) {
                stmts.push(self.statement()?);
            }
        }
        Ok(stmts)
    }

    fn statement(&mut self) -> Result<Stmt, Error> {
        let pos = self.pos();
        let stmt = match self.peek() {
            TokenKind::If => return self.if_statement(),
            TokenKind::While => {
                self.advance();
                let cond = self.expression()?;
                let body = self.block()?;
                return Ok(Stmt::While { cond, body, pos });
            }
            TokenKind::Fn => return self.function(),
            TokenKind::LBrace => return Ok(Stmt::Block(self.block()?)),
            TokenKind::Let => {
                self.advance();
                let name = self.name()?;
                self.expect(TokenKind::Eq)?;
                let value = self.expression()?;
                Stmt::Let { name, value, pos }
            }
            TokenKind::Return => {
                self.advance();
                let value = match self.peek() {
                    TokenKind::Semicolon | TokenKind::RBrace | TokenKind::Eof => None,
                    _ => Some(self.expression()?),
                };
                Stmt::Return { value, pos }
            }
            _ => Stmt::Expr(self.expression()?),
        };
        if !self.eat(&TokenKind::Semicolon) && !matches!(self.peek(), TokenKind::RBrace | TokenKind::Eof) {
            return Err(self.expected("`;`"));
        }
        Ok(stmt)
    }

    fn if_statement(&mut self) -> Result<Stmt, Error> {
        let pos = self.pos();
        self.expect(TokenKind::If)?;
        let cond = self.expression()?;
        let then = self.block()?;
        let otherwise = if self.eat(&TokenKind::Else) { Some(self.block()?) } else { None };
        Ok(Stmt::If { cond, then, otherwise, pos })
    }

    fn function(&mut self) -> Result<Stmt, Error> {
        let pos = self.pos();
        self.expect(TokenKind::Fn)?;
        let name = self.name()?;
        self.expect(TokenKind::LParen)?;
        let mut params = Vec::new();
        while !self.at(&TokenKind::RParen) {
            params.push(self.name()?);
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        self.expect(TokenKind::RParen)?;
        let body = self.block()?;
        Ok(Stmt::Fn(Rc::new(FnDef { name, params, body, pos })))
    }

    /// An expression, assignments included (`a = b = 1` assigns both).
    fn expression(&mut self) -> Result<Expr, Error> {
        let start = self.pos();
        let target = self.binary(1)?;
        if !self.at(&TokenKind::Eq) {
            return Ok(target);
        }
        let pos = self.pos();
        self.advance();
        let value = self.expression()?;
        match target.kind {
            ExprKind::Var(name) => Ok(Expr { kind: ExprKind::Assign(name, Box::new(value)), pos }),
            _ => Err(Error::new(ErrorKind::InvalidAssignment, start)),
        }
    }

    /// Binary operators binding at least as tightly as `min_precedence`.
    fn binary(&mut self, min_precedence: u8) -> Result<Expr, Error> {
        let mut lhs = self.unary()?;
        while let Some(op) = binary_op(self.peek()) {
            let precedence = op.precedence();
            if precedence < min_precedence {
                break;
            }
            let pos = self.pos();
            self.advance();
            let rhs = self.binary(precedence)?;
            lhs = Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), pos };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, Error> {
        let pos = self.pos();
        let op = match self.peek() {
            TokenKind::Minus => UnOp::Neg,
            TokenKind::Bang => UnOp::Not,
            _ => return self.postfix(),
        };
        self.advance();
        let operand = self.unary()?;
        Ok(Expr { kind: ExprKind::Unary(op, Box::new(operand)), pos })
    }

    /// A primary expression followed by calls and indexing: `f(x)[0](y)`.
    fn postfix(&mut self) -> Result<Expr, Error> {
        let mut expr = self.primary()?;
        loop {
            let pos = self.pos();
            if self.eat(&TokenKind::LParen) {
                let args = self.items(TokenKind::RParen)?;
                let pos = expr.pos;
                expr = Expr { kind: ExprKind::Call(Box::new(expr), args), pos };
            } else if self.eat(&TokenKind::LBracket) {
                let index = self.expression()?;
                self.expect(TokenKind::RBracket)?;
                expr = Expr { kind: ExprKind::Index(Box::new(expr), Box::new(index)), pos };
            } else {
                return Ok(expr);
            }
        }
    }

    /// Comma-separated expressions up to `close`; a trailing comma is fine.
    fn items(&mut self, close: TokenKind) -> Result<Vec<Expr>, Error> {
        let mut items = Vec::new();
        while !self.at(&close) {
            items.push(self.expression()?);
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        self.expect(close)?;
        Ok(items)
    }

    fn primary(&mut self) -> Result<Expr, Error> {
        let pos = self.pos();
        let kind = match self.peek() {
            TokenKind::Int(n) => ExprKind::Int(*n),
            TokenKind::Float(x) => ExprKind::Float(*x),
            TokenKind::Str(s) => ExprKind::Str(s.clone()),
            TokenKind::True => ExprKind::Bool(true),
            TokenKind::False => ExprKind::Bool(false),
            TokenKind::Ident(name) => ExprKind::Var(name.clone()),
            TokenKind::LParen => {
                self.advance();
                let inner = self.expression()?;
                self.expect(TokenKind::RParen)?;
                return Ok(inner);
            }
            TokenKind::LBracket => {
                self.advance();
                let items = self.items(TokenKind::RBracket)?;
                return Ok(Expr { kind: ExprKind::List(items), pos });
            }
            _ => return Err(self.expected("an expression")),
        };
        self.advance();
        Ok(Expr { kind, pos })
    }
}

fn binary_op(kind: &TokenKind) -> Option<BinOp> {
    Some(match kind {
        TokenKind::OrOr => BinOp::Or,
        TokenKind::AndAnd => BinOp::And,
        TokenKind::EqEq => BinOp::Eq,
        TokenKind::BangEq => BinOp::Ne,
        TokenKind::Lt => BinOp::Lt,
        TokenKind::LtEq => BinOp::Le,
        TokenKind::Gt => BinOp::Gt,
        TokenKind::GtEq => BinOp::Ge,
        TokenKind::Plus => BinOp::Add,
        TokenKind::Minus => BinOp::Sub,
        TokenKind::Star => BinOp::Mul,
        TokenKind::Slash => BinOp::Div,
        TokenKind::Percent => BinOp::Rem,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An expression as an s-expression: `(+ 1 (* 2 3))`.
    fn sexpr(expr: &Expr) -> String {
        let all = |exprs: &[Expr]| exprs.iter().map(|e| format!(" {}", sexpr(e))).collect::<String>();
        match &expr.kind {
            ExprKind::Int(n) => n.to_string(),
            ExprKind::Float(x) => format!("{x:?}"),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Var(name) => name.clone(),
            ExprKind::List(items) => format!("(list{})", all(items)),
            ExprKind::Unary(op, operand) => format!("({} {})", op.symbol(), sexpr(operand)),
            ExprKind::Binary(op, lhs, rhs) => format!("({} {} {})", op.symbol(), sexpr(lhs), sexpr(rhs)),
            ExprKind::Call(callee, args) => format!("(call {}{})", sexpr(callee), all(args)),
            ExprKind::Index(target, index) => format!("(index {} {})", sexpr(target), sexpr(index)),
            ExprKind::Assign(name, value) => format!("(= {name} {})", sexpr(value)),
        }
    }

    fn expr(source: &str) -> String {
        match parse(source).unwrap().as_slice() {
            [Stmt::Expr(expr)] => sexpr(expr),
            other => panic!("not one expression: {other:?}"),
        }
    }

    fn error(source: &str) -> String {
        parse(source).unwrap_err().to_string()
    }

    #[test]
    fn multiplication_binds_tighter_than_addition() {
        assert_eq!(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
        assert_eq!(expr("1 * 2 + 3"), "(+ (* 1 2) 3)");
    }

    #[test]
    fn parentheses_override_precedence() {
        assert_eq!(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
    }

    #[test]
    fn comparison_binds_looser_than_arithmetic() {
        assert_eq!(expr("a + 1 < b * 2"), "(< (+ a 1) (* b 2))");
        assert_eq!(expr("a == b < c"), "(== a (< b c))");
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(expr("a || b && c"), "(|| a (&& b c))");
    }

    #[test]
    fn unary_operators_nest() {
        assert_eq!(expr("-x * 2"), "(* (- x) 2)");
        assert_eq!(expr("!!done"), "(! (! done))");
    }

    #[test]
    fn parses_calls_and_indexing() {
        assert_eq!(expr("f(1, g(x))"), "(call f 1 (call g x))");
        assert_eq!(expr("xs[0][i + 1]"), "(index (index xs 0) (+ i 1))");
        assert_eq!(expr("fs[0](2)"), "(call (index fs 0) 2)");
    }

    #[test]
    fn parses_list_literals() {
        assert_eq!(expr("[]"), "(list)");
        assert_eq!(expr("[1, \"a\", [2.5],]"), "(list 1 \"a\" (list 2.5))");
    }

    #[test]
    fn assignment_is_right_associative() {
        assert_eq!(expr("a = b = 1 + 2"), "(= a (= b (+ 1 2)))");
    }

    #[test]
    fn assignment_to_a_non_variable_is_an_error() {
        assert_eq!(error("xs[0] = 1;"), "only a variable can be assigned to at 1:1");
    }

    #[test]
    fn parses_let_if_and_while() {
        let program = parse("let n = 3; if n < 5 { n = n + 1; } else { n = 0; } while n > 0 { n = n - 1; }").unwrap();
        assert!(matches!(&program[0], Stmt::Let { name, .. } if name == "n"));
        assert!(matches!(&program[1], Stmt::If { then, otherwise: Some(otherwise), .. } if then.len() == 1 && otherwise.len() == 1));
        assert!(matches!(&program[2], Stmt::While { body, .. } if body.len() == 1));
    }

    #[test]
    fn parses_function_definition() {
        let program = parse("fn add(a, b) { return a + b; }").unwrap();
        let [Stmt::Fn(def)] = program.as_slice() else { panic!("{program:?}") };
        assert_eq!((def.name.as_str(), def.params.clone()), ("add", vec!["a".to_string(), "b".to_string()]));
        assert!(matches!(&def.body[..], [Stmt::Return { value: Some(_), .. }]));
    }

    #[test]
    fn last_statement_needs_no_semicolon() {
        assert_eq!(parse("let x = 1; x").unwrap().len(), 2);
        assert_eq!(parse("if x { y } z;").unwrap().len(), 2);
    }

    #[test]
    fn missing_close_paren_is_reported_where_it_should_be() {
        assert_eq!(error("(1 + 2"), "expected `)`, found end of input at 1:7");
    }

    #[test]
    fn missing_semicolon_between_statements() {
        assert_eq!(error("let x = 1 let y = 2;"), "expected `;`, found `let` at 1:11");
    }

    #[test]
    fn operator_without_operand_is_an_error() {
        assert_eq!(error("1 + ;"), "expected an expression, found `;` at 1:5");
    }
}
