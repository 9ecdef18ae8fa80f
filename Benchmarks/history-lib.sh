# Shared by the scripted histories (Benchmarks/*-history/make-history.sh):
# sourced, never run.
#
#   start_history EXAMPLE DEST NAME EMAIL MONTH
#
# copies Examples/EXAMPLE to DEST (which must not exist; without its target
# dir and Cargo.lock), makes it a git repository with a fixed author, and
# enters it. Then:
#   commit MESSAGE            commits everything, dated MONTH-<n> (n counts commits),
#                             so commit ids are the same on every run
#   replace FILE OLD NEW      the first occurrence of OLD (literal, may span lines) becomes NEW
#   replace_all FILE OLD NEW  every occurrence (at least one) of OLD becomes NEW
#   before_last_brace FILE    stdin goes before the file's last `}` (the end of its test module)
#   text                      stdin, for OLD and NEW texts holding quotes (`x=$(text <<'EOF' ... EOF)`)
# The edits are trim-bench-generate's (Benchmarks/Generate/Edits.swift), from
# .build-bench (built there when missing).

history_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$history_root/Benchmarks/bench-tools.sh"
bench_tools "$history_root" make-history 0

start_history() {
    local example=$1 name=$3 email=$4
    history_month=$5
    dest=$2
    [ ! -e "$dest" ] || { echo "make-history: $dest exists" >&2; exit 2; }
    mkdir -p "$dest"
    cp -R "$history_root/Examples/$example/." "$dest/"
    rm -rf "$dest/target" "$dest/Cargo.lock"
    cd "$dest"
    printf '/target\n' > .gitignore
    export GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email"
    export GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email"
    git init -q -b main .
    git config commit.gpgsign false
    n=0
}

commit() {
    n=$((n + 1))
    local date; date=$(printf '%s-%02dT12:00:00Z' "$history_month" "$n")
    git add -A
    GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git commit -q -m "$1"
}

replace() {
    generate replace "$1" "$2" "$3" || { echo "make-history: commit $((n + 1)): no '$2' in $1" >&2; exit 1; }
}

replace_all() {
    generate replace-all "$1" "$2" "$3" || { echo "make-history: commit $((n + 1)): no '$2' in $1" >&2; exit 1; }
}

before_last_brace() {
    generate before-last-brace "$1" || { echo "make-history: commit $((n + 1)): no closing } in $1" >&2; exit 1; }
}

text() { cat; }
