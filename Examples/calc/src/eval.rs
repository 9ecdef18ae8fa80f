//! The interpreter: walks the syntax tree.
//!
//! Variables live in a stack of scopes, the globals at the bottom; every
//! block pushes one. A function call sees the globals and its own scopes,
//! not its caller's.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::ast::{BinOp, Expr, ExprKind, Stmt, UnOp};
use crate::builtins;
use crate::error::{Error, ErrorKind, Pos};
use crate::parser::parse;
use crate::value::Value;

/// How deeply calls may nest.
pub const MAX_DEPTH: usize = 64;

/// Functions written in calc, defined in every `Interpreter::new()`.
const PRELUDE: &str = include_str!("prelude.calc");

/// What running a statement did to the flow of control.
enum Flow {
    Next,
    Return(Value),
}

pub struct Interpreter {
    scopes: Vec<BTreeMap<String, Value>>,
    output: String,
    depth: usize,
}

impl Default for Interpreter {
    fn default() -> Interpreter {
        Interpreter::new()
    }
}

impl Interpreter {
    /// An interpreter with the prelude's functions defined.
    pub fn new() -> Interpreter {
        let mut interpreter = Interpreter::bare();
        interpreter.run(PRELUDE).expect("the prelude runs");
        interpreter
    }

    /// An interpreter without the prelude.
    pub fn bare() -> Interpreter {
        Interpreter { scopes: vec![BTreeMap::new()], output: String::new(), depth: 0 }
    }

    /// Runs `source`; its value is that of the last statement when that is
    /// an expression, else nil. Globals stay defined for the next run.
    pub fn run(&mut self, source: &str) -> Result<Value, Error> {
        let program = parse(source)?;
        let mut last = Value::Nil;
        for stmt in &program {
            last = Value::Nil;
            if let Stmt::Expr(expr) = stmt {
                last = self.eval(expr)?;
            } else {
                self.exec(stmt)?;
            }
        }
        Ok(last)
    }

    /// What `print` wrote since the last call.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.output)
    }

    pub fn globals(&self) -> &BTreeMap<String, Value> {
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

    fn exec_block(&mut self, stmts: &[Stmt]) -> Result<Flow, Error> {
        self.scopes.push(BTreeMap::new());
        let flow = self.exec_all(stmts);
        self.scopes.pop();
        flow
    }

    fn exec_all(&mut self, stmts: &[Stmt]) -> Result<Flow, Error> {
        for stmt in stmts {
            if let Flow::Return(value) = self.exec(stmt)? {
                return Ok(Flow::Return(value));
            }
        }
        Ok(Flow::Next)
    }

    fn exec(&mut self, stmt: &Stmt) -> Result<Flow, Error> {
        match stmt {
            Stmt::Expr(expr) => {
                self.eval(expr)?;
            }
            Stmt::Let { name, value, .. } => {
                let value = self.eval(value)?;
                self.define(name, value);
            }
            Stmt::Fn(def) => self.define(&def.name, Value::Function(Rc::clone(def))),
            Stmt::If { cond, then, otherwise, .. } => {
                if self.condition(cond)? {
                    return self.exec_block(then);
                }
                if let Some(otherwise) = otherwise {
                    return self.exec_block(otherwise);
                }
            }
            Stmt::While { cond, body, .. } => {
                while self.condition(cond)? {
                    if let Flow::Return(value) = self.exec_block(body)? {
                        return Ok(Flow::Return(value));
                    }
                }
            }
            Stmt::Return { value, pos } => {
                if self.depth == 0 {
                    return Err(Error::new(ErrorKind::ReturnOutsideFunction, *pos));
                }
                let value = match value {
                    Some(expr) => self.eval(expr)?,
                    None => Value::Nil,
                };
                return Ok(Flow::Return(value));
            }
            Stmt::Block(stmts) => return self.exec_block(stmts),
        }
        Ok(Flow::Next)
    }

    fn condition(&mut self, cond: &Expr) -> Result<bool, Error> {
        match self.eval(cond)? {
            Value::Bool(b) => Ok(b),
            other => {
                let message = format!("a condition must be a bool, not {}", other.type_name());
                Err(Error::new(ErrorKind::Type(message), cond.pos))
            }
        }
    }

    pub fn eval(&mut self, expr: &Expr) -> Result<Value, Error> {
        let at = |kind| Error::new(kind, expr.pos);
        match &expr.kind {
            ExprKind::Int(n) => Ok(Value::Int(*n)),
            ExprKind::Float(x) => Ok(Value::Float(*x)),
            ExprKind::Str(s) => Ok(Value::Str(s.clone())),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Var(name) => match self.lookup(name) {
                Some(value) => Ok(value.clone()),
                None => Err(at(ErrorKind::UndefinedVariable(name.clone()))),
            },
            ExprKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(item)?);
                }
                Ok(Value::List(values))
            }
            ExprKind::Unary(op, operand) => {
                let value = self.eval(operand)?;
                unary(*op, value).map_err(at)
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), lhs, rhs) => {
                let left = self.truth(*op, lhs)?;
                if left == (*op == BinOp::Or) {
                    return Ok(Value::Bool(left));
                }
                Ok(Value::Bool(self.truth(*op, rhs)?))
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let left = self.eval(lhs)?;
                let right = self.eval(rhs)?;
                binary(*op, left, right).map_err(at)
            }
            ExprKind::Index(target, index) => {
                let target = self.eval(target)?;
                let index = self.eval(index)?;
                index_value(target, index).map_err(at)
            }
            ExprKind::Call(callee, args) => self.call(callee, args, expr.pos),
            ExprKind::Assign(name, value) => {
                let value = self.eval(value)?;
                if self.assign(name, value.clone()) {
                    Ok(value)
                } else {
                    Err(at(ErrorKind::UndefinedVariable(name.clone())))
                }
            }
        }
    }

    /// An operand of `&&` or `||`, which must be a bool.
    fn truth(&mut self, op: BinOp, operand: &Expr) -> Result<bool, Error> {
        match self.eval(operand)? {
            Value::Bool(b) => Ok(b),
            other => {
                let message = format!("`{}` needs bools, not {}", op.symbol(), other.type_name());
                Err(Error::new(ErrorKind::Type(message), operand.pos))
            }
        }
    }

    fn call(&mut self, callee: &Expr, args: &[Expr], pos: Pos) -> Result<Value, Error> {
        if let ExprKind::Var(name) = &callee.kind {
            if self.lookup(name).is_none() && builtins::is_builtin(name) {
                let values = self.eval_all(args)?;
                return builtins::call(name, values, &mut self.output).map_err(|kind| Error::new(kind, pos));
            }
        }
        let def = match self.eval(callee)? {
            Value::Function(def) => def,
            other => return Err(Error::new(ErrorKind::NotCallable(other.type_name().to_string()), callee.pos)),
        };
        let values = self.eval_all(args)?;
        if values.len() != def.params.len() {
            let kind = ErrorKind::Arity { name: def.name.clone(), expected: def.params.len(), found: values.len() };
            return Err(Error::new(kind, pos));
        }
        if self.depth >= MAX_DEPTH {
            return Err(Error::new(ErrorKind::TooDeep, pos));
        }
        let frame: BTreeMap<String, Value> = def.params.iter().cloned().zip(values).collect();
        let callers = self.scopes.split_off(1);
        self.scopes.push(frame);
        self.depth += 1;
        let flow = self.exec_all(&def.body);
        self.depth -= 1;
        self.scopes.truncate(1);
        self.scopes.extend(callers);
        match flow? {
            Flow::Return(value) => Ok(value),
            Flow::Next => Ok(Value::Nil),
        }
    }

    fn eval_all(&mut self, exprs: &[Expr]) -> Result<Vec<Value>, Error> {
        let mut values = Vec::with_capacity(exprs.len());
        for expr in exprs {
            values.push(self.eval(expr)?);
        }
        Ok(values)
    }
}

fn unary(op: UnOp, value: Value) -> Result<Value, ErrorKind> {
    match (op, value) {
        (UnOp::Neg, Value::Int(n)) => Ok(Value::Int(-n)),
        (UnOp::Neg, Value::Float(x)) => Ok(Value::Float(-x)),
        (UnOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
        (UnOp::Neg, other) => Err(ErrorKind::Type(format!("cannot negate {}", other.type_name()))),
        (UnOp::Not, other) => Err(ErrorKind::Type(format!("cannot apply `!` to {}", other.type_name()))),
    }
}

/// `op` applied to two values. `&&` and `||` never get here: they
/// short-circuit in `Interpreter::eval`.
pub fn binary(op: BinOp, lhs: Value, rhs: Value) -> Result<Value, ErrorKind> {
    use Value::{Bool, Float, Int, List, Str};
    match (op, lhs, rhs) {
        (BinOp::Add, Int(a), Int(b)) => a.checked_add(b).map(Int).ok_or(ErrorKind::Overflow),
        (BinOp::Sub, Int(a), Int(b)) => a.checked_sub(b).map(Int).ok_or(ErrorKind::Overflow),
        (BinOp::Mul, Int(a), Int(b)) => a.checked_mul(b).map(Int).ok_or(ErrorKind::Overflow),
        (BinOp::Div | BinOp::Rem, Int(_), Int(0)) => Err(ErrorKind::DivisionByZero),
        (BinOp::Div, Int(a), Int(b)) => a.checked_div(b).map(Int).ok_or(ErrorKind::Overflow),
        (BinOp::Rem, Int(a), Int(b)) => a.checked_rem(b).map(Int).ok_or(ErrorKind::Overflow),
        (op, Int(a), Float(b)) if op.is_arithmetic() => float_arithmetic(op, a as f64, b),
        (op, Float(a), Int(b)) if op.is_arithmetic() => float_arithmetic(op, a, b as f64),
        (op, Float(a), Float(b)) if op.is_arithmetic() => float_arithmetic(op, a, b),
        (BinOp::Add, Str(a), Str(b)) => Ok(Str(a + &b)),
        (BinOp::Mul, Str(s), Int(n)) | (BinOp::Mul, Int(n), Str(s)) => match usize::try_from(n) {
            Ok(n) => Ok(Str(s.repeat(n))),
            Err(_) => Err(ErrorKind::Type(format!("cannot repeat a string {n} times"))),
        },
        (BinOp::Add, List(mut a), List(b)) => {
            a.extend(b);
            Ok(List(a))
        }
        (BinOp::Eq, a, b) => Ok(Bool(a.loosely_equals(&b))),
        (BinOp::Ne, a, b) => Ok(Bool(!a.loosely_equals(&b))),
        (op, a, b) if op.is_comparison() => compare(op, &a, &b),
        (op, a, b) => Err(ErrorKind::Type(format!("cannot {} {} and {}", op.verb(), a.type_name(), b.type_name()))),
    }
}

fn float_arithmetic(op: BinOp, a: f64, b: f64) -> Result<Value, ErrorKind> {
    let x = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div | BinOp::Rem if b == 0.0 => return Err(ErrorKind::DivisionByZero),
        BinOp::Div => a / b,
        BinOp::Rem => a % b,
        _ => unreachable!("{op:?} is not arithmetic"),
    };
    Ok(Value::Float(x))
}

/// `<`, `<=`, `>`, `>=` on two numbers or two strings.
fn compare(op: BinOp, a: &Value, b: &Value) -> Result<Value, ErrorKind> {
    let ordering = match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => match x.partial_cmp(&y) {
                Some(ordering) => ordering,
                None => return Ok(Value::Bool(false)),
            },
            _ => return Err(ErrorKind::Type(format!("cannot compare {} and {}", a.type_name(), b.type_name()))),
        },
    };
    Ok(Value::Bool(match op {
        BinOp::Lt => ordering.is_lt(),
        BinOp::Le => ordering.is_le(),
        BinOp::Gt => ordering.is_gt(),
        BinOp::Ge => ordering.is_ge(),
        _ => unreachable!("{op:?} is not a comparison"),
    }))
}

/// `target[index]`: an item of a list, a character of a string.
fn index_value(target: Value, index: Value) -> Result<Value, ErrorKind> {
    let i = match index {
        Value::Int(i) => i,
        other => return Err(ErrorKind::Type(format!("an index must be an int, not {}", other.type_name()))),
    };
    let (item, len) = match target {
        Value::List(items) => {
            let len = items.len();
            (usize::try_from(i).ok().and_then(|i| items.into_iter().nth(i)), len)
        }
        Value::Str(s) => {
            let item = usize::try_from(i).ok().and_then(|i| s.chars().nth(i)).map(|c| Value::Str(c.to_string()));
            (item, s.chars().count())
        }
        other => return Err(ErrorKind::Type(format!("cannot index {}", other.type_name()))),
    };
    item.ok_or(ErrorKind::IndexOutOfRange { index: i, len })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(source: &str) -> Value {
        crate::eval(source).unwrap()
    }

    fn error(source: &str) -> Error {
        crate::eval(source).unwrap_err()
    }

    #[test]
    fn integer_arithmetic() {
        assert_eq!(eval("1 + 2 * 3"), Value::Int(7));
        assert_eq!(eval("(1 + 2) * 3"), Value::Int(9));
    }

    #[test]
    fn integer_division_truncates() {
        assert_eq!(eval("7 / 2"), Value::Int(3));
        assert_eq!(eval("7 % 3"), Value::Int(1));
    }

    #[test]
    fn float_int_promotion() {
        assert_eq!(eval("1 + 0.5"), Value::Float(1.5));
        assert_eq!(eval("0.5 * 3"), Value::Float(1.5));
        assert_eq!(eval("7 / 2.0"), Value::Float(3.5));
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(error("1 / 0").kind, ErrorKind::DivisionByZero);
        assert_eq!(error("1.5 / 0").kind, ErrorKind::DivisionByZero);
    }

    #[test]
    fn modulo_by_zero_is_an_error() {
        assert_eq!(error("5 % 0").to_string(), "division by zero at 1:3");
    }

    #[test]
    fn addition_overflow_is_an_error() {
        assert_eq!(error("9223372036854775807 + 1").kind, ErrorKind::Overflow);
    }

    #[test]
    fn string_concatenation() {
        assert_eq!(eval(r#""ab" + "cd""#), Value::Str("abcd".into()));
    }

    #[test]
    fn string_repetition() {
        assert_eq!(eval(r#""ab" * 3"#), Value::Str("ababab".into()));
        assert_eq!(eval(r#"2 * "-""#), Value::Str("--".into()));
    }

    #[test]
    fn negative_repetition_is_an_error() {
        assert_eq!(error(r#""ab" * -1"#).to_string(), "cannot repeat a string -1 times at 1:6");
    }

    #[test]
    fn list_concatenation() {
        assert_eq!(eval("[1] + [2, 3]"), Value::List(vec![Value::Int(1), Value::Int(2), Value::Int(3)]));
    }

    #[test]
    fn cannot_add_bool_and_int() {
        assert_eq!(error("true + 1").to_string(), "cannot add bool and int at 1:6");
    }

    #[test]
    fn comparisons_of_numbers() {
        assert_eq!(eval("1 < 2"), Value::Bool(true));
        assert_eq!(eval("2 <= 1"), Value::Bool(false));
        assert_eq!(eval("1 < 1.5"), Value::Bool(true));
        assert_eq!(eval("3 > 2.5"), Value::Bool(true));
    }

    #[test]
    fn comparisons_of_strings() {
        assert_eq!(eval(r#""apple" < "banana""#), Value::Bool(true));
    }

    #[test]
    fn equality_across_int_and_float() {
        assert_eq!(eval("1 == 1.0"), Value::Bool(true));
        assert_eq!(eval("[1, 2] != [1, 2.0]"), Value::Bool(false));
        assert_eq!(eval(r#""1" == 1"#), Value::Bool(false));
    }

    #[test]
    fn and_short_circuits() {
        assert_eq!(eval("false && 1 / 0 == 1"), Value::Bool(false));
    }

    #[test]
    fn logical_operators_need_bools() {
        assert_eq!(error("true && 1").to_string(), "`&&` needs bools, not int at 1:9");
    }

    #[test]
    fn let_and_assignment() {
        assert_eq!(eval("let x = 1; x = x + 41; x"), Value::Int(42));
    }

    #[test]
    fn undefined_variable_is_an_error() {
        assert_eq!(error("let y = x;").to_string(), "undefined variable `x` at 1:9");
    }

    #[test]
    fn block_scopes_shadow_and_then_end() {
        assert_eq!(eval("let x = 1; { let x = 2; } x"), Value::Int(1));
        assert_eq!(eval("let x = 1; { x = 2; } x"), Value::Int(2));
    }

    #[test]
    fn if_takes_the_else_branch() {
        assert_eq!(eval("let r = 0; if 1 > 2 { r = 1; } else { r = 2; } r"), Value::Int(2));
    }

    #[test]
    fn condition_must_be_a_bool() {
        assert_eq!(error("if 1 { }").to_string(), "a condition must be a bool, not int at 1:4");
    }

    #[test]
    fn while_loop_counts() {
        assert_eq!(eval("let i = 0; let n = 0; while i < 10 { i = i + 1; n = n + i; } n"), Value::Int(55));
    }

    #[test]
    fn function_call_and_return() {
        assert_eq!(eval("fn add(a, b) { return a + b; } add(2, 3)"), Value::Int(5));
    }

    #[test]
    fn function_without_return_gives_nil() {
        assert_eq!(eval("fn nothing() { 1; } nothing()"), Value::Nil);
    }

    #[test]
    fn functions_do_not_see_their_callers_locals() {
        let source = "fn peek() { return secret; } fn f() { let secret = 1; return peek(); } f()";
        assert_eq!(error(source).kind, ErrorKind::UndefinedVariable("secret".into()));
    }

    #[test]
    fn wrong_number_of_arguments() {
        assert_eq!(error("fn f(a) { return a; } f(1, 2)").to_string(), "`f` takes 1 argument, got 2 at 1:23");
    }

    #[test]
    fn call_depth_is_limited() {
        assert_eq!(error("fn down(n) { return down(n + 1); } down(0)").kind, ErrorKind::TooDeep);
    }

    #[test]
    fn recursion_up_to_the_depth_limit_works() {
        let source = format!("fn count(n) {{ if n == 0 {{ return 0; }} return count(n - 1) + 1; }} count({})", MAX_DEPTH - 1);
        assert_eq!(eval(&source), Value::Int(MAX_DEPTH as i64 - 1));
    }

    #[test]
    fn indexing_lists_and_strings() {
        assert_eq!(eval("[10, 20, 30][1]"), Value::Int(20));
        assert_eq!(eval(r#""héllo"[1]"#), Value::Str("é".into()));
    }

    #[test]
    fn index_out_of_range_is_an_error() {
        assert_eq!(error("[1, 2][2]").to_string(), "index 2 out of range for length 2 at 1:7");
        assert_eq!(error("[1, 2][-1]").kind, ErrorKind::IndexOutOfRange { index: -1, len: 2 });
    }
}
