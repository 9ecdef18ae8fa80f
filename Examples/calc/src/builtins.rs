//! The built-in functions. A program's own definition of the same name
//! hides a built-in.

use crate::error::ErrorKind;
use crate::value::{quote, Value};

pub const NAMES: [&str; 8] = ["abs", "int", "len", "max", "min", "print", "push", "str"];

pub fn is_builtin(name: &str) -> bool {
    NAMES.contains(&name)
}

/// Calls the built-in `name` with `args`; `print` writes to `output`.
pub fn call(name: &str, args: Vec<Value>, output: &mut String) -> Result<Value, ErrorKind> {
    match name {
        "print" => {
            let words: Vec<String> = args.iter().map(Value::to_string).collect();
            output.push_str(&words.join(" "));
            output.push('\n');
            Ok(Value::Nil)
        }
        "len" => match one(name, args)? {
            Value::Str(s) => Ok(Value::Int(s.len() as i64)),
            Value::List(items) => Ok(Value::Int(items.len() as i64)),
            other => Err(wrong_type(name, &other)),
        },
        "push" => {
            let [list, item] = exactly(name, args)?;
            match list {
                Value::List(mut items) => {
                    items.push(item);
                    Ok(Value::List(items))
                }
                other => Err(wrong_type(name, &other)),
            }
        }
        "str" => Ok(Value::Str(one(name, args)?.to_string())),
        "int" => match one(name, args)? {
            Value::Int(n) => Ok(Value::Int(n)),
            Value::Bool(b) => Ok(Value::Int(b as i64)),
            Value::Float(x) => float_to_int(x),
            Value::Str(s) => match s.trim().parse() {
                Ok(n) => Ok(Value::Int(n)),
                Err(_) => Err(ErrorKind::Type(format!("cannot convert {} to int", quote(&s)))),
            },
            other => Err(wrong_type(name, &other)),
        },
        "abs" => match one(name, args)? {
            Value::Int(n) => n.checked_abs().map(Value::Int).ok_or(ErrorKind::Overflow),
            Value::Float(x) => Ok(Value::Float(x.abs())),
            other => Err(wrong_type(name, &other)),
        },
        "min" | "max" => {
            let [a, b] = exactly(name, args)?;
            extreme(name, a, b)
        }
        _ => Err(ErrorKind::UndefinedVariable(name.to_string())),
    }
}

fn one(name: &str, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let [value] = exactly(name, args)?;
    Ok(value)
}

fn exactly<const N: usize>(name: &str, args: Vec<Value>) -> Result<[Value; N], ErrorKind> {
    let found = args.len();
    args.try_into().map_err(|_| ErrorKind::Arity { name: name.to_string(), expected: N, found })
}

fn wrong_type(name: &str, value: &Value) -> ErrorKind {
    ErrorKind::Type(format!("`{name}` does not take a {}", value.type_name()))
}

/// Truncates towards zero; too large a float is an overflow.
fn float_to_int(x: f64) -> Result<Value, ErrorKind> {
    let x = x.trunc();
    if x.is_finite() && x >= i64::MIN as f64 && x < i64::MAX as f64 {
        Ok(Value::Int(x as i64))
    } else {
        Err(ErrorKind::Overflow)
    }
}

/// The smaller (`min`) or larger (`max`) of two numbers or two strings,
/// returned as it was given (`min(1, 2.5)` is the int 1).
fn extreme(name: &str, a: Value, b: Value) -> Result<Value, ErrorKind> {
    let a_is_less = match (&a, &b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Str(x), Value::Str(y)) => x < y,
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x < y,
            _ => {
                let message = format!("`{name}` cannot compare {} and {}", a.type_name(), b.type_name());
                return Err(ErrorKind::Type(message));
            }
        },
    };
    Ok(if a_is_less == (name == "min") { a } else { b })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_ok(name: &str, args: Vec<Value>) -> Value {
        call(name, args, &mut String::new()).unwrap()
    }

    fn call_err(name: &str, args: Vec<Value>) -> String {
        call(name, args, &mut String::new()).unwrap_err().to_string()
    }

    fn list(items: &[i64]) -> Value {
        Value::List(items.iter().map(|&n| Value::Int(n)).collect())
    }

    #[test]
    fn len_of_list_and_string() {
        assert_eq!(call_ok("len", vec![list(&[1, 2, 3])]), Value::Int(3));
        assert_eq!(call_ok("len", vec![Value::Str("abcd".into())]), Value::Int(4));
    }

    #[test]
    fn len_of_an_int_is_a_type_error() {
        assert_eq!(call_err("len", vec![Value::Int(5)]), "`len` does not take a int");
    }

    #[test]
    fn wrong_number_of_arguments() {
        assert_eq!(call_err("push", vec![list(&[])]), "`push` takes 2 arguments, got 1");
    }

    #[test]
    fn push_returns_a_longer_list() {
        assert_eq!(call_ok("push", vec![list(&[1]), Value::Int(2)]), list(&[1, 2]));
    }

    #[test]
    fn int_parses_strings() {
        assert_eq!(call_ok("int", vec![Value::Str(" -17 ".into())]), Value::Int(-17));
        assert_eq!(call_err("int", vec![Value::Str("12x".into())]), "cannot convert \"12x\" to int");
    }

    #[test]
    fn int_truncates_floats() {
        assert_eq!(call_ok("int", vec![Value::Float(-2.75)]), Value::Int(-2));
        assert_eq!(call("int", vec![Value::Float(1e300)], &mut String::new()), Err(ErrorKind::Overflow));
    }

    #[test]
    fn abs_of_ints_and_floats() {
        assert_eq!(call_ok("abs", vec![Value::Int(-4)]), Value::Int(4));
        assert_eq!(call_ok("abs", vec![Value::Float(-0.5)]), Value::Float(0.5));
        assert_eq!(call("abs", vec![Value::Int(i64::MIN)], &mut String::new()), Err(ErrorKind::Overflow));
    }

    #[test]
    fn min_and_max_keep_the_type_they_pick() {
        assert_eq!(call_ok("min", vec![Value::Int(1), Value::Float(2.5)]), Value::Int(1));
        assert_eq!(call_ok("max", vec![Value::Int(1), Value::Float(2.5)]), Value::Float(2.5));
        assert_eq!(call_ok("max", vec![Value::Str("a".into()), Value::Str("b".into())]), Value::Str("b".into()));
    }

    #[test]
    fn print_writes_its_arguments_separated_by_spaces() {
        let mut output = String::new();
        call("print", vec![Value::Str("x =".into()), Value::Int(3)], &mut output).unwrap();
        call("print", vec![], &mut output).unwrap();
        assert_eq!(output, "x = 3\n\n");
    }
}
