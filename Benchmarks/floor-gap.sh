#!/usr/bin/env bash
# Where an incremental `trim run` spends the time its floor does not, from
# the kernel's process events (no sampling, so nothing slows either side):
#
#   Benchmarks/floor-gap.sh DIR [--only NAME] [--rounds N]
#
# DIR holds a build's `trim`, `trim-ir-worker` and `trim-rustc-wrapper`.
# NAME is ledger, shop, calc or gen3000 (default), made as incremental-bench.sh
# makes it. The floor is incremental-bench.sh's: trim's own `cargo test
# --no-run`, replayed with the environment and arguments trim gave cargo, in
# a target dir of its own. After a recording run and a warmed floor (untimed),
# N rounds (default 8) of: one of the five spellings of the workspace's line
# (incremental-bench.sh's), the floor and `trim run --workspace -j 2` each
# under `perf record -a -e sched:sched_process_exec,sched:sched_process_exit`
# (which goes first alternates), the line put back, both run again untimed.
#
# Per round, in ms: the floor's cargo (exec to exit), its longest rustc and
# its longest link (rust-lld); trim's start (its exec to cargo's), its cargo,
# longest rustc and link, what follows cargo (to trim's exit) and the whole
# run. Then the medians, and trim minus the floor round by round (median and
# 95 % bootstrap interval, trim-bench-stats): for the whole run, cargo, the
# longest rustc and the link. A diagnostic, not a target: the targets are
# incremental-bench.sh's.
#
# Needs perf with access to scheduler tracepoints (root, or
# kernel.perf_event_paranoid <= -1). Exit status 2 when something cannot be
# built or run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/bench-tools.sh"
bench_side_options floor-gap rounds gen3000 "$@"
rounds=$count
case "$only" in ledger|shop|calc|gen3000) ;; *) echo "floor-gap: --only: unknown workspace $only (ledger, shop, calc or gen3000)" >&2; exit 64 ;; esac
bench_tools "$root" floor-gap 0

work="$(mktemp -d "${TMPDIR:-/tmp}/floor-gap.XXXXXX")"
trap 'rm -rf "$work"' EXIT
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR || true
export NO_COLOR=1 CARGO_TERM_COLOR=never
floor_shim "$work"
bench_workspace "$root" "$only" "$work"
dir="$work/$only" floor="$work/floor-target" record="$work/floor"
quiet() { (cd "$dir" && "$@") >/dev/null 2>"$work/quiet.err" || { tail -n 20 "$work/quiet.err" >&2; exit 2; }; }
edit() { generate replace "$@" || exit 2; }

# events LOG CMD...: CMD under scheduler tracepoints, the events in LOG.
events() {
  local log=$1
  shift
  perf record -q -a -e sched:sched_process_exec,sched:sched_process_exit -o "$log.data" -- "$@" \
    >/dev/null 2>"$log.err" || { tail -n 20 "$log.err" >&2; echo "floor-gap: '$*' failed" >&2; exit 2; }
  perf script -i "$log.data" -F comm,pid,tid,time,event 2>/dev/null >"$log.txt"
}

# timeline LOG: "cargo rustc link start after total" in ms (start and after 0 without trim).
timeline() {
  python3 - "$1.txt" <<'PY'
import re, sys
execs, exits = {}, {}
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\s*(.+?)\s+(\d+)/(\d+)\s+([\d.]+):\s+sched:sched_process_(exec|exit)", line)
    if not m:
        continue
    comm, pid, tid, at, kind = m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4)), m.group(5)
    if kind == "exec":
        # A process's last program, from the first exec of that program (rustup's cargo runs the real one).
        if pid not in execs or execs[pid][0] != comm:
            execs[pid] = (comm, at)
    elif pid == tid:
        exits[pid] = at
def runs(name):
    return [(exits[p] - at) * 1000 for p, (comm, at) in execs.items() if comm == name and p in exits]
trim = [p for p, (comm, _) in execs.items() if comm == "trim"]
# The build: the longest cargo (trim may ask cargo other things first, as `cargo metadata`).
cargo = max(((at, p) for p, (comm, at) in execs.items() if comm == "cargo" and p in exits),
            key=lambda run: exits[run[1]] - run[0])
start = execs[trim[0]][1] if trim else cargo[0]
cargo_end = exits[cargo[1]]
end = exits[trim[0]] if trim else cargo_end
ms = lambda t: 1000 * t
print(f"{ms(cargo_end - cargo[0]):.1f} {max(runs('rustc'), default=0):.1f} {max(runs('rust-lld'), default=0):.1f} "
      f"{ms(cargo[0] - start):.1f} {ms(end - cargo_end):.1f} {ms(end - start):.1f}")
PY
}

echo "== $only: recording every test, warming the floor (untimed)"
quiet env CARGO="$shim" FLOOR_RECORD="$record" "$side/trim" run --workspace --all -j 2 --no-progress
[[ -s $record.env && -s $record.args ]] || { echo "floor-gap: trim's cargo build was not noted" >&2; exit 2; }
quiet floor_build "$dir" "$floor" "$record"
echo "$only, ms: floor (cargo, longest rustc, longest link) | trim (start, cargo, longest rustc, longest link, after cargo, whole)"
f_cargo="" f_rustc="" f_link="" t_cargo="" t_rustc="" t_link="" t_start="" t_after="" t_total="" f_total=""
for ((k = 0; k < rounds; k++)); do
  edit "$dir/${bench_file[$only]}" "${bench_original[$only]}" "$(bench_variant "$only" "$k")"
  sides=(floor trim); [[ $((k % 2)) -eq 1 ]] && sides=(trim floor)
  for s in "${sides[@]}"; do
    if [[ $s == floor ]]; then
      events "$work/f" bash -c "cd '$dir' && source '$root/Benchmarks/bench-tools.sh' && real_cargo='$real_cargo' && floor_build '$dir' '$floor' '$record'"
      read -r fc fr fl _ _ _ <<<"$(timeline "$work/f")"
    else
      events "$work/t" bash -c "cd '$dir' && exec '$side/trim' run --workspace -j 2 --no-progress"
      read -r tc tr tl ts ta tt <<<"$(timeline "$work/t")"
    fi
  done
  printf '  %7.1f %7.1f %6.1f | %5.1f %7.1f %7.1f %6.1f %6.1f %7.1f\n' "$fc" "$fr" "$fl" "$ts" "$tc" "$tr" "$tl" "$ta" "$tt"
  f_cargo+="$fc " f_rustc+="$fr " f_link+="$fl " f_total+="$fc "
  t_cargo+="$tc " t_rustc+="$tr " t_link+="$tl " t_start+="$ts " t_after+="$ta " t_total+="$tt "
  edit "$dir/${bench_file[$only]}" "$(bench_variant "$only" "$k")" "${bench_original[$only]}"
  quiet "$side/trim" run --workspace -j 2 --no-progress
  quiet floor_build "$dir" "$floor" "$record"
done
median() { stats summary --decimals 1 <<<"$1" | cut -d' ' -f1; }
printf '  median %7s %7s %6s | %5s %7s %7s %6s %6s %7s\n' "$(median "$f_cargo")" "$(median "$f_rustc")" \
  "$(median "$f_link")" "$(median "$t_start")" "$(median "$t_cargo")" "$(median "$t_rustc")" "$(median "$t_link")" \
  "$(median "$t_after")" "$(median "$t_total")"
echo "trim - floor, round by round, ms: median and 95 % bootstrap interval"
echo "  whole run         $(stats paired --decimals 1 "$f_total" "$t_total")"
echo "  cargo             $(stats paired --decimals 1 "$f_cargo" "$t_cargo")"
echo "  longest rustc     $(stats paired --decimals 1 "$f_rustc" "$t_rustc")"
echo "  longest link      $(stats paired --decimals 1 "$f_link" "$t_link")"
