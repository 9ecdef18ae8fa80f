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
# diagnostics for the file; revert and let the server record it; the same
# change timed as `trim run --workspace -j 2`, reverted and re-run (untimed);
# and the floor: the same change's instrumented build alone (trim's own
# `cargo test --no-run`, replayed with the environment trim gave cargo, into a
# target dir of its own), reverted and rebuilt. The three take turns at going
# first. Reports medians (min and max beside), the ratio server / one-shot
# against the target <= 0.5x and the floor / one-shot. Neither side can beat
# the floor: when the floor alone is over half the one-shot run, 0.5x cannot
# be met and the verdict is against the closest reachable goal instead, server
# <= floor + 0.3 s (statistics: trim-bench-stats, Benchmarks/Stats).
# $LSP_SERVER_LOG: a file for the server's stderr (e.g. with TRIM_TIMINGS=1).
#
# --trim DIR   the directory holding trim, trim-ir-worker and trim-rustc-wrapper
#              (default: build them in release mode into .build-bench; the
#              benchmark tools are built there too, or when missing).
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
source "$root/Benchmarks/bench-tools.sh"
bench_tools "$root" lsp-bench "$([[ -z $trim_dir ]] && echo 1 || echo 0)"
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
# The cargo trim runs for the recording run notes the environment and the
# arguments of trim's `cargo test --no-run`, so the floor can replay that build.
real_cargo="$(command -v cargo)"
printf '%s\n' '#!/usr/bin/env bash' \
  "if [[ \${1:-} == test && \${2:-} == --no-run ]]; then env -0 >'$work/floor.env'; printf '%s\\0' \"\$@\" >'$work/floor.args'; fi" \
  "exec '$real_cargo' \"\$@\"" >"$work/cargo-shim"
chmod +x "$work/cargo-shim"
(cd "$work/shop" && CARGO="$work/cargo-shim" "$trim" run --workspace -j 2 --no-progress >/dev/null 2>&1) || {
  echo "lsp-bench: the recording run failed" >&2; exit 2; }
[[ -s $work/floor.env && -s $work/floor.args ]] || { echo "lsp-bench: trim's cargo build was not noted" >&2; exit 2; }
printf '%s\n' '#!/usr/bin/env bash' 'vars=() args=()' \
  "while IFS= read -r -d '' v; do vars+=(\"\$v\"); done <'$work/floor.env'" \
  "while IFS= read -r -d '' v; do args+=(\"\$v\"); done <'$work/floor.args'" \
  "exec env -i \"\${vars[@]}\" CARGO_TARGET_DIR='$work/floor-target' '$real_cargo' \"\${args[@]}\"" >"$work/floor"
chmod +x "$work/floor"
(cd "$work/shop" && "$work/floor" >/dev/null 2>&1) || { echo "lsp-bench: the floor's build failed" >&2; exit 2; }

file="src/inventory.rs"
original='if requested > available {'
variants='if available < requested {|if !(requested <= available) {|if requested.gt(&available) {|if available.lt(&requested) {|if !(available >= requested) {'
python3 "$root/Benchmarks/LSPLatency/lsp_latency.py" "$trim" "$work/shop" "$file" "$original" "$variants" "$repeats" \
  "$work/floor" | tee "$work/rounds.txt"

# Each round's line: "round N server SECONDS oneshot SECONDS".
read -r sm smin smax <<<"$(stats field " server " 4 "$work/rounds.txt" | stats summary --decimals 3)"
read -r om omin omax <<<"$(stats field " oneshot " 2 "$work/rounds.txt" | stats summary --decimals 3)"
read -r fm fmin fmax <<<"$(stats field " floor " 0 "$work/rounds.txt" | stats summary --decimals 3)"
ratio=$(stats ratio "$sm" "$om")
floor_ratio=$(stats ratio "$fm" "$om")
printf '\n%-34s %8s %8s %8s\n' "shop, one-line change ($repeats rounds)" median min max
printf '%-34s %8s %8s %8s\n' "trim lsp: save -> diagnostics" "$sm" "$smin" "$smax"
printf '%-34s %8s %8s %8s\n' "trim run (one-shot)" "$om" "$omin" "$omax"
printf '%-34s %8s %8s %8s\n' "floor: instrumented build alone" "$fm" "$fmin" "$fmax"
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'ratio server / one-shot: %sx (target <= 0.5x): %s\n' "$ratio" "$(stats verdict "$ratio" 0.5)"
printf 'ratio floor / one-shot: %sx\n' "$floor_ratio"
if [[ $(stats verdict "$floor_ratio" 0.5) == MISS ]]; then
  printf 'the floor alone is over 0.5x the one-shot run: 0.5x cannot be met; goal server <= floor + 0.3 s: %s\n' \
    "$(stats verdict "$sm" "$fm" 0.3)"
fi
