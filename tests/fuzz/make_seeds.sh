#!/bin/sh
# make_seeds.sh OUTDIR SRC... - builds the fuzz seed corpus: every *.fst
# under each SRC (a directory, searched recursively, or a single file) is
# copied to OUTDIR under a name made from its path (dir/a/b.fst -> dir_a_b.fst).
# OUTDIR is emptied first; missing SRCs are skipped.  Nothing is written
# into any SRC.
set -eu
out=$1
shift
rm -rf "$out"
mkdir -p "$out"
n=0
for src in "$@"; do
    [ -e "$src" ] || { echo "make_seeds: $src missing, skipped" >&2; continue; }
    base=$(basename "$src")
    if [ -d "$src" ]; then
        dir=$src
        list=$(cd "$src" && find . -type f -name '*.fst' | sed 's|^\./||' | LC_ALL=C sort)
    else
        dir=$(dirname "$src")
        list=$base
        base=
    fi
    [ -n "$list" ] || continue
    while IFS= read -r rel; do
        name=$(printf '%s' "${base:+$base/}$rel" | tr '/ ' '__')
        cp "$dir/$rel" "$out/$name"
        n=$((n + 1))
    done <<LIST
$list
LIST
done
echo "make_seeds: $n seed(s) in $out" >&2
# seeds for the hierarchy side-file path (<file>.fst.hier), see side_seeds.py
if command -v python3 >/dev/null 2>&1; then
    python3 "$(dirname "$0")/side_seeds.py" "$out"
fi
