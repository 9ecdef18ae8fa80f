//! Module {{name}}: prices and stock, arithmetic, a tiny expression language,
//! text codecs and statistics.
use std::collections::HashMap;
use std::fmt;

pub const SHELF: &str = "{{name}}";
pub const TAX_PERCENT: u64 = {{taxPercent}};
pub const SHELVES: usize = {{shelves}};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Basic,
    Silver,
    Gold,
}

#[derive(Debug, PartialEq, Eq)]
pub enum StockError {
    Unknown(String),
    Short { have: u32, want: u32 },
}

impl fmt::Display for StockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StockError::Unknown(name) => write!(f, "{}: no such item on shelf {}", name, SHELF),
            StockError::Short { have, want } => write!(f, "only {} left, {} wanted", have, want),
        }
    }
}

#[derive(Debug, Default)]
pub struct Stock {
    items: HashMap<String, u32>,
}

impl Stock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: &str, n: u32) {
        *self.items.entry(name.to_string()).or_insert(0) += n;
    }

    /// Takes `n` of `name`; returns what is left.
    pub fn take(&mut self, name: &str, n: u32) -> Result<u32, StockError> {
        let have = self.items.get_mut(name).ok_or_else(|| StockError::Unknown(name.to_string()))?;
        if *have < n {
            return Err(StockError::Short { have: *have, want: n });
        }
        *have -= n;
        Ok(*have)
    }

    pub fn count(&self, name: &str) -> u32 {
        self.items.get(name).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.items.values().map(|&n| n as u64).sum()
    }

    /// Item names spread over the shelves, round robin, sorted per shelf.
    pub fn shelves(&self) -> Vec<Vec<String>> {
        let mut names: Vec<&String> = self.items.keys().collect();
        names.sort();
        let mut out = vec![Vec::new(); SHELVES];
        for (k, name) in names.into_iter().enumerate() {
            out[k % SHELVES].push(name.clone());
        }
        out
    }
}

pub fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {{{mutationMarker}}
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// A fraction in lowest terms.
pub fn reduce(num: u64, den: u64) -> Option<(u64, u64)> {
    if den == 0 {
        return None;
    }
    let g = gcd(num, den).max(1);
    Some((num / g, den / g))
}

pub fn price_with_tax(cents: u64, tier: Tier) -> u64 {
    let discounted = match tier {
        Tier::Basic => cents,
        Tier::Silver => cents - cents / 10,
        Tier::Gold => cents - cents / 5,
    };
    discounted + discounted * TAX_PERCENT / 100
}

pub fn collatz_steps(mut n: u64) -> u32 {
    let mut steps = 0;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 1;
    }
    true
}

pub fn rle_encode(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let mut run = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            run += 1;
        }
        out.push_str(&run.to_string());
        out.push(c);
    }
    out
}

pub fn rle_decode(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut run: usize = 0;
    let mut seen_digit = false;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            run = run.checked_mul(10)?.checked_add(d as usize)?;
            seen_digit = true;
        } else {
            if !seen_digit {
                return None;
            }
            for _ in 0..run {
                out.push(c);
            }
            run = 0;
            seen_digit = false;
        }
    }
    if seen_digit {
        None
    } else {
        Some(out)
    }
}

pub fn caesar(s: &str, k: u8) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => ((c as u8 - b'a' + k % 26) % 26 + b'a') as char,
            'A'..='Z' => ((c as u8 - b'A' + k % 26) % 26 + b'A') as char,
            _ => c,
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Num(i64),
    Op(char),
    Open,
    Close,
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut n: i64 = 0;
            while i < chars.len() && chars[i].is_ascii_digit() {
                let d = chars[i] as i64 - '0' as i64;
                n = n.checked_mul(10).and_then(|n| n.checked_add(d)).ok_or("number too large")?;
                i += 1;
            }
            out.push(Tok::Num(n));
            continue;
        }
        match c {
            '+' | '-' | '*' | '/' => out.push(Tok::Op(c)),
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            _ => return Err(format!("unexpected character {:?}", c)),
        }
        i += 1;
    }
    Ok(out)
}

fn sum(t: &[Tok], pos: &mut usize) -> Result<i64, String> {
    let mut v = product(t, pos)?;
    while let Some(Tok::Op(op)) = t.get(*pos).copied() {
        if op != '+' && op != '-' {
            break;
        }
        *pos += 1;
        let r = product(t, pos)?;
        v = (if op == '+' { v.checked_add(r) } else { v.checked_sub(r) }).ok_or("overflow")?;
    }
    Ok(v)
}

fn product(t: &[Tok], pos: &mut usize) -> Result<i64, String> {
    let mut v = atom(t, pos)?;
    while let Some(Tok::Op(op)) = t.get(*pos).copied() {
        if op != '*' && op != '/' {
            break;
        }
        *pos += 1;
        let r = atom(t, pos)?;
        if op == '*' {
            v = v.checked_mul(r).ok_or("overflow")?;
        } else if r == 0 {
            return Err("division by zero".to_string());
        } else {
            v /= r;
        }
    }
    Ok(v)
}

fn atom(t: &[Tok], pos: &mut usize) -> Result<i64, String> {
    match t.get(*pos).copied() {
        Some(Tok::Num(n)) => {
            *pos += 1;
            Ok(n)
        }
        Some(Tok::Op('-')) => {
            *pos += 1;
            Ok(-atom(t, pos)?)
        }
        Some(Tok::Open) => {
            *pos += 1;
            let v = sum(t, pos)?;
            if t.get(*pos).copied() != Some(Tok::Close) {
                return Err("missing )".to_string());
            }
            *pos += 1;
            Ok(v)
        }
        other => Err(format!("unexpected {:?}", other)),
    }
}

/// Evaluates integer arithmetic: + - * / and parentheses.
pub fn eval(src: &str) -> Result<i64, String> {
    let tokens = lex(src)?;
    let mut pos = 0;
    let v = sum(&tokens, &mut pos)?;
    if pos != tokens.len() {
        return Err(format!("unexpected token at {}", pos));
    }
    Ok(v)
}

pub fn median(xs: &[i64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_unstable();
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[mid] as f64 } else { (v[mid - 1] + v[mid]) as f64 / 2.0 })
}

/// Words by count (most first), ties alphabetically; case-insensitive.
pub fn word_freq(text: &str) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *counts.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

{{gcdCases}}

{{priceCases}}

{{collatzCases}}

{{primeCases}}

{{rleRoundTrips}}

    #[test]
    fn rle_rejects_garbage() {
        assert_eq!(rle_encode("aab"), "2a1b");
        assert_eq!(rle_decode("abc"), None);
        assert_eq!(rle_decode("3"), None);
    }

    #[test]
    fn caesar_known_answer() {
        assert_eq!(caesar("abc xyz", 3), "def abc");
    }

    #[test]
    fn caesar_round_trip() {
        let s = "Shelf {{index}}, Row {{row}}!";
        assert_eq!(caesar(&caesar(s, {{shift}}), 26 - {{shift}}), s);
    }

{{evalCases}}

    #[test]
    fn eval_division_by_zero() {
        assert_eq!(eval("{{dividend}} / (2 - 2)"), Err("division by zero".to_string()));
        assert!(eval("(1 + 2").is_err());
    }

    #[test]
    fn stock_add_and_take() {
        let mut s = Stock::new();
        s.add("bolt", {{boltsAdded}});
        s.add("nut", 4);
        assert_eq!(s.take("bolt", 3), Ok({{boltsLeft}}));
        assert_eq!(s.total(), {{stockTotal}});
    }

    #[test]
    fn stock_refuses_too_many() {
        let mut s = Stock::new();
        s.add("bolt", 2);
        assert_eq!(s.take("bolt", 5), Err(StockError::Short { have: 2, want: 5 }));
        assert_eq!(s.count("bolt"), 2);
    }

    #[test]
    fn stock_unknown_item() {
        let mut s = Stock::new();
        let err = s.take("gear", 1).unwrap_err();
        assert_eq!(err.to_string(), "gear: no such item on shelf {{name}}");
    }

    #[test]
    fn median_odd_and_even() {
        assert_eq!(median(&[3, 1, 2]), Some(2.0));
        assert_eq!(median(&[4, 1, 3, 2]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn word_freq_counts() {
        let f = word_freq("the cat and The dog and the end");
        assert_eq!(f[0], ("the".to_string(), 3));
        assert_eq!(f[1], ("and".to_string(), 2));
        assert_eq!(f.len(), 5);
    }
}
