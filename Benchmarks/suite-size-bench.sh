#!/usr/bin/env bash
# Suite-size benchmark: does a no-change `trim run` grow linearly with the
# number of tests, and what does selection cost at 5,000 real tests?
#
#   Benchmarks/suite-size-bench.sh [--sizes "1000 3000 5000"] [--repeat R] [--keep] [--no-build] [--bin DIR]
#
# Builds trim, trim-ir-worker and trim-bench-selection in release mode into
# .build-bench, then for each size N generates a crate (Benchmarks/suite-size/
# crate, no dependencies, with N tiny unit tests written by
# Benchmarks/suite-size/generate-cases.sh; a git repository, target/ ignored),
# records it with `trim run` (every test), warms both sides, and measures in
# R interleaved rounds (default 3), medians:
#
#   cargo test    plain `cargo test` of the crate in its own warmed target dir
#                 (CARGO_TARGET_DIR=<crate>/plain-target): the baseline
#   trim run      no-change `trim run` (nothing to run: every test skipped),
#                 with TRIM_TIMINGS=1; its `select` phase is selection alone
#                 (loaded input in, Selection out: code and input reasons),
#                 in wall and CPU time (trim's threads)
#   trim plan     no-change `trim plan` (build, list, load, select, print)
#   CPU           user + system time of cargo test and trim run with the
#                 processes they wait for (GNU time): the work done, steadier
#                 than wall time on a machine shared with other work
#
# and, as a cross-check of selection alone without the rest of the process,
# `trim-bench-selection --database <the crate's trim.db>` (R runs, block grain).
#
# Targets (the last size is the selection target's, 3000 the run target's when
# present, else the middle size):
#   select (trim run's phase) at the largest size <= 100 ms
#   no-change trim run <= 1.0x cargo test at 3,000 tests
#   linear growth: the cost of each extra test must not grow with the suite;
#   (t(N3) - t(N2)) / (N3 - N2) over (t(N2) - t(N1)) / (N2 - N1) <= 1.5 for
#   trim run and select, in CPU time (a quadratic cost gives 2.0 at
#   1,000/3,000/5,000; wall times on a busy machine are too noisy for it)
#
# --bin DIR measures the trim, trim-ir-worker and trim-bench-selection in DIR
# instead (another build, e.g. an older commit's; implies --no-build; a trim
# without TRIM_TIMINGS shows "-" for select). --keep keeps the crates.
# Statistics and figures read from the logs: trim-bench-stats (Benchmarks/
# Stats), built into .build-bench with trim, or when missing.
# Exit status 0 even when a target is missed (the table says MISS); non-zero
# only when something could not be built or run.
set -euo pipefail

sizes="1000 3000 5000"
repeats=3
keep=0
build=1
bin_override=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --repeat) repeats="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-build) build=0; shift ;;
    --bin) bin_override="$2"; build=0; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "suite-size-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ $repeats -ge 1 ]] || { echo "suite-size-bench: --repeat must be >= 1" >&2; exit 64; }
read -r -a size_list <<<"$sizes"
[[ ${#size_list[@]} -ge 1 ]] || { echo "suite-size-bench: --sizes is empty" >&2; exit 64; }

root="$(cd "$(dirname "$0")/.." && pwd)"
template="$root/Benchmarks/suite-size"
bin="${bin_override:-$root/.build-bench/release}"
source "$root/Benchmarks/bench-tools.sh"
bench_tools "$root" suite-size-bench "$build"

[[ -x /usr/bin/time ]] || { echo "suite-size-bench: /usr/bin/time (GNU time) missing: apt-get install time" >&2; exit 2; }
for tool in cargo git swift; do
  command -v "$tool" >/dev/null || { echo "suite-size-bench: $tool not found" >&2; exit 2; }
done

if [[ $build -eq 1 ]]; then
  echo "== building trim, trim-ir-worker, trim-bench-selection (release, $root/.build-bench)"
  build_log="$(mktemp "${TMPDIR:-/tmp}/suite-size-bench-build.XXXXXX")"
  for product in trim trim-ir-worker trim-bench-selection; do
    (cd "$root" && swift build -c release --scratch-path "$root/.build-bench" --product "$product") >"$build_log" 2>&1 || {
      tail -n 40 "$build_log" >&2
      echo "suite-size-bench: release build of $product failed (log: $build_log)" >&2
      exit 2
    }
  done
  rm -f "$build_log"
fi
for b in trim trim-ir-worker; do
  [[ -x "$bin/$b" ]] || { echo "suite-size-bench: $bin/$b missing" >&2; exit 2; }
done
trim="$bin/trim"

work="$(mktemp -d "${TMPDIR:-/tmp}/suite-size-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR TRIM_TIMINGS || true
export NO_COLOR=1 CARGO_TERM_COLOR=never

# ------------------------------------------------------------- helpers ----

now() { echo "$EPOCHREALTIME"; }
elapsed_ms() { stats elapsed-ms "$1" "$2"; }
median() { printf '%s\n' "$@" | stats median --decimals 1; }
# The `select` phase of a TRIM_TIMINGS=1 run's stderr ("trim: timing: select
# 12.4 ms  (cpu 20.1 ms)"): wall ms, CPU ms ("-" when absent).
select_ms() { stats field "trim: timing: select " 4 "$1"; }
select_cpu_ms() { stats field "trim: timing: select " 1 "$1"; }

# Runs "$@" in directory $1 with stderr to file $2; sets `ms` to its wall
# time and `cpu` to its user + system time with its children's, in ms.
timed() {
  local dir=$1 err=$2; shift 2
  local start end
  start=$(now)
  (cd "$dir" && /usr/bin/time -f "%U %S" -o "$work/time.out" "$@") >/dev/null 2>"$err" || {
    cat "$err" >&2; echo "suite-size-bench: failed in $dir: $*" >&2; exit 2; }
  end=$(now)
  ms=$(elapsed_ms "$start" "$end")
  cpu=$(stats cpu-ms "$work/time.out")
}

# ----------------------------------------------------------- the crates ----

make_crate() {
  local n=$1 dir="$work/suite-$1"
  cp -r "$template/crate" "$dir"
  "$template/generate-cases.sh" "$n" >"$dir/src/cases.rs"
  (cd "$dir" && git init -q && git add -A && git -c user.email=bench@trim -c user.name=bench commit -qm "suite of $n tests")
  echo "$dir"
}

declare -A cargo_ms run_ms plan_ms select_run select_plan bench_select cargo_cpu run_cpu select_cpu
for n in "${size_list[@]}"; do
  echo "== $n tests: generating, recording (trim run), warming"
  dir=$(make_crate "$n")
  (cd "$dir" && "$trim" run --no-progress >/dev/null 2>&1) || { echo "suite-size-bench: first trim run failed ($n tests)" >&2; exit 2; }
  (cd "$dir" && "$trim" run --no-progress 2>&1) | grep -q " 0 tests run" || {
    echo "suite-size-bench: the second trim run ran tests: not a no-change run ($n tests)" >&2; exit 2; }
  (cd "$dir" && CARGO_TARGET_DIR="$dir/plain-target" cargo test -q >/dev/null 2>&1) || {
    echo "suite-size-bench: cargo test failed ($n tests)" >&2; exit 2; }

  c=() r=() p=() sr=() sp=() cc=() rc=() sc=()
  for ((round = 1; round <= repeats; round++)); do
    CARGO_TARGET_DIR="$dir/plain-target" timed "$dir" "$work/cargo.err" cargo test -q
    c+=("$ms") cc+=("$cpu")
    TRIM_TIMINGS=1 timed "$dir" "$work/run.err" "$trim" run --no-progress
    r+=("$ms") rc+=("$cpu")
    sr+=("$(select_ms "$work/run.err")") sc+=("$(select_cpu_ms "$work/run.err")")
    TRIM_TIMINGS=1 timed "$dir" "$work/plan.err" "$trim" plan
    p+=("$ms")
    sp+=("$(select_ms "$work/plan.err")")
  done
  cargo_ms[$n]=$(median "${c[@]}") cargo_cpu[$n]=$(median "${cc[@]}")
  run_ms[$n]=$(median "${r[@]}") run_cpu[$n]=$(median "${rc[@]}")
  plan_ms[$n]=$(median "${p[@]}")
  if [[ ${sr[0]} == "-" ]]; then select_run[$n]="-"; select_plan[$n]="-"; select_cpu[$n]="-"; else
    select_run[$n]=$(median "${sr[@]}"); select_plan[$n]=$(median "${sp[@]}")
    select_cpu[$n]=$( [[ ${sc[0]} == "-" ]] && echo "-" || median "${sc[@]}"); fi
  bench_select[$n]="-"
  if [[ -x "$bin/trim-bench-selection" ]]; then
    # An older trim-bench-selection has no --database: "-".
    bench_select[$n]=$("$bin/trim-bench-selection" --database "$dir/target/trim/trim.db" --repeat "$repeats" --only block \
      2>/dev/null | stats field "select, block grain" 4) || true
    [[ -n ${bench_select[$n]} ]] || bench_select[$n]="-"
  fi
  [[ $keep -eq 1 ]] || rm -rf "$dir"
done

# ---------------------------------------------------------------- report ----

echo
echo "  milliseconds, medians of $repeats rounds (no-change runs: nothing to run)"
printf '  %6s %11s %10s %7s %10s %8s %8s %9s %10s %9s\n' "" "cargo test" "trim run" ratio "trim plan" select select select "cargo test" "trim run"
printf '  %6s %11s %10s %7s %10s %8s %8s %9s %10s %9s\n' tests wall wall "" wall "(run)" "(plan)" "(bench)" CPU CPU
for n in "${size_list[@]}"; do
  ratio="$(stats ratio "${run_ms[$n]}" "${cargo_ms[$n]}")x"
  printf '  %6s %11s %10s %7s %10s %8s %8s %9s %10s %9s\n' "$n" "${cargo_ms[$n]}" "${run_ms[$n]}" "$ratio" "${plan_ms[$n]}" \
    "${select_run[$n]}" "${select_plan[$n]}" "${bench_select[$n]}" "${cargo_cpu[$n]}" "${run_cpu[$n]}"
done
echo "  select (run) CPU (trim's threads): $(for n in "${size_list[@]}"; do printf '%s: %s  ' "$n" "${select_cpu[$n]}"; done)"

verdict() { stats verdict "$1" "$2"; }
echo
echo "  target                                                      value    limit  verdict"
last=${size_list[-1]}
if [[ ${select_run[$last]} != "-" ]]; then
  printf '  %-58s %7.1f %8s  %s\n' "select at $last tests (trim run's phase), ms" "${select_run[$last]}" 100 \
    "$(verdict "${select_run[$last]}" 100)"
fi
run_size=3000
[[ -n ${run_ms[3000]:-} ]] || run_size=${size_list[$(( ${#size_list[@]} / 2 ))]}
ratio=$(stats ratio "${run_ms[$run_size]}" "${cargo_ms[$run_size]}")
printf '  %-58s %6.2fx %7sx  %s   (%s ms / %s ms)\n' "no-change trim run / cargo test at $run_size tests" "$ratio" 1.00 \
  "$(verdict "$ratio" 1.0)" "${run_ms[$run_size]}" "${cargo_ms[$run_size]}"
if [[ ${#size_list[@]} -ge 3 ]]; then
  n1=${size_list[0]} n2=${size_list[1]} n3=${size_list[2]}
  growth() {  # $1 = name of the associative array
    local -n t=$1
    [[ ${t[$n1]} != "-" ]] || { echo "-"; return; }
    stats growth "$n1" "$n2" "$n3" "${t[$n1]}" "${t[$n2]}" "${t[$n3]}"
  }
  for name in run_cpu select_cpu; do
    g=$(growth "$name")
    label="trim run CPU"; [[ $name == select_cpu ]] && label="select CPU"
    [[ $g == "-" ]] && continue
    printf '  %-58s %7.2f %8s  %s\n' "$label per test, $n2..$n3 over $n1..$n2 (linear ~1)" "$g" 1.50 "$(verdict "$g" 1.5)"
  done
fi
