#!/usr/bin/env bash
# trim run benchmark: what `trim run` costs against plain cargo, in one run.
#
#   Benchmarks/trim-run-bench.sh [--repeat R] [--modules N] [--flags] [--keep] [--no-build]
#
# Builds trim and the benchmark tools in release mode into .build-bench,
# generates a workspace in a temporary directory with trim-bench-generate
# (library `shop`: N modules, default 8, of about 510 lines and 36 unit tests
# each, plus 8 integration tests in two files; no dependencies: 296 tests by
# default), copies the bundled Examples/ledger next to it, and measures in R
# interleaved rounds (default 5), reporting median, min and max
# (trim-bench-stats):
#
#   build       from clean target dirs: plain `cargo test --no-run --workspace`
#               (its own CARGO_TARGET_DIR) against `trim list` (the first
#               build phase of trim: cargo with coverage + bitcode into
#               target/trim, fingerprinting every module, listing the tests);
#               cargo's own "Finished ... in" figure inside each is reported too.
#   recording   on the built tree: `trim run --all` (every test in its own
#               process, instrumented, coverage mapped and stored). The test
#               phase is trim's own "Summary [..s]" (first test started to last
#               result stored); cross-check: `trim run --all` minus a no-op
#               `trim list`. Baseline: the plain build's test executables run
#               one process per test (`EXE --exact NAME --nocapture`), 2 at a
#               time (xargs -P 2 starting EXE itself), the parallelism trim is
#               given (-j 2); and, for scale, each executable run once as
#               cargo test would (libtest's threads, --test-threads 2). These
#               two baselines are timed by hyperfine, once each per round.
#               Input tracing: the same `trim run --all` with
#               TRIM_INPUT_TRACING=off (no tracing) and =strace (strace for
#               every test), rotating order; the test phases compared.
#   memory      peak RSS: /usr/bin/time -v (largest of trim and every process
#               it waited for, so rustc during a build) and trim's own VmHWM
#               (sampled from /proc every 50 ms).
#   incremental after a recorded `trim run --all`, a one-line change in one
#               function (generated: `while b != 0` -> `while b > 0` in gcd of
#               one module; ledger: `account.balance < amount` ->
#               `amount > account.balance` in balance::apply; another
#               equivalent spelling each round, so the tests keep passing and
#               no round finds the changed bytes cached): `trim run` (rebuild, fingerprint, select, run the
#               affected tests) against `cargo test --workspace` of the whole
#               suite in its own warmed target dir, same change. Each round
#               applies the change, times both (order alternates), reverts it
#               and re-warms both untimed. On `shop` and on Examples/ledger.
#
# Targets: build <= 1.5x plain; recording (test phase) <= 1.3x the
# uninstrumented per-test run; input tracing <= 1.1x the same run untraced; incremental `trim run` <= 1.0x `cargo test
# --workspace` (the issue names no figure: trim should not cost more than
# running everything). Memory is reported, not judged.
# --flags also times the incremental rebuild of `shop` after the same change
# with plain `cargo test --no-run` under each part of trim's RUSTFLAGS (read
# from cargo's fingerprint of trim's build): none, -C codegen-units=1,
# --emit=llvm-bc,link, + -C debuginfo=line-tables-only, the SanitizerCoverage
# flags alone, all of trim's flags (about 2 more minutes).
# --keep keeps the temporary directory. --no-build uses the binaries already
# in .build-bench. Exit status 0 even when a target is missed (the table says
# MISS); non-zero only when something could not be built or run.
set -euo pipefail

repeats=5
modules=8
keep=0
flags=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeat) repeats="$2"; shift 2 ;;
    --modules) modules="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --flags) flags=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "trim-run-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done
[[ $modules -ge 6 && $modules -le 12 ]] || { echo "trim-run-bench: --modules must be 6..12 (>= 200 tests)" >&2; exit 64; }
[[ $repeats -ge 1 ]] || { echo "trim-run-bench: --repeat must be >= 1" >&2; exit 64; }

root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/.build-bench"
bin="$scratch/release"
jobs=2
products="trim trim-ir-worker trim-rustc-wrapper trim-bench-generate trim-bench-stats"

for tool in cargo rustc swift xargs; do
  command -v "$tool" >/dev/null || { echo "trim-run-bench: $tool not found" >&2; exit 2; }
done
if ! command -v hyperfine >/dev/null; then
  echo "== hyperfine missing: installing it (apt-get install hyperfine)"
  sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_=sudo
  $sudo_ apt-get install -y hyperfine >/dev/null || { echo "trim-run-bench: could not install hyperfine" >&2; exit 2; }
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "== /usr/bin/time missing: installing GNU time (apt-get install time)"
  sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_=sudo
  $sudo_ apt-get install -y time >/dev/null || { echo "trim-run-bench: could not install time" >&2; exit 2; }
fi

if [[ $build -eq 1 ]]; then
  echo "== building trim, trim-ir-worker, trim-rustc-wrapper and the benchmark tools (release, $scratch)"
  build_log="$(mktemp "${TMPDIR:-/tmp}/trim-run-bench-build.XXXXXX")"
  for product in $products; do
    (cd "$root" && swift build -c release --scratch-path "$scratch" --product "$product") >"$build_log" 2>&1 || {
      tail -n 40 "$build_log" >&2
      echo "trim-run-bench: release build of $product failed (log: $build_log)" >&2
      exit 2
    }
  done
  rm -f "$build_log"
fi
for b in $products; do
  [[ -x "$bin/$b" ]] || { echo "trim-run-bench: $bin/$b missing" >&2; exit 2; }
done
trim="$bin/trim"

work="$(mktemp -d "${TMPDIR:-/tmp}/trim-run-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi
# trim and cargo must pick their own target dirs from the workspace.
unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR || true
export NO_COLOR=1 CARGO_TERM_COLOR=never

# ------------------------------------------------------- the workspace ----

# The library `shop` (Benchmarks/Generate, templates in
# Benchmarks/Generate/Templates): N modules (money, stock, text, expr, ...),
# one source file each, same shape, different constants: prices and stock,
# arithmetic, a tiny expression language, text codecs and statistics; 37 unit
# tests each whose expected values the generator computes; two integration
# test files. The line `while b != 0 {` of gcd in module $2 carries a
# BENCH-MUTATE marker (the one-line change).
gen_workspace() { # $1 = dir, $2 = modules, $3 = the mutated module's index
  "$bin/trim-bench-generate" shop-workspace --modules "$2" --mutate "$3" "$1"
}

# ---------------------------------------------------------------- timing ----

now() { date +%s.%N; }
stats() { "$bin/trim-bench-stats" "$@"; }
secs() { stats difference "$2" "$1"; }
# "median min max" of a space-separated list
of() { stats summary <<<"$1"; }
med() { cut -d' ' -f1 <<<"$1"; }
low() { cut -d' ' -f2 <<<"$1"; }
high() { cut -d' ' -f3 <<<"$1"; }
ratio() { stats ratio "$@"; }
verdict() { stats verdict "$@"; }
mib() { stats mib "$@"; }
sub() { stats difference "$1" "$2" "${3:-0}"; }
# "6" when every round ran the same number of tests, else "4-6"
span() { local lo hi; lo=$(printf %.0f "$(low "$1")"); hi=$(printf %.0f "$(high "$1")"); [[ $lo == "$hi" ]] && echo "$lo" || echo "$lo-$hi"; }
maxof() { stats max <<<"$1"; }
# 'text' quoted for a shell command line (hyperfine runs each through a shell)
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# measure NAME DIR CMD...: runs CMD in DIR under /usr/bin/time -v (stdout and
# stderr to $work/NAME.out, .err) while sampling the VmHWM of CMD's own
# process every 50 ms (bash builtins only, so the sampler costs next to
# nothing). Sets m_wall (s), m_rss (KiB, time -v: the largest of CMD and every
# process it waited for), m_hwm (KiB, CMD's own process). Fails the benchmark
# when CMD fails.
measure() {
  local name=$1 dir=$2; shift 2
  local t0 t1 tpid child="" key value _ hwm=0 status
  t0=$(now)
  (cd "$dir" && exec /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err") &
  tpid=$!
  while kill -0 "$tpid" 2>/dev/null; do
    if [[ -z $child ]]; then
      # (no trailing newline there: read "fails" but sets child)
      { read -r child _ </proc/$tpid/task/$tpid/children || true; } 2>/dev/null
    fi
    if [[ -n $child ]]; then
      { while read -r key value _; do
          if [[ $key == VmHWM: ]]; then (( value > hwm )) && hwm=$value; break; fi
        done </proc/$child/status; } 2>/dev/null || true
    fi
    sleep 0.05
  done
  set +e; wait "$tpid"; status=$?; set -e
  t1=$(now)
  if [[ $status -ne 0 ]]; then
    echo "trim-run-bench: '$*' (in $dir) failed with status $status:" >&2
    tail -n 30 "$work/$name.err" "$work/$name.out" >&2
    exit 2
  fi
  m_wall=$(secs "$t0" "$t1")
  m_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
  m_hwm=$hwm
}
# cargo's own "Finished ... in 3.69s" (or "in 1m 05s") in a log, in seconds
cargo_finished() { stats cargo-seconds <"$1"; }
# trim's summary line: "Summary [  0.860s] 296 tests run: ..." -> "0.860 296"
trim_summary() {
  grep -o 'Summary \[ *[0-9.]*s\] [0-9]* tests\{0,1\} run' "$1" | tail -n 1 \
    | sed 's/Summary \[ *\([0-9.]*\)s\] \([0-9]*\) .*/\1 \2/'
}
quiet() { "$@" >"$work/quiet.log" 2>&1 || { tail -n 30 "$work/quiet.log" >&2; echo "trim-run-bench: '$*' failed" >&2; exit 2; }; }
in_dir() { local d=$1; shift; (cd "$d" && "$@"); }

# ------------------------------------------------------------ the inputs ----

mutate_module=3
shop="$work/shop"
ledger="$work/ledger"
gen_workspace "$shop" "$modules" "$mutate_module"
mutated_file=$(grep -l 'BENCH-MUTATE' "$shop"/src/*.rs)
cp -r "$root/Examples/ledger" "$ledger"
rm -rf "$ledger/target"
lines=$(cat "$shop"/src/*.rs "$shop"/tests/*.rs | wc -l)

# The one-line change of round k: the same behaviour written another way, so
# the tests keep passing, and different bytes every round, so no round finds
# the changed module's fingerprint cached from an earlier one (as a real edit
# would not). Beyond 5 rounds the variants repeat (and are then cached).
shop_variants=('while b > 0 {' 'while 0 < b {' 'while b >= 1 {' 'while 0 != b {' 'while !(b == 0) {')
ledger_variants=('if amount > account.balance {' 'if !(account.balance >= amount) {' 'if account.balance.lt(&amount) {'
  'if amount.gt(&account.balance) {' 'if !(amount <= account.balance) {')
# edit FILE FROM TO: replaces the first occurrence of FROM, which must exist
edit() { "$bin/trim-bench-generate" replace "$@" || exit 2; }
shop_change() { edit "$mutated_file" 'while b != 0 {' "${shop_variants[$(( $1 % 5 ))]}"; }
shop_revert() { edit "$mutated_file" "${shop_variants[$(( $1 % 5 ))]}" 'while b != 0 {'; }
ledger_change() { edit "$ledger/src/balance.rs" 'if account.balance < amount {' "${ledger_variants[$(( $1 % 5 ))]}"; }
ledger_revert() { edit "$ledger/src/balance.rs" "${ledger_variants[$(( $1 % 5 ))]}" 'if account.balance < amount {'; }

echo "machine: $(nproc) cores; $(rustc --version); $(cargo --version); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input 'shop': $modules modules, $lines lines of Rust, in $shop"

# Untimed: the generated crate builds and its tests pass (and the page cache
# holds rustc and std before the first timed build).
echo "== warm-up: cargo test --workspace on shop (untimed)"
quiet in_dir "$shop" env CARGO_TARGET_DIR="$work/plain-target" cargo test --workspace

# ----------------------------------------------------------- build phase ----

echo "== build: $repeats rounds of clean plain build and clean trim list (order alternates)"
b_plain="" b_plain_cargo="" b_trim="" b_trim_cargo="" b_trim_rest="" b_trim_rss="" b_trim_hwm="" listed=""
for ((k = 0; k < repeats; k++)); do
  for side in $( ((k % 2 == 0)) && echo "plain trim" || echo "trim plain"); do
    if [[ $side == plain ]]; then
      rm -rf "$work/plain-target"
      measure a-plain "$shop" env CARGO_TARGET_DIR="$work/plain-target" cargo test --no-run --workspace
      b_plain+="$m_wall "; b_plain_cargo+="$(cargo_finished "$work/a-plain.err") "
    else
      rm -rf "$shop/target"
      measure a-trim "$shop" "$trim" list --workspace -j "$jobs"
      b_trim+="$m_wall "; b_trim_cargo+="$(cargo_finished "$work/a-trim.err") "
      b_trim_rest+="$(sub "$m_wall" "$(cargo_finished "$work/a-trim.err")") "
      b_trim_rss+="$m_rss "; b_trim_hwm+="$m_hwm "
      listed=$(grep -vc '(ignored)' "$work/a-trim.out")
    fi
  done
done
echo "   trim lists $listed tests"
[[ $listed -ge 200 ]] || { echo "trim-run-bench: only $listed tests listed (expected >= 200)" >&2; exit 2; }

# -------------------------------------------------------- recording run ----

# Per plain test executable, a file of its tests, one line each:
# "--exact NAME --nocapture" (xargs then starts EXE itself, no shell between).
: >"$work/plain-exes.txt"
in_dir "$shop" env CARGO_TARGET_DIR="$work/plain-target" cargo test --no-run --workspace --message-format=json 2>/dev/null \
  | grep -o '"executable":"[^"]*"' | sed 's/"executable":"\(.*\)"/\1/' >"$work/plain-exes.txt"
plain_count=0
while read -r exe; do
  (cd "$shop" && "$exe" --list --format terse) | sed -n 's/: test$//p' \
    | sed 's/^/--exact /; s/$/ --nocapture/' >"$work/tests-of-$(basename "$exe").txt"
  plain_count=$(( plain_count + $(wc -l <"$work/tests-of-$(basename "$exe").txt") ))
done <"$work/plain-exes.txt"
[[ $plain_count -eq $listed ]] || { echo "trim-run-bench: plain build lists $plain_count tests, trim $listed" >&2; exit 2; }
# Binary after binary (as trim's queue is not: it spans binaries, which can only help it).
run_per_test() {
  while read -r exe; do
    xargs -P "$jobs" -L 1 -a "$work/tests-of-$(basename "$exe").txt" "$exe" >/dev/null || return 1
  done <"$work/plain-exes.txt"
}
run_plain_binaries() { while read -r exe; do "$exe" --test-threads "$jobs" >/dev/null; done <"$work/plain-exes.txt"; }

echo "== recording: $repeats rounds of trim list (no-op), trim run --all, the plain per-test loop, the plain binaries"
r_list="" r_run="" r_rest="" r_phase="" r_phase_off="" r_phase_strace="" r_rss="" r_hwm="" ran=""
for ((k = 0; k < repeats; k++)); do
  measure b-list "$shop" "$trim" list --workspace -j "$jobs"
  r_list+="$m_wall "
  # Input tracing as trim chooses it (preload), off, and strace for every test, in rotating order.
  tracings=(auto off strace)
  for ((t = 0; t < 3; t++)); do
    tracing=${tracings[$(( (t + k) % 3 ))]}
    measure "b-run-$tracing" "$shop" env TRIM_INPUT_TRACING="$tracing" "$trim" run --workspace --all -j "$jobs" --no-progress
    read -r phase ran <<<"$(trim_summary "$work/b-run-$tracing.out")"
    [[ $ran -eq $listed ]] || { echo "trim-run-bench: trim run --all ran $ran of $listed tests" >&2; exit 2; }
    case $tracing in
      auto)
        r_run+="$m_wall "; r_rss+="$m_rss "; r_hwm+="$m_hwm "
        r_phase+="$phase "
        r_rest+="$(sub "$m_wall" "$phase" "$(cargo_finished "$work/b-run-auto.err")") " ;;
      off) r_phase_off+="$phase " ;;
      strace) r_phase_strace+="$phase " ;;
    esac
  done
  # The plain baselines need no memory figure and no output: hyperfine times
  # each once per round (through bash, which it starts and subtracts; the
  # loops are bash functions) and fails if a test fails.
  hyperfine --runs 1 --style none --shell bash --export-json "$work/plain-round-$k.json" \
    -n per-test "cd $(sh_quote "$shop") && $(declare -f run_per_test); work=$(sh_quote "$work") jobs=$jobs run_per_test" \
    -n libtest "cd $(sh_quote "$shop") && $(declare -f run_plain_binaries); work=$(sh_quote "$work") jobs=$jobs run_plain_binaries" \
    >"$work/hyperfine.log" 2>&1 || { tail -n 30 "$work/hyperfine.log" >&2; echo "trim-run-bench: a plain baseline failed" >&2; exit 2; }
done

# ------------------------------------------------------ incremental run ----

# incremental LABEL DIR CHANGE REVERT: sets i_trim i_cargo i_trim_cargo
# i_trim_phase i_cargo_build i_ran i_total i_rss i_hwm (lists over rounds).
incremental() {
  local label=$1 dir=$2 change=$3 revert=$4 target="$work/$1-cargo-target" k side phase
  echo "== incremental '$label': record (trim run --all), warm cargo test --workspace (untimed)"
  quiet in_dir "$dir" "$trim" run --workspace --all -j "$jobs" --no-progress
  quiet in_dir "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
  i_total=$(in_dir "$dir" "$trim" list --workspace -j "$jobs" 2>/dev/null | grep -vc '(ignored)')
  echo "   $repeats rounds: change, time trim run and cargo test --workspace (order alternates), revert, re-warm both"
  i_trim="" i_cargo="" i_trim_cargo="" i_trim_phase="" i_trim_rest="" i_cargo_build="" i_ran="" i_rss="" i_hwm=""
  for ((k = 0; k < repeats; k++)); do
    "$change" "$k"
    for side in $( ((k % 2 == 0)) && echo "trim cargo" || echo "cargo trim"); do
      if [[ $side == trim ]]; then
        measure "c-$label-trim" "$dir" "$trim" run --workspace -j "$jobs" --no-progress
        i_trim+="$m_wall "; i_rss+="$m_rss "; i_hwm+="$m_hwm "
        i_trim_cargo+="$(cargo_finished "$work/c-$label-trim.err") "
        read -r phase ran <<<"$(trim_summary "$work/c-$label-trim.out")"
        i_trim_phase+="$phase "; i_ran+="$ran "
        i_trim_rest+="$(sub "$m_wall" "$phase" "$(cargo_finished "$work/c-$label-trim.err")") "
      else
        measure "c-$label-cargo" "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace
        i_cargo+="$m_wall "; i_cargo_build+="$(cargo_finished "$work/c-$label-cargo.err") "
      fi
    done
    "$revert" "$k"
    quiet in_dir "$dir" "$trim" run --workspace -j "$jobs" --no-progress
    quiet in_dir "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace --no-run
  done
  # What cargo test spends on rustdoc's doctest pass (no doctests in either workspace).
  measure "c-$label-doc" "$dir" env CARGO_TARGET_DIR="$target" cargo test --workspace --doc
  i_doc=$m_wall
}
incremental shop "$shop" shop_change shop_revert
s_trim=$(of "$i_trim") s_cargo=$(of "$i_cargo") s_trim_cargo=$(of "$i_trim_cargo") s_trim_phase=$(of "$i_trim_phase") s_trim_rest=$(of "$i_trim_rest")
s_cargo_build=$(of "$i_cargo_build") s_ran=$(of "$i_ran") s_total=$i_total s_rss=$i_rss s_hwm=$i_hwm s_doc=$i_doc
incremental ledger "$ledger" ledger_change ledger_revert
l_trim=$(of "$i_trim") l_cargo=$(of "$i_cargo") l_trim_cargo=$(of "$i_trim_cargo") l_trim_phase=$(of "$i_trim_phase") l_trim_rest=$(of "$i_trim_rest")
l_cargo_build=$(of "$i_cargo_build") l_ran=$(of "$i_ran") l_total=$i_total l_rss=$i_rss l_hwm=$i_hwm l_doc=$i_doc

# ------------------------------------------ optional: which flag costs what ----

# Each set in its own target dir: warm build, then per round the change,
# a timed `cargo test --no-run`, the revert and an untimed rebuild.
f_names=() f_stats=()
if [[ $flags -eq 1 ]]; then
  trimflags=$(grep -ho '"rustflags":\[[^]]*\]' "$shop"/target/trim/debug/.fingerprint/shop-*/lib-shop.json | head -n 1 \
    | sed 's/"rustflags":\[//; s/\]$//; s/","/ /g; s/"//g')
  [[ $trimflags == *sancov* ]] || { echo "trim-run-bench: could not read trim's RUSTFLAGS from cargo's fingerprint" >&2; exit 2; }
  sanflags=$(sed 's/--emit=llvm-bc,link//; s/-C debuginfo=line-tables-only//' <<<"$trimflags")
  f_names=("plain (no RUSTFLAGS)" "-C codegen-units=1" "--emit=llvm-bc,link" "  + -C debuginfo=line-tables-only"
    "SanitizerCoverage flags only" "all of trim's flags")
  f_flags=("" "-C codegen-units=1" "--emit=llvm-bc,link" "--emit=llvm-bc,link -C debuginfo=line-tables-only"
    "$sanflags" "$trimflags")
  echo "== flags: incremental cargo test --no-run of shop under each part of trim's RUSTFLAGS, $repeats rounds each"
  for i in "${!f_names[@]}"; do
    times=""
    quiet in_dir "$shop" env RUSTFLAGS="${f_flags[$i]}" CARGO_TARGET_DIR="$work/flags-target-$i" cargo test --no-run --workspace
    for ((k = 0; k < repeats; k++)); do
      shop_change "$k"
      measure "f-$i" "$shop" env RUSTFLAGS="${f_flags[$i]}" CARGO_TARGET_DIR="$work/flags-target-$i" cargo test --no-run --workspace
      times+="$m_wall "
      shop_revert "$k"
      quiet in_dir "$shop" env RUSTFLAGS="${f_flags[$i]}" CARGO_TARGET_DIR="$work/flags-target-$i" cargo test --no-run --workspace
    done
    f_stats+=("$(of "$times")")
  done
fi
echo "   done (load after: $(cut -d' ' -f1-3 /proc/loadavg))"

# ----------------------------------------------------------------- report ----

S_plain=$(of "$b_plain") S_plain_cargo=$(of "$b_plain_cargo") S_trim=$(of "$b_trim") S_trim_cargo=$(of "$b_trim_cargo") S_trim_rest=$(of "$b_trim_rest")
S_phase_off=$(of "$r_phase_off") S_phase_strace=$(of "$r_phase_strace")
# "median min max" of a plain baseline over the rounds' hyperfine exports
plain() { stats hyperfine "$1" "$work"/plain-round-*.json | cut -d' ' -f1-3; }
S_list=$(of "$r_list") S_run=$(of "$r_run") S_phase=$(of "$r_phase") S_rest=$(of "$r_rest") S_base=$(plain per-test) S_libtest=$(plain libtest)
S_runminus=$(stats difference "$(med "$S_run")" "$(med "$S_list")")

echo
printf '  %-52s %8s %8s %8s\n' "seconds (over $repeats rounds)" "median" "min" "max"
row() { printf '  %-52s %8.3f %8.3f %8.3f\n' "$1" $2; }
echo "  build, from clean target dirs (shop, $listed tests)"
row "plain cargo test --no-run --workspace" "$S_plain"
row "  of which cargo's own 'Finished in'" "$S_plain_cargo"
row "trim list (instrumented+bitcode build, fingerprint, list)" "$S_trim"
row "  of which cargo's own 'Finished in'" "$S_trim_cargo"
row "  the rest: trim itself, cargo start-up" "$S_trim_rest"
echo "  recording run, built tree (shop, $listed tests, -j $jobs)"
row "trim list, nothing to build" "$S_list"
row "trim run --all" "$S_run"
row "  of which the test phase (trim's Summary)" "$S_phase"
row "  the rest: trim itself, cargo start-up" "$S_rest"
row "  test phase, input tracing off" "$S_phase_off"
row "  test phase, input tracing by strace" "$S_phase_strace"
row "plain executables, one process per test, xargs -P $jobs" "$S_base"
row "plain executables, libtest in-process (--test-threads $jobs)" "$S_libtest"
echo "  incremental, one-line change (shop: $(span "$s_ran") of $s_total tests affected)"
row "trim run" "$s_trim"
row "  of which cargo's own 'Finished in'" "$s_trim_cargo"
row "  of which the test phase (trim's Summary)" "$s_trim_phase"
row "  the rest: trim itself, cargo start-up" "$s_trim_rest"
row "cargo test --workspace" "$s_cargo"
row "  of which cargo's own 'Finished in' (build)" "$s_cargo_build"
printf '  %-52s %8.3f\n' "  (cargo test --workspace --doc alone, once)" "$s_doc"
echo "  incremental, one-line change (Examples/ledger: $(span "$l_ran") of $l_total tests affected)"
row "trim run" "$l_trim"
row "  of which cargo's own 'Finished in'" "$l_trim_cargo"
row "  of which the test phase (trim's Summary)" "$l_trim_phase"
row "  the rest: trim itself, cargo start-up" "$l_trim_rest"
row "cargo test --workspace" "$l_cargo"
row "  of which cargo's own 'Finished in' (build)" "$l_cargo_build"
printf '  %-52s %8.3f\n' "  (cargo test --workspace --doc alone, once)" "$l_doc"

if [[ $flags -eq 1 ]]; then
  echo "  incremental cargo test --no-run of shop after the change, by RUSTFLAGS"
  for i in "${!f_names[@]}"; do row "${f_names[$i]}" "${f_stats[$i]}"; done
fi

echo
echo "  peak memory (MiB, largest over rounds)          time -v (trim + children)   trim's own VmHWM"
printf '  %-52s %10s %18s\n' "trim list, clean build" "$(mib "$(maxof "$b_trim_rss")")" "$(mib "$(maxof "$b_trim_hwm")")"
printf '  %-52s %10s %18s\n' "trim run --all, $listed tests" "$(mib "$(maxof "$r_rss")")" "$(mib "$(maxof "$r_hwm")")"
printf '  %-52s %10s %18s\n' "trim run after the change (shop)" "$(mib "$(maxof "$s_rss")")" "$(mib "$(maxof "$s_hwm")")"
printf '  %-52s %10s %18s\n' "trim run after the change (ledger)" "$(mib "$(maxof "$l_rss")")" "$(mib "$(maxof "$l_hwm")")"

r_build=$(ratio "$(med "$S_trim")" "$(med "$S_plain")")
r_build_min=$(ratio "$(low "$S_trim")" "$(low "$S_plain")")
r_build_cargo=$(ratio "$(med "$S_trim_cargo")" "$(med "$S_plain_cargo")")
r_rec=$(ratio "$(med "$S_phase")" "$(med "$S_base")")
r_rec_min=$(ratio "$(low "$S_phase")" "$(low "$S_base")")
r_rec_minus=$(ratio "$S_runminus" "$(med "$S_base")")
r_trace=$(ratio "$(med "$S_phase")" "$(med "$S_phase_off")")
r_trace_min=$(ratio "$(low "$S_phase")" "$(low "$S_phase_off")")
r_strace=$(ratio "$(med "$S_phase_strace")" "$(med "$S_phase_off")")
r_strace_min=$(ratio "$(low "$S_phase_strace")" "$(low "$S_phase_off")")
r_shop=$(ratio "$(med "$s_trim")" "$(med "$s_cargo")")
r_shop_min=$(ratio "$(low "$s_trim")" "$(low "$s_cargo")")
r_ledger=$(ratio "$(med "$l_trim")" "$(med "$l_cargo")")
r_ledger_min=$(ratio "$(low "$l_trim")" "$(low "$l_cargo")")
echo
printf '  %-52s %8s %8s %8s  %s\n' "target (from medians; min-based)" "value" "min" "limit" "verdict"
printf '  %-52s %7sx %7sx %7sx  %s\n' "build: trim list / plain --no-run" "$r_build" "$r_build_min" "1.5" "$(verdict "$r_build" 1.5)"
printf '  %-52s %7sx %8s %7sx  %s\n' "  (cargo's part only: instrumented / plain)" "$r_build_cargo" "" "1.5" "$(verdict "$r_build_cargo" 1.5)"
printf '  %-52s %7sx %7sx %7sx  %s\n' "recording: test phase / plain per-test" "$r_rec" "$r_rec_min" "1.3" "$(verdict "$r_rec" 1.3)"
printf '  %-52s %7sx %8s %7sx  %s\n' "  (run --all minus no-op list) / plain per-test" "$r_rec_minus" "" "1.3" "$(verdict "$r_rec_minus" 1.3)"
printf '  %-52s %7sx %7sx %7sx  %s\n' "input tracing: test phase traced / untraced" "$r_trace" "$r_trace_min" "1.1" "$(verdict "$r_trace" 1.1)"
printf '  %-52s %7sx %7sx %8s\n' "  (strace for every test / untraced)" "$r_strace" "$r_strace_min" ""
printf '  %-52s %7sx %7sx %7sx  %s\n' "incremental shop: trim run / cargo test" "$r_shop" "$r_shop_min" "1.0" "$(verdict "$r_shop" 1.0)"
printf '  %-52s %7sx %7sx %7sx  %s\n' "incremental ledger: trim run / cargo test" "$r_ledger" "$r_ledger_min" "1.0" "$(verdict "$r_ledger" 1.0)"
