//! The pretty-printer: a program back to source in the standard layout.
//! Four spaces per level, one statement a line, a blank line around
//! function definitions, and only the parentheses precedence needs.
//! Comments are not kept.

use crate::ast::{Expr, ExprKind, Stmt, UNARY_PRECEDENCE};
use crate::value::quote;

/// Calls, indexing and atoms bind tighter than any operator.
const POSTFIX_PRECEDENCE: u8 = 10;

pub fn format_program(program: &[Stmt]) -> String {
    let mut out = String::new();
    for (i, stmt) in program.iter().enumerate() {
        if i > 0 && (matches!(stmt, Stmt::Fn(_)) || matches!(program[i - 1], Stmt::Fn(_))) {
            out.push('\n');
        }
        write_stmt(&mut out, stmt, 0);
    }
    out
}

fn write_stmt(out: &mut String, stmt: &Stmt, depth: usize) {
    out.push_str(&"    ".repeat(depth));
    match stmt {
        Stmt::Expr(value) => out.push_str(&format!("{};", expr(value))),
        Stmt::Let { name, value, .. } => out.push_str(&format!("let {name} = {};", expr(value))),
        Stmt::Return { value: None, .. } => out.push_str("return;"),
        Stmt::Return { value: Some(value), .. } => out.push_str(&format!("return {};", expr(value))),
        Stmt::If { cond, then, otherwise, .. } => write_if(out, cond, then, otherwise.as_deref(), depth),
        Stmt::While { cond, body, .. } => {
            out.push_str(&format!("while {} ", expr(cond)));
            write_block(out, body, depth);
        }
        Stmt::Fn(def) => {
            out.push_str(&format!("fn {}({}) ", def.name, def.params.join(", ")));
            write_block(out, &def.body, depth);
        }
        Stmt::Block(stmts) => write_block(out, stmts, depth),
    }
    out.push('\n');
}

fn write_if(out: &mut String, cond: &Expr, then: &[Stmt], otherwise: Option<&[Stmt]>, depth: usize) {
    out.push_str(&format!("if {} ", expr(cond)));
    write_block(out, then, depth);
    if let Some(otherwise) = otherwise {
        out.push_str(" else ");
        write_block(out, otherwise, depth);
    }
}

/// `{`, the statements one level deeper, `}` (no newline after it).
fn write_block(out: &mut String, stmts: &[Stmt], depth: usize) {
    if stmts.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for stmt in stmts {
        write_stmt(out, stmt, depth + 1);
    }
    out.push_str(&"    ".repeat(depth));
    out.push('}');
}

pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Float(x) => format!("{x:?}"),
        ExprKind::Str(s) => quote(s),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Var(name) => name.clone(),
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Unary(op, operand) => format!("{}{}", op.symbol(), operand_text(operand, UNARY_PRECEDENCE)),
        ExprKind::Binary(op, lhs, rhs) => {
            let precedence = op.precedence();
            format!("{} {} {}", operand_text(lhs, precedence), op.symbol(), operand_text(rhs, precedence))
        }
        ExprKind::Call(callee, args) => format!("{}({})", operand_text(callee, POSTFIX_PRECEDENCE), list(args)),
        ExprKind::Index(target, index) => format!("{}[{}]", operand_text(target, POSTFIX_PRECEDENCE), expr(index)),
        ExprKind::Assign(name, value) => format!("{name} = {}", expr(value)),
    }
}

fn list(items: &[Expr]) -> String {
    items.iter().map(expr).collect::<Vec<_>>().join(", ")
}

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Assign(..) => 0,
        ExprKind::Binary(op, ..) => op.precedence(),
        ExprKind::Unary(..) => UNARY_PRECEDENCE,
        _ => POSTFIX_PRECEDENCE,
    }
}

/// `e` as the operand of an operator binding at `min`: in parentheses
/// when it binds more loosely.
fn operand_text(e: &Expr, min: u8) -> String {
    let text = expr(e);
    if precedence(e) < min {
        format!("({text})")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use crate::format_source;

    fn format(source: &str) -> String {
        format_source(source).unwrap()
    }

    #[test]
    fn formats_let_and_expressions() {
        assert_eq!(format("let   x=1+2 ;x*3"), "let x = 1 + 2;\nx * 3;\n");
    }

    #[test]
    fn keeps_needed_parentheses() {
        assert_eq!(format("(1 + 2) * 3;"), "(1 + 2) * 3;\n");
        assert_eq!(format("-(a + b);"), "-(a + b);\n");
    }

    #[test]
    fn drops_redundant_parentheses() {
        assert_eq!(format("((1 * 2)) + (3);"), "1 * 2 + 3;\n");
        assert_eq!(format("(f)(x)[(0)];"), "f(x)[0];\n");
    }

    #[test]
    fn formats_string_escapes() {
        assert_eq!(format(r#"print("a\tb\n", "q\"");"#), "print(\"a\\tb\\n\", \"q\\\"\");\n");
    }

    #[test]
    fn formats_floats_and_lists() {
        assert_eq!(format("[2.0, 1.5, true, x[0]]"), "[2.0, 1.5, true, x[0]];\n");
    }

    #[test]
    fn formats_function_with_blank_lines_around() {
        assert_eq!(
            format("let a = 1; fn f(x, y) { return x; } f(a, 2)"),
            "let a = 1;\n\nfn f(x, y) {\n    return x;\n}\n\nf(a, 2);\n"
        );
    }

    #[test]
    fn formats_if_else() {
        assert_eq!(format("if a { b = 1; } else { return; }"), "if a {\n    b = 1;\n} else {\n    return;\n}\n");
    }

    #[test]
    fn formats_nested_if() {
        assert_eq!(
            format("while i < n { if ok { i = i + 1; } }"),
            "while i < n {\n    if ok {\n        i = i + 1;\n    }\n}\n"
        );
    }

    #[test]
    fn formatting_is_stable() {
        let once = format("fn fib(n) { if n < 2 { return n; } return fib(n - 1) + fib(n - 2); } print(fib(10));");
        assert_eq!(format(&once), once);
    }
}
