#!/usr/bin/env bash
# Builds a git repository holding a scripted history of the third bundled
# example workspace (Examples/calc: a small expression language of about
# 2,500 lines of Rust: lexer, precedence-climbing parser, tree-walking
# interpreter, built-ins, a prelude written in calc, a pretty-printer, and
# a second package, repl; 109 tests at the import, 137 at the end): 31
# commits, the import and 30 of the kinds an interpreter project's log
# shows — bug fixes inside one match arm or condition of the lexer, the
# parser, the evaluator, the formatter or a built-in, each with its
# regression test (hex digits, `>=`, exponent signs, columns, operator
# associativity, float display, `len` of non-ASCII strings, negation
# overflow, formatter parentheses, the repl's :vars); features with their
# tests (`**`, `\u{...}` escapes, `else if`, `break`/`continue`, `join`,
# `min`/`max` of a list, :type); refactors every test runs through (lexer
# lookahead helpers, an Env type for the scope stack, tokens carrying a
# Pos); doc- and comment-only commits, test-only commits, a change of
# MAX_DEPTH, a change of the prelude read through include_str!, an error
# wording change that breaks tests (repaired two commits later), a commit
# that does not build (and its fix), changes in the second package
# (repl), and a release that only bumps the versions. The edits were chosen as a developer would make them, not for
# any grain.
#
#   Benchmarks/calc-history/make-history.sh DEST
#
# DEST must not exist. Authors and dates are fixed, so the commit ids (and
# with them the mutants simulate-history picks) are the same on every run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../history-lib.sh
. "$here/../history-lib.sh"
start_history calc "${1:?usage: make-history.sh DEST}" "Calc Developer" "dev@calc.example" 2025-03

commit "Import the calc example"

# 2 --------------------------------------------------------------------------
replace src/lexer.rs "                    'a'..='f' => c as i64 - 'a' as i64 + 10," \
"                    'a'..='f' => c as i64 - 'a' as i64 + 10,
                    'A'..='F' => c as i64 - 'A' as i64 + 10,"
before_last_brace src/lexer.rs <<'EOF'

    #[test]
    fn lexes_upper_case_hex_digits() {
        assert_eq!(kinds("0xFF 0xdeadBEEF"), [TokenKind::Int(255), TokenKind::Int(0xdead_beef)]);
    }
EOF
commit "lexer: accept upper-case hex digits (0xFF was a bad number)"

# 3 --------------------------------------------------------------------------
replace src/token.rs '    Star,
    Slash,' '    Star,
    StarStar,
    Slash,'
replace src/token.rs '            TokenKind::Star => "*",' '            TokenKind::Star => "*",
            TokenKind::StarStar => "**",'
replace src/lexer.rs "            '*' => TokenKind::Star," "            '*' if self.eat('*') => TokenKind::StarStar,
            '*' => TokenKind::Star,"
replace src/lexer.rs 'assert_eq!(kinds("== != <= && ||"), [EqEq, BangEq, LtEq, AndAnd, OrOr]);' \
'assert_eq!(kinds("== != <= && || **"), [EqEq, BangEq, LtEq, AndAnd, OrOr, StarStar]);'
replace src/ast.rs '    Rem,
}' '    Rem,
    Pow,
}'
replace src/ast.rs '            BinOp::Rem => "%",' '            BinOp::Rem => "%",
            BinOp::Pow => "**",'
replace src/ast.rs '            BinOp::Mul | BinOp::Div | BinOp::Rem => 6,' '            BinOp::Mul | BinOp::Div | BinOp::Rem => 6,
            BinOp::Pow => 8,'
replace src/ast.rs 'matches!(self, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem)' \
'matches!(self, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem | BinOp::Pow)'
replace src/ast.rs '            BinOp::Rem => "take the remainder of",' '            BinOp::Rem => "take the remainder of",
            BinOp::Pow => "raise",'
replace src/ast.rs '/// Prefix operators bind tighter than every binary operator.' \
'/// Prefix operators bind tighter than every binary operator but `**`:
/// `-2 ** 2` is -4.'
replace src/parser.rs '            _ => return self.postfix(),' '            _ => return self.power(),'
replace src/parser.rs '    /// A primary expression followed by calls and indexing' '    /// `base ** exponent`: binds tighter than a prefix operator on its left,
    /// and associates to the right (`2 ** 3 ** 2` is `2 ** 9`).
    fn power(&mut self) -> Result<Expr, Error> {
        let base = self.postfix()?;
        if !self.at(&TokenKind::StarStar) {
            return Ok(base);
        }
        let pos = self.pos();
        self.advance();
        let exponent = self.unary()?;
        Ok(Expr { kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)), pos })
    }

    /// A primary expression followed by calls and indexing'
replace src/eval.rs '        (BinOp::Rem, Int(a), Int(b)) => a.checked_rem(b).map(Int).ok_or(ErrorKind::Overflow),' \
'        (BinOp::Rem, Int(a), Int(b)) => a.checked_rem(b).map(Int).ok_or(ErrorKind::Overflow),
        (BinOp::Pow, Int(a), Int(b)) => int_power(a, b),'
replace src/eval.rs '        BinOp::Rem => a % b,' '        BinOp::Rem => a % b,
        BinOp::Pow => a.powf(b),'
replace src/eval.rs '/// `<`, `<=`, `>`, `>=` on two numbers or two strings.' '/// An int to an int power; a negative exponent gives a float (`2 ** -1`
/// is 0.5).
fn int_power(base: i64, exponent: i64) -> Result<Value, ErrorKind> {
    if exponent < 0 {
        return Ok(Value::Float((base as f64).powf(exponent as f64)));
    }
    u32::try_from(exponent).ok().and_then(|e| base.checked_pow(e)).map(Value::Int).ok_or(ErrorKind::Overflow)
}

/// `<`, `<=`, `>`, `>=` on two numbers or two strings.'
before_last_brace src/parser.rs <<'EOF'

    #[test]
    fn power_binds_tighter_than_minus_and_associates_to_the_right() {
        assert_eq!(expr("-2 ** 2"), "(- (** 2 2))");
        assert_eq!(expr("2 ** 3 ** 2"), "(** 2 (** 3 2))");
        assert_eq!(expr("2 * x ** -1"), "(* 2 (** x (- 1)))");
    }
EOF
before_last_brace src/eval.rs <<'EOF'

    #[test]
    fn power_operator() {
        assert_eq!(eval("2 ** 10"), Value::Int(1024));
        assert_eq!(eval("-2 ** 2"), Value::Int(-4));
        assert_eq!(eval("2 ** -1"), Value::Float(0.5));
        assert_eq!(eval("1.5 ** 2"), Value::Float(2.25));
        assert_eq!(error("2 ** 64").kind, ErrorKind::Overflow);
    }
EOF
commit "Add the ** power operator"

# 4 --------------------------------------------------------------------------
replace src/value.rs '            Value::Float(x) => write!(f, "{x}"),' '            Value::Float(x) if x.fract() == 0.0 && x.is_finite() => write!(f, "{x:.1}"),
            Value::Float(x) => write!(f, "{x}"),'
before_last_brace src/value.rs <<'EOF'

    #[test]
    fn whole_floats_keep_their_point() {
        assert_eq!(Value::Float(2.0).to_string(), "2.0");
        assert_eq!(Value::Float(-0.0).to_string(), "-0.0");
        assert_eq!(Value::List(vec![Value::Float(1e3)]).to_string(), "[1000.0]");
    }
EOF
commit "value: print whole floats with their point (2.0, not 2)"

# 5 --------------------------------------------------------------------------
replace src/ast.rs '    /// How tightly the operator binds: the higher, the tighter.' '    /// How tightly the operator binds: the higher, the tighter.
    ///
    /// | level | operators          |
    /// |-------|--------------------|
    /// | 1     | `\|\|`             |
    /// | 2     | `&&`               |
    /// | 3     | `==` `!=`          |
    /// | 4     | `<` `<=` `>` `>=`  |
    /// | 5     | `+` `-`            |
    /// | 6     | `*` `/` `%`        |
    /// | 7     | prefix `-` and `!` |
    /// | 8     | `**`               |
    ///
    /// All of them associate to the left except `**`, which associates to
    /// the right: `10 - 3 - 2` is `(10 - 3) - 2`, `2 ** 3 ** 2` is `2 ** 9`.'
commit "ast: document the precedence table"

# 6 --------------------------------------------------------------------------
replace src/parser.rs '            let rhs = self.binary(precedence)?;' '            // The right operand binds strictly tighter: left associativity.
            let rhs = self.binary(precedence + 1)?;'
before_last_brace src/parser.rs <<'EOF'

    #[test]
    fn binary_operators_associate_to_the_left() {
        assert_eq!(expr("10 - 3 - 2"), "(- (- 10 3) 2)");
        assert_eq!(expr("a / b * c"), "(* (/ a b) c)");
        assert_eq!(expr("a - b + c"), "(+ (- a b) c)");
    }
EOF
commit "parser: binary operators associate to the left, as documented (10 - 3 - 2 was 9)"

# 7 --------------------------------------------------------------------------
replace_all src/lexer.rs 'self.chars.get(self.i).copied()' 'self.peek()'
replace_all src/lexer.rs 'self.chars.get(self.i + 1).copied()' 'self.peek_next()'
replace src/lexer.rs '    /// The next character, moving past it.' '    /// The next character, without moving past it.
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    /// The character after the next one.
    fn peek_next(&self) -> Option<char> {
        self.chars.get(self.i + 1).copied()
    }

    /// The next character, moving past it.'
commit "lexer: peek() and peek_next() instead of indexing chars everywhere"

# 8 --------------------------------------------------------------------------
replace src/lexer.rs "                        Some('\"') => '\"'," "                        Some('\"') => '\"',
                        Some('u') => self.unicode_escape(at)?,"
replace src/lexer.rs '    /// An identifier or a keyword whose first character is already consumed.' \
'    /// The `{...}` of a `\u{...}` escape: one to six hex digits naming a
    /// Unicode scalar value. `at` is where the escape starts.
    fn unicode_escape(&mut self, at: Pos) -> Result<char, Error> {
        let bad = Error::new(ErrorKind::BadEscape('"'"'u'"'"'), at);
        if !self.eat('"'"'{'"'"') {
            return Err(bad);
        }
        let mut code = 0u32;
        let mut digits = 0;
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(16)) {
            self.advance();
            code = code * 16 + digit;
            digits += 1;
            if digits > 6 {
                return Err(bad);
            }
        }
        if digits == 0 || !self.eat('"'"'}'"'"') {
            return Err(bad);
        }
        char::from_u32(code).ok_or(bad)
    }

    /// An identifier or a keyword whose first character is already consumed.'
replace src/lexer.rs '//! quotes with the escapes `\n`, `\t`, `\r`, `\0`, `\\` and `\"`. A `#`
//! starts a comment that runs to the end of the line.' '//! quotes with the escapes `\n`, `\t`, `\r`, `\0`, `\\`, `\"` and
//! `\u{...}`. A `#` starts a comment that runs to the end of the line.'
before_last_brace src/lexer.rs <<'EOF'

    #[test]
    fn string_unicode_escape() {
        assert_eq!(kinds(r#""caf\u{e9} \u{1F600}""#), [TokenKind::Str("café 😀".into())]);
    }

    #[test]
    fn bad_unicode_escapes_are_errors() {
        assert_eq!(error(r#""\u{110000}""#).kind, ErrorKind::BadEscape('u'));
        assert_eq!(error(r#""\u00e9""#).kind, ErrorKind::BadEscape('u'));
        assert_eq!(error(r#""\u{}""#).pos, Pos::new(1, 2));
    }
EOF
commit "lexer: \\u{...} escapes in strings"

# 9 --------------------------------------------------------------------------
before_last_brace src/eval.rs <<'EOF'

    #[test]
    fn or_short_circuits() {
        assert_eq!(eval("true || undefined_name"), Value::Bool(true));
    }

    #[test]
    fn calling_a_non_function_is_an_error() {
        assert_eq!(error("let x = 3; x(1)").to_string(), "a value of type int is not a function at 1:12");
    }

    #[test]
    fn return_outside_a_function_is_an_error() {
        assert_eq!(error("if true { return 1; }").kind, ErrorKind::ReturnOutsideFunction);
    }
EOF
commit "tests: ||, calling a non-function, return outside a function"

# 10 -------------------------------------------------------------------------
replace src/builtins.rs '            Value::Str(s) => Ok(Value::Int(s.len() as i64)),' \
'            Value::Str(s) => Ok(Value::Int(s.chars().count() as i64)),'
before_last_brace src/builtins.rs <<'EOF'

    #[test]
    fn len_counts_characters_not_bytes() {
        assert_eq!(call_ok("len", vec![Value::Str("naïve".into())]), Value::Int(5));
    }
EOF
commit "builtins: len of a string counts characters, not bytes"

# 11 -------------------------------------------------------------------------
replace src/eval.rs '/// How deeply calls may nest.
pub const MAX_DEPTH: usize = 64;' '/// How deeply calls may nest. A level takes several kilobytes of native
/// stack in a debug build; 48 stays well inside a 2 MiB thread stack.
pub const MAX_DEPTH: usize = 48;'
commit "eval: lower MAX_DEPTH to 48 (deep recursion could overflow a 2 MiB thread stack in debug builds)"

# 12 -------------------------------------------------------------------------
replace src/parser.rs '        let otherwise = if self.eat(&TokenKind::Else) { Some(self.block()?) } else { None };' \
'        let otherwise = if !self.eat(&TokenKind::Else) {
            None
        } else if self.at(&TokenKind::If) {
            Some(vec![self.if_statement()?])
        } else {
            Some(self.block()?)
        };'
replace src/format.rs '    if let Some(otherwise) = otherwise {
        out.push_str(" else ");
        write_block(out, otherwise, depth);
    }' '    match otherwise {
        None => {}
        Some([Stmt::If { cond, then, otherwise, .. }]) => {
            out.push_str(" else ");
            write_if(out, cond, then, otherwise.as_deref(), depth);
        }
        Some(otherwise) => {
            out.push_str(" else ");
            write_block(out, otherwise, depth);
        }
    }'
before_last_brace src/eval.rs <<'EOF'

    #[test]
    fn else_if_chains() {
        let source = "fn sign(n) { if n < 0 { return -1; } else if n == 0 { return 0; } else { return 1; } } [sign(-5), sign(0), sign(7)]";
        assert_eq!(eval(source).to_string(), "[-1, 0, 1]");
    }
EOF
before_last_brace src/format.rs <<'EOF'

    #[test]
    fn formats_else_if_chains() {
        assert_eq!(
            format("if a { x = 1; } else if b { x = 2; } else { x = 3; }"),
            "if a {\n    x = 1;\n} else if b {\n    x = 2;\n} else {\n    x = 3;\n}\n"
        );
    }
EOF
commit "parser, format: else if chains"

# 13 -------------------------------------------------------------------------
replace repl/src/lib.rs 'pub struct Session {
    interpreter: Interpreter,' 'pub struct Session {
    interpreter: Interpreter,
    /// The names the prelude defines, which :vars leaves out.
    prelude: Vec<String>,'
replace repl/src/lib.rs '        Session { interpreter: Interpreter::new(), lines: 0 }' '        let interpreter = Interpreter::new();
        let prelude = interpreter.globals().keys().cloned().collect();
        Session { interpreter, prelude, lines: 0 }'
replace repl/src/lib.rs '                let vars: Vec<String> =
                    self.interpreter.globals().iter().map(|(name, value)| format!("{name} = {}", value.repr())).collect();' \
'                let vars: Vec<String> = self
                    .interpreter
                    .globals()
                    .iter()
                    .filter(|(name, _)| !self.prelude.contains(name))
                    .map(|(name, value)| format!("{name} = {}", value.repr()))
                    .collect();'
before_last_brace repl/src/lib.rs <<'EOF'

    #[test]
    fn vars_leaves_out_the_prelude() {
        let mut session = Session::new();
        assert_eq!(session.eval_line(":vars"), Ok("no variables".to_string()));
        session.eval_line("let x = 1;").unwrap();
        assert_eq!(session.eval_line(":vars"), Ok("x = 1".to_string()));
    }
EOF
commit "repl: :vars lists the session's own variables, not the prelude's functions"

# 14 -------------------------------------------------------------------------
replace src/lexer.rs "            '>' => TokenKind::Gt," "            '>' if self.eat('=') => TokenKind::GtEq,
            '>' => TokenKind::Gt,"
before_last_brace src/lexer.rs <<'EOF'

    #[test]
    fn lexes_greater_or_equal() {
        assert_eq!(kinds("a >= 1"), [TokenKind::Ident("a".into()), TokenKind::GtEq, TokenKind::Int(1)]);
    }
EOF
commit "lexer: >= was lexed as > followed by ="

# 15 -------------------------------------------------------------------------
replace src/eval.rs 'pub struct Interpreter {
    scopes: Vec<BTreeMap<String, Value>>,' '/// The scope stack: the globals at the bottom, one scope per block above.
struct Env {
    scopes: Vec<BTreeMap<String, Value>>,
}

impl Env {
    fn new() -> Env {
        Env { scopes: vec![BTreeMap::new()] }
    }

    fn globals(&self) -> &BTreeMap<String, Value> {
        &self.scopes[0]
    }

    /// The innermost variable called `name`.
    fn get(&self, name: &str) -> Option<&Value> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    /// Sets the innermost variable called `name`; false if there is none.
    fn set(&mut self, name: &str, value: Value) -> bool {
        match self.scopes.iter_mut().rev().find_map(|scope| scope.get_mut(name)) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// Defines `name` in the innermost scope.
    fn define(&mut self, name: &str, value: Value) {
        let scope = self.scopes.last_mut().expect("the globals are always there");
        scope.insert(name.to_string(), value);
    }

    fn push(&mut self) {
        self.scopes.push(BTreeMap::new());
    }

    fn pop(&mut self) {
        self.scopes.pop();
    }

    /// For a call: sets aside every scope but the globals, and pushes `frame`.
    fn enter_call(&mut self, frame: BTreeMap<String, Value>) -> Vec<BTreeMap<String, Value>> {
        let callers = self.scopes.split_off(1);
        self.scopes.push(frame);
        callers
    }

    /// After a call: back to the caller'"'"'s scopes.
    fn leave_call(&mut self, callers: Vec<BTreeMap<String, Value>>) {
        self.scopes.truncate(1);
        self.scopes.extend(callers);
    }
}

pub struct Interpreter {
    env: Env,'
replace src/eval.rs 'Interpreter { scopes: vec![BTreeMap::new()], output: String::new(), depth: 0 }' \
'Interpreter { env: Env::new(), output: String::new(), depth: 0 }'
replace src/eval.rs '    pub fn globals(&self) -> &BTreeMap<String, Value> {
        &self.scopes[0]
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        for scope in self.scopes.iter().rev() {
            if let Some(value) = scope.get(name) {
                return Some(value);
            }
        }
        None
    }

    /// Sets the innermost variable called `name`; false if there is none.
    fn assign(&mut self, name: &str, value: Value) -> bool {
        for scope in self.scopes.iter_mut().rev() {
            if let Some(slot) = scope.get_mut(name) {
                *slot = value;
                return true;
            }
        }
        false
    }

    fn define(&mut self, name: &str, value: Value) {
        let scope = self.scopes.last_mut().expect("the globals are always there");
        scope.insert(name.to_string(), value);
    }
' '    pub fn globals(&self) -> &BTreeMap<String, Value> {
        self.env.globals()
    }
'
replace src/eval.rs '        self.scopes.push(BTreeMap::new());
        let flow = self.exec_all(stmts);
        self.scopes.pop();' '        self.env.push();
        let flow = self.exec_all(stmts);
        self.env.pop();'
replace_all src/eval.rs 'self.define(' 'self.env.define('
replace_all src/eval.rs 'self.lookup(name)' 'self.env.get(name)'
replace src/eval.rs 'if self.assign(name, value.clone()) {' 'if self.env.set(name, value.clone()) {'
replace src/eval.rs '        let callers = self.scopes.split_off(1);
        self.scopes.push(frame);
        self.depth += 1;
        let flow = self.exec_all(&def.body);
        self.depth -= 1;
        self.scopes.truncate(1);
        self.scopes.extend(callers);' '        let callers = self.env.enter_call(frame);
        self.depth += 1;
        let flow = self.exec_all(&def.body);
        self.depth -= 1;
        self.env.leave_call(callers);'
commit "eval: the scope stack behind an Env type"

# 16 -------------------------------------------------------------------------
replace src/eval.rs '        (op, a, b) => Err(ErrorKind::Type(format!("cannot {} {} and {}", op.verb(), a.type_name(), b.type_name()))),' \
'        (op, a, b) => Err(operand_types(op, &a, &b)),'
replace src/eval.rs '            _ => return Err(ErrorKind::Type(format!("cannot compare {} and {}", a.type_name(), b.type_name()))),' \
'            _ => return Err(operand_types(op, a, b)),'
replace src/eval.rs 'fn float_arithmetic(' '/// The error for an operator that does not apply to the two values.
fn operand_types(op: BinOp, a: &Value, b: &Value) -> ErrorKind {
    ErrorKind::Type(format!("unsupported operand types for `{}`: {} and {}", op.symbol(), a.type_name(), b.type_name()))
}

fn float_arithmetic('
replace src/ast.rs '
    /// What the operator does, for type errors ("cannot add bool and int").
    pub fn verb(self) -> &'"'"'static str {
        match self {
            BinOp::Add => "add",
            BinOp::Sub => "subtract",
            BinOp::Mul => "multiply",
            BinOp::Div => "divide",
            BinOp::Rem => "take the remainder of",
            BinOp::Pow => "raise",
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => "compare",
            BinOp::Eq | BinOp::Ne => "test the equality of",
            BinOp::And | BinOp::Or => "combine",
        }
    }
' ''
commit "eval: name the operator in type errors (unsupported operand types for \`+\`: bool and int)"

# 17 -------------------------------------------------------------------------
replace src/eval.rs '        (UnOp::Neg, Value::Int(n)) => Ok(Value::Int(-n)),' \
'        (UnOp::Neg, Value::Int(n)) => n.checked_neg().map(Value::Int).ok_or(ErrorKind::Overflow),'
before_last_brace src/eval.rs <<'EOF'

    #[test]
    fn negating_the_smallest_int_overflows() {
        assert_eq!(error("let m = -9223372036854775807 - 1; -m").kind, ErrorKind::Overflow);
    }
EOF
commit "eval: negating the smallest int is an overflow error, not a panic"

# 18 -------------------------------------------------------------------------
replace src/eval.rs 'assert_eq!(error("true + 1").to_string(), "cannot add bool and int at 1:6");' \
'assert_eq!(error("true + 1").to_string(), "unsupported operand types for `+`: bool and int at 1:6");'
replace tests/programs.rs 'assert_eq!(error.kind.to_string(), "cannot add int and bool");' \
'assert_eq!(error.kind.to_string(), "unsupported operand types for `+`: int and bool");'
replace repl/src/lib.rs 'Err("cannot subtract str and int at 1:5".to_string())' \
'Err("unsupported operand types for `-`: str and int at 1:5".to_string())'
commit "tests: expect the new wording of type errors"

# 19 -------------------------------------------------------------------------
replace src/token.rs '    Return,
    True,' '    Return,
    Break,
    Continue,
    True,'
replace src/token.rs '            "return" => TokenKind::Return,' '            "return" => TokenKind::Return,
            "break" => TokenKind::Break,
            "continue" => TokenKind::Continue,'
replace src/token.rs '            TokenKind::Return => "return",' '            TokenKind::Return => "return",
            TokenKind::Break => "break",
            TokenKind::Continue => "continue",'
replace src/ast.rs '    Return { value: Option<Expr>, pos: Pos },' '    Return { value: Option<Expr>, pos: Pos },
    Break(Pos),
    Continue(Pos),'
replace src/error.rs '    InvalidAssignment,
    // The interpreter' '    InvalidAssignment,
    OutsideLoop(String),
    // The interpreter'
replace src/error.rs '                | ErrorKind::InvalidAssignment
' '                | ErrorKind::InvalidAssignment
                | ErrorKind::OutsideLoop(_)
'
replace src/error.rs '            ErrorKind::InvalidAssignment => f.write_str("only a variable can be assigned to"),' \
'            ErrorKind::InvalidAssignment => f.write_str("only a variable can be assigned to"),
            ErrorKind::OutsideLoop(keyword) => write!(f, "{keyword} outside a loop"),'
replace src/parser.rs '    next: usize,
}' '    next: usize,
    /// How many loops enclose what is being parsed, in the current function.
    loops: usize,
}'
replace src/parser.rs 'Parser { tokens: tokenize(source)?, next: 0 }' 'Parser { tokens: tokenize(source)?, next: 0, loops: 0 }'
replace src/parser.rs '                let cond = self.expression()?;
                let body = self.block()?;
                return Ok(Stmt::While { cond, body, pos });' '                let cond = self.expression()?;
                self.loops += 1;
                let body = self.block();
                self.loops -= 1;
                return Ok(Stmt::While { cond, body: body?, pos });'
replace src/parser.rs '                Stmt::Return { value, pos }
            }' '                Stmt::Return { value, pos }
            }
            TokenKind::Break | TokenKind::Continue => {
                let keyword = self.advance();
                if self.loops == 0 {
                    return Err(Error::new(ErrorKind::OutsideLoop(keyword.to_string()), pos));
                }
                if keyword == TokenKind::Break {
                    Stmt::Break(pos)
                } else {
                    Stmt::Continue(pos)
                }
            }'
replace src/parser.rs '        self.expect(TokenKind::RParen)?;
        let body = self.block()?;
        Ok(Stmt::Fn(' '        self.expect(TokenKind::RParen)?;
        // A loop around the definition does not enclose the body.
        let loops = std::mem::replace(&mut self.loops, 0);
        let body = self.block();
        self.loops = loops;
        let body = body?;
        Ok(Stmt::Fn('
replace src/eval.rs '    Next,
    Return(Value),
}' '    Next,
    Return(Value),
    Break,
    Continue,
}'
replace src/eval.rs '            if let Flow::Return(value) = self.exec(stmt)? {
                return Ok(Flow::Return(value));
            }' '            match self.exec(stmt)? {
                Flow::Next => {}
                flow => return Ok(flow),
            }'
replace src/eval.rs '                while self.condition(cond)? {
                    if let Flow::Return(value) = self.exec_block(body)? {
                        return Ok(Flow::Return(value));
                    }
                }' '                while self.condition(cond)? {
                    match self.exec_block(body)? {
                        Flow::Break => break,
                        Flow::Next | Flow::Continue => {}
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                    }
                }'
replace src/eval.rs '            Stmt::Block(stmts) => return self.exec_block(stmts),' '            Stmt::Block(stmts) => return self.exec_block(stmts),
            Stmt::Break(_) => return Ok(Flow::Break),
            Stmt::Continue(_) => return Ok(Flow::Continue),'
replace src/eval.rs '            Flow::Next => Ok(Value::Nil),' '            // The parser keeps break and continue inside loops.
            Flow::Next | Flow::Break | Flow::Continue => Ok(Value::Nil),'
replace src/format.rs '        Stmt::Return { value: Some(value), .. } => out.push_str(&format!("return {};", expr(value))),' \
'        Stmt::Return { value: Some(value), .. } => out.push_str(&format!("return {};", expr(value))),
        Stmt::Break(_) => out.push_str("break;"),
        Stmt::Continue(_) => out.push_str("continue;"),'
before_last_brace src/eval.rs <<'EOF'

    #[test]
    fn break_leaves_the_loop() {
        assert_eq!(eval("let i = 0; while true { i = i + 1; if i == 5 { break; } } i"), Value::Int(5));
    }

    #[test]
    fn continue_skips_to_the_next_iteration() {
        let source = "let i = 0; let odd = 0; while i < 10 { i = i + 1; if i % 2 == 0 { continue; } odd = odd + i; } odd";
        assert_eq!(eval(source), Value::Int(25));
    }
EOF
before_last_brace src/parser.rs <<'EOF'

    #[test]
    fn break_outside_a_loop_is_an_error() {
        assert_eq!(error("fn f() { break; }"), "`break` outside a loop at 1:10");
        assert_eq!(error("while true { fn g() { continue; } }"), "`continue` outside a loop at 1:23");
    }
EOF
commit "break and continue in while loops"

# 20 -------------------------------------------------------------------------
cat >> src/prelude.calc <<'EOF'

fn filter(keep, xs) {
    let out = [];
    let i = 0;
    while i < len(xs) {
        if keep(xs[i]) {
            out = push(out, xs[i]);
        }
        i = i + 1;
    }
    return out;
}

fn reverse(xs) {
    let out = [];
    let i = len(xs);
    while i > 0 {
        i = i - 1;
        out = push(out, xs[i]);
    }
    return out;
}
EOF
cat >> tests/programs.rs <<'EOF'

#[test]
fn prelude_filter_and_reverse() {
    let source = "fn even(n) { return n % 2 == 0; } reverse(filter(even, range(0, 10)))";
    assert_eq!(eval(source).unwrap().to_string(), "[8, 6, 4, 2, 0]");
}
EOF
commit "prelude: filter and reverse"

# 21 -------------------------------------------------------------------------
replace src/lexer.rs "            text.push('e');
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {" "            text.push('e');
            if let Some(sign @ ('+' | '-')) = self.peek() {
                self.advance();
                text.push(sign);
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {"
replace src/lexer.rs '//! fraction (`1.5`), an exponent (`2e3`) or both.' '//! fraction (`1.5`), an exponent (`2e3`, `1e-3`) or both.'
before_last_brace src/lexer.rs <<'EOF'

    #[test]
    fn exponent_may_have_a_sign() {
        assert_eq!(kinds("1e-3 2.5E+2"), [TokenKind::Float(0.001), TokenKind::Float(250.0)]);
    }
EOF
commit "lexer: an exponent may have a sign (1e-3 was a bad number)"

# 22 -------------------------------------------------------------------------
replace src/builtins.rs '        "min" | "max" => {' '        "min" | "max" if args.len() == 1 => match one(name, args)? {
            Value::List(items) => {
                let mut items = items.into_iter();
                let Some(mut best) = items.next() else {
                    return Err(ErrorKind::Type(format!("`{name}` of an empty list")));
                };
                for item in items {
                    best = extreme(name, &best, item)?;
                }
                Ok(best)
            }
            other => Err(wrong_type(name, &other)),
        },
        "min" | "max" => {'
before_last_brace src/builtins.rs <<'EOF'

    #[test]
    fn min_and_max_of_a_list() {
        assert_eq!(call_ok("min", vec![list(&[3, 1, 2])]), Value::Int(1));
        assert_eq!(call_ok("max", vec![list(&[3, 1, 2])]), Value::Int(3));
        assert_eq!(call_err("max", vec![list(&[])]), "`max` of an empty list");
    }
EOF
commit "builtins: min and max of a list"

# 23 -------------------------------------------------------------------------
replace src/builtins.rs 'best = extreme(name, &best, item)?;' 'best = extreme(name, best, item)?;'
commit "builtins: fix the build (extreme takes the value, not a reference)"

# 24 -------------------------------------------------------------------------
replace src/eval.rs '    /// For a call: sets aside every scope but the globals, and pushes `frame`.' \
'    /// For a call: sets aside every scope but the globals, and pushes `frame`.
    ///
    /// calc has no closures: a function body sees its parameters, its own
    /// locals and the globals, whoever calls it. Setting the caller'"'"'s scopes
    /// aside, rather than searching past them, is what keeps a callee from
    /// reading or assigning its caller'"'"'s locals by accident.'
commit "eval: explain why a call sets the caller's scopes aside"

# 25 -------------------------------------------------------------------------
replace src/format.rs 'use crate::ast::{Expr, ExprKind, Stmt, UNARY_PRECEDENCE};' 'use crate::ast::{BinOp, Expr, ExprKind, Stmt, UNARY_PRECEDENCE};'
replace src/format.rs '            let precedence = op.precedence();
            format!("{} {} {}", operand_text(lhs, precedence), op.symbol(), operand_text(rhs, precedence))' \
'            // The operand on the side the operator does not associate to needs
            // parentheses at the same precedence: `a - (b - c)`, `(a ** b) ** c`.
            let precedence = op.precedence();
            let (left, right) = if *op == BinOp::Pow {
                (precedence + 1, UNARY_PRECEDENCE)
            } else {
                (precedence, precedence + 1)
            };
            format!("{} {} {}", operand_text(lhs, left), op.symbol(), operand_text(rhs, right))'
before_last_brace src/format.rs <<'EOF'

    #[test]
    fn keeps_parentheses_against_associativity() {
        assert_eq!(format("a - (b - c); (a - b) - c;"), "a - (b - c);\na - b - c;\n");
        assert_eq!(format("(2 ** 3) ** 2; 2 ** -1;"), "(2 ** 3) ** 2;\n2 ** -1;\n");
    }
EOF
commit "format: keep the parentheses of a - (b - c) and (a ** b) ** c"

# 26 -------------------------------------------------------------------------
replace src/token.rs 'use std::fmt;
' 'use std::fmt;

use crate::error::Pos;
'
replace src/token.rs '    pub kind: TokenKind,
    pub line: u32,
    pub col: u32,' '    pub kind: TokenKind,
    pub pos: Pos,'
replace src/lexer.rs '    line: u32,
    col: u32,
}' '    /// Where the next character is.
    pos: Pos,
}'
replace src/lexer.rs 'Lexer { chars: source.chars().collect(), i: 0, line: 1, col: 1 }' 'Lexer { chars: source.chars().collect(), i: 0, pos: Pos::new(1, 1) }'
replace src/lexer.rs '        Pos::new(self.line, self.col)' '        self.pos'
replace src/lexer.rs '            self.line += 1;
            self.col = 0;
        } else {
            self.col += 1;' '            self.pos.line += 1;
            self.pos.col = 0;
        } else {
            self.pos.col += 1;'
replace_all src/lexer.rs 'line: start.line, col: start.col' 'pos: start'
replace src/lexer.rs '.map(|t| t.col).collect();' '.map(|t| t.pos.col).collect();'
replace src/lexer.rs '.map(|t| t.line).collect();' '.map(|t| t.pos.line).collect();'
replace src/parser.rs '        let token = &self.tokens[self.next];
        Pos::new(token.line, token.col)' '        self.tokens[self.next].pos'
commit "token, lexer: positions as a Pos instead of line and col fields"

# 27 -------------------------------------------------------------------------
replace repl/src/lib.rs ':vars    list the variables and their values
' ':vars    list the variables and their values
:type E  show the type of the expression E
'
replace repl/src/lib.rs '            Some("reset") => {' '            Some("type") => {
                let source = command["type".len()..].trim();
                if source.is_empty() {
                    return Err(":type needs an expression".to_string());
                }
                let value = self.interpreter.run(source).map_err(|error| error.to_string())?;
                self.interpreter.take_output();
                Ok(value.type_name().to_string())
            }
            Some("reset") => {'
before_last_brace repl/src/lib.rs <<'EOF'

    #[test]
    fn type_command_shows_the_type() {
        let mut session = Session::new();
        session.eval_line("let xs = [1];").unwrap();
        assert_eq!(session.eval_line(":type xs"), Ok("list".to_string()));
        assert_eq!(session.eval_line(":type 1 / 2.0"), Ok("float".to_string()));
        assert_eq!(session.eval_line(":type square"), Ok("function".to_string()));
        assert!(session.eval_line(":type").is_err());
    }
EOF
commit "repl: :type shows the type of an expression"

# 28 -------------------------------------------------------------------------
replace src/lexer.rs '            self.pos.col = 0;' '            self.pos.col = 1;'
before_last_brace src/lexer.rs <<'EOF'

    #[test]
    fn columns_restart_at_one_on_each_line() {
        assert_eq!(error("let x = 1;\nlet y = @;").to_string(), "unexpected character `@` at 2:9");
        let cols: Vec<u32> = tokenize("a\n  b").unwrap().iter().map(|t| t.pos.col).collect();
        assert_eq!(cols, [1, 3, 4]);
    }
EOF
commit "lexer: columns after a newline were counted from 0 (errors on line 2 and later were one column off)"

# 29 -------------------------------------------------------------------------
cat >> tests/programs.rs <<'EOF'

#[test]
fn fizzbuzz() {
    let source = r#"
        let i = 1;
        while i <= 15 {
            if i % 15 == 0 {
                print("FizzBuzz");
            } else if i % 3 == 0 {
                print("Fizz");
            } else if i % 5 == 0 {
                print("Buzz");
            } else {
                print(i);
            }
            i = i + 1;
        }
    "#;
    let out = printed(source);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[..5], ["1", "2", "Fizz", "4", "Buzz"]);
    assert_eq!((lines.len(), lines[14]), (15, "FizzBuzz"));
}

#[test]
fn error_position_in_a_multi_line_program() {
    let error = run("let total = 0;\nlet i = 0;\nwhile i < 3 {\n    total = total + [i];\n    i = i + 1;\n}").unwrap_err();
    assert_eq!(error.pos, calc::Pos::new(4, 19));
}
EOF
commit "tests: FizzBuzz, and an error position in a multi-line program"

# 30 -------------------------------------------------------------------------
replace src/builtins.rs 'pub const NAMES: [&str; 8] = ["abs", "int", "len", "max", "min", "print", "push", "str"];' \
'pub const NAMES: [&str; 9] = ["abs", "int", "join", "len", "max", "min", "print", "push", "str"];'
replace src/builtins.rs '        "str" => Ok(Value::Str(one(name, args)?.to_string())),' '        "str" => Ok(Value::Str(one(name, args)?.to_string())),
        "join" => {
            let [list, separator] = exactly(name, args)?;
            match (list, separator) {
                (Value::List(items), Value::Str(separator)) => {
                    let parts: Vec<String> = items.iter().map(Value::to_string).collect();
                    Ok(Value::Str(parts.join(&separator)))
                }
                (Value::List(_), other) | (other, _) => Err(wrong_type(name, &other)),
            }
        }'
before_last_brace src/builtins.rs <<'EOF'

    #[test]
    fn join_puts_the_separator_between_items() {
        let items = Value::List(vec![Value::Int(1), Value::Str("a".into()), Value::Float(2.5)]);
        assert_eq!(call_ok("join", vec![items, Value::Str(", ".into())]), Value::Str("1, a, 2.5".into()));
        assert_eq!(call_err("join", vec![list(&[1]), Value::Int(0)]), "`join` does not take a int");
    }
EOF
commit "builtins: join(list, separator)"

replace Cargo.toml 'version = "0.1.0"' 'version = "0.2.0"'
replace repl/Cargo.toml 'version = "0.1.0"' 'version = "0.2.0"'
commit "release 0.2.0"

echo "make-history: $n commits in $dest"
