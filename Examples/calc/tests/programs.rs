//! Whole programs, run the way a user runs them.

use calc::{eval, format_source, run, ErrorKind, Value};

fn printed(source: &str) -> String {
    run(source).unwrap().printed
}

#[test]
fn fibonacci() {
    let source = "
        fn fib(n) {
            if n < 2 {
                return n;
            }
            return fib(n - 1) + fib(n - 2);
        }
        fib(15)
    ";
    assert_eq!(eval(source), Ok(Value::Int(610)));
}

#[test]
fn iterative_fibonacci_prints_the_sequence() {
    let source = "
        let a = 0;
        let b = 1;
        let i = 0;
        while i < 8 {
            print(a);
            let next = a + b;
            a = b;
            b = next;
            i = i + 1;
        }
    ";
    assert_eq!(printed(source), "0\n1\n1\n2\n3\n5\n8\n13\n");
}

#[test]
fn prelude_functions() {
    assert_eq!(eval("fact(10)"), Ok(Value::Int(3_628_800)));
    assert_eq!(eval("sum(range(1, 101))"), Ok(Value::Int(5050)));
    assert_eq!(eval("map(square, [1, 2, 3])").unwrap().to_string(), "[1, 4, 9]");
}

#[test]
fn string_building() {
    let source = r#"
        fn stars(n) {
            let line = "";
            let i = 0;
            while i < n {
                line = line + "*";
                i = i + 1;
            }
            return line;
        }
        let rows = [];
        let n = 1;
        while n <= 3 {
            rows = push(rows, stars(n));
            n = n + 1;
        }
        rows
    "#;
    assert_eq!(eval(source).unwrap().to_string(), r#"["*", "**", "***"]"#);
}

#[test]
fn greatest_common_divisor() {
    let source = "
        fn gcd(a, b) {
            while b != 0 {
                let t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
        [gcd(48, 18), gcd(17, 5), gcd(0, 9)]
    ";
    assert_eq!(eval(source).unwrap().to_string(), "[6, 1, 9]");
}

#[test]
fn counting_primes() {
    let source = "
        fn is_prime(n) {
            if n < 2 {
                return false;
            }
            let d = 2;
            while d * d <= n {
                if n % d == 0 {
                    return false;
                }
                d = d + 1;
            }
            return true;
        }
        let count = 0;
        let n = 0;
        while n < 50 {
            if is_prime(n) {
                count = count + 1;
            }
            n = n + 1;
        }
        count
    ";
    assert_eq!(eval(source), Ok(Value::Int(15)));
}

#[test]
fn print_shows_strings_without_quotes() {
    assert_eq!(printed(r#"print("total:", 3, [1, "a"]);"#), "total: 3 [1, \"a\"]\n");
}

#[test]
fn type_error_reports_its_position() {
    let error = run("let x = 1;\nlet y = x + true;").unwrap_err();
    assert_eq!(error.kind.to_string(), "cannot add int and bool");
    assert_eq!(error.pos.line, 2);
}

#[test]
fn runtime_error_inside_a_function() {
    let error = run("fn half(n) { return n / 0; }\nhalf(4)").unwrap_err();
    assert_eq!(error.kind, ErrorKind::DivisionByZero);
    assert!(!error.kind.is_syntax());
}

#[test]
fn formatted_program_runs_the_same() {
    let source = "fn f(x){return x*2+1;} let xs=[1,2,3]; print(map(f,xs)); sum(map(f, xs))";
    let formatted = format_source(source).unwrap();
    assert_eq!(run(&formatted), run(source));
    assert!(formatted.contains("fn f(x) {\n    return x * 2 + 1;\n}\n"));
}
