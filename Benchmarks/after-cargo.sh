#!/usr/bin/env bash
# Where the incremental loop's time goes once cargo has ended, from the
# kernel's process events (no sampling, so nothing slows trim down):
#
#   Benchmarks/after-cargo.sh DIR [--runs N] [--only NAME]
#
# DIR holds a build's `trim`, `trim-ir-worker` and `trim-rustc-wrapper`, as
# for paired-bench.sh. NAME is ledger, shop (default) or calc: Examples/NAME
# is copied into a temporary directory and every test recorded (untimed).
# Then N runs (default 8) of: a one-line change that keeps the tests passing
# (a new constant each time), `trim run --workspace -j 2` under `perf record
# -a -e sched:sched_process_exec,sched:sched_process_exit`, the change
# reverted, an untimed run. Each timed run prints, in ms from trim's start:
# when cargo exited; from there to the first test process's start; from
# that to the last test process's exit; from that to trim's exit (the tail);
# the whole run. Then the medians.
#
# Needs perf with access to scheduler tracepoints (root, or
# kernel.perf_event_paranoid <= -1). Exit status 2 when something cannot be
# built or run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/bench-tools.sh"
bench_side_options after-cargo runs shop "$@"
runs=$count
[[ -n ${example_file[$only]:-} ]] || { echo "after-cargo: --only: unknown workspace $only (ledger, shop or calc)" >&2; exit 64; }
bench_tools "$root" after-cargo 0

work="$(mktemp -d "${TMPDIR:-/tmp}/after-cargo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
bench_example "$root" "$only" "$work"
quiet() { (cd "$dir" && "$@") >/dev/null 2>"$work/quiet.err" || { tail -n 20 "$work/quiet.err" >&2; exit 2; }; }

echo "== $only: recording every test (untimed)"
quiet "$side/trim" run --workspace --all -j 2 --no-progress
quiet "$side/trim" run --workspace -j 2 --no-progress
base=$((1000 + RANDOM % 20000))
echo "$only, ms from trim's start: cargo's exit, then to the first test, the tests, the tail, the whole run"
for ((r = 0; r < runs; r++)); do
  changed="${line% \{} + ($((base + r)) - $((base + r))) {"
  generate replace "$source_file" "$line" "$changed" || exit 2
  (cd "$dir" && perf record -q -a -e sched:sched_process_exec,sched:sched_process_exit -o "$work/events.data" \
    -- "$side/trim" run --workspace -j 2 --no-progress) >/dev/null 2>"$work/run.err" \
    || { tail -n 20 "$work/run.err" >&2; echo "after-cargo: trim run failed" >&2; exit 2; }
  generate replace "$source_file" "$changed" "$line" || exit 2
  quiet "$side/trim" run --workspace -j 2 --no-progress
  perf script -i "$work/events.data" -F comm,pid,tid,time,event 2>/dev/null >"$work/events.txt"
  python3 - "$work/events.txt" "$dir" <<'PY'
import re, sys
events = []
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\s*(.+?)\s+(\d+)/(\d+)\s+([\d.]+):\s+sched:sched_process_(exec|exit)", line)
    if m:
        events.append((m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4)), m.group(5)))
trim = next(e for e in events if e[4] == "exec" and e[0] == "trim")
start, pid = trim[3], trim[1]
cargo = {e[1] for e in events if e[4] == "exec" and e[0] == "cargo"}
cargo_end = max(e[3] for e in events if e[4] == "exit" and e[1] in cargo and e[1] == e[2])
# Test processes: executables under the target directory's deps/, started after cargo (listing runs come before).
tests = {e[1]: e[3] for e in events if e[4] == "exec" and e[3] > cargo_end and e[0] not in ("trim", "cargo", "rustc", "rustdoc", "trim-ir-worker", "trim-rustc-wrap", "strace")}
exits = {e[1]: e[3] for e in events if e[4] == "exit" and e[1] == e[2]}
first = min(tests.values())
last = max(exits[p] for p in tests if p in exits)
end = exits[pid]
ms = lambda t: 1000 * t
print(f"  {ms(cargo_end - start):7.1f} {ms(first - cargo_end):6.1f} {ms(last - first):6.1f} {ms(end - last):6.1f} {ms(end - start):7.1f}  ({len(tests)} test processes)")
PY
done | tee "$work/rows.txt"
python3 - "$work/rows.txt" <<'PY'
import statistics, sys
rows = [list(map(float, line.split()[:5])) for line in open(sys.argv[1]) if line.strip()]
print("  median " + " ".join(f"{statistics.median(c):6.1f}" for c in zip(*rows)))
PY
