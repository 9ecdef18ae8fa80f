#!/usr/bin/env bash
# History benchmark: how much finer block grain selects than function and
# file grain on real histories, and whether any grain misses a failing test.
#
#   Benchmarks/history-bench.sh [--mutants K] [--histories LIST] [--commits N] [--fixed-random] [--keep] [--no-build] [REPO...]
#
# Runs `trim simulate-history --mutants K` (default 2) on
#   * the scripted histories of the bundled examples, every commit replayed
#     (--histories, comma-separated; default ledger,shop,calc; "" for none):
#       ledger: Examples/ledger, a 200-line toy (12 tests; 25 commits,
#               Benchmarks/ledger-history/make-history.sh)
#       shop:   Examples/shop, an order-processing library of ~3,100 lines
#               (102 tests at the start, 119 at the end; 31 commits,
#               Benchmarks/shop-history/make-history.sh)
#       calc:   Examples/calc, a small expression language of ~2,500 lines
#               (lexer, parser, interpreter, prelude, formatter, a repl
#               package; 109 tests at the start, 137 at the end; 31 commits,
#               Benchmarks/calc-history/make-history.sh)
#   * each REPO given (a git repository, or the cargo workspace's directory
#     inside one): its last N commits (default 20)
# and prints trim's summary for each, then three tables with a row per
# history: selection (% of tests selected per grain: average, median, P90
# over the compared commits; the floor's average; block/floor, and for the
# record block/function and block/file, ratios of the average shares), the
# floor (the share of tests each commit affected: new, failed before, or
# another outcome or path in the full runs, which no sound selector can go
# under; paths changed without a changed block executed, by kind) and safety
# (failing tests in the commits' own full runs, failing tests missed per
# grain, mutants run and caught, the tests they killed, failing tests missed
# per grain under mutants).
#
# Goal: block grain within 1.15x of the floor (block/floor <= 1.15) on every
# history, with 0 missed at every grain (commits and mutants).
#
# --fixed-random is passed on to simulate-history (the same getrandom bytes
# in every test process: HashMap order repeats, so seeds no longer blur the
# floor on histories like shop's).
#
# trim is $TRIM, else the debug build (`swift build` first unless
# --no-build); trim-ir-worker must sit next to it or be given as
# $TRIM_IR_WORKER. Everything happens in a temporary directory (the
# generated repositories, the replays' scratch worktrees and target dirs,
# the CSVs), removed at the end unless --keep. REPOs are never modified:
# replays check commits out in a worktree of their own. The tables come
# from `trim-bench-stats history-tables` (Benchmarks/Stats/HistoryTables.swift),
# built into .build-bench with the benchmark tools (or when missing, with
# --no-build). Needs swift, cargo (1.95), git.
set -euo pipefail

mutants=2
histories=ledger,shop,calc
commits=20
keep=0
build=1
fixed=()
repos=()
while [ $# -gt 0 ]; do
    case $1 in
        --mutants) mutants=$2; shift 2 ;;
        --histories) histories=$2; shift 2 ;;
        --commits) commits=$2; shift 2 ;;
        --fixed-random) fixed=(--fixed-random); shift ;;
        --keep) keep=1; shift ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "history-bench: unknown option $1" >&2; exit 2 ;;
        *) repos+=("$(cd "$1" && pwd)"); shift ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source "$root/Benchmarks/bench-tools.sh"
bench_tools "$root" history-bench "$build"
if [ "$build" = 1 ]; then swift build >&2; fi
trim=${TRIM:-$(swift build --show-bin-path)/trim}
[ -x "$trim" ] || { echo "history-bench: no trim at $trim (build first, or set TRIM)" >&2; exit 2; }
worker=${TRIM_IR_WORKER:-$(dirname "$trim")/trim-ir-worker}
[ -x "$worker" ] || { echo "history-bench: no trim-ir-worker at $worker (build it, or set TRIM_IR_WORKER)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/trim-history-bench.XXXXXX")
if [ "$keep" = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "history-bench: keeping $work" >&2; fi

names=()
paths=()
counts=()
IFS=, read -r -a scripted <<< "$histories"
for name in "${scripted[@]}"; do
    [ -n "$name" ] || continue
    script="Benchmarks/$name-history/make-history.sh"
    [ -x "$script" ] || { echo "history-bench: no scripted history $name ($script)" >&2; exit 2; }
    "$script" "$work/$name" >&2
    names+=("$name")
    paths+=("$work/$name")
    counts+=("$(git -C "$work/$name" rev-list --count HEAD)")
done
for repo in "${repos[@]}"; do
    names+=("$(basename "$repo")")
    paths+=("$repo")
    counts+=("$commits")
done

[ "${#names[@]}" -gt 0 ] || { echo "history-bench: nothing to replay (no history, no REPO)" >&2; exit 2; }
csvs=()
for i in "${!names[@]}"; do
    name=${names[$i]}
    echo "history-bench: ${name}: ${counts[$i]} commits, $mutants mutants each (log: $work/$name.log)" >&2
    start=$(date +%s)
    "$trim" simulate-history --commits "${counts[$i]}" --repo "${paths[$i]}" --mutants "$mutants" ${fixed[@]+"${fixed[@]}"} \
        --csv "$work/$name.csv" --mutants-csv "$work/$name-mutants.csv" --scratch "$work/scratch-$name" \
        > "$work/$name.summary" 2> "$work/$name.log" \
        || { echo "history-bench: simulate-history failed on $name:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    echo "== $name (${counts[$i]} commits, $(( $(date +%s) - start ))s)"
    cat "$work/$name.summary"
    echo
    csvs+=("$name=$work/$name.csv")
done

stats history-tables "${csvs[@]}"
