#!/usr/bin/env bash
# The PostgreSQL store against the SQLite file, measured in the same run.
#
#   Benchmarks/store-bench.sh [--repeat R] [--tests N] [--selection-tests S] [--no-build] [--keep]
#   TRIM=/path/to/trim Benchmarks/store-bench.sh --no-build   # another build of trim
#
# A private PostgreSQL server (scripts/pg-cluster: a temporary directory, a
# free loopback port, fsync off as for any throwaway cluster; removed at the
# end) and a generated crate of N (default 3,000) tiny unit tests
# (Benchmarks/suite-size), a git repository. Untimed first: one `trim run`
# (the instrumented build, fingerprints and listing are then cached). Then R
# interleaved rounds (default 3), medians:
#
#   SQLite      `trim run -j 2` with the database file removed: every test
#               runs and its result is recorded into <target>/trim/trim.db
#   PostgreSQL  the same with --db postgres://… and the server's trim schema
#               dropped first: every result recorded into the server (the
#               schema is created and migrated by that run)
#   plan        `trim plan` after each recording run, from each store (no
#               change: nothing selected; it loads every record)
#
# and selection from each backend at S (default 5,000) tests:
# trim-bench-selection --tests S --server URL (the synthetic store of
# Benchmarks/Selection, loaded from a real SQLite file and from the server).
#
# Target: recording into PostgreSQL <= 1.3x recording into SQLite. The
# selection and plan figures are reported with their ratio, not judged.
# Exit status 0 even when the target is missed (MISS); 2 when something could
# not be built or run.
set -euo pipefail

repeats=3
tests=3000
selection_tests=5000
build=1
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeats="$2"; shift 2 ;;
    --tests) tests="$2"; shift 2 ;;
    --selection-tests) selection_tests="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "store-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ $repeats -ge 1 ]] || { echo "store-bench: --repeat must be >= 1" >&2; exit 64; }

root="$(cd "$(dirname "$0")/.." && pwd)"
template="$root/Benchmarks/suite-size"
source "$root/Benchmarks/bench-tools.sh"
bench_tools "$root" store-bench "$([[ -z ${TRIM:-} && $build -eq 1 ]] && echo 1 || echo 0)"
fail() { echo "store-bench: $*" >&2; exit 2; }
if [[ -z ${TRIM:-} && $build -eq 1 ]]; then
  echo "== building trim, trim-ir-worker, trim-rustc-wrapper, trim-bench-selection (release, $root/.build-bench)"
  for product in trim trim-ir-worker trim-rustc-wrapper trim-bench-selection; do
    (cd "$root" && swift build -c release --scratch-path "$root/.build-bench" --product "$product") >/dev/null 2>&1 \
      || fail "release build of $product failed"
  done
fi
trim="${TRIM:-$root/.build-bench/release/trim}"
selection_bench="$root/.build-bench/release/trim-bench-selection"
[[ -x $trim ]] || fail "no trim at $trim"
[[ -x $selection_bench ]] || fail "no trim-bench-selection at $selection_bench"

work="$(mktemp -d "${TMPDIR:-/tmp}/store-bench.XXXXXX")"
cluster="$(mktemp -u "${TMPDIR:-/tmp}/store-bench-pg.XXXXXX")"  # not inside $work (0700): the server's user must reach it
cleanup() {
  "$root/scripts/pg-cluster" stop "$cluster" >/dev/null 2>&1 || true
  [[ $keep -eq 1 ]] && echo "keeping $work" || rm -rf "$work"
}
trap cleanup EXIT
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR TRIM_TIMINGS || true
export NO_COLOR=1 CARGO_TERM_COLOR=never

url=$("$root/scripts/pg-cluster" start "$cluster") || fail "could not start the private PostgreSQL server"
psql_bin=/usr/lib/postgresql/15/bin/psql
port=$(cat "$cluster/port")
psql_admin() { PGOPTIONS="--client-min-messages=warning" PGPASSWORD="$(cat "$cluster/pwfile")" "$psql_bin" -q -h 127.0.0.1 -p "$port" -U trim -d trim -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }

now() { echo "$EPOCHREALTIME"; }
sub() { stats difference --decimals 3 "$1" "$2"; }
median() { printf '%s\n' "$@" | stats median --decimals 3; }
ratio() { stats ratio "$1" "$2"; }
verdict() { stats verdict "$1" "$2"; }
load() { cut -d' ' -f1 /proc/loadavg; }

dir="$work/suite-$tests"
cp -r "$template/crate" "$dir"
"$template/generate-cases.sh" "$tests" >"$dir/src/cases.rs"
(cd "$dir" && git init -q && git add -A && git -c user.email=bench@trim -c user.name=bench commit -qm "suite of $tests tests")

# timed LOG ARGS...: `trim ARGS` in the crate; sets t_wall.
timed() {
  local log=$1 start; shift
  start=$(now)
  (cd "$dir" && "$trim" "$@") >"$log.out" 2>"$log.err" || { tail -n 20 "$log.err" >&2; fail "trim $* failed"; }
  t_wall=$(sub "$(now)" "$start")
}

echo "machine: $(nproc) cores; $(rustc --version); load $(cut -d' ' -f1-3 /proc/loadavg); trim: $trim"
echo "== $tests tests: first trim run (untimed: build, fingerprints, listing)"
timed "$work/first" run -j 2 --no-progress
listed=$(grep -o '[0-9]* tests\? run' "$work/first.out" | tail -n 1 | cut -d' ' -f1)

sqlite=() server=() plan_sqlite=() plan_server=() loads=()
for ((k = 0; k < repeats; k++)); do
  loads+=("$(load)")
  for side in $( ((k % 2 == 0)) && echo "sqlite server" || echo "server sqlite"); do
    if [[ $side == sqlite ]]; then
      rm -f "$dir"/target/trim/trim.db*
      timed "$work/rec-sqlite" run -j 2 --no-progress
      ran=$(grep -o '[0-9]* tests\? run' "$work/rec-sqlite.out" | tail -n 1 | cut -d' ' -f1)
      [[ $ran -eq $listed ]] || fail "the SQLite recording run ran $ran tests, not $listed"
      sqlite+=("$t_wall")
      timed "$work/plan-sqlite" plan
      plan_sqlite+=("$t_wall")
    else
      psql_admin "DROP SCHEMA IF EXISTS trim CASCADE"
      timed "$work/rec-server" run -j 2 --no-progress --db "$url"
      ran=$(grep -o '[0-9]* tests\? run' "$work/rec-server.out" | tail -n 1 | cut -d' ' -f1)
      [[ $ran -eq $listed ]] || fail "the PostgreSQL recording run ran $ran tests, not $listed"
      recorded=$(PGPASSWORD="$(cat "$cluster/pwfile")" "$psql_bin" -tA -h 127.0.0.1 -p "$port" -U trim -d trim \
        -c "SELECT COUNT(*) FROM trim.test_result")
      [[ $recorded -eq $listed ]] || fail "the server holds $recorded results, not $listed"
      server+=("$t_wall")
      timed "$work/plan-server" plan --db "$url"
      plan_server+=("$t_wall")
    fi
  done
done
sqlite_m=$(median "${sqlite[@]}") server_m=$(median "${server[@]}")
plan_sqlite_m=$(median "${plan_sqlite[@]}") plan_server_m=$(median "${plan_server[@]}")

echo "== selection at $selection_tests tests from each backend (trim-bench-selection)"
psql_admin "DROP SCHEMA IF EXISTS trim CASCADE"
"$selection_bench" --tests "$selection_tests" --repeat "$((repeats * 2 + 1))" --only block --server "$url" \
  >"$work/selection.out" 2>&1 || { cat "$work/selection.out" >&2; fail "trim-bench-selection failed"; }

echo
echo "recording run into each store, $listed tests, seconds, medians of $repeats rounds (-j 2)"
printf '  %-52s %8s\n' "SQLite: trim run, database file removed" "$sqlite_m"
printf '  %-52s %8s\n' "PostgreSQL: trim run --db URL, schema dropped" "$server_m"
printf '  %-52s %8s\n' "trim plan, no change, from SQLite" "$plan_sqlite_m"
printf '  %-52s %8s\n' "trim plan, no change, from PostgreSQL" "$plan_server_m"
echo
echo "selection at $selection_tests tests (synthetic store, block grain), milliseconds:"
grep -E "load|setup|PostgreSQL / SQLite|database:|server:" "$work/selection.out" | sed 's/^/  /'
echo
echo "  target (medians)                                         value    limit  verdict"
r=$(ratio "$server_m" "$sqlite_m")
printf '  %-54s %6sx %7sx  %s\n' "recording into PostgreSQL / into SQLite ($listed tests)" "$r" 1.30 "$(verdict "$r" 1.3)"
printf '  %-54s %6sx %8s  %s\n' "trim plan from PostgreSQL / from SQLite" "$(ratio "$plan_server_m" "$plan_sqlite_m")" "-" "(reported)"
echo "load average at each round's start: ${loads[*]}; after: $(cut -d' ' -f1-3 /proc/loadavg)"
