#!/usr/bin/env bash
# History benchmark: how much finer block grain selects than function and
# file grain on real histories, and whether any grain misses a failing test.
#
#   Benchmarks/history-bench.sh [--mutants K] [--commits N] [--keep] [--no-build] [REPO...]
#
# Runs `trim simulate-history --mutants K` (default 2) on
#   * ledger: the scripted history of the bundled example
#     (Benchmarks/ledger-history/make-history.sh: 24 commits, every one replayed)
#   * each REPO given (a git repository, or the cargo workspace's directory
#     inside one): its last N commits (default 20)
# and prints trim's summary for each, then a side-by-side table: % of tests
# selected per grain (average, median, P90 over the compared commits), failing
# tests missed per grain (in the commits' own full runs and under mutants),
# and the ratios block/file and block/function of the average shares.
#
# Goal: block <= 1/3 of file and <= 2/3 of function; 0 missed at block and
# function grain (commits and mutants).
#
# Everything happens in a temporary directory (the generated repository, the
# replays' scratch worktrees and target dirs, the CSVs), removed at the end
# unless --keep. REPOs are never modified: replays check commits out in a
# worktree of their own. Needs swift, cargo (1.95), git, perl.
set -euo pipefail

mutants=2
commits=20
keep=0
build=1
repos=()
while [ $# -gt 0 ]; do
    case $1 in
        --mutants) mutants=$2; shift 2 ;;
        --commits) commits=$2; shift 2 ;;
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

work=$(mktemp -d "${TMPDIR:-/tmp}/trim-history-bench.XXXXXX")
if [ "$keep" = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "history-bench: keeping $work" >&2; fi

Benchmarks/ledger-history/make-history.sh "$work/ledger" >&2
names=(ledger)
paths=("$work/ledger")
counts=("$(git -C "$work/ledger" rev-list --count HEAD)")
for repo in "${repos[@]}"; do
    names+=("$(basename "$repo")")
    paths+=("$repo")
    counts+=("$commits")
done

csvs=()
for i in "${!names[@]}"; do
    name=${names[$i]}
    echo "history-bench: ${name}: ${counts[$i]} commits, $mutants mutants each (log: $work/$name.log)" >&2
    start=$(date +%s)
    "$trim" simulate-history --commits "${counts[$i]}" --repo "${paths[$i]}" --mutants "$mutants" \
        --csv "$work/$name.csv" --mutants-csv "$work/$name-mutants.csv" --scratch "$work/scratch-$name" \
        > "$work/$name.summary" 2> "$work/$name.log" \
        || { echo "history-bench: simulate-history failed on $name:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    echo "== $name (${counts[$i]} commits, $(( $(date +%s) - start ))s)"
    cat "$work/$name.summary"
    echo
    csvs+=("$name=$work/$name.csv")
done

perl -MText::ParseWords -e '
    my (@names, %v);
    sub pct { my ($s, $t) = @_; 100 * $s / $t }
    sub median { my @s = sort { $a <=> $b } @_; return 0 unless @s; my $m = int(@s / 2);
                 @s % 2 ? $s[$m] : ($s[$m - 1] + $s[$m]) / 2 }
    sub p90 { my @s = sort { $a <=> $b } @_; return 0 unless @s; my $r = int(0.9 * @s + 0.999999); $s[$r - 1] }
    for my $arg (@ARGV) {
        my ($name, $file) = split /=/, $arg, 2;
        push @names, $name;
        open my $fh, "<", $file or die "$file: $!";
        chomp(my $header = <$fh>);
        my @columns = parse_line(",", 0, $header);
        my (%share, %missed, %mmissed, $compared, $tried, $caught, $unviable, $failing);
        while (my $line = <$fh>) {
            chomp $line;
            my %row; @row{@columns} = parse_line(",", 0, $line);
            for my $g (qw(block function file)) { $mmissed{$g} += $row{"mutant_missed_$g"} || 0 }
            $tried += $row{mutants_tried}; $caught += $row{mutants_caught}; $unviable += $row{mutants_unviable};
            next unless $row{status} eq "compared" && $row{tests_total} > 0;
            $compared++;
            $failing += $row{failing};
            for my $g (qw(block function file)) {
                push @{$share{$g}}, pct($row{"selected_$g"}, $row{tests_total});
                $missed{$g} += $row{"missed_$g"};
            }
        }
        my %r = (compared => $compared, failing => $failing, tried => $tried, caught => $caught, unviable => $unviable);
        for my $g (qw(block function file)) {
            my @s = @{$share{$g} || []};
            my $sum = 0; $sum += $_ for @s;
            $r{"avg_$g"} = @s ? $sum / @s : 0;
            $r{"median_$g"} = median(@s);
            $r{"p90_$g"} = p90(@s);
            $r{"missed_$g"} = $missed{$g} || 0;
            $r{"mmissed_$g"} = $mmissed{$g} || 0;
        }
        $r{bf} = $r{avg_file} ? $r{avg_block} / $r{avg_file} : 0;
        $r{bfn} = $r{avg_function} ? $r{avg_block} / $r{avg_function} : 0;
        $v{$name} = \%r;
    }
    my @rows = (
        ["commits compared", sub { $_[0]{compared} }],
        ["failing tests (full runs)", sub { $_[0]{failing} }],
        (map { my $g = $_; ["% selected $g: avg / median / P90",
              sub { sprintf "%.1f / %.1f / %.1f", $_[0]{"avg_$g"}, $_[0]{"median_$g"}, $_[0]{"p90_$g"} }] }
             qw(block function file)),
        (map { my $g = $_; ["missed failures $g", sub { $_[0]{"missed_$g"} }] } qw(block function file)),
        ["mutants run / caught (unviable)", sub { "$_[0]{tried} / $_[0]{caught} ($_[0]{unviable})" }],
        (map { my $g = $_; ["missed under mutants $g", sub { $_[0]{"mmissed_$g"} }] } qw(block function file)),
        ["block/file (goal <= 0.33)", sub { sprintf "%.2f", $_[0]{bf} }],
        ["block/function (goal <= 0.67)", sub { sprintf "%.2f", $_[0]{bfn} }],
        ["goal met", sub { my $r = $_[0];
            my $ok = $r->{bf} <= 1/3 && $r->{bfn} <= 2/3 && !$r->{missed_block} && !$r->{missed_function}
                && !$r->{mmissed_block} && !$r->{mmissed_function};
            $ok ? "yes" : "no" }],
    );
    my $w = 40;
    printf "%-${w}s" . ("%24s" x @names) . "\n", "", @names;
    for my $row (@rows) {
        printf "%-${w}s" . ("%24s" x @names) . "\n", $row->[0], map { $row->[1]->($v{$_}) } @names;
    }
' "${csvs[@]}"
