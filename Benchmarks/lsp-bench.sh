#!/usr/bin/env bash
# Save → published diagnostics with `trim lsp` after a one-line change on
# Examples/shop, against the same change's one-shot `trim run`, in one run.
#
#   Benchmarks/lsp-bench.sh [--repeat R] [--trim DIR] [--keep]
#
# shop is copied into a temporary directory; `trim run --workspace` records
# every test (untimed); the server starts and runs its first round (untimed).
# Then R rounds (default 5), each: change one line of src/inventory.rs (another
# spelling each round, tests still pass), save, time until the server publishes
# diagnostics for the file; revert and let the server record it; then the same
# change timed as `trim run --workspace -j 2`; revert and re-run (untimed).
# Reports medians (min and max beside) and the ratio server / one-shot against
# the target <= 0.5x.
#
# --trim DIR   the directory holding trim, trim-ir-worker and trim-rustc-wrapper
#              (default: build them in release mode into .build-bench).
set -euo pipefail

repeats=5
trim_dir=""
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeats="$2"; shift 2 ;;
    --trim) trim_dir="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "lsp-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z $trim_dir ]]; then
  trim_dir="$root/.build-bench/release"
  for product in trim trim-ir-worker trim-rustc-wrapper; do
    (cd "$root" && swift build -c release --scratch-path "$root/.build-bench" --product "$product") >/dev/null 2>&1 || {
      echo "lsp-bench: release build of $product failed" >&2; exit 2; }
  done
fi
trim="$(cd "$trim_dir" && pwd)/trim"
[[ -x $trim ]] || { echo "lsp-bench: no trim in $trim_dir" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/lsp-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR || true
export NO_COLOR=1 CARGO_TERM_COLOR=never TRIM_CACHE_DIR="$work/cache"

cp -r "$root/Examples/shop" "$work/shop"
rm -rf "$work/shop/target"
(cd "$work/shop" && "$trim" run --workspace -j 2 --no-progress >/dev/null 2>&1) || {
  echo "lsp-bench: the recording run failed" >&2; exit 2; }

file="src/inventory.rs"
original='if requested > available {'
variants='if available < requested {|if !(requested <= available) {|if requested.gt(&available) {|if available.lt(&requested) {|if !(available >= requested) {'
python3 "$root/Benchmarks/LSPLatency/lsp_latency.py" "$trim" "$work/shop" "$file" "$original" "$variants" "$repeats" \
  | tee "$work/rounds.txt"

stats() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f", m, v[1], v[NR] }'; }
server=$(awk '{ print $4 }' "$work/rounds.txt" | xargs)
oneshot=$(awk '{ print $6 }' "$work/rounds.txt" | xargs)
read -r sm smin smax <<<"$(stats "$server")"
read -r om omin omax <<<"$(stats "$oneshot")"
ratio=$(awk -v a="$sm" -v b="$om" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 0.5 ? "PASS" : "MISS") }')
printf '\n%-34s %8s %8s %8s\n' "shop, one-line change ($repeats rounds)" median min max
printf '%-34s %8s %8s %8s\n' "trim lsp: save -> diagnostics" "$sm" "$smin" "$smax"
printf '%-34s %8s %8s %8s\n' "trim run (one-shot)" "$om" "$omin" "$omax"
printf 'ratio server / one-shot: %sx (target <= 0.5x): %s\n' "$ratio" "$verdict"
