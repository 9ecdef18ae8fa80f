#!/usr/bin/env bash
# trim run benchmark: what `trim run` costs against plain cargo, in one run.
#
#   Benchmarks/trim-run-bench.sh [--repeat R] [--modules N] [--flags] [--keep] [--no-build]
#
# Builds trim in release mode into .build-bench, generates a workspace in a
# temporary directory (library `shop`: N modules, default 8, of about 510
# lines and 36 unit tests each, plus 8 integration tests in two files; no
# dependencies: 296 tests by default), copies the bundled Examples/ledger
# next to it, and measures in R interleaved rounds (default 5), reporting
# median, min and max:
#
#   build       from clean target dirs: plain `cargo test --no-run --workspace`
#               (its own CARGO_TARGET_DIR) against `trim list` (the first
#               build phase of trim: cargo with coverage + bitcode into
#               target/trim, fingerprinting every module, listing the tests);
#               cargo's own "Finished ... in" figure inside each is reported too.
#   recording   on the built tree: `trim run --all` (every test in its own
#               process, instrumented, coverage mapped and stored). The test
#               phase is trim's own "Summary [..s]" (first test started to last
#               result stored); cross-check: `trim run --all` minus a no-op
#               `trim list`. Baseline: the plain build's test executables run
#               one process per test (`EXE --exact NAME --nocapture`), 2 at a
#               time (xargs -P 2 starting EXE itself), the parallelism trim is
#               given (-j 2); and, for scale, each executable run once as
#               cargo test would (libtest's threads, --test-threads 2).
#               Input tracing: the same `trim run --all` with
#               TRIM_INPUT_TRACING=off (no tracing) and =strace (strace for
#               every test), rotating order; the test phases compared.
#   memory      peak RSS: /usr/bin/time -v (largest of trim and every process
#               it waited for, so rustc during a build) and trim's own VmHWM
#               (sampled from /proc every 50 ms).
#   incremental after a recorded `trim run --all`, a one-line change in one
#               function (generated: `while b != 0` -> `while b > 0` in gcd of
#               one module; ledger: `account.balance < amount` ->
#               `amount > account.balance` in balance::apply; another
#               equivalent spelling each round, so the tests keep passing and
#               no round finds the changed bytes cached): `trim run` (rebuild, fingerprint, select, run the
#               affected tests) against `cargo test --workspace` of the whole
#               suite in its own warmed target dir, same change. Each round
#               applies the change, times both (order alternates), reverts it
#               and re-warms both untimed. On `shop` and on Examples/ledger.
#
# Targets: build <= 1.5x plain; recording (test phase) <= 1.3x the
# uninstrumented per-test run; input tracing <= 1.1x the same run untraced; incremental `trim run` <= 1.0x `cargo test
# --workspace` (the issue names no figure: trim should not cost more than
# running everything). Memory is reported, not judged.
# --flags also times the incremental rebuild of `shop` after the same change
# with plain `cargo test --no-run` under each part of trim's RUSTFLAGS (read
# from cargo's fingerprint of trim's build): none, -C codegen-units=1,
# --emit=llvm-bc,link, + -C debuginfo=line-tables-only, the SanitizerCoverage
# flags alone, all of trim's flags (about 2 more minutes).
# --keep keeps the temporary directory. --no-build uses the binaries already
# in .build-bench. Exit status 0 even when a target is missed (the table says
# MISS); non-zero only when something could not be built or run.
set -euo pipefail

repeats=5
modules=8
keep=0
flags=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeats="$2"; shift 2 ;;
    --modules) modules="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --flags) flags=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "trim-run-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ $modules -ge 6 && $modules -le 12 ]] || { echo "trim-run-bench: --modules must be 6..12 (>= 200 tests)" >&2; exit 64; }
[[ $repeats -ge 1 ]] || { echo "trim-run-bench: --repeat must be >= 1" >&2; exit 64; }

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/.build-bench"
bin="$scratch/release"
jobs=2

for tool in cargo rustc swift xargs; do
  command -v "$tool" >/dev/null || { echo "trim-run-bench: $tool not found" >&2; exit 2; }
done
if [[ ! -x /usr/bin/time ]]; then
  echo "== /usr/bin/time missing: installing GNU time (apt-get install time)"
  sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_=sudo
  $sudo_ apt-get install -y time >/dev/null || { echo "trim-run-bench: could not install time" >&2; exit 2; }
fi

if [[ $build -eq 1 ]]; then
  echo "== building trim, trim-ir-worker (release, $scratch)"
  build_log="$(mktemp "${TMPDIR:-/tmp}/trim-run-bench-build.XXXXXX")"
  for product in trim trim-ir-worker; do
    (cd "$root" && swift build -c release --scratch-path "$scratch" --product "$product") >"$build_log" 2>&1 || {
      tail -n 40 "$build_log" >&2
      echo "trim-run-bench: release build of $product failed (log: $build_log)" >&2
      exit 2
    }
  done
  rm -f "$build_log"
fi
for b in trim trim-ir-worker; do
  [[ -x "$bin/$b" ]] || { echo "trim-run-bench: $bin/$b missing" >&2; exit 2; }
done
trim="$bin/trim"

work="$(mktemp -d "${TMPDIR:-/tmp}/trim-run-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
# trim and cargo must pick their own target dirs from the workspace.
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR || true
export NO_COLOR=1 CARGO_TERM_COLOR=never

# ------------------------------------------------------- the workspace ----

# The modules of the generated library (one source file each, same shape,
# different constants): prices and stock, arithmetic, a tiny expression
# language, text codecs and statistics.
module_names=(money stock text expr stats geom sched codec catalog orders billing units)

# One module: $1 = index, $2 = name. The line `while b != 0 {` of gcd in the
# mutated module carries a BENCH-MUTATE marker (the one-line change).
gen_module() {
  local i=$1 name=$2 tax=$(( 5 + $1 )) shelf=$(( 3 + $1 % 4 ))
  cat <<EOF
//! Module $name: prices and stock, arithmetic, a tiny expression language,
//! text codecs and statistics.
use std::collections::HashMap;
use std::fmt;

pub const SHELF: &str = "$name";
pub const TAX_PERCENT: u64 = $tax;
pub const SHELVES: usize = $shelf;

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

    /// Takes \`n\` of \`name\`; returns what is left.
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
    while b != 0 {$( [[ $i -eq $mutate_module ]] && echo ' // BENCH-MUTATE' || true)
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
EOF
  gen_unit_tests "$i"
  echo "}"
}

gcd_of() { local a=$1 b=$2 t; while (( b != 0 )); do t=$(( a % b )); a=$b; b=$t; done; echo "$a"; }
collatz_of() { local n=$1 s=0; while (( n != 1 )); do if (( n % 2 == 0 )); then n=$(( n / 2 )); else n=$(( 3 * n + 1 )); fi; s=$(( s + 1 )); done; echo "$s"; }
prime_of() { local n=$1 d=2; (( n < 2 )) && { echo false; return; }; while (( d * d <= n )); do (( n % d == 0 )) && { echo false; return; }; d=$(( d + 1 )); done; echo true; }

# 37 unit tests per module; expected values computed here, in bash.
gen_unit_tests() {
  local i=$1 k a b c d e x
  for k in 0 1 2 3 4; do
    a=$(( (i + 3) * (k + 2) * 6 )); b=$(( (k + 1) * 4 + i * 2 + 2 ))
    printf '\n    #[test]\n    fn gcd_case_%d() {\n        assert_eq!(gcd(%d, %d), %d);\n        assert_eq!(gcd(%d, %d), %d);\n    }\n' \
      "$k" "$a" "$b" "$(gcd_of "$a" "$b")" "$b" "$a" "$(gcd_of "$b" "$a")"
  done
  for k in 0 1; do
    local cents=$(( 1000 + i * 37 + k * 991 )) tax=$(( 5 + i )) basic silver gold
    basic=$(( cents + cents * tax / 100 ))
    silver=$(( cents - cents / 10 )); silver=$(( silver + silver * tax / 100 ))
    gold=$(( cents - cents / 5 )); gold=$(( gold + gold * tax / 100 ))
    printf '\n    #[test]\n    fn basic_price_%d() {\n        assert_eq!(price_with_tax(%d, Tier::Basic), %d);\n    }\n' "$k" "$cents" "$basic"
    printf '\n    #[test]\n    fn silver_price_%d() {\n        assert_eq!(price_with_tax(%d, Tier::Silver), %d);\n    }\n' "$k" "$cents" "$silver"
    printf '\n    #[test]\n    fn gold_price_%d() {\n        assert_eq!(price_with_tax(%d, Tier::Gold), %d);\n    }\n' "$k" "$cents" "$gold"
  done
  for k in 0 1 2 3; do
    x=$(( 7 + i * 11 + k * 29 ))
    printf '\n    #[test]\n    fn collatz_%d() {\n        assert_eq!(collatz_steps(%d), %d);\n    }\n' "$x" "$x" "$(collatz_of "$x")"
  done
  for k in 0 1 2 3; do
    x=$(( 90 + i * 13 + k * 7 ))
    printf '\n    #[test]\n    fn prime_%d() {\n        assert_eq!(is_prime(%d), %s);\n    }\n' "$x" "$x" "$(prime_of "$x")"
  done
  local words=("aaabccdddd" "hello wooorld" "")
  for k in 0 1 2; do
    printf '\n    #[test]\n    fn rle_round_trip_%d() {\n        let s = "%s";\n        assert_eq!(rle_decode(&rle_encode(s)).as_deref(), Some(s));\n    }\n' "$k" "${words[$k]}"
  done
  cat <<'EOF'

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
EOF
  printf '\n    #[test]\n    fn caesar_round_trip() {\n        let s = "Shelf %d, Row %d!";\n        assert_eq!(caesar(&caesar(s, %d), 26 - %d), s);\n    }\n' \
    "$i" "$(( i * 3 ))" "$(( i + 5 ))" "$(( i + 5 ))"
  local exprs
  a=$(( 3 + i )); b=$(( 7 + 2 * i )); c=$(( 4 + i % 3 )); d=$(( 2 + i % 5 )); e=$(( 11 * (i + 1) ))
  exprs=("$a + $b * $c" "($a + $b) * $c" "$e - $b / $d" "$a * ($b - $c) * $d - $e" "$e / ($c + $d) + $a * $a")
  for k in 0 1 2 3 4; do
    printf '\n    #[test]\n    fn eval_%d() {\n        assert_eq!(eval("%s"), Ok(%d));\n    }\n' "$k" "${exprs[$k]}" "$(( ${exprs[$k]} ))"
  done
  cat <<EOF

    #[test]
    fn eval_division_by_zero() {
        assert_eq!(eval("$a / (2 - 2)"), Err("division by zero".to_string()));
        assert!(eval("(1 + 2").is_err());
    }

    #[test]
    fn stock_add_and_take() {
        let mut s = Stock::new();
        s.add("bolt", $(( 10 + i )));
        s.add("nut", 4);
        assert_eq!(s.take("bolt", 3), Ok($(( 7 + i ))));
        assert_eq!(s.total(), $(( 11 + i )));
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
        assert_eq!(err.to_string(), "gear: no such item on shelf $name");
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
EOF
}

# The workspace: a library of $1 modules (unit tests inside) and two
# integration test files; no dependencies.
gen_workspace() {
  local dir=$1 n=$2 i
  mkdir -p "$dir/src" "$dir/tests"
  cat >"$dir/Cargo.toml" <<'EOF'
[package]
name = "shop"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
EOF
  {
    echo "//! A shop: $n modules of prices, stock, arithmetic and text codecs."
    for ((i = 0; i < n; i++)); do echo "pub mod ${module_names[$i]};"; done
  } >"$dir/src/lib.rs"
  for ((i = 0; i < n; i++)); do gen_module "$i" "${module_names[$i]}" >"$dir/src/${module_names[$i]}.rs"; done
  local m=${module_names[$mutate_module]} first=${module_names[0]}
  cat >"$dir/tests/checkout.rs" <<EOF
use shop::$first::{price_with_tax, Stock, Tier};
use shop::$m::reduce;

#[test]
fn checkout_takes_stock_and_prices_it() {
    let mut stock = Stock::new();
    stock.add("lamp", 3);
    assert_eq!(stock.take("lamp", 2), Ok(1));
    assert!(price_with_tax(2 * 1500, Tier::Gold) < price_with_tax(2 * 1500, Tier::Basic));
}

#[test]
fn shares_are_reduced() {
    assert_eq!(reduce(12, 18), Some((2, 3)));
    assert_eq!(reduce(5, 0), None);
}

#[test]
fn shelves_hold_every_item() {
    let mut stock = Stock::new();
    for name in ["a", "b", "c", "d", "e", "f", "g"] {
        stock.add(name, 1);
    }
    let shelves = stock.shelves();
    assert_eq!(shelves.iter().map(|s| s.len()).sum::<usize>(), 7);
}

#[test]
fn empty_stock_totals_zero() {
    assert_eq!(Stock::new().total(), 0);
}
EOF
  cat >"$dir/tests/text.rs" <<EOF
use shop::$first::{caesar, eval, rle_decode, rle_encode, word_freq};

#[test]
fn codecs_compose() {
    let s = "aaaabbbcc";
    assert_eq!(rle_decode(&caesar(&rle_encode(s), 0)).as_deref(), Some(s));
}

#[test]
fn expressions_nest() {
    assert_eq!(eval("((2))*(3+4)-(-1)"), Ok(15));
}

#[test]
fn most_frequent_word_first() {
    assert_eq!(word_freq("b a b").first().map(|p| p.0.as_str()), Some("b"));
}

#[test]
fn unknown_characters_are_errors() {
    assert!(eval("2 ^ 3").is_err());
}
EOF
}

# ---------------------------------------------------------------- timing ----

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f\n", b - a }'; }
# "median min max" of the numbers on stdin
stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}
# stats of a space-separated list
of() { tr ' ' '\n' <<<"$1" | grep . | stats; }
med() { cut -d' ' -f1 <<<"$1"; }
low() { cut -d' ' -f2 <<<"$1"; }
high() { cut -d' ' -f3 <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
sub() { awk -v a="$1" -v b="$2" -v c="${3:-0}" 'BEGIN { printf "%.4f", a - b - c }'; }
# "6" when every round ran the same number of tests, else "4-6"
span() { local lo hi; lo=$(printf %.0f "$(low "$1")"); hi=$(printf %.0f "$(high "$1")"); [[ $lo == "$hi" ]] && echo "$lo" || echo "$lo-$hi"; }
maxof() { tr ' ' '\n' <<<"$1" | grep . | sort -g | tail -n 1; }

# measure NAME DIR CMD...: runs CMD in DIR under /usr/bin/time -v (stdout and
# stderr to $work/NAME.out, .err) while sampling the VmHWM of CMD's own
# process every 50 ms (bash builtins only, so the sampler costs next to
# nothing). Sets m_wall (s), m_rss (KiB, time -v: the largest of CMD and every
# process it waited for), m_hwm (KiB, CMD's own process). Fails the benchmark
# when CMD fails.
measure() {
  local name=$1 dir=$2; shift 2
  local t0 t1 tpid child="" key value _ hwm=0 status
  t0=$(now)
  (cd "$dir" && exec /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err") &
  tpid=$!
  while kill -0 "$tpid" 2>/dev/null; do
    if [[ -z $child ]]; then
      # (no trailing newline there: read "fails" but sets child)
      { read -r child _ </proc/$tpid/task/$tpid/children || true; } 2>/dev/null
    fi
    if [[ -n $child ]]; then
      { while read -r key value _; do
          if [[ $key == VmHWM: ]]; then (( value > hwm )) && hwm=$value; break; fi
        done </proc/$child/status; } 2>/dev/null || true
    fi
    sleep 0.05
  done
  set +e; wait "$tpid"; status=$?; set -e
  t1=$(now)
  if [[ $status -ne 0 ]]; then
    echo "trim-run-bench: '$*' (in $dir) failed with status $status:" >&2
    tail -n 30 "$work/$name.err" "$work/$name.out" >&2
    exit 2
  fi
  m_wall=$(secs "$t0" "$t1")
  m_rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/$name.time")
  m_hwm=$hwm
}
# cargo's own "Finished ... in 3.69s" (or "in 1m 05s") in a log, in seconds
cargo_finished() {
  grep -o 'Finished .* in .*' "$1" | tail -n 1 | sed 's/.* in //' \
    | awk '{ s = 0; for (i = 1; i <= NF; i++) { if ($i ~ /m$/) s += 60 * $i; else s += $i + 0 } printf "%.4f\n", s }'
}
# trim's summary line: "Summary [  0.860s] 296 tests run: ..." -> "0.860 296"
trim_summary() {
  grep -o 'Summary \[ *[0-9.]*s\] [0-9]* tests\{0,1\} run' "$1" | tail -n 1 \
    | sed 's/Summary \[ *\([0-9.]*\)s\] \([0-9]*\) .*/\1 \2/'
}
quiet() { "$@" >"$work/quiet.log" 2>&1 || { tail -n 30 "$work/quiet.log" >&2; echo "trim-run-bench: '$*' failed" >&2; exit 2; }; }
in_dir() { local d=$1; shift; (cd "$d" && "$@"); }

# ------------------------------------------------------------ the inputs ----

mutate_module=3
shop="$work/shop"
ledger="$work/ledger"
gen_workspace "$shop" "$modules"
mutated_file="$shop/src/${module_names[$mutate_module]}.rs"
cp -r "$root/Examples/ledger" "$ledger"
rm -rf "$ledger/target"
lines=$(cat "$shop"/src/*.rs "$shop"/tests/*.rs | wc -l)

# The one-line change of round k: the same behaviour written another way, so
# the tests keep passing, and different bytes every round, so no round finds
# the changed module's fingerprint cached from an earlier one (as a real edit
# would not). Beyond 5 rounds the variants repeat (and are then cached).
shop_variants=('while b > 0 {' 'while 0 < b {' 'while b >= 1 {' 'while 0 != b {' 'while !(b == 0) {')
ledger_variants=('if amount > account.balance {' 'if !(account.balance >= amount) {' 'if account.balance.lt(&amount) {'
  'if amount.gt(&account.balance) {' 'if !(amount <= account.balance) {')
# edit FILE FROM TO: replaces the one line holding FROM, which must exist
edit() {
  grep -qF "$2" "$1" || { echo "trim-run-bench: '$2' not found in $1" >&2; exit 2; }
  FROM="$2" TO="$3" perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$1"
}
shop_change() { edit "$mutated_file" 'while b != 0 {' "${shop_variants[$(( $1 % 5 ))]}"; }
shop_revert() { edit "$mutated_file" "${shop_variants[$(( $1 % 5 ))]}" 'while b != 0 {'; }
ledger_change() { edit "$ledger/src/balance.rs" 'if account.balance < amount {' "${ledger_variants[$(( $1 % 5 ))]}"; }
ledger_revert() { edit "$ledger/src/balance.rs" "${ledger_variants[$(( $1 % 5 ))]}" 'if account.balance < amount {'; }

echo "machine: $(nproc) cores; $(rustc --version); $(cargo --version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input 'shop': $modules modules, $lines lines of Rust, in $shop"

# Untimed: the generated crate builds and its tests pass (and the page cache
# holds rustc and std before the first timed build).
echo "== warm-up: cargo test --workspace on shop (untimed)"
quiet in_dir "$shop" env CARGO_TARGET_DIR="$work/plain-target" cargo test --workspace

# ----------------------------------------------------------- build phase ----

echo "== build: $repeats rounds of clean plain build and clean trim list (order alternates)"
b_plain="" b_plain_cargo="" b_trim="" b_trim_cargo="" b_trim_rest="" b_trim_rss="" b_trim_hwm="" listed=""
for ((k = 0; k < repeats; k++)); do
  for side in $( ((k % 2 == 0)) && echo "plain trim" || echo "trim plain"); do
    if [[ $side == plain ]]; then
      rm -rf "$work/plain-target"
      measure a-plain "$shop" env CARGO_TARGET_DIR="$work/plain-target" cargo test --no-run --workspace
      b_plain+="$m_wall "; b_plain_cargo+="$(cargo_finished "$work/a-plain.err") "
    else
      rm -rf "$shop/target"
      measure a-trim "$shop" "$trim" list --workspace -j "$jobs"
      b_trim+="$m_wall "; b_trim_cargo+="$(cargo_finished "$work/a-trim.err") "
      b_trim_rest+="$(sub "$m_wall" "$(cargo_finished "$work/a-trim.err")") "
      b_trim_rss+="$m_rss "; b_trim_hwm+="$m_hwm "
      listed=$(grep -vc '(ignored)' "$work/a-trim.out")
    fi
  done
done
echo "   trim lists $listed tests"
[[ $listed -ge 200 ]] || { echo "trim-run-bench: only $listed tests listed (expected >= 200)" >&2; exit 2; }

# -------------------------------------------------------- recording run ----

# Per plain test executable, a file of its tests, one line each:
# "--exact NAME --nocapture" (xargs then starts EXE itself, no shell between).
: >"$work/plain-exes.txt"
in_dir "$shop" env CARGO_TARGET_DIR="$work/plain-target" cargo test --no-run --workspace --message-format=json 2>/dev/null \
  | grep -o '"executable":"[^"]*"' | sed 's/"executable":"\(.*\)"/\1/' >"$work/plain-exes.txt"
plain_count=0
while read -r exe; do
  (cd "$shop" && "$exe" --list --format terse) | sed -n 's/: test$//p' \
    | sed 's/^/--exact /; s/$/ --nocapture/' >"$work/tests-of-$(basename "$exe").txt"
  plain_count=$(( plain_count + $(wc -l <"$work/tests-of-$(basename "$exe").txt") ))
done <"$work/plain-exes.txt"
[[ $plain_count -eq $listed ]] || { echo "trim-run-bench: plain build lists $plain_count tests, trim $listed" >&2; exit 2; }
# Binary after binary (as trim's queue is not: it spans binaries, which can only help it).
run_per_test() {
  while read -r exe; do
    xargs -P "$jobs" -L 1 -a "$work/tests-of-$(basename "$exe").txt" "$exe" >/dev/null || return 1
  done <"$work/plain-exes.txt"
}
run_plain_binaries() { while read -r exe; do "$exe" --test-threads "$jobs" >/dev/null; done <"$work/plain-exes.txt"; }

echo "== recording: $repeats rounds of trim list (no-op), trim run --all, the plain per-test loop, the plain binaries"
r_list="" r_run="" r_rest="" r_phase="" r_phase_off="" r_phase_strace="" r_base="" r_libtest="" r_rss="" r_hwm="" ran=""
for ((k = 0; k < repeats; k++)); do
  measure b-list "$shop" "$trim" list --workspace -j "$jobs"
  r_list+="$m_wall "
  # Input tracing as trim chooses it (preload), off, and strace for every test, in rotating order.
  tracings=(auto off strace)
  for ((t = 0; t < 3; t++)); do
    tracing=${tracings[$(( (t + k) % 3 ))]}
    measure "b-run-$tracing" "$shop" env TRIM_INPUT_TRACING="$tracing" "$trim" run --workspace --all -j "$jobs" --no-progress
    read -r phase ran <<<"$(trim_summary "$work/b-run-$tracing.out")"
    [[ $ran -eq $listed ]] || { echo "trim-run-bench: trim run --all ran $ran of $listed tests" >&2; exit 2; }
    case $tracing in
      auto)
        r_run+="$m_wall "; r_rss+="$m_rss "; r_hwm+="$m_hwm "
        r_phase+="$phase "
        r_rest+="$(sub "$m_wall" "$phase" "$(cargo_finished "$work/b-run-auto.err")") " ;;
      off) r_phase_off+="$phase " ;;
      strace) r_phase_strace+="$phase " ;;
    esac
  done
  measure b-base "$shop" bash -c "$(declare -f run_per_test); work='$work' jobs=$jobs run_per_test"
  r_base+="$m_wall "
  measure b-libtest "$shop" bash -c "$(declare -f run_plain_binaries); work='$work' jobs=$jobs run_plain_binaries"
  r_libtest+="$m_wall "
done

# ------------------------------------------------------ incremental run ----

# incremental LABEL DIR CHANGE REVERT: sets i_trim i_cargo i_trim_cargo
# i_trim_phase i_cargo_build i_ran i_total i_rss i_hwm (lists over rounds).
incremental() {
  local label=$1 dir=$2 change=$3 revert=$4 target="$work/$1-cargo-target" k side phase
  echo "== incremental '$label': record (trim run --all), warm cargo test --workspace (untimed)"
  quiet in_dir "$dir" "$trim" run --workspace --all -j "$jobs" --no-progress
  quiet in_dir "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
  i_total=$(in_dir "$dir" "$trim" list --workspace -j "$jobs" 2>/dev/null | grep -vc '(ignored)')
  echo "   $repeats rounds: change, time trim run and cargo test --workspace (order alternates), revert, re-warm both"
  i_trim="" i_cargo="" i_trim_cargo="" i_trim_phase="" i_trim_rest="" i_cargo_build="" i_ran="" i_rss="" i_hwm=""
  for ((k = 0; k < repeats; k++)); do
    "$change" "$k"
    for side in $( ((k % 2 == 0)) && echo "trim cargo" || echo "cargo trim"); do
      if [[ $side == trim ]]; then
        measure "c-$label-trim" "$dir" "$trim" run --workspace -j "$jobs" --no-progress
        i_trim+="$m_wall "; i_rss+="$m_rss "; i_hwm+="$m_hwm "
        i_trim_cargo+="$(cargo_finished "$work/c-$label-trim.err") "
        read -r phase ran <<<"$(trim_summary "$work/c-$label-trim.out")"
        i_trim_phase+="$phase "; i_ran+="$ran "
        i_trim_rest+="$(sub "$m_wall" "$phase" "$(cargo_finished "$work/c-$label-trim.err")") "
      else
        measure "c-$label-cargo" "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
        i_cargo+="$m_wall "; i_cargo_build+="$(cargo_finished "$work/c-$label-cargo.err") "
      fi
    done
    "$revert" "$k"
    quiet in_dir "$dir" "$trim" run --workspace -j "$jobs" --no-progress
    quiet in_dir "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace --no-run
  done
  # What cargo test spends on rustdoc's doctest pass (no doctests in either workspace).
  measure "c-$label-doc" "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace --doc
  i_doc=$m_wall
}
incremental shop "$shop" shop_change shop_revert
s_trim=$(of "$i_trim") s_cargo=$(of "$i_cargo") s_trim_cargo=$(of "$i_trim_cargo") s_trim_phase=$(of "$i_trim_phase") s_trim_rest=$(of "$i_trim_rest")
s_cargo_build=$(of "$i_cargo_build") s_ran=$(of "$i_ran") s_total=$i_total s_rss=$i_rss s_hwm=$i_hwm s_doc=$i_doc
incremental ledger "$ledger" ledger_change ledger_revert
l_trim=$(of "$i_trim") l_cargo=$(of "$i_cargo") l_trim_cargo=$(of "$i_trim_cargo") l_trim_phase=$(of "$i_trim_phase") l_trim_rest=$(of "$i_trim_rest")
l_cargo_build=$(of "$i_cargo_build") l_ran=$(of "$i_ran") l_total=$i_total l_rss=$i_rss l_hwm=$i_hwm l_doc=$i_doc

# ------------------------------------------ optional: which flag costs what ----

# Each set in its own target dir: warm build, then per round the change,
# a timed `cargo test --no-run`, the revert and an untimed rebuild.
f_names=() f_stats=()
if [[ $flags -eq 1 ]]; then
  trimflags=$(grep -ho '"rustflags":\[[^]]*\]' "$shop"/target/trim/debug/.fingerprint/shop-*/lib-shop.json | head -n 1 \
    | sed 's/"rustflags":\[//; s/\]$//; s/","/ /g; s/"//g')
  [[ $trimflags == *sancov* ]] || { echo "trim-run-bench: could not read trim's RUSTFLAGS from cargo's fingerprint" >&2; exit 2; }
  sanflags=$(sed 's/--emit=llvm-bc,link//; s/-C debuginfo=line-tables-only//' <<<"$trimflags")
  f_names=("plain (no RUSTFLAGS)" "-C codegen-units=1" "--emit=llvm-bc,link" "  + -C debuginfo=line-tables-only"
    "SanitizerCoverage flags only" "all of trim's flags")
  f_flags=("" "-C codegen-units=1" "--emit=llvm-bc,link" "--emit=llvm-bc,link -C debuginfo=line-tables-only"
    "$sanflags" "$trimflags")
  echo "== flags: incremental cargo test --no-run of shop under each part of trim's RUSTFLAGS, $repeats rounds each"
  for i in "${!f_names[@]}"; do
    times=""
    quiet in_dir "$shop" env RUSTFLAGS="${f_flags[$i]}" CARGO_TARGET_DIR="$work/flags-target-$i" cargo test --no-run --workspace
    for ((k = 0; k < repeats; k++)); do
      shop_change "$k"
      measure "f-$i" "$shop" env RUSTFLAGS="${f_flags[$i]}" CARGO_TARGET_DIR="$work/flags-target-$i" cargo test --no-run --workspace
      times+="$m_wall "
      shop_revert "$k"
      quiet in_dir "$shop" env RUSTFLAGS="${f_flags[$i]}" CARGO_TARGET_DIR="$work/flags-target-$i" cargo test --no-run --workspace
    done
    f_stats+=("$(of "$times")")
  done
fi
echo "   done (load after: $(cut -d' ' -f1-3 /proc/loadavg))"

# ----------------------------------------------------------------- report ----

S_plain=$(of "$b_plain") S_plain_cargo=$(of "$b_plain_cargo") S_trim=$(of "$b_trim") S_trim_cargo=$(of "$b_trim_cargo") S_trim_rest=$(of "$b_trim_rest")
S_phase_off=$(of "$r_phase_off") S_phase_strace=$(of "$r_phase_strace")
S_list=$(of "$r_list") S_run=$(of "$r_run") S_phase=$(of "$r_phase") S_rest=$(of "$r_rest") S_base=$(of "$r_base") S_libtest=$(of "$r_libtest")
S_runminus=$(awk -v a="$(med "$S_run")" -v b="$(med "$S_list")" 'BEGIN { printf "%.4f", a - b }')

echo
printf '  %-52s %8s %8s %8s\n' "seconds (over $repeats rounds)" "median" "min" "max"
row() { printf '  %-52s %8.3f %8.3f %8.3f\n' "$1" $2; }
echo "  build, from clean target dirs (shop, $listed tests)"
row "plain cargo test --no-run --workspace" "$S_plain"
row "  of which cargo's own 'Finished in'" "$S_plain_cargo"
row "trim list (instrumented+bitcode build, fingerprint, list)" "$S_trim"
row "  of which cargo's own 'Finished in'" "$S_trim_cargo"
row "  the rest: trim itself, cargo start-up" "$S_trim_rest"
echo "  recording run, built tree (shop, $listed tests, -j $jobs)"
row "trim list, nothing to build" "$S_list"
row "trim run --all" "$S_run"
row "  of which the test phase (trim's Summary)" "$S_phase"
row "  the rest: trim itself, cargo start-up" "$S_rest"
row "  test phase, input tracing off" "$S_phase_off"
row "  test phase, input tracing by strace" "$S_phase_strace"
row "plain executables, one process per test, xargs -P $jobs" "$S_base"
row "plain executables, libtest in-process (--test-threads $jobs)" "$S_libtest"
echo "  incremental, one-line change (shop: $(span "$s_ran") of $s_total tests affected)"
row "trim run" "$s_trim"
row "  of which cargo's own 'Finished in'" "$s_trim_cargo"
row "  of which the test phase (trim's Summary)" "$s_trim_phase"
row "  the rest: trim itself, cargo start-up" "$s_trim_rest"
row "cargo test --workspace" "$s_cargo"
row "  of which cargo's own 'Finished in' (build)" "$s_cargo_build"
printf '  %-52s %8.3f\n' "  (cargo test --workspace --doc alone, once)" "$s_doc"
echo "  incremental, one-line change (Examples/ledger: $(span "$l_ran") of $l_total tests affected)"
row "trim run" "$l_trim"
row "  of which cargo's own 'Finished in'" "$l_trim_cargo"
row "  of which the test phase (trim's Summary)" "$l_trim_phase"
row "  the rest: trim itself, cargo start-up" "$l_trim_rest"
row "cargo test --workspace" "$l_cargo"
row "  of which cargo's own 'Finished in' (build)" "$l_cargo_build"
printf '  %-52s %8.3f\n' "  (cargo test --workspace --doc alone, once)" "$l_doc"

if [[ $flags -eq 1 ]]; then
  echo "  incremental cargo test --no-run of shop after the change, by RUSTFLAGS"
  for i in "${!f_names[@]}"; do row "${f_names[$i]}" "${f_stats[$i]}"; done
fi

echo
echo "  peak memory (MiB, largest over rounds)          time -v (trim + children)   trim's own VmHWM"
printf '  %-52s %10s %18s\n' "trim list, clean build" "$(mib "$(maxof "$b_trim_rss")")" "$(mib "$(maxof "$b_trim_hwm")")"
printf '  %-52s %10s %18s\n' "trim run --all, $listed tests" "$(mib "$(maxof "$r_rss")")" "$(mib "$(maxof "$r_hwm")")"
printf '  %-52s %10s %18s\n' "trim run after the change (shop)" "$(mib "$(maxof "$s_rss")")" "$(mib "$(maxof "$s_hwm")")"
printf '  %-52s %10s %18s\n' "trim run after the change (ledger)" "$(mib "$(maxof "$l_rss")")" "$(mib "$(maxof "$l_hwm")")"

r_build=$(ratio "$(med "$S_trim")" "$(med "$S_plain")")
r_build_min=$(ratio "$(low "$S_trim")" "$(low "$S_plain")")
r_build_cargo=$(ratio "$(med "$S_trim_cargo")" "$(med "$S_plain_cargo")")
r_rec=$(ratio "$(med "$S_phase")" "$(med "$S_base")")
r_rec_min=$(ratio "$(low "$S_phase")" "$(low "$S_base")")
r_rec_minus=$(ratio "$S_runminus" "$(med "$S_base")")
r_trace=$(ratio "$(med "$S_phase")" "$(med "$S_phase_off")")
r_trace_min=$(ratio "$(low "$S_phase")" "$(low "$S_phase_off")")
r_strace=$(ratio "$(med "$S_phase_strace")" "$(med "$S_phase_off")")
r_strace_min=$(ratio "$(low "$S_phase_strace")" "$(low "$S_phase_off")")
r_shop=$(ratio "$(med "$s_trim")" "$(med "$s_cargo")")
r_shop_min=$(ratio "$(low "$s_trim")" "$(low "$s_cargo")")
r_ledger=$(ratio "$(med "$l_trim")" "$(med "$l_cargo")")
r_ledger_min=$(ratio "$(low "$l_trim")" "$(low "$l_cargo")")
echo
printf '  %-52s %8s %8s %8s  %s\n' "target (from medians; min-based)" "value" "min" "limit" "verdict"
printf '  %-52s %7sx %7sx %7sx  %s\n' "build: trim list / plain --no-run" "$r_build" "$r_build_min" "1.5" "$(verdict "$r_build" 1.5)"
printf '  %-52s %7sx %8s %7sx  %s\n' "  (cargo's part only: instrumented / plain)" "$r_build_cargo" "" "1.5" "$(verdict "$r_build_cargo" 1.5)"
printf '  %-52s %7sx %7sx %7sx  %s\n' "recording: test phase / plain per-test" "$r_rec" "$r_rec_min" "1.3" "$(verdict "$r_rec" 1.3)"
printf '  %-52s %7sx %8s %7sx  %s\n' "  (run --all minus no-op list) / plain per-test" "$r_rec_minus" "" "1.3" "$(verdict "$r_rec_minus" 1.3)"
printf '  %-52s %7sx %7sx %7sx  %s\n' "input tracing: test phase traced / untraced" "$r_trace" "$r_trace_min" "1.1" "$(verdict "$r_trace" 1.1)"
printf '  %-52s %7sx %7sx %8s\n' "  (strace for every test / untraced)" "$r_strace" "$r_strace_min" ""
printf '  %-52s %7sx %7sx %7sx  %s\n' "incremental shop: trim run / cargo test" "$r_shop" "$r_shop_min" "1.0" "$(verdict "$r_shop" 1.0)"
printf '  %-52s %7sx %7sx %7sx  %s\n' "incremental ledger: trim run / cargo test" "$r_ledger" "$r_ledger_min" "1.0" "$(verdict "$r_ledger" 1.0)"
