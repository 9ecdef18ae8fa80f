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
# and prints trim's summary for each, then two tables with a row per
# history: selection (% of tests selected per grain: average, median, P90
# over the compared commits; the ratios block/file and block/function of the
# average shares) and safety (failing tests in the commits' own full runs,
# failing tests missed per grain, mutants run and caught, failing tests
# missed per grain under mutants), and the floor: the share of tests each
# commit affected (new, failed before, or another outcome or path in the
# full runs), which no sound selector can go under.
#
# Goal: block <= 1/3 of file and <= 2/3 of function; 0 missed at block and
# function grain (commits and mutants).
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
# replays check commits out in a worktree of their own. Needs swift, cargo
# (1.95), git, perl.
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

perl -e '
    my (@names, %v);
    # One CSV line (RFC 4180: quoted fields, "" inside them) into its fields.
    sub csv {
        my ($line) = @_;
        my @fields;
        while (1) {
            my ($field, $end);
            if ($line =~ s/^"((?:[^"]|"")*)"(,|\z)//) { ($field, $end) = ($1, $2); $field =~ s/""/"/g }
            elsif ($line =~ s/^([^,"]*)(,|\z)//) { ($field, $end) = ($1, $2) }
            else { die "bad CSV line: $line\n" }
            push @fields, $field;
            last if $end eq "";
        }
        @fields
    }
    sub pct { my ($s, $t) = @_; 100 * $s / $t }
    sub median { my @s = sort { $a <=> $b } @_; return 0 unless @s; my $m = int(@s / 2);
                 @s % 2 ? $s[$m] : ($s[$m - 1] + $s[$m]) / 2 }
    sub p90 { my @s = sort { $a <=> $b } @_; return 0 unless @s; my $r = int(0.9 * @s + 0.999999); $s[$r - 1] }
    for my $arg (@ARGV) {
        my ($name, $file) = split /=/, $arg, 2;
        push @names, $name;
        open my $fh, "<", $file or die "$file: $!";
        chomp(my $header = <$fh>);
        my @columns = csv($header);
        my (%share, %missed, %mmissed, $compared, $tried, $caught, $unviable, $failing);
        while (my $line = <$fh>) {
            chomp $line;
            my %row; @row{@columns} = csv($line);
            for my $g (qw(block function file)) { $mmissed{$g} += $row{"mutant_missed_$g"} || 0 }
            $tried += $row{mutants_tried}; $caught += $row{mutants_caught}; $unviable += $row{mutants_unviable};
            next unless $row{status} eq "compared" && $row{tests_total} > 0;
            $compared++;
            $failing += $row{failing};
            for my $g (qw(block function file)) {
                push @{$share{$g}}, pct($row{"selected_$g"}, $row{tests_total});
                $missed{$g} += $row{"missed_$g"};
            }
            push @{$share{affected}}, pct($row{affected}, $row{tests_total}) if ($row{affected} // "") ne "";
        }
        my %r = (compared => $compared, failing => $failing, tried => $tried, caught => $caught, unviable => $unviable);
        for my $g (qw(block function file affected)) {
            my @s = @{$share{$g} || []};
            my $sum = 0; $sum += $_ for @s;
            $r{"avg_$g"} = @s ? $sum / @s : 0;
            $r{"median_$g"} = median(@s);
            $r{"p90_$g"} = p90(@s);
            $r{"missed_$g"} = $missed{$g} || 0;
            $r{"mmissed_$g"} = $mmissed{$g} || 0;
        }
        $r{bf} = $r{avg_file} ? $r{avg_block} / $r{avg_file} : 0;
        $r{af} = $r{avg_file} ? $r{avg_affected} / $r{avg_file} : 0;
        $r{afn} = $r{avg_function} ? $r{avg_affected} / $r{avg_function} : 0;
        $r{ba} = $r{avg_affected} ? $r{avg_block} / $r{avg_affected} : 0;
        $r{bfn} = $r{avg_function} ? $r{avg_block} / $r{avg_function} : 0;
        $v{$name} = \%r;
    }
    my $w = 12;
    sub line { my ($fmt, @cells) = @_; printf "$fmt\n", @cells }
    my $sel = "%-${w}s %9s %22s %22s %22s %11s %15s %9s";
    line $sel, "selection", "commits", "block avg/med/P90", "function avg/med/P90", "file avg/med/P90",
        "block/file", "block/function", "goal met";
    for my $name (@names) {
        my $r = $v{$name};
        my $ok = $r->{bf} <= 1/3 && $r->{bfn} <= 2/3 && !$r->{missed_block} && !$r->{missed_function}
            && !$r->{mmissed_block} && !$r->{mmissed_function};
        line $sel, $name, $r->{compared},
            (map { sprintf "%.1f / %.1f / %.1f", $r->{"avg_$_"}, $r->{"median_$_"}, $r->{"p90_$_"} } qw(block function file)),
            sprintf("%.2f", $r->{bf}), sprintf("%.2f", $r->{bfn}), $ok ? "yes" : "no";
    }
    print "(% of the tests selected per compared commit; goal: block/file <= 0.33, block/function <= 0.67,\n";
    print " nothing missed at block and function grain)\n\n";
    my $fl = "%-${w}s %22s %15s %19s %15s %16s";
    line $fl, "floor", "affected avg/med/P90", "affected/file", "affected/function", "block/affected",
        "goal reachable";
    for my $name (@names) {
        my $r = $v{$name};
        line $fl, $name, sprintf("%.1f / %.1f / %.1f", map { $r->{"${_}_affected"} } qw(avg median p90)),
            sprintf("%.2f", $r->{af}), sprintf("%.2f", $r->{afn}), sprintf("%.2f", $r->{ba}),
            $r->{af} <= 1/3 && $r->{afn} <= 2/3 ? "yes" : "no";
    }
    print "(affected: tests that are new, failed before, or changed outcome or path in the full runs: every\n";
    print " sound selector picks them. affected/file above 0.33 or affected/function above 0.67 puts a goal\n";
    print " under that floor: no sound selector can meet it on that history)\n\n";
    my $saf = "%-${w}s %9s %22s %33s %36s";
    line $saf, "safety", "failing", "missed block/fn/file", "mutants run / caught (unviable)",
        "missed under mutants block/fn/file";
    for my $name (@names) {
        my $r = $v{$name};
        line $saf, $name, $r->{failing}, join(" / ", map { $r->{"missed_$_"} } qw(block function file)),
            "$r->{tried} / $r->{caught} ($r->{unviable})", join(" / ", map { $r->{"mmissed_$_"} } qw(block function file));
    }
    print "(failing: tests failing in the full run of each commit; missed: failing tests a grain would have skipped)\n";
' "${csvs[@]}"
