#!/usr/bin/env bash
# blockdiff benchmark: one run, one large real input, four numbers.
#
#   Benchmarks/blockdiff-bench.sh [--modules N] [--repeat R] [--large] [--keep] [--no-build]
#
# Builds trim and the benchmark tools in release mode into .build-bench,
# generates a synthetic Rust crate with trim-bench-generate (no dependencies;
# N modules, about 335 lines each, default 40 = ~13.4k lines), compiles it
# twice from the same path (old, then a one-operator change for new) to LLVM
# bitcode, and measures in R interleaved rounds (default 3; each round times
# the parses in-process, then runs each command below once under hyperfine),
# reporting median, min and max of each (trim-bench-stats):
#
#   llvm-diff     llvm-diff-22 old.bc new.bc
#   parse old/new trim_parse_only on each file, same process (trim-bench-parse)
#                 (both files in one process, like llvm-diff; new is parsed
#                 second, on a warmed heap: also shown alone in a fresh process)
#   cold          blockdiff with an empty cache: both sides parsed, in parallel
#   warm          blockdiff with only old's fingerprint cached: new side parsed
#   same bytes    blockdiff old.bc old.bc (identical bytes short-circuit)
#   both cached   blockdiff old.bc new.bc with both fingerprints cached
#                 (reported, not a target: the diff itself runs here)
#
# and checks the targets on the medians: cold <= 0.6x llvm-diff;
# warm <= 1.1x bare parse(new); unchanged (same bytes) < 50 ms.
# --large also runs a second input four times the size. --keep keeps the
# temporary directory. --no-build uses the binaries already in .build-bench.
# Exit status 0 even when a target is missed (the table
# says MISS); non-zero only when something could not be built or run.
set -euo pipefail

modules=40
repeats=3
large=0
keep=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --modules) modules="$2"; shift 2 ;;
    --repeat) repeats="$2"; shift 2 ;;
    --large) large=1; shift ;;
    --keep) keep=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "blockdiff-bench: unknown argument $1" >&2; exit 64 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$root/.build-bench"
bin="$scratch/release"
llvm_diff="${LLVM_DIFF:-llvm-diff-22}"
tools="trim-bench-parse trim-bench-generate trim-bench-stats"

for tool in rustc "$llvm_diff" swift; do
  command -v "$tool" >/dev/null || { echo "blockdiff-bench: $tool not found" >&2; exit 2; }
done
if ! command -v hyperfine >/dev/null; then
  echo "== hyperfine missing: installing it (apt-get install hyperfine)"
  sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_=sudo
  $sudo_ apt-get install -y hyperfine >/dev/null || { echo "blockdiff-bench: could not install hyperfine" >&2; exit 2; }
fi

if [[ $build -eq 1 ]]; then
echo "== building blockdiff, trim-ir-worker and the benchmark tools (release, $scratch)"
build_log="$(mktemp "${TMPDIR:-/tmp}/blockdiff-bench-build.XXXXXX")"
# One product at a time (the rest of the package may be mid-edit). Sources can
# change between two products' builds, leaving blockdiff and its worker out of
# step, so build again until a pass compiles nothing.
for pass in 1 2 3 4; do
  compiled=0
  for product in blockdiff trim-ir-worker $tools; do
    (cd "$root" && swift build -c release --scratch-path "$scratch" --product "$product") >"$build_log" 2>&1 || {
      tail -n 40 "$build_log" >&2
      echo "blockdiff-bench: release build of $product failed (log: $build_log)" >&2
      exit 2
    }
    if grep -qE 'Compiling|Linking' "$build_log"; then compiled=1; fi
  done
  [[ $compiled -eq 0 ]] && break
  [[ $pass -eq 4 ]] && echo "blockdiff-bench: warning: sources kept changing during the build" >&2
done
rm -f "$build_log"
fi
for b in blockdiff trim-ir-worker $tools; do
  [[ -x "$bin/$b" ]] || { echo "blockdiff-bench: $bin/$b missing" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/blockdiff-bench.XXXXXX")"
if [[ $keep -eq 0 ]]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work"; fi

# ---------------------------------------------------------------- the crate --

# The crate (Benchmarks/Generate, templates in Benchmarks/Generate/Templates):
# N modules of realistic, dependency-free Rust, each with its own constants;
# module N/2 carries the line the benchmark mutates (// BENCH-MUTATE).
gen_crate() { # $1 = dir, $2 = modules
  "$bin/trim-bench-generate" blockdiff-crate --modules "$2" "$1"
}

compile() { # $1 = crate dir, $2 = output .bc  (always from the same source path)
  (cd "$1" && rustc --edition 2021 --crate-type lib --crate-name benchcrate --emit=llvm-bc \
    -C debuginfo=line-tables-only -o "$2" src/lib.rs)
}

# ---------------------------------------------------------------- timing ----

stats() { "$bin/trim-bench-stats" "$@"; }
# 'text' quoted for sh (hyperfine runs each command line through sh -c)
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
expect_stats() { # $1 = file, $2 = the --verbose line expected in it
  grep -q "$2" "$1" \
    || { echo "blockdiff-bench: expected '$2', got:" >&2; cat "$1" >&2; exit 2; }
}

# A tiny second file, used only to prime a cache with old's fingerprint alone
# (blockdiff old.bc old.bc would short-circuit on identical bytes and parse nothing).
tiny_dir="$work/tiny"
mkdir -p "$tiny_dir/src"
echo 'pub fn tiny(x: u32) -> u32 { if x > 3 { x * 2 } else { x + 1 } }' >"$tiny_dir/src/lib.rs"
compile "$tiny_dir" "$work/tiny.bc"

bench() { # $1 = label, $2 = modules
  local label=$1 n=$2 dir="$work/$1/crate" out="$work/$1"
  echo
  echo "== input '$label': generating a crate with $n modules"
  gen_crate "$dir" "$n"
  local lines
  lines=$(cat "$dir"/src/*.rs | wc -l)
  compile "$dir" "$out/old.bc"
  grep -q 'BENCH-MUTATE' "$dir"/src/*.rs || { echo "blockdiff-bench: no mutation marker" >&2; exit 2; }
  sed -i '/BENCH-MUTATE/s/total + (bias/total - (bias/' "$dir"/src/*.rs
  compile "$dir" "$out/new.bc"
  cmp -s "$out/old.bc" "$out/new.bc" && { echo "blockdiff-bench: old and new bitcode are identical" >&2; exit 2; }
  local old_size new_size
  old_size=$(stat -c %s "$out/old.bc"); new_size=$(stat -c %s "$out/new.bc")

  # Sanity: what blockdiff reports for the pair (should be one changed function).
  set +e
  "$bin/blockdiff" --cache-dir "$out/check-cache" "$out/old.bc" "$out/new.bc" >"$out/blockdiff.txt" 2>&1
  local status=$?
  set -e
  [[ $status -le 1 ]] || { cat "$out/blockdiff.txt" >&2; exit 2; }

  # A cache holding old's entry only: fingerprint tiny+old and tiny+new in two
  # scratch caches; the entry only the first has is old's.
  "$bin/blockdiff" --cache-dir "$out/prime-tiny" "$work/tiny.bc" "$out/old.bc" >/dev/null 2>&1 || true
  "$bin/blockdiff" --cache-dir "$out/prime-tinyonly" "$work/tiny.bc" "$out/new.bc" >/dev/null 2>&1 || true
  mkdir -p "$out/warm-seed/fingerprints"
  local entry
  for entry in "$out/prime-tiny/fingerprints/"*.fp; do
    [[ -e "$out/prime-tinyonly/fingerprints/$(basename "$entry")" ]] || cp "$entry" "$out/warm-seed/fingerprints/"
  done
  [[ $(ls "$out/warm-seed/fingerprints" | wc -l) -eq 1 ]] || { echo "blockdiff-bench: could not isolate old's cache entry" >&2; exit 2; }
  rm -rf "$out/prime-tiny" "$out/prime-tinyonly"

  # Rounds interleave the measurements, so a burst of load from something
  # else on the machine hits all of them alike rather than one.
  echo "   measuring: $repeats rounds, each runs every measurement once (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  local k parses
  local q_bd q_old q_new q_cold q_warm q_seed
  q_bd=$(sh_quote "$bin/blockdiff") q_old=$(sh_quote "$out/old.bc") q_new=$(sh_quote "$out/new.bc")
  q_cold=$(sh_quote "$out/cold-cache") q_warm=$(sh_quote "$out/warm-cache") q_seed=$(sh_quote "$out/warm-seed")
  rm -f "$out"/t.* "$out"/round-*.json
  for ((k = 0; k < repeats; k++)); do
    parses=$("$bin/trim-bench-parse" --repeat 1 "$out/old.bc" "$out/new.bc")
    sed -n 1p <<<"$parses" | cut -d' ' -f1 >>"$out/t.pold.wall"
    sed -n 2p <<<"$parses" | cut -d' ' -f1 >>"$out/t.pnew.wall"
    "$bin/trim-bench-parse" --repeat 1 "$out/new.bc" | cut -d' ' -f1 >>"$out/t.pfresh.wall"
    # One hyperfine call per round running each command once, so the rounds
    # still interleave. --prepare (untimed) empties or seeds the cache; each
    # command's stderr (blockdiff --verbose) goes to a file checked below.
    # blockdiff and llvm-diff exit 1 for "differs": only a status >= 2 fails.
    hyperfine --runs 1 --ignore-failure --style none --export-json "$out/round-$k.json" \
      -n llvm --prepare : "$(sh_quote "$llvm_diff") $q_old $q_new 2>$(sh_quote "$out/llvm.err")" \
      -n cold --prepare "rm -rf $q_cold" "$q_bd --verbose --cache-dir $q_cold $q_old $q_new 2>$(sh_quote "$out/cold.err")" \
      -n warm --prepare "rm -rf $q_warm && cp -r $q_seed $q_warm" \
      "$q_bd --verbose --cache-dir $q_warm $q_old $q_new 2>$(sh_quote "$out/warm.err")" \
      -n same --prepare : "$q_bd --cache-dir $q_cold $q_old $q_old 2>$(sh_quote "$out/same.err")" \
      -n cached --prepare : "$q_bd --verbose --cache-dir $q_cold $q_old $q_new 2>$(sh_quote "$out/cached.err")" \
      >"$out/hyperfine.log" 2>&1 || { cat "$out/hyperfine.log" >&2; echo "blockdiff-bench: hyperfine failed" >&2; exit 2; }
    stats exit-codes 1 "$out/round-$k.json" || { tail -n 20 "$out"/*.err >&2; exit 2; }
    expect_stats "$out/cold.err" '0 from cache, 2 parsed'
    expect_stats "$out/warm.err" '1 from cache, 1 parsed'
    expect_stats "$out/cached.err" '2 from cache, 0 parsed'
  done
  echo "   done (load after: $(cut -d' ' -f1-3 /proc/loadavg))"

  # "median min max" (seconds), then, for the commands hyperfine ran, "cpu":
  # the median user+sys seconds (workers included).
  local s_llvm s_pold s_pnew s_pfresh s_cold s_warm s_same s_cached
  s_llvm=$(stats hyperfine llvm "$out"/round-*.json)
  s_pold=$(stats summary <"$out/t.pold.wall")
  s_pnew=$(stats summary <"$out/t.pnew.wall")
  s_pfresh=$(stats summary <"$out/t.pfresh.wall")
  s_cold=$(stats hyperfine cold "$out"/round-*.json)
  s_warm=$(stats hyperfine warm "$out"/round-*.json)
  s_same=$(stats hyperfine same "$out"/round-*.json)
  s_cached=$(stats hyperfine cached "$out"/round-*.json)
  med() { cut -d' ' -f1 <<<"$1"; }
  low() { cut -d' ' -f2 <<<"$1"; }
  ratio() { stats ratio "$@"; }
  verdict() { stats verdict "$@"; }
  ms() { stats ms "$@"; }

  local r_cold r_warm r_cold_min r_warm_min
  r_cold=$(ratio "$(med "$s_cold")" "$(med "$s_llvm")")
  r_warm=$(ratio "$(med "$s_warm")" "$(med "$s_pnew")")
  r_cold_min=$(ratio "$(low "$s_cold")" "$(low "$s_llvm")")
  r_warm_min=$(ratio "$(low "$s_warm")" "$(low "$s_pnew")")
  echo
  echo "input '$label': $n modules, $lines lines of Rust; old.bc $old_size bytes, new.bc $new_size bytes"
  echo "blockdiff reports: $(tail -n 1 "$out/blockdiff.txt")"
  printf '  %-36s %8s %8s %8s %8s\n' "seconds (over $repeats rounds)" "median" "min" "max" "cpu"
  # row LABEL MEDIAN MIN MAX [CPU]: CPU is '-' for what is timed in-process
  row() { printf '  %-36s %8.3f %8.3f %8.3f %8s\n' "$1" "$2" "$3" "$4" "${5:--}"; }
  row "llvm-diff-22 old.bc new.bc" $s_llvm
  row "bare LLVM parse old.bc" $s_pold
  row "bare LLVM parse new.bc" $s_pnew
  row "  same, alone in a fresh process" $s_pfresh
  row "blockdiff cold (both parsed)" $s_cold
  row "blockdiff warm (old cached)" $s_warm
  row "blockdiff unchanged (same bytes)" $s_same
  row "blockdiff both sides cached" $s_cached
  echo "  (cpu: median user+sys seconds, workers included; '-' where timed in-process)"
  printf '  %-36s %8s %8s %8s  %s\n' "target (from medians; min-based)" "value" "min" "limit" "verdict"
  printf '  %-36s %7sx %7sx %7sx  %s\n' "cold / llvm-diff" "$r_cold" "$r_cold_min" "0.6" "$(verdict "$r_cold" 0.6)"
  printf '  %-36s %7sx %7sx %7sx  %s\n' "warm / bare parse(new)" "$r_warm" "$r_warm_min" "1.1" "$(verdict "$r_warm" 1.1)"
  printf '  %-36s %6sms %6sms %6sms  %s\n' "unchanged, same bytes" "$(ms "$(med "$s_same")")" \
    "$(ms "$(low "$s_same")")" "50" "$(verdict "$(med "$s_same")" 0.05)"
  printf '  %-36s %6sms %6sms %6sms  %s\n' "unchanged, both cached (not a target)" "$(ms "$(med "$s_cached")")" \
    "$(ms "$(low "$s_cached")")" "50" "$(verdict "$(med "$s_cached")" 0.05)"
  printf '  %-36s %7sx\n' "(warm / fresh-process parse(new))" "$(ratio "$(med "$s_warm")" "$(med "$s_pfresh")")"
  printf '  %-36s %7sx\n' "(llvm-diff / bare parse(new))" "$(ratio "$(med "$s_llvm")" "$(med "$s_pnew")")"
}

echo "machine: $(nproc) cores; $(rustc --version); $("$llvm_diff" --version 2>/dev/null | grep -i 'llvm version' | sed 's/^ *//')"
bench main "$modules"
if [[ $large -eq 1 ]]; then bench large $(( modules * 4 )); fi
