#!/usr/bin/env bash
# Two builds of trim against each other on the incremental loop, round by
# round, for differences smaller than what separates two runs of
# incremental-bench.sh on a shared machine.
#
#   Benchmarks/paired-bench.sh DIR_A DIR_B [--rounds N] [--only NAME] [--keep]
#
# DIR_A and DIR_B each hold a build's `trim`, `trim-ir-worker` and
# `trim-rustc-wrapper` (for instance copies of .build-bench/release made at
# two commits). NAME is ledger, shop (default) or calc: Examples/NAME is
# copied into a temporary directory and every test recorded with A (untimed).
# Then N rounds (default 20). In each, both builds in turn, which one first
# alternating; for each: an untimed `trim run` on the unchanged code (the
# doctest listing's cache key names the build's wrapper, so each build
# brings its own caches up to date outside the timing), then a one-line
# change that keeps the tests passing (a new constant each time: no build
# finds the changed bytes cached), `trim run --workspace -j 2` timed, the
# change reverted, an untimed run.
#
# Prints each build's median wall time and cargo's own "Finished" time, and
# B - A round by round: the median difference with a 95 % bootstrap
# interval (trim-bench-stats paired). An interval that holds 0 means N
# rounds on this machine do not tell the two builds apart.
# Exit status 2 when something cannot be built or run.
set -euo pipefail

rounds=20
only=shop
keep=0
sides=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "paired-bench: unknown option $1" >&2; exit 64 ;;
    *) sides+=("$1"); shift ;;
  esac
done
[[ ${#sides[@]} -eq 2 ]] || { echo "paired-bench: expected two build directories (DIR_A DIR_B)" >&2; exit 64; }
[[ $rounds -ge 2 ]] || { echo "paired-bench: --rounds must be >= 2" >&2; exit 64; }

root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/bench-tools.sh"
[[ -n ${example_file[$only]:-} ]] || { echo "paired-bench: --only: unknown workspace $only (ledger, shop or calc)" >&2; exit 64; }
for k in 0 1; do
  for tool in trim trim-ir-worker trim-rustc-wrapper; do
    [[ -x ${sides[$k]}/$tool ]] || { echo "paired-bench: no $tool in ${sides[$k]}" >&2; exit 2; }
  done
  sides[k]="$(cd "${sides[$k]}" && pwd)"
done
bench_tools "$root" paired-bench 0

work="$(mktemp -d "${TMPDIR:-/tmp}/paired-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
bench_example "$root" "$only" "$work"

quiet() { (cd "$dir" && "$@") >/dev/null 2>"$work/quiet.err" || { tail -n 20 "$work/quiet.err" >&2; exit 2; }; }
# A spelling of the line no earlier run has built: the same code, another constant.
spelling() { echo "${line% \{} + ($1 - $1) {"; }

echo "== $only: recording every test with A (untimed)"
quiet "${sides[0]}/trim" run --workspace --all -j 2 --no-progress
base=$((1000 + RANDOM % 20000))
wall=("" "") cargo=("" "")
for ((r = 0; r < rounds; r++)); do
  for turn in 0 1; do
    k=$(( (r + turn) % 2 ))
    trim="${sides[$k]}/trim"
    quiet "$trim" run --workspace -j 2 --no-progress
    changed="$(spelling $((base + 2 * r + k)))"
    generate replace "$source_file" "$line" "$changed" || exit 2
    start=$(date +%s.%N)
    status=0
    (cd "$dir" && "$trim" run --workspace -j 2 --no-progress) >"$work/run.out" 2>"$work/run.err" || status=$?
    end=$(date +%s.%N)
    [[ $status -eq 0 ]] || { tail -n 20 "$work/run.err" >&2; echo "paired-bench: trim run failed ($status)" >&2; exit 2; }
    wall[k]+="$(stats elapsed-ms "$start" "$end") "
    cargo[k]+="$(stats ms "$(stats cargo-seconds <"$work/run.err")") "
    generate replace "$source_file" "$changed" "$line" || exit 2
    quiet "$trim" run --workspace -j 2 --no-progress
  done
done

echo
echo "$only, $rounds rounds, ms (median min max)   A: ${sides[0]}   B: ${sides[1]}"
for k in 0 1; do
  echo "  $([[ $k -eq 0 ]] && echo A || echo B)  trim run $(stats summary --decimals 1 <<<"${wall[$k]}")   cargo's Finished $(stats summary --decimals 1 <<<"${cargo[$k]}")"
done
echo "  B - A by round (median, 95 % interval): trim run $(stats paired --decimals 1 "${wall[0]}" "${wall[1]}")   cargo's Finished $(stats paired --decimals 1 "${cargo[0]}" "${cargo[1]}")"
