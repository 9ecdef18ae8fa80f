#!/usr/bin/env bash
# Archive benchmark: what a CI runner pays to run tests from a `trim archive`
# against building them itself, in one run.
#
#   Benchmarks/archive-bench.sh [--repeat R] [--no-build] [--keep]
#
# Builds trim in release mode into .build-bench (unless --no-build), copies
# Examples/calc (109 tests, 2 packages) into a temporary directory, makes one
# archive of it (`trim archive --workspace`, timed once, size reported), then
# in R rounds (default 3), each on fresh copies of the workspace (no target
# dir, as a new CI runner has; trim's runtime cache is shared and warm):
#
#   build+run   `trim run --workspace --no-doctests`: cargo builds instrumented,
#               every test runs and is recorded (the baseline: a runner that
#               builds for itself; doctests left out, as an archive has none)
#   archive     `trim run --archive-file A --workspace-remap COPY`: unpack,
#               list, run every test, record; cargo builds nothing
#   partition   the same with `--partition hash:1/2`
#
# Reported: median, min and max wall seconds per row, and each row's median
# against build+run. Target: archive <= 0.5x build+run (a fan-out runner must
# save most of the build). Exit status 0 even when the target is missed.
set -euo pipefail

repeats=3
build=1
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --repeat) repeats="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "archive-bench: unknown option $1" >&2; exit 2 ;;
    esac
done

repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="$repo/.build-bench/release"
if [ "$build" = 1 ]; then
    for product in trim trim-ir-worker trim-rustc-wrapper; do
        swift build -c release --scratch-path "$repo/.build-bench" --product "$product" >&2
    done
fi
trim="$bin/trim"
work="$(mktemp -d "${TMPDIR:-/tmp}/trim-archive-bench.XXXXXX")"
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
export TRIM_CACHE_DIR="$work/cache"
cp -r "$repo/Examples/calc" "$work/source"
rm -rf "$work/source/target"

now() { date +%s.%N; }
fresh() { rm -rf "$1"; cp -r "$work/source" "$1"; }

fresh "$work/builder"
start=$(now)
(cd "$work/builder" && "$trim" archive --workspace --archive-file "$work/calc.tar.zst" >/dev/null 2>&1)
archive_seconds=$(echo "$(now) - $start" | bc)
size=$(stat -c %s "$work/calc.tar.zst")

: >"$work/times.tsv"
for round in $(seq 1 "$repeats"); do
    fresh "$work/runner"
    start=$(now)
    (cd "$work/runner" && "$trim" run --workspace --no-doctests --no-progress >"$work/build-run.out" 2>&1) || true
    echo -e "build+run\t$(echo "$(now) - $start" | bc)" >>"$work/times.tsv"
    grep -q "109 tests run: 109 passed" "$work/build-run.out" || { cat "$work/build-run.out" >&2; exit 1; }

    fresh "$work/runner"
    start=$(now)
    "$trim" run --archive-file "$work/calc.tar.zst" --workspace-remap "$work/runner" --no-progress \
        >"$work/archive.out" 2>&1 || true
    echo -e "archive\t$(echo "$(now) - $start" | bc)" >>"$work/times.tsv"
    grep -q "109 tests run: 109 passed" "$work/archive.out" || { cat "$work/archive.out" >&2; exit 1; }
    [ ! -d "$work/runner/target/trim/debug" ] || { echo "archive-bench: cargo built in the runner" >&2; exit 1; }

    fresh "$work/runner"
    start=$(now)
    "$trim" run --archive-file "$work/calc.tar.zst" --workspace-remap "$work/runner" --partition hash:1/2 \
        --no-progress >"$work/partition.out" 2>&1 || true
    echo -e "partition\t$(echo "$(now) - $start" | bc)" >>"$work/times.tsv"
    grep -q "passed" "$work/partition.out" || { cat "$work/partition.out" >&2; exit 1; }
    echo "round $round done" >&2
done

python3 - "$work/times.tsv" "$archive_seconds" "$size" "$repeats" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, seconds = line.split("\t")
    rows.setdefault(name, []).append(float(seconds))
base = statistics.median(rows["build+run"])
print(f"Examples/calc, {sys.argv[4]} rounds; trim archive once: {float(sys.argv[2]):.2f} s, "
      f"{int(sys.argv[3]) / 1048576:.1f} MB (.tar.zst)")
print(f"{'row':<10} {'median':>8} {'min':>8} {'max':>8} {'ratio':>7}  verdict")
for name in ["build+run", "archive", "partition"]:
    values = rows[name]
    median = statistics.median(values)
    ratio = median / base
    verdict = "" if name == "build+run" else ("PASS" if name != "archive" or ratio <= 0.5 else "MISS")
    if name == "partition": verdict = "(reported)"
    print(f"{name:<10} {median:8.2f} {min(values):8.2f} {max(values):8.2f} {ratio:6.2f}x  {verdict}")
print("target: archive <= 0.50x build+run")
EOF
