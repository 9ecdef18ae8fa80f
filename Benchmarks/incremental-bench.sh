#!/usr/bin/env bash
# The incremental loop: `trim run` after a one-line change against
# `cargo test --workspace` running every test, on four workspaces, in one run.
#
#   Benchmarks/incremental-bench.sh [--repeat R] [--trim DIR] [--only NAME] [--keep]
#
# Workspaces (copied or generated into a temporary directory):
#   ledger      Examples/ledger (12 tests)
#   shop        Examples/shop (~100 tests)
#   calc        Examples/calc (~110-140 tests)
#   gen3000     generated: one library of 30 modules, 5 functions and 100
#               tests each (3,000 tests), no dependencies
#
# For each: `trim run --all` records every test and `cargo test --workspace`
# warms its own target dir (both untimed); then R rounds (default 5) of: apply
# a one-line change that keeps the tests passing (another spelling each round,
# so no round finds the changed bytes cached), time `trim run -j 2` and
# `cargo test --workspace` (order alternates), revert, re-run both untimed.
# Reports medians (min and max beside), the tests trim ran, cargo's own
# "Finished in" inside each, and the ratio trim / cargo with a verdict against
# the target <= 1.0x.
#
# --trim DIR    the directory holding `trim` and `trim-ir-worker` (and
#               `trim-rustc-wrapper`, when that build has it) (default: build
#               them in release mode into .build-bench, as trim-run-bench.sh
#               does); to measure another build of trim.
# --only NAME   one workspace (ledger, shop, calc or gen3000).
# --keep        keep the temporary directory.
# Exit status 0 even when a target is missed (the table says MISS); 2 when
# something could not be built or run.
set -euo pipefail

repeats=5
trim_dir=""
only=""
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeats="$2"; shift 2 ;;
    --trim) trim_dir="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "incremental-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ $repeats -ge 1 ]] || { echo "incremental-bench: --repeat must be >= 1" >&2; exit 64; }
case "$only" in ""|ledger|shop|calc|gen3000) ;; *) echo "incremental-bench: --only: unknown workspace $only" >&2; exit 64 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
jobs=2
for tool in cargo rustc perl; do
  command -v "$tool" >/dev/null || { echo "incremental-bench: $tool not found" >&2; exit 2; }
done
if [[ -z $trim_dir ]]; then
  trim_dir="$root/.build-bench/release"
  echo "== building trim, trim-ir-worker (release, $root/.build-bench)"
  for product in trim trim-ir-worker trim-rustc-wrapper; do
    (cd "$root" && swift build -c release --scratch-path "$root/.build-bench" --product "$product") >/dev/null 2>&1 || {
      echo "incremental-bench: release build of $product failed" >&2; exit 2; }
  done
fi
trim_dir="$(cd "$trim_dir" && pwd)"
trim="$trim_dir/trim"
[[ -x $trim && -x $trim_dir/trim-ir-worker ]] || { echo "incremental-bench: no trim/trim-ir-worker in $trim_dir" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/incremental-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR || true
export NO_COLOR=1 CARGO_TERM_COLOR=never

# ------------------------------------------------------------ helpers ----

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
# stats "x y z": median min max
stats() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f", m, v[1], v[NR] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v l="$2" 'BEGIN { print (r <= l ? "PASS" : "MISS") }'; }
# cargo's "Finished ... in Xs" (or "in Xms") inside a log, in seconds.
cargo_finished() {
  grep -o 'Finished .* in [0-9.]*m\?s' "$1" | tail -n 1 | awk '{ t = $NF; if (t ~ /ms$/) { sub(/ms$/, "", t); t /= 1000 } else sub(/s$/, "", t); printf "%.3f", t }'
}
# timed LOG DIR CMD...: runs CMD in DIR, output to LOG.{out,err}; sets t_wall.
timed() {
  local log=$1 dir=$2 start status=0
  shift 2
  start=$(now)
  (cd "$dir" && "$@") >"$log.out" 2>"$log.err" || status=$?
  t_wall=$(sub "$(now)" "$start")
  # 100: a test failed (not expected here, but timings stay valid).
  [[ $status -eq 0 || $status -eq 100 ]] || { tail -n 20 "$log.err" >&2; echo "incremental-bench: '$*' failed ($status)" >&2; exit 2; }
}
quiet() { local dir=$1; shift; (cd "$dir" && "$@") >/dev/null 2>"$work/quiet.err" || { tail -n 20 "$work/quiet.err" >&2; exit 2; }; }
# edit FILE FROM TO: replaces the one occurrence of FROM, which must exist.
edit() {
  grep -qF "$2" "$1" || { echo "incremental-bench: '$2' not found in $1" >&2; exit 2; }
  FROM="$2" TO="$3" perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$1"
}

# ------------------------------------------------------- workspaces ----

copy_example() { cp -r "$root/Examples/$1" "$work/$1"; rm -rf "$work/$1/target"; }

# gen3000: module m<i> has five functions f0..f4 with a branch each and 100
# tests (20 per function) whose expected values are computed here.
generate() {
  local dir="$work/gen3000" i f t x
  mkdir -p "$dir/src"
  printf '[package]\nname = "gen3000"\nversion = "0.1.0"\nedition = "2021"\n' >"$dir/Cargo.toml"
  : >"$dir/src/lib.rs"
  for ((i = 0; i < 30; i++)); do
    echo "pub mod m$i;" >>"$dir/src/lib.rs"
    {
      for ((f = 0; f < 5; f++)); do
        local limit=$(( 10 + i + f ))
        echo "pub fn f$f(x: u64) -> u64 {"
        echo "    if x < $limit {"
        echo "        x * $(( f + 2 ))"
        echo "    } else {"
        echo "        x + $(( i + 7 ))"
        echo "    }"
        echo "}"
        echo
      done
      echo "#[cfg(test)]"
      echo "mod tests {"
      for ((t = 0; t < 100; t++)); do
        f=$(( t % 5 )); x=$(( t * 3 % 61 ))
        local limit=$(( 10 + i + f )) expected
        if (( x < limit )); then expected=$(( x * (f + 2) )); else expected=$(( x + i + 7 )); fi
        echo "    #[test]"
        echo "    fn t$t() {"
        echo "        assert_eq!(super::f$f($x), $expected);"
        echo "    }"
      done
      echo "}"
    } >"$dir/src/m$i.rs"
  done
}

# Per workspace: the file, the original line and five spellings of it.
declare -A file original
declare -A variants
file[ledger]="src/balance.rs"; original[ledger]='if account.balance < amount {'
variants[ledger]='if amount > account.balance {|if !(account.balance >= amount) {|if account.balance.lt(&amount) {|if amount.gt(&account.balance) {|if !(amount <= account.balance) {'
file[shop]="src/inventory.rs"; original[shop]='if requested > available {'
variants[shop]='if available < requested {|if !(requested <= available) {|if requested.gt(&available) {|if available.lt(&requested) {|if !(available >= requested) {'
file[calc]="src/eval.rs"; original[calc]='if self.depth >= MAX_DEPTH {'
variants[calc]='if MAX_DEPTH <= self.depth {|if !(self.depth < MAX_DEPTH) {|if self.depth.ge(&MAX_DEPTH) {|if MAX_DEPTH.le(&self.depth) {|if !(MAX_DEPTH > self.depth) {'
file[gen3000]="src/m0.rs"; original[gen3000]='    if x < 12 {'
variants[gen3000]='    if 12 > x {|    if !(x >= 12) {|    if x.lt(&12) {|    if 12u64.gt(&x) {|    if !(12 <= x) {'

variant() { local IFS='|'; local all=(${variants[$1]}); echo "${all[$(( $2 % ${#all[@]} ))]}"; }

# -------------------------------------------------------- measuring ----

# incremental NAME: sets r_trim r_cargo r_trim_cargo r_cargo_build r_ran r_total (lists over rounds).
incremental() {
  local name=$1 dir="$work/$1" target="$work/$1-cargo-target" k side
  echo "== $name: record (trim run --all), warm cargo test --workspace (untimed)"
  quiet "$dir" "$trim" run --all -j "$jobs" --no-progress
  quiet "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
  r_total=$(cd "$dir" && "$trim" list -j "$jobs" 2>/dev/null | grep -vc '(ignored)')
  r_trim="" r_cargo="" r_trim_cargo="" r_cargo_build="" r_ran=""
  for ((k = 0; k < repeats; k++)); do
    edit "$dir/${file[$name]}" "${original[$name]}" "$(variant "$name" "$k")"
    for side in $( ((k % 2 == 0)) && echo "trim cargo" || echo "cargo trim"); do
      if [[ $side == trim ]]; then
        timed "$work/$name-trim" "$dir" "$trim" run -j "$jobs" --no-progress
        r_trim+="$t_wall "; r_trim_cargo+="$(cargo_finished "$work/$name-trim.err") "
        r_ran+="$(grep -o '[0-9]* tests\? run' "$work/$name-trim.out" | tail -n 1 | cut -d' ' -f1) "
      else
        timed "$work/$name-cargo" "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
        r_cargo+="$t_wall "; r_cargo_build+="$(cargo_finished "$work/$name-cargo.err") "
      fi
    done
    edit "$dir/${file[$name]}" "$(variant "$name" "$k")" "${original[$name]}"
    quiet "$dir" "$trim" run -j "$jobs" --no-progress
    quiet "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace --no-run
  done
}

echo "machine: $(nproc) cores; $(rustc --version); load $(cut -d' ' -f1-3 /proc/loadavg); trim: $trim"
names=(ledger shop calc gen3000)
[[ -n $only ]] && names=("$only")
rows=()
for name in "${names[@]}"; do
  if [[ $name == gen3000 ]]; then generate; else copy_example "$name"; fi
  incremental "$name"
  read -r tm tmin tmax <<<"$(stats "$r_trim")"
  read -r cm cmin cmax <<<"$(stats "$r_cargo")"
  read -r tb _ _ <<<"$(stats "$r_trim_cargo")"
  read -r cb _ _ <<<"$(stats "$r_cargo_build")"
  read -r ran _ _ <<<"$(stats "$r_ran")"
  rows+=("$(printf '  %-8s %5s/%-5s  %6s %6s %6s  (cargo %6s)   %6s %6s %6s  (build %6s)   %5sx  %s' \
    "$name" "${ran%.000}" "$r_total" "$tm" "$tmin" "$tmax" "$tb" "$cm" "$cmin" "$cmax" "$cb" \
    "$(ratio "$tm" "$cm")" "$(verdict "$(ratio "$tm" "$cm")" 1.0)")")
done

echo
echo "incremental trim run after a one-line change vs cargo test --workspace, seconds over $repeats rounds (-j $jobs)"
echo "  space    ran/tests    trim run: median min max (cargo's Finished)   cargo test: median min max (its build)   ratio  (<= 1.0x)"
for row in "${rows[@]}"; do echo "$row"; done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
