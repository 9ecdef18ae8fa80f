//! The values a program computes with.

use std::fmt;
use std::rc::Rc;

use crate::ast::FnDef;

#[derive(Debug, Clone)]
pub enum Value {
    Nil,
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    List(Vec<Value>),
    Function(Rc<FnDef>),
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Bool(_) => "bool",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Function(_) => "function",
        }
    }

    /// The value as a float, for the numbers.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(x) => Some(*x),
            _ => None,
        }
    }

    /// Equality as `==` sees it: unlike `PartialEq`, an int equals the
    /// float of the same value.
    pub fn loosely_equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => *a as f64 == *b,
            (Value::List(a), Value::List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.loosely_equals(y)),
            _ => self == other,
        }
    }

    /// The value as the repl and lists show it: strings in quotes.
    pub fn repr(&self) -> String {
        match self {
            Value::Str(s) => quote(s),
            other => other.to_string(),
        }
    }
}

/// Same variant, same contents; functions are equal only to themselves.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Function(a), Value::Function(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// How `print` and `str` show a value.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Str(s) => f.write_str(s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(&item.repr())?;
                }
                f.write_str("]")
            }
            Value::Function(def) => write!(f, "<fn {}>", def.name),
        }
    }
}

/// `s` as a string literal, escaped so that the lexer reads it back.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_show_strings_quoted() {
        let list = Value::List(vec![Value::Int(1), Value::Str("a b".into()), Value::List(vec![])]);
        assert_eq!(list.to_string(), "[1, \"a b\", []]");
    }

    #[test]
    fn floats_show_their_fraction() {
        assert_eq!(Value::Float(2.5).to_string(), "2.5");
        assert_eq!(Value::Float(-0.125).to_string(), "-0.125");
    }

    #[test]
    fn int_equals_float_loosely_only() {
        assert!(Value::Int(2).loosely_equals(&Value::Float(2.0)));
        assert_ne!(Value::Int(2), Value::Float(2.0));
    }

    #[test]
    fn quote_escapes_what_the_lexer_unescapes() {
        assert_eq!(quote("a\"b\\c\nd\te"), r#""a\"b\\c\nd\te""#);
    }
}
