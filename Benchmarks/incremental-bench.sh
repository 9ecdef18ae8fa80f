#!/usr/bin/env bash
# The incremental loop: `trim run` after a one-line change against
# `cargo test --workspace` running every test, on four workspaces, in one run.
#
#   Benchmarks/incremental-bench.sh [--repeat R] [--trim DIR] [--no-build] [--only NAME] [--keep]
#   TRIM=/path/to/trim Benchmarks/incremental-bench.sh    # the same as --trim /path/to
#
# Workspaces (copied or generated into a temporary directory):
#   ledger      Examples/ledger (12 tests)
#   shop        Examples/shop (~100 tests)
#   calc        Examples/calc (~110-140 tests)
#   gen3000     generated (trim-bench-generate many-tests-crate): one library
#               of 30 modules, 5 functions and 100 tests each (3,000 tests),
#               no dependencies
#   slow        generated (trim-bench-generate slow-suite): five packages of
#               12 tests that each sleep 0.4 s, so a full `cargo test` spends
#               ~12 s in tests; target <= 0.3x
#               (both from Benchmarks/Generate and its Templates/)
#
# For each: `trim run --workspace --all` records every test and `cargo test
# --workspace` warms its own target dir (both untimed); then R rounds
# (default 5) of: apply a one-line change that keeps the tests passing
# (another spelling each round, so no round finds the changed bytes cached),
# time `trim run --workspace -j 2` and `cargo test --workspace` (order
# alternates), revert, re-run both untimed. Both sides build and test the
# same packages: every member (before 2026-12-05 14:00 trim ran without
# --workspace, on the root package alone, while cargo built and tested every
# member: ledger's, shop's and calc's second member were cargo's alone).
# Reports medians (min and max beside), the tests trim ran, cargo's own
# "Finished in" inside each, and the ratio trim / cargo with a verdict against
# the target <= 1.0x (slow: <= 0.3x); then, per workspace, trim minus cargo
# test round by round (median and 95 % bootstrap interval), which says
# whether the rounds tell the two apart; the statistics come from
# trim-bench-stats (Benchmarks/Stats).
#
# The floor, measured in the same rounds: trim's instrumented build alone
# (`cargo test --no-run` with the environment trim gives cargo: its rustc
# wrapper, bitcode, codegen units, coverage flags), into a target dir of its
# own warmed the same way, after the same change; no fingerprinting, no tests.
# trim cannot be faster than that. When the floor alone exceeds the target
# (floor / cargo test > target), the target cannot be met on that workspace
# and the verdict is against the closest reachable goal instead: trim run <=
# floor + 0.3 s (what listing, selecting and running the affected tests may
# add), marked "floor+0.3s".
#
# --trim DIR    the directory holding `trim` and `trim-ir-worker` (and
#               `trim-rustc-wrapper`, when that build has it) (default: build
#               them in release mode into .build-bench, as trim-run-bench.sh
#               does); to measure another build of trim. $TRIM (a path to
#               trim) does the same. The benchmark tools (trim-bench-stats,
#               trim-bench-generate) are built into .build-bench when missing.
# --no-build    use .build-bench/release as it is.
# --only NAME   one workspace (ledger, shop, calc, gen3000 or slow).
# --keep        keep the temporary directory.
# Exit status 0 even when a target is missed (the table says MISS); 2 when
# something could not be built or run.
set -euo pipefail

repeats=5
trim_dir="${TRIM:+$(dirname "$TRIM")}"
build=1
only=""
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeats="$2"; shift 2 ;;
    --trim) trim_dir="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --only) only="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "incremental-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ $repeats -ge 1 ]] || { echo "incremental-bench: --repeat must be >= 1" >&2; exit 64; }
case "$only" in ""|ledger|shop|calc|gen3000|slow) ;; *) echo "incremental-bench: --only: unknown workspace $only" >&2; exit 64 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
jobs=2
for tool in cargo rustc; do
  command -v "$tool" >/dev/null || { echo "incremental-bench: $tool not found" >&2; exit 2; }
done
source "$root/Benchmarks/bench-tools.sh"
bench_tools "$root" incremental-bench "$([[ -z $trim_dir && $build -eq 1 ]] && echo 1 || echo 0)"
if [[ -z $trim_dir && $build -eq 0 ]]; then trim_dir="$root/.build-bench/release"; fi
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
floor_shim "$work"

# ------------------------------------------------------------ helpers ----

now() { date +%s.%N; }
sub() { stats difference --decimals 3 "$1" "$2"; }
# summary "x y z": median min max
summary() { stats summary --decimals 3 <<<"$1"; }
# cargo's "Finished ... in Xs" (or "in Xms", "in 1m 05s") inside a log, in seconds.
cargo_finished() { stats cargo-seconds --decimals 3 <"$1" || true; }
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
edit() { generate replace "$@" || exit 2; }

# -------------------------------------------------------- measuring ----

# incremental NAME: sets r_trim r_cargo r_floor r_trim_cargo r_cargo_build r_ran r_total (lists over rounds).
incremental() {
  local name=$1 dir="$work/$1" target="$work/$1-cargo-target" floor="$work/$1-floor-target" k side
  echo "== $name: record (trim run --all), warm cargo test --workspace and the floor's build (untimed)"
  floor_record="$work/$name-floor"
  quiet "$dir" env CARGO="$shim" FLOOR_RECORD="$floor_record" "$trim" run --workspace --all -j "$jobs" --no-progress
  [[ -s $floor_record.env && -s $floor_record.args ]] || { echo "incremental-bench: trim's cargo build was not noted" >&2; exit 2; }
  quiet "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
  quiet "$dir" floor_build "$dir" "$floor" "$floor_record"
  r_total=$(cd "$dir" && "$trim" list --workspace -j "$jobs" 2>/dev/null | grep -vc '(ignored)')
  r_trim="" r_cargo="" r_floor="" r_trim_cargo="" r_cargo_build="" r_ran=""
  for ((k = 0; k < repeats; k++)); do
    r_loads+="$(cut -d' ' -f1 /proc/loadavg) "
    edit "$dir/${bench_file[$name]}" "${bench_original[$name]}" "$(bench_variant "$name" "$k")"
    local order=("trim cargo floor" "cargo floor trim" "floor trim cargo")
    for side in ${order[$((k % 3))]}; do
      if [[ $side == trim ]]; then
        timed "$work/$name-trim" "$dir" "$trim" run --workspace -j "$jobs" --no-progress
        r_trim+="$t_wall "; r_trim_cargo+="$(cargo_finished "$work/$name-trim.err") "
        r_ran+="$(grep -o '[0-9]* tests\? run' "$work/$name-trim.out" | tail -n 1 | cut -d' ' -f1) "
      elif [[ $side == cargo ]]; then
        timed "$work/$name-cargo" "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
        r_cargo+="$t_wall "; r_cargo_build+="$(cargo_finished "$work/$name-cargo.err") "
      else
        timed "$work/$name-floor" "$dir" floor_build "$dir" "$floor" "$floor_record"
        r_floor+="$t_wall "
      fi
    done
    edit "$dir/${bench_file[$name]}" "$(bench_variant "$name" "$k")" "${bench_original[$name]}"
    quiet "$dir" "$trim" run --workspace -j "$jobs" --no-progress
    quiet "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace --no-run
    quiet "$dir" floor_build "$dir" "$floor" "$floor_record"
  done
}

echo "machine: $(nproc) cores; $(rustc --version); load $(cut -d' ' -f1-3 /proc/loadavg); trim: $trim"
names=(ledger shop calc gen3000 slow)
[[ -n $only ]] && names=("$only")
rows=()
paired=()
r_loads=""
for name in "${names[@]}"; do
  bench_workspace "$root" "$name" "$work"
  incremental "$name"
  read -r tm tmin tmax <<<"$(summary "$r_trim")"
  read -r cm cmin cmax <<<"$(summary "$r_cargo")"
  read -r fm _ _ <<<"$(summary "$r_floor")"
  read -r tb _ _ <<<"$(summary "$r_trim_cargo")"
  read -r cb _ _ <<<"$(summary "$r_cargo_build")"
  read -r ran _ _ <<<"$(summary "$r_ran")"
  target=1.0; [[ $name == slow ]] && target=0.3
  tr_ratio=$(stats ratio "$tm" "$cm"); fl_ratio=$(stats ratio "$fm" "$cm")
  if [[ $(stats verdict "$fl_ratio" "$target") == MISS ]]; then
    goal="floor+0.3s"; v=$(stats verdict "$tm" "$fm" 0.3)
  else
    goal="<= ${target}x"; v=$(stats verdict "$tr_ratio" "$target")
  fi
  rows+=("$(printf '  %-8s %5s/%-5s  %6s %6s %6s  (cargo %6s)   %6s %6s %6s  (build %6s)   %6s   %5sx  %5sx  %-10s %s' \
    "$name" "${ran%.000}" "$r_total" "$tm" "$tmin" "$tmax" "$tb" "$cm" "$cmin" "$cmax" "$cb" "$fm" \
    "$tr_ratio" "$fl_ratio" "$goal" "$v")")
  # One round's trim and cargo test share that moment's load: their
  # difference, round by round, says how far from even the medians are.
  paired+=("$(printf '  %-8s %s' "$name" "$(stats paired --decimals 3 "$r_cargo" "$r_trim")")")
done

echo
echo "incremental trim run after a one-line change vs cargo test --workspace, seconds over $repeats rounds (-j $jobs)"
echo "  space    ran/tests    trim run: median min max (cargo's Finished)   cargo test: median min max (its build)    floor    trim   floor  goal       verdict"
for row in "${rows[@]}"; do echo "$row"; done
echo "  (floor: trim's instrumented cargo build alone, median; trim and floor: ratios to cargo test's median;"
echo "   goal: the target when the floor is under it, else trim <= floor + 0.3 s)"
echo "trim run - cargo test, round by round, seconds: median and 95 % bootstrap interval"
echo "(an interval holding 0: these rounds cannot tell the two apart)"
for row in "${paired[@]}"; do echo "$row"; done
echo "load average at each round's start: $r_loads"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
