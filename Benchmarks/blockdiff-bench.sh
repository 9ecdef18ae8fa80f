#!/usr/bin/env bash
# blockdiff benchmark: one run, one large real input, four numbers.
#
#   Benchmarks/blockdiff-bench.sh [--modules N] [--repeat R] [--large] [--keep] [--no-build]
#
# Builds trim in release mode into .build-bench, generates a synthetic Rust
# crate (no dependencies; N modules, about 335 lines each, default 40 = ~13.4k
# lines), compiles it twice from the same path (old, then a one-operator change
# for new) to LLVM bitcode, and measures in R interleaved rounds (default 3),
# reporting median, min and max of each:
#
#   llvm-diff     llvm-diff-22 old.bc new.bc
#   parse old/new trim_parse_only on each file, same process (trim-bench-parse)
#                 (both files in one process, like llvm-diff; new is parsed
#                 second, on a warmed heap: also shown alone in a fresh process)
#   cold          blockdiff with an empty cache: both sides parsed, in parallel
#   warm          blockdiff with only old's fingerprint cached: new side parsed
#   same bytes    blockdiff old.bc old.bc (identical bytes short-circuit)
#   both cached   blockdiff old.bc new.bc with both fingerprints cached
#                 (reported, not a target: the diff itself runs here)
#
# and checks the targets on the medians: cold <= 0.6x llvm-diff;
# warm <= 1.1x bare parse(new); unchanged (same bytes) < 50 ms.
# --large also runs a second input four times the size. --keep keeps the
# temporary directory. --no-build uses the binaries already in .build-bench.
# Exit status 0 even when a target is missed (the table
# says MISS); non-zero only when something could not be built or run.
set -euo pipefail

modules=40
repeats=3
large=0
keep=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --modules) modules="$2"; shift 2 ;;
    --repeat) repeats="$2"; shift 2 ;;
    --large) large=1; shift ;;
    --keep) keep=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "blockdiff-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$root/.build-bench"
bin="$scratch/release"
llvm_diff="${LLVM_DIFF:-llvm-diff-22}"

for tool in rustc "$llvm_diff" swift; do
  command -v "$tool" >/dev/null || { echo "blockdiff-bench: $tool not found" >&2; exit 2; }
done

if [[ $build -eq 1 ]]; then
echo "== building blockdiff, trim-ir-worker, trim-bench-parse (release, $scratch)"
build_log="$(mktemp "${TMPDIR:-/tmp}/blockdiff-bench-build.XXXXXX")"
# One product at a time (the rest of the package may be mid-edit). Sources can
# change between two products' builds, leaving blockdiff and its worker out of
# step, so build again until a pass compiles nothing.
for pass in 1 2 3 4; do
  compiled=0
  for product in blockdiff trim-ir-worker trim-bench-parse; do
    (cd "$root" && swift build -c release --scratch-path "$scratch" --product "$product") >"$build_log" 2>&1 || {
      tail -n 40 "$build_log" >&2
      echo "blockdiff-bench: release build of $product failed (log: $build_log)" >&2
      exit 2
    }
    if grep -qE 'Compiling|Linking' "$build_log"; then compiled=1; fi
  done
  [[ $compiled -eq 0 ]] && break
  [[ $pass -eq 4 ]] && echo "blockdiff-bench: warning: sources kept changing during the build" >&2
done
rm -f "$build_log"
fi
for b in blockdiff trim-ir-worker trim-bench-parse; do
  [[ -x "$bin/$b" ]] || { echo "blockdiff-bench: $bin/$b missing" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/blockdiff-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi

# ---------------------------------------------------------------- the crate --

# One module of realistic, dependency-free Rust: enums and structs, a trait
# with generic users, a tokenizer and a stack evaluator (loops and matches), a
# state machine, string constants and formatting, iterators and closures,
# HashMaps, checked arithmetic and explicit panics. $1 = module index,
# $2 = 1 when this module carries the line the benchmark mutates.
gen_module() {
  local i=$1 mutate=$2 k=$(( $1 % 7 + 2 )) r=$(( $1 % 3 ))
  local marker=""
  [[ $mutate -eq 1 ]] && marker=" // BENCH-MUTATE"
  cat <<EOF
//! Module $i: ledger records, a small expression language and a state machine.
use std::collections::{BTreeMap, HashMap};
use std::fmt;

pub const MODULE_NAME: &str = "ledger-$i";
pub const LIMIT: usize = $(( 64 + i * 3 ));
const MESSAGES: [&str; 5] = [
    "record accepted by module $i",
    "record rejected: score below threshold",
    "retrying after a transient failure in module $i",
    "input exhausted before the end marker",
    "unknown directive",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Num(i64),
    Word(String),
    Op(char),
    Open,
    Close,
    End,
}

#[derive(Debug, Clone, Default)]
pub struct Record {
    pub id: u64,
    pub name: String,
    pub score: i64,
    pub tags: Vec<String>,
    pub weights: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grade {
    Low,
    Medium,
    High,
    Exceptional,
}

pub trait Scorer {
    fn score(&self, input: &[i64]) -> i64;
    fn name(&self) -> String {
        format!("scorer-{}", MODULE_NAME)
    }
}

pub struct Linear {
    pub slope: i64,
    pub bias: i64,
}

pub struct Clamped<S: Scorer> {
    pub inner: S,
    pub low: i64,
    pub high: i64,
}

impl Scorer for Linear {
    fn score(&self, input: &[i64]) -> i64 {
        let mut total = self.bias;
        for (n, x) in input.iter().enumerate() {
            if n % $k == 0 {
                total = total.wrapping_add(self.slope.wrapping_mul(*x));
            } else {
                total = total.wrapping_sub(*x / (n as i64 + 1));
            }
        }
        total
    }
}

impl<S: Scorer> Scorer for Clamped<S> {
    fn score(&self, input: &[i64]) -> i64 {
        let raw = self.inner.score(input);
        if raw < self.low {
            self.low
        } else if raw > self.high {
            self.high
        } else {
            raw
        }
    }
    fn name(&self) -> String {
        format!("clamped({})", self.inner.name())
    }
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {} score={} tags=[{}]", self.id, self.name, self.score, self.tags.join(","))?;
        if !self.weights.is_empty() {
            let mean: f64 = self.weights.iter().sum::<f64>() / self.weights.len() as f64;
            write!(f, " mean={:.3}", mean)?;
        }
        Ok(())
    }
}

pub fn grade(score: i64) -> Grade {
    match score {
        i64::MIN..=$(( 10 + i )) => Grade::Low,
        $(( 11 + i ))..=$(( 100 + i * 2 )) => Grade::Medium,
        $(( 101 + i * 2 ))..=$(( 1000 + i * 5 )) => Grade::High,
        _ => Grade::Exceptional,
    }
}

pub fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = source.chars().collect();
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        match c {
            ' ' | '\t' | '\n' => pos += 1,
            '0'..='9' => {
                let start = pos;
                while pos < chars.len() && chars[pos].is_ascii_digit() {
                    pos += 1;
                }
                let text: String = chars[start..pos].iter().collect();
                let value = text.parse::<i64>().map_err(|e| format!("bad number {}: {}", text, e))?;
                tokens.push(Token::Num(value));
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let start = pos;
                while pos < chars.len() && (chars[pos].is_alphanumeric() || chars[pos] == '_') {
                    pos += 1;
                }
                tokens.push(Token::Word(chars[start..pos].iter().collect()));
            }
            '+' | '-' | '*' | '/' | '%' => {
                tokens.push(Token::Op(c));
                pos += 1;
            }
            '(' => {
                tokens.push(Token::Open);
                pos += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                pos += 1;
            }
            other => return Err(format!("{} at {}: {:?}", MESSAGES[4], pos, other)),
        }
    }
    tokens.push(Token::End);
    Ok(tokens)
}

pub fn evaluate(tokens: &[Token], variables: &HashMap<String, i64>) -> Result<i64, String> {
    let mut values: Vec<i64> = Vec::with_capacity(tokens.len());
    let mut ops: Vec<char> = Vec::new();
    fn apply(values: &mut Vec<i64>, op: char) -> Result<(), String> {
        let rhs = values.pop().ok_or("stack underflow")?;
        let lhs = values.pop().ok_or("stack underflow")?;
        let result = match op {
            '+' => lhs.checked_add(rhs),
            '-' => lhs.checked_sub(rhs),
            '*' => lhs.checked_mul(rhs),
            '/' => if rhs == 0 { None } else { Some(lhs / rhs) },
            '%' => if rhs == 0 { None } else { Some(lhs % rhs) },
            _ => None,
        };
        values.push(result.ok_or_else(|| format!("arithmetic error: {} {} {}", lhs, op, rhs))?);
        Ok(())
    }
    for token in tokens {
        match token {
            Token::Num(n) => values.push(*n),
            Token::Word(w) => match variables.get(w) {
                Some(v) => values.push(*v),
                None => return Err(format!("unknown variable {} in {}", w, MODULE_NAME)),
            },
            Token::Op(op) => {
                while let Some(&top) = ops.last() {
                    let stronger = matches!(top, '*' | '/' | '%') || !matches!(op, '*' | '/' | '%');
                    if top == '(' || !stronger {
                        break;
                    }
                    apply(&mut values, ops.pop().unwrap())?;
                }
                ops.push(*op);
            }
            Token::Open => ops.push('('),
            Token::Close => loop {
                match ops.pop() {
                    Some('(') => break,
                    Some(op) => apply(&mut values, op)?,
                    None => return Err("unbalanced parenthesis".to_string()),
                }
            },
            Token::End => break,
        }
    }
    while let Some(op) = ops.pop() {
        apply(&mut values, op)?;
    }
    values.pop().ok_or_else(|| MESSAGES[3].to_string())
}

#[derive(Debug)]
pub enum State {
    Idle,
    Running { step: u32, budget: u32 },
    Paused(u32),
    Done(i64),
    Failed(String),
}

pub struct Machine {
    pub state: State,
    pub log: Vec<String>,
    pub accumulator: i64,
}

impl Machine {
    pub fn new() -> Self {
        Machine { state: State::Idle, log: Vec::new(), accumulator: $(( i * 7 )) }
    }

    pub fn step(&mut self, event: u8) {
        let next = match (&self.state, event) {
            (State::Idle, b's') => State::Running { step: 0, budget: $(( 10 + i )) },
            (State::Running { step, budget }, b't') if step < budget => {
                self.accumulator += (*step as i64) * $k;
                State::Running { step: step + 1, budget: *budget }
            }
            (State::Running { step, .. }, b't') => State::Done(self.accumulator + *step as i64),
            (State::Running { step, .. }, b'p') => State::Paused(*step),
            (State::Paused(step), b'r') => State::Running { step: *step, budget: $(( 20 + i )) },
            (State::Done(_), b'x') | (State::Failed(_), b'x') => State::Idle,
            (state, other) => State::Failed(format!("{:?} cannot handle {:?}", state, other as char)),
        };
        self.log.push(format!("{:?} -> {:?}", self.state, next));
        self.state = next;
    }

    pub fn run(&mut self, events: &str) -> Result<i64, String> {
        for e in events.bytes() {
            self.step(e);
            if let State::Failed(reason) = &self.state {
                return Err(reason.clone());
            }
        }
        match self.state {
            State::Done(v) => Ok(v),
            _ => Err(format!("machine in {} did not finish after {} events", MODULE_NAME, events.len())),
        }
    }
}

pub fn summarize<S: Scorer>(scorer: &S, records: &mut [Record]) -> BTreeMap<Grade, Vec<u64>> {
    let mut by_grade: BTreeMap<Grade, Vec<u64>> = BTreeMap::new();
    for record in records.iter_mut() {
        let inputs: Vec<i64> = record.weights.iter().map(|w| (*w * 100.0) as i64).collect();
        record.score = scorer.score(&inputs);
        if record.tags.iter().any(|t| t == "vip") {
            record.score = record.score.saturating_mul(2);
        }
        by_grade.entry(grade(record.score)).or_default().push(record.id);
    }
    by_grade
}

pub fn checked_window(values: &[u32], start: usize, len: usize) -> u64 {
    if start + len > values.len() {
        panic!("window {}..{} out of range for {} values in {}", start, start + len, values.len(), MODULE_NAME);
    }
    let mut total: u64 = 0;
    let mut bias: u64 = $(( r + 1 ));
    for v in &values[start..start + len] {
        total = total + *v as u64;
        bias = bias.rotate_left($k);
    }
    let adjusted = total + (bias & 0xff);${marker}
    assert!(adjusted >= total, "overflow in {}", MODULE_NAME);
    adjusted
}

pub fn parse_directives(text: &str) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (line_no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => return Err(format!("line {}: expected key=value, got {:?}", line_no + 1, line)),
        };
        if key.len() > LIMIT {
            return Err(format!("line {}: key longer than {}", line_no + 1, LIMIT));
        }
        out.insert(key.to_string(), value.to_string());
    }
    Ok(out)
}

pub fn process(input: &str) -> Result<String, String> {
    let directives = parse_directives(input)?;
    let mut variables = HashMap::new();
    for (k, v) in &directives {
        if let Ok(n) = v.parse::<i64>() {
            variables.insert(k.clone(), n);
        }
    }
    let expression = directives.get("expr").cloned().unwrap_or_else(|| "1 + 2 * x".to_string());
    let value = evaluate(&tokenize(&expression)?, &variables)?;
    let mut records: Vec<Record> = (0..$(( 3 + r )))
        .map(|n| Record {
            id: n as u64 + $(( i * 1000 )),
            name: format!("{}-{}", MODULE_NAME, n),
            score: 0,
            tags: if n % 2 == 0 { vec!["vip".into()] } else { vec![] },
            weights: (0..n + 2).map(|w| w as f64 * 0.5 + value as f64).collect(),
        })
        .collect();
    let scorer = Clamped { inner: Linear { slope: value, bias: $(( i + 1 )) }, low: -1000, high: 1_000_000 };
    let grades = summarize(&scorer, &mut records);
    let mut machine = Machine::new();
    let machine_result = machine.run("sttttt").unwrap_or(-1);
    let mut report = String::new();
    for (grade, ids) in &grades {
        report.push_str(&format!("{:?}: {:?}\n", grade, ids));
    }
    for record in &records {
        report.push_str(&format!("{}\n", record));
    }
    report.push_str(&format!("{} machine={} value={} {}", scorer.name(), machine_result, value, MESSAGES[0]));
    Ok(report)
}
EOF
}

gen_crate() { # $1 = dir, $2 = modules
  local dir=$1 n=$2 i mutate_at=$(( $2 / 2 ))
  mkdir -p "$dir/src"
  {
    echo "//! Synthetic crate for the blockdiff benchmark: $n modules."
    echo "#![allow(dead_code, unused_variables, unused_mut, clippy::all)]"
    for ((i = 0; i < n; i++)); do printf 'pub mod m%03d;\n' "$i"; done
    echo
    echo "pub fn run_all(input: &str) -> Vec<Result<String, String>> {"
    echo "    vec!["
    for ((i = 0; i < n; i++)); do printf '        m%03d::process(input),\n' "$i"; done
    echo "    ]"
    echo "}"
  } >"$dir/src/lib.rs"
  for ((i = 0; i < n; i++)); do
    gen_module "$i" $(( i == mutate_at ? 1 : 0 )) >"$(printf '%s/src/m%03d.rs' "$dir" "$i")"
  done
}

compile() { # $1 = crate dir, $2 = output .bc  (always from the same source path)
  (cd "$1" && rustc --edition 2021 --crate-type lib --crate-name benchcrate --emit=llvm-bc \
    -C debuginfo=line-tables-only -o "$2" src/lib.rs)
}

# ---------------------------------------------------------------- timing ----

now() { date +%s.%N; }
# "median min max" of the numbers on stdin
stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}
# run_once NAME SETUP CMD...: runs SETUP (eval'd, untimed), then times CMD
# and appends its wall seconds to $out/t.NAME.wall and its CPU seconds (user +
# sys, children included: blockdiff's workers) to $out/t.NAME.cpu. blockdiff
# and llvm-diff exit 1 for "differs", so only a status >= 2 is a failure.
# CMD's stderr is kept in $work/last.err.
run_once() {
  local name=$1 setup=$2; shift 2
  local status times
  eval "$setup"
  local TIMEFORMAT='%3R %3U %3S'
  set +e
  times=$( { time "$@" >/dev/null 2>"$work/last.err"; } 2>&1; echo "status $?")
  set -e
  status=${times##*status }
  if [[ $status -ge 2 ]]; then
    echo "blockdiff-bench: '$*' failed with status $status:" >&2; cat "$work/last.err" >&2; exit 2
  fi
  read -r wall user sys _ <<<"$times"
  echo "$wall" >>"$out/t.$name.wall"
  awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f\n", u + s }' >>"$out/t.$name.cpu"
}
expect_stats() { # $1 = the --verbose line expected in $work/last.err
  grep -q "$1" "$work/last.err" \
    || { echo "blockdiff-bench: expected '$1', got:" >&2; cat "$work/last.err" >&2; exit 2; }
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

# A tiny second file, used only to prime a cache with old's fingerprint alone
# (blockdiff old.bc old.bc would short-circuit on identical bytes and parse nothing).
tiny_dir="$work/tiny"
mkdir -p "$tiny_dir/src"
echo 'pub fn tiny(x: u32) -> u32 { if x > 3 { x * 2 } else { x + 1 } }' >"$tiny_dir/src/lib.rs"
compile "$tiny_dir" "$work/tiny.bc"

bench() { # $1 = label, $2 = modules
  local label=$1 n=$2 dir="$work/$1/crate" out="$work/$1"
  echo
  echo "== input '$label': generating a crate with $n modules"
  gen_crate "$dir" "$n"
  local lines
  lines=$(cat "$dir"/src/*.rs | wc -l)
  compile "$dir" "$out/old.bc"
  grep -q 'BENCH-MUTATE' "$dir"/src/*.rs || { echo "blockdiff-bench: no mutation marker" >&2; exit 2; }
  sed -i '/BENCH-MUTATE/s/total + (bias/total - (bias/' "$dir"/src/*.rs
  compile "$dir" "$out/new.bc"
  cmp -s "$out/old.bc" "$out/new.bc" && { echo "blockdiff-bench: old and new bitcode are identical" >&2; exit 2; }
  local old_size new_size
  old_size=$(stat -c %s "$out/old.bc"); new_size=$(stat -c %s "$out/new.bc")

  # Sanity: what blockdiff reports for the pair (should be one changed function).
  set +e
  "$bin/blockdiff" --cache-dir "$out/check-cache" "$out/old.bc" "$out/new.bc" >"$out/blockdiff.txt" 2>&1
  local status=$?
  set -e
  [[ $status -le 1 ]] || { cat "$out/blockdiff.txt" >&2; exit 2; }

  # A cache holding old's entry only: fingerprint tiny+old and tiny+new in two
  # scratch caches; the entry only the first has is old's.
  "$bin/blockdiff" --cache-dir "$out/prime-tiny" "$work/tiny.bc" "$out/old.bc" >/dev/null 2>&1 || true
  "$bin/blockdiff" --cache-dir "$out/prime-tinyonly" "$work/tiny.bc" "$out/new.bc" >/dev/null 2>&1 || true
  mkdir -p "$out/warm-seed/fingerprints"
  local entry
  for entry in "$out/prime-tiny/fingerprints/"*.fp; do
    [[ -e "$out/prime-tinyonly/fingerprints/$(basename "$entry")" ]] || cp "$entry" "$out/warm-seed/fingerprints/"
  done
  [[ $(ls "$out/warm-seed/fingerprints" | wc -l) -eq 1 ]] || { echo "blockdiff-bench: could not isolate old's cache entry" >&2; exit 2; }
  rm -rf "$out/prime-tiny" "$out/prime-tinyonly"

  # Rounds interleave the measurements, so a burst of load from something
  # else on the machine hits all of them alike rather than one.
  echo "   measuring: $repeats rounds, each runs every measurement once (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  local k parses
  rm -f "$out"/t.*
  for ((k = 0; k < repeats; k++)); do
    run_once llvm ":" "$llvm_diff" "$out/old.bc" "$out/new.bc"
    parses=$("$bin/trim-bench-parse" --repeat 1 "$out/old.bc" "$out/new.bc")
    sed -n 1p <<<"$parses" | cut -d' ' -f1 >>"$out/t.pold.wall"
    sed -n 2p <<<"$parses" | cut -d' ' -f1 >>"$out/t.pnew.wall"
    "$bin/trim-bench-parse" --repeat 1 "$out/new.bc" | cut -d' ' -f1 >>"$out/t.pfresh.wall"
    run_once cold "rm -rf '$out/cold-cache'" \
      "$bin/blockdiff" --verbose --cache-dir "$out/cold-cache" "$out/old.bc" "$out/new.bc"
    expect_stats '0 from cache, 2 parsed'
    run_once warm "rm -rf '$out/warm-cache'; cp -r '$out/warm-seed' '$out/warm-cache'" \
      "$bin/blockdiff" --verbose --cache-dir "$out/warm-cache" "$out/old.bc" "$out/new.bc"
    expect_stats '1 from cache, 1 parsed'
    run_once same ":" "$bin/blockdiff" --cache-dir "$out/cold-cache" "$out/old.bc" "$out/old.bc"
    run_once cached ":" "$bin/blockdiff" --verbose --cache-dir "$out/cold-cache" "$out/old.bc" "$out/new.bc"
    expect_stats '2 from cache, 0 parsed'
  done
  echo "   done (load after: $(cut -d' ' -f1-3 /proc/loadavg))"

  local s_llvm s_pold s_pnew s_pfresh s_cold s_warm s_same s_cached
  s_llvm=$(stats <"$out/t.llvm.wall")
  s_pold=$(stats <"$out/t.pold.wall")
  s_pnew=$(stats <"$out/t.pnew.wall")
  s_pfresh=$(stats <"$out/t.pfresh.wall")
  s_cold=$(stats <"$out/t.cold.wall")
  s_warm=$(stats <"$out/t.warm.wall")
  s_same=$(stats <"$out/t.same.wall")
  s_cached=$(stats <"$out/t.cached.wall")
  med() { cut -d' ' -f1 <<<"$1"; }
  low() { cut -d' ' -f2 <<<"$1"; }
  cpu() { if [[ -e "$out/t.$1.cpu" ]]; then stats <"$out/t.$1.cpu" | awk '{ printf "%.3f", $1 }'; else echo "-"; fi; }

  local r_cold r_warm r_cold_min r_warm_min
  r_cold=$(ratio "$(med "$s_cold")" "$(med "$s_llvm")")
  r_warm=$(ratio "$(med "$s_warm")" "$(med "$s_pnew")")
  r_cold_min=$(ratio "$(low "$s_cold")" "$(low "$s_llvm")")
  r_warm_min=$(ratio "$(low "$s_warm")" "$(low "$s_pnew")")
  echo
  echo "input '$label': $n modules, $lines lines of Rust; old.bc $old_size bytes, new.bc $new_size bytes"
  echo "blockdiff reports: $(tail -n 1 "$out/blockdiff.txt")"
  printf '  %-36s %8s %8s %8s %8s\n' "seconds (over $repeats rounds)" "median" "min" "max" "cpu"
  row() { printf '  %-36s %8.3f %8.3f %8.3f %8s\n' "$1" $2 "$3"; }
  row "llvm-diff-22 old.bc new.bc" "$s_llvm" "$(cpu llvm)"
  row "bare LLVM parse old.bc" "$s_pold" "$(cpu pold)"
  row "bare LLVM parse new.bc" "$s_pnew" "$(cpu pnew)"
  row "  same, alone in a fresh process" "$s_pfresh" "-"
  row "blockdiff cold (both parsed)" "$s_cold" "$(cpu cold)"
  row "blockdiff warm (old cached)" "$s_warm" "$(cpu warm)"
  row "blockdiff unchanged (same bytes)" "$s_same" "$(cpu same)"
  row "blockdiff both sides cached" "$s_cached" "$(cpu cached)"
  echo "  (cpu: median user+sys seconds, workers included; '-' where timed in-process)"
  printf '  %-36s %8s %8s %8s  %s\n' "target (from medians; min-based)" "value" "min" "limit" "verdict"
  printf '  %-36s %7sx %7sx %7sx  %s\n' "cold / llvm-diff" "$r_cold" "$r_cold_min" "0.6" "$(verdict "$r_cold" 0.6)"
  printf '  %-36s %7sx %7sx %7sx  %s\n' "warm / bare parse(new)" "$r_warm" "$r_warm_min" "1.1" "$(verdict "$r_warm" 1.1)"
  printf '  %-36s %6sms %6sms %6sms  %s\n' "unchanged, same bytes" "$(ms "$(med "$s_same")")" \
    "$(ms "$(low "$s_same")")" "50" "$(verdict "$(med "$s_same")" 0.05)"
  printf '  %-36s %6sms %6sms %6sms  %s\n' "unchanged, both cached (not a target)" "$(ms "$(med "$s_cached")")" \
    "$(ms "$(low "$s_cached")")" "50" "$(verdict "$(med "$s_cached")" 0.05)"
  printf '  %-36s %7sx\n' "(warm / fresh-process parse(new))" "$(ratio "$(med "$s_warm")" "$(med "$s_pfresh")")"
  printf '  %-36s %7sx\n' "(llvm-diff / bare parse(new))" "$(ratio "$(med "$s_llvm")" "$(med "$s_pnew")")"
}

echo "machine: $(nproc) cores; $(rustc --version); $("$llvm_diff" --version 2>/dev/null | grep -i 'llvm version' | sed 's/^ *//')"
bench main "$modules"
if [[ $large -eq 1 ]]; then bench large $(( modules * 4 )); fi
