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
        my (%share, %missed, %mmissed, $compared, $tried, $caught, $unviable, $failing, $noisy, $unexplained,
            $missedChanges);
        while (my $line = <$fh>) {
            chomp $line;
            my %row; @row{@columns} = csv($line);
            for my $g (qw(block function file)) { $mmissed{$g} += $row{"mutant_missed_$g"} || 0 }
            $tried += $row{mutants_tried}; $caught += $row{mutants_caught}; $unviable += $row{mutants_unviable};
            next unless $row{status} eq "compared" && $row{tests_total} > 0;
            $compared++;
            $failing += $row{failing};
            $noisy += $row{nondeterministic} || 0;
            $missedChanges += $row{unexplained_missed} || 0;
            $unexplained += scalar(grep { $_ ne "" } split /;/, $row{unexplained_tests} // "");
            for my $g (qw(block function file)) {
                push @{$share{$g}}, pct($row{"selected_$g"}, $row{tests_total});
                $missed{$g} += $row{"missed_$g"};
            }
            push @{$share{affected}}, pct($row{affected}, $row{tests_total}) if ($row{affected} // "") ne "";
        }
        my %r = (compared => $compared, failing => $failing, tried => $tried, caught => $caught, unviable => $unviable,
                 noisy => $noisy || 0, unexplained => $unexplained || 0, missedChanges => $missedChanges || 0);
        # What the mutants killed, and how many of those block grain selected.
        (my $mfile = $file) =~ s/\.csv$/-mutants.csv/;
        if (open my $mh, "<", $mfile) {
            chomp(my $mheader = <$mh>);
            my @mcolumns = csv($mheader);
            while (my $line = <$mh>) {
                chomp $line;
                my %row; @row{@mcolumns} = csv($line);
                $r{killed} += $row{killed} || 0;
                $r{killedBlock} += $row{killed_selected_block} || 0;
            }
        }
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
    my $sel = "%-${w}s %8s %19s %19s %19s %6s %12s %15s %11s %11s";
    line $sel, "selection", "commits", "block avg/med/P90", "function avg/med/P90", "file avg/med/P90", "floor",
        "block/floor", "block/function", "block/file", "<= 1.15x";
    for my $name (@names) {
        my $r = $v{$name};
        my $missedAny = 0;
        $missedAny += $r->{"missed_$_"} + $r->{"mmissed_$_"} for qw(block function file);
        my $ok = $r->{ba} <= 1.15 && !$missedAny;
        line $sel, $name, $r->{compared},
            (map { sprintf "%.1f / %.1f / %.1f", $r->{"avg_$_"}, $r->{"median_$_"}, $r->{"p90_$_"} } qw(block function file)),
            sprintf("%.1f", $r->{avg_affected}), sprintf("%.2f", $r->{ba}), sprintf("%.2f", $r->{bfn}),
            sprintf("%.2f", $r->{bf}),
            $ok ? "yes" : sprintf("no (%s)", $missedAny ? "missed $missedAny" : sprintf("+%.0f%%", 100 * ($r->{ba} / 1.15 - 1)));
    }
    print "(% of the tests selected per compared commit; floor: the average % affected; goal: block/floor <= 1.15\n";
    print " with nothing missed at any grain, commits and mutants; block/function and block/file for the record)\n\n";
    my $fl = "%-${w}s %22s %17s %26s";
    line $fl, "floor", "affected avg/med/P90", "nondeterministic", "unexplained (missed change)";
    for my $name (@names) {
        my $r = $v{$name};
        line $fl, $name, sprintf("%.1f / %.1f / %.1f", map { $r->{"${_}_affected"} } qw(avg median p90)),
            $r->{noisy}, sprintf("%d (%d)", $r->{unexplained}, $r->{missedChanges});
    }
    print "(affected: tests that are new, failed before, or changed outcome or path in the full runs: every\n";
    print " sound selector picks them. nondeterministic: paths that differ between two runs of one build;\n";
    print " unexplained: other paths without a changed block executed, of which missed change: a real miss)\n\n";
    my $saf = "%-${w}s %9s %22s %33s %28s %36s";
    line $saf, "safety", "failing", "missed block/fn/file", "mutants run / caught (unviable)",
        "killed / selected by block", "missed under mutants block/fn/file";
    for my $name (@names) {
        my $r = $v{$name};
        line $saf, $name, $r->{failing}, join(" / ", map { $r->{"missed_$_"} } qw(block function file)),
            "$r->{tried} / $r->{caught} ($r->{unviable})", sprintf("%d / %d", $r->{killed} || 0, $r->{killedBlock} || 0),
            join(" / ", map { $r->{"mmissed_$_"} } qw(block function file));
    }
    print "(failing: tests failing in the full run of each commit; missed: failing tests a grain would have skipped)\n";
' "${csvs[@]}"
