# The benchmark tools for the scripts that measure a trim built elsewhere
# (incremental, floor-gap, suite-size, recording, lsp, history): sourced, never run.
#
#   bench_tools ROOT SCRIPT BUILD
#
# makes trim-bench-stats and trim-bench-generate (Benchmarks/Stats and
# Benchmarks/Generate) available from ROOT/.build-bench/release: builds them
# there in release mode when BUILD is 1, or when they are missing (with
# --no-build too: they are small and the scripts cannot do without them).
# Then `stats ...` runs trim-bench-stats and `generate ...` trim-bench-generate.
# SCRIPT names the benchmark in messages.

bench_tools() {
  local root=$1 script=$2 build=$3 product log
  bench_bin="$root/.build-bench/release"
  for product in trim-bench-stats trim-bench-generate; do
    [[ $build -eq 1 || ! -x $bench_bin/$product ]] || continue
    log="$(mktemp "${TMPDIR:-/tmp}/$script-build.XXXXXX")"
    (cd "$root" && swift build -c release --scratch-path "$root/.build-bench" --product "$product") >"$log" 2>&1 || {
      tail -n 40 "$log" >&2
      echo "$script: release build of $product failed (log: $log)" >&2
      exit 2
    }
    rm -f "$log"
  done
}

stats() { "$bench_bin/trim-bench-stats" "$@"; }
generate() { "$bench_bin/trim-bench-generate" "$@"; }

# The workspaces the loop benchmarks time against cargo (incremental-bench.sh,
# floor-gap.sh): per workspace, the file edited, its original line and five
# spellings of that line that keep every test passing (another each round,
# so no round finds the changed bytes cached).
declare -A bench_file bench_original bench_variants
bench_file[ledger]="src/balance.rs"; bench_original[ledger]='if account.balance < amount {'
bench_variants[ledger]='if amount > account.balance {|if !(account.balance >= amount) {|if account.balance.lt(&amount) {|if amount.gt(&account.balance) {|if !(amount <= account.balance) {'
bench_file[shop]="src/inventory.rs"; bench_original[shop]='if requested > available {'
bench_variants[shop]='if available < requested {|if !(requested <= available) {|if requested.gt(&available) {|if available.lt(&requested) {|if !(available >= requested) {'
bench_file[calc]="src/eval.rs"; bench_original[calc]='if self.depth >= MAX_DEPTH {'
bench_variants[calc]='if MAX_DEPTH <= self.depth {|if !(self.depth < MAX_DEPTH) {|if self.depth.ge(&MAX_DEPTH) {|if MAX_DEPTH.le(&self.depth) {|if !(MAX_DEPTH > self.depth) {'
bench_file[slow]="p0/src/lib.rs"; bench_original[slow]='    if x < 10 {'
bench_variants[slow]='    if 10 > x {|    if !(x >= 10) {|    if x.lt(&10) {|    if 10u64.gt(&x) {|    if !(10 <= x) {'
bench_file[gen3000]="src/m0.rs"; bench_original[gen3000]='    if x < 12 {'
bench_variants[gen3000]='    if 12 > x {|    if !(x >= 12) {|    if x.lt(&12) {|    if 12u64.gt(&x) {|    if !(12 <= x) {'

# bench_variant NAME K: the spelling round K (from 0) puts in place of the original line.
bench_variant() { local IFS='|'; local all=(${bench_variants[$1]}); echo "${all[$(( $2 % ${#all[@]} ))]}"; }

# bench_workspace ROOT NAME WORK: WORK/NAME made: an example copied without
# its target directory, or gen3000 and slow generated (trim-bench-generate).
bench_workspace() {
  case $2 in
    gen3000) generate many-tests-crate --modules 30 "$3/gen3000" ;;
    slow) generate slow-suite --packages 5 --tests 12 --millis 400 "$3/slow" ;;
    *) cp -r "$1/Examples/$2" "$3/$2"; rm -rf "$3/$2/target" ;;
  esac
}

# floor_shim WORK: the `cargo` trim is given (CARGO=$shim) to note the
# environment and arguments of its `cargo test --no-run` in $FLOOR_RECORD.env
# and .args, so that the floor can replay that build alone. Sets `shim` and
# `real_cargo`.
floor_shim() {
  real_cargo="$(command -v cargo)"
  shim="$1/cargo-shim"
  printf '%s\n' '#!/usr/bin/env bash' \
    'if [[ ${1:-} == test && ${2:-} == --no-run && -n ${FLOOR_RECORD:-} ]]; then' \
    '  env -0 >"$FLOOR_RECORD.env"; printf "%s\0" "$@" >"$FLOOR_RECORD.args"' \
    'fi' \
    "exec \"$real_cargo\" \"\$@\"" >"$shim"
  chmod +x "$shim"
}

# floor_build DIR TARGET RECORD: trim's own `cargo test --no-run`, replayed
# in DIR from what the shim noted in RECORD, into the target dir TARGET.
floor_build() {
  local dir=$1 target=$2 vars=() args=() v
  while IFS= read -r -d '' v; do [[ $v == FLOOR_RECORD=* ]] || vars+=("$v"); done <"$3.env"
  while IFS= read -r -d '' v; do args+=("$v"); done <"$3.args"
  (cd "$dir" && env -i "${vars[@]}" CARGO_TARGET_DIR="$target" "$real_cargo" "${args[@]}")
}

# bench_side_options SCRIPT COUNT DEFAULT_ONLY ARGS...: the options of the
# scripts that time one build of trim under perf (after-cargo.sh,
# floor-gap.sh): `--COUNT N` (sets `count`, default 8), `--only NAME` (sets
# `only`, default DEFAULT_ONLY), `-h`, and the build's directory (sets
# `side`, made absolute once checked to hold trim, trim-ir-worker and
# trim-rustc-wrapper, with perf installed). Usage mistakes exit 64, a
# missing tool 2; --help prints the calling script's header.
bench_side_options() {
  local script=$1 option=$2 tool
  only=$3 count=8 side=""
  shift 3
  while [[ $# -gt 0 ]]; do
    case "$1" in
      "--$option") count="$2"; shift 2 ;;
      --only) only="$2"; shift 2 ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
      -*) echo "$script: unknown option $1" >&2; exit 64 ;;
      *) side="$1"; shift ;;
    esac
  done
  [[ -n $side ]] || { echo "$script: expected a build directory (DIR)" >&2; exit 64; }
  [[ $count -ge 1 ]] || { echo "$script: --$option must be >= 1" >&2; exit 64; }
  for tool in trim trim-ir-worker trim-rustc-wrapper; do
    [[ -x $side/$tool ]] || { echo "$script: no $tool in $side" >&2; exit 2; }
  done
  command -v perf >/dev/null || { echo "$script: perf is not installed" >&2; exit 2; }
  side="$(cd "$side" && pwd)"
}

# The one-line edit each example takes in the paired loop benchmarks
# (paired-bench.sh, after-cargo.sh): the file, and the line that becomes the
# same code with another constant each time.
declare -A example_file=([ledger]="src/balance.rs" [shop]="src/inventory.rs" [calc]="src/eval.rs")
declare -A example_line=([ledger]='if account.balance < amount {' [shop]='if requested > available {'
                         [calc]='if self.depth >= MAX_DEPTH {')

# bench_example ROOT NAME WORK: Examples/NAME copied to WORK/NAME without its
# target directory, in an environment without the user's cargo and trim
# settings; sets `dir`, `source_file` and `line` (the line the edits change).
bench_example() {
  unset CARGO_TARGET_DIR TRIM_DB RUSTFLAGS CARGO_BUILD_TARGET_DIR || true
  export NO_COLOR=1 CARGO_TERM_COLOR=never
  dir="$3/$2"
  cp -r "$1/Examples/$2" "$dir"
  rm -rf "$dir/target"
  source_file="$dir/${example_file[$2]}"
  line="${example_line[$2]}"
}
