# The benchmark tools for the scripts that measure a trim built elsewhere
# (incremental, suite-size, recording, lsp, history): sourced, never run.
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
