#!/usr/bin/env bash
# The recording run and trim's own memory, on generated crates of many tests.
#
#   Benchmarks/recording-bench.sh [--repeat R] [--tests N] [--memory-tests M] [--no-build] [--keep]
#   TRIM=/path/to/trim Benchmarks/recording-bench.sh --no-build   # another build of trim
#
# Crates: Benchmarks/suite-size/crate with N (default 1,000) and M (default
# 5,000) tiny unit tests (Benchmarks/suite-size/generate-cases.sh), each a
# git repository. Untimed first: a `trim run` (the instrumented build, the
# fingerprints and the listing are then cached, as after any earlier run) and
# a plain `cargo test --no-run` into its own target dir. Then R interleaved
# rounds (default 3), medians:
#
#   recording run   `trim run -j 2` with the database removed: every test
#                   runs in its own process and its coverage is recorded (the
#                   first run of a workspace, its build already done)
#   test phase      the same run's `Summary [..s]` (first test started to the
#                   last result stored)
#   plain loop      the plain test executable, `EXE --exact NAME` once per
#                   test, two at a time (xargs -P 2): the baseline
#   peak memory     at M tests, trim's own peak RSS (TRIM_TIMINGS=1 prints
#                   it) and GNU time's %M (the largest of trim and the
#                   processes it waited for), for a no-change `trim run` and
#                   for a recording run
#
# Targets: recording run <= 1.3x the plain loop (the test phase alone is
# shown beside it); trim's own peak memory <= 300 MiB in both runs at M tests.
# Statistics: trim-bench-stats (Benchmarks/Stats), built into .build-bench
# with trim, or when missing. Needs GNU time (/usr/bin/time). Exit status 0 even when a target is missed
# (the table says MISS); 2 when something could not be built or run.
set -euo pipefail

repeats=3
tests=1000
memory_tests=5000
build=1
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeats="$2"; shift 2 ;;
    --tests) tests="$2"; shift 2 ;;
    --memory-tests) memory_tests="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "recording-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ $repeats -ge 1 ]] || { echo "recording-bench: --repeat must be >= 1" >&2; exit 64; }

root="$(cd "$(dirname "$0")/.." && pwd)"
template="$root/Benchmarks/suite-size"
source "$root/Benchmarks/bench-tools.sh"
bench_tools "$root" recording-bench "$([[ -z ${TRIM:-} && $build -eq 1 ]] && echo 1 || echo 0)"
[[ -x /usr/bin/time ]] || { echo "recording-bench: /usr/bin/time (GNU time) missing: apt-get install time" >&2; exit 2; }
for tool in cargo git xargs; do
  command -v "$tool" >/dev/null || { echo "recording-bench: $tool not found" >&2; exit 2; }
done
if [[ -z ${TRIM:-} && $build -eq 1 ]]; then
  echo "== building trim, trim-ir-worker, trim-rustc-wrapper (release, $root/.build-bench)"
  for product in trim trim-ir-worker trim-rustc-wrapper; do
    (cd "$root" && swift build -c release --scratch-path "$root/.build-bench" --product "$product") >/dev/null 2>&1 || {
      echo "recording-bench: release build of $product failed" >&2; exit 2; }
  done
fi
trim="${TRIM:-$root/.build-bench/release/trim}"
[[ -x $trim ]] || { echo "recording-bench: no trim at $trim" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/recording-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR TRIM_TIMINGS || true
export NO_COLOR=1 CARGO_TERM_COLOR=never

now() { echo "$EPOCHREALTIME"; }
sub() { stats difference --decimals 3 "$1" "$2"; }
median() { printf '%s\n' "$@" | stats median --decimals 3; }
ratio() { stats ratio "$1" "$2"; }
verdict() { stats verdict "$1" "$2"; }
load() { cut -d' ' -f1 /proc/loadavg; }
fail() { echo "recording-bench: $*" >&2; exit 2; }

make_crate() {  # N: prints the crate's directory
  local dir="$work/suite-$1"
  cp -r "$template/crate" "$dir"
  "$template/generate-cases.sh" "$1" >"$dir/src/cases.rs"
  (cd "$dir" && git init -q && git add -A && git -c user.email=bench@trim -c user.name=bench commit -qm "suite of $1 tests")
  echo "$dir"
}

# trim_run DIR LOG [fresh]: times `trim run -j 2` (TRIM_TIMINGS=1) under GNU
# time; with "fresh" the database goes first. Sets t_wall, t_phase (the
# Summary's seconds), kb_all (%M) and mb_own (trim's own peak, MiB).
trim_run() {
  local dir=$1 log=$2 start
  [[ ${3:-} == fresh ]] && rm -f "$dir"/target/trim/trim.db*
  start=$(now)
  (cd "$dir" && TRIM_TIMINGS=1 /usr/bin/time -f "%M" -o "$log.time" "$trim" run -j 2 --no-progress) >"$log.out" 2>"$log.err" \
    || { tail -n 20 "$log.err" >&2; fail "trim run failed in $dir"; }
  t_wall=$(sub "$(now)" "$start")
  t_phase=$(grep -o 'Summary \[ *[0-9.]*s\]' "$log.out" | tail -n 1 | grep -o '[0-9.]*' || echo 0)
  kb_all=$(tail -n 1 "$log.time")
  mb_own=$(stats field "trim: timing: peak memory" 1 "$log.err")  # "-" when this trim does not print it
}

# ------------------------------------------------- recording vs plain loop ----

echo "machine: $(nproc) cores; $(rustc --version); load $(cut -d' ' -f1-3 /proc/loadavg); trim: $trim"
echo "== $tests tests: generating, first trim run, plain build (untimed)"
dir=$(make_crate "$tests")
trim_run "$dir" "$work/first"
plain_target="$dir/plain-target"
exe=$(cd "$dir" && CARGO_TARGET_DIR="$plain_target" cargo test --no-run --message-format=json 2>/dev/null \
  | grep -o '"executable":"[^"]*"' | head -n 1 | cut -d'"' -f4)
[[ -x $exe ]] || fail "no plain test executable"
"$exe" --list --format terse | sed -n 's/: test$//p' >"$work/names"
listed=$(wc -l <"$work/names")  # the generated cases and the crate's own tests
[[ $listed -ge $tests ]] || fail "the plain executable lists $listed tests, fewer than $tests"

rec=() phase=() plain=() loads=()
for ((k = 0; k < repeats; k++)); do
  loads+=("$(load)")
  for side in $( ((k % 2 == 0)) && echo "trim plain" || echo "plain trim"); do
    if [[ $side == trim ]]; then
      trim_run "$dir" "$work/rec" fresh
      ran=$(grep -o '[0-9]* tests\? run' "$work/rec.out" | tail -n 1 | cut -d' ' -f1)
      [[ $ran -eq $listed ]] || fail "the recording run ran $ran tests, not the $listed the plain executable lists"
      rec+=("$t_wall") phase+=("$t_phase")
    else
      start=$(now)
      (cd "$dir" && xargs -P 2 -I{} "$exe" --exact {} -q <"$work/names" >/dev/null 2>&1) || fail "the plain loop failed"
      plain+=("$(sub "$(now)" "$start")")
    fi
  done
done
rec_m=$(median "${rec[@]}") phase_m=$(median "${phase[@]}") plain_m=$(median "${plain[@]}")
[[ $keep -eq 1 ]] || rm -rf "$dir"

# ------------------------------------------------------------ peak memory ----

echo "== $memory_tests tests: generating, first trim run (untimed)"
dir=$(make_crate "$memory_tests")
trim_run "$dir" "$work/first-m"
nc_own=() nc_all=() rc_own=() rc_all=() nc_wall=() rc_wall=()
for ((k = 0; k < repeats; k++)); do
  loads+=("$(load)")
  trim_run "$dir" "$work/nochange"
  grep -q ' 0 tests run' "$work/nochange.out" || fail "the no-change run ran tests"
  nc_own+=("$mb_own") nc_all+=("$kb_all") nc_wall+=("$t_wall")
  trim_run "$dir" "$work/record" fresh
  rc_own+=("$mb_own") rc_all+=("$kb_all") rc_wall+=("$t_wall")
done
mib() { stats mib "$1"; }

echo
echo "recording run vs the plain one-process-per-test loop, $listed tests, seconds, medians of $repeats rounds (-j 2)"
printf '  %-52s %8s\n' "trim run, database removed (records every test)" "$rec_m"
printf '  %-52s %8s\n' "  of which the test phase (trim's Summary)" "$phase_m"
printf '  %-52s %8s\n' "plain loop: EXE --exact NAME, xargs -P 2" "$plain_m"
echo
echo "peak memory at $memory_tests tests, MiB, medians of $repeats rounds"
printf '  %-40s %10s %14s %8s\n' "" "trim's own" "time %M (max" "wall s"
printf '  %-40s %10s %14s %8s\n' "" "peak RSS" "with children)" ""
printf '  %-40s %10s %14s %8s\n' "no-change trim run" "$(median "${nc_own[@]}")" "$(mib "$(median "${nc_all[@]}")")" "$(median "${nc_wall[@]}")"
printf '  %-40s %10s %14s %8s\n' "recording trim run (database removed)" "$(median "${rc_own[@]}")" "$(mib "$(median "${rc_all[@]}")")" "$(median "${rc_wall[@]}")"
echo
echo "  target (medians)                                         value    limit  verdict"
r=$(ratio "$rec_m" "$plain_m"); p=$(ratio "$phase_m" "$plain_m")
printf '  %-54s %6sx %7sx  %s\n' "recording trim run / plain loop ($listed tests)" "$r" 1.30 "$(verdict "$r" 1.3)"
printf '  %-54s %6sx %7sx  %s\n' "  (test phase alone / plain loop)" "$p" 1.30 "$(verdict "$p" 1.3)"
for row in "no-change:nc_own" "recording:rc_own"; do
  label=${row%%:*}; name=${row#*:}; declare -n values=$name
  m=$(median "${values[@]}")
  if [[ $m == "-" ]]; then
    printf '  %-54s %7s %8s  %s\n' "trim's own peak RSS, $label run ($memory_tests tests), MiB" "-" 300 "(this trim does not print it)"
  else
    printf '  %-54s %7s %8s  %s\n' "trim's own peak RSS, $label run ($memory_tests tests), MiB" "$m" 300 "$(verdict "$m" 300)"
  fi
  unset -n values
done
echo "load average at each round's start: ${loads[*]}; after: $(cut -d' ' -f1-3 /proc/loadavg)"
