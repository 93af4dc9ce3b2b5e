#!/bin/sh
# Checks docs/ARCHITECTURE.md against the tree: every path it names in
# backticks exists, and every source file of the library, the public
# headers, the CLI, the web server, scripts/ and bench/ is named there (one line per file).
# Usage: architecture-check.sh SOURCE_ROOT
set -u
ROOT=$1
cd "$ROOT" || exit 1
DOC=docs/ARCHITECTURE.md
[ -f "$DOC" ] || { echo "FAIL $DOC is missing"; exit 1; }
T=$(mktemp)
trap 'rm -f "$T" "$T.named"' EXIT INT TERM
fail=0
# Paths named: `dir/file.ext` or `dir/` in backticks, with a slash.
grep -o '`[A-Za-z0-9_./-]*/[A-Za-z0-9_.*<>-]*`' "$DOC" | tr -d '`' | sort -u >"$T.named"
while read -r p; do
    case $p in *'*'* | *'<'*) continue ;; esac # a pattern, not a path
    if [ ! -e "$p" ]; then
        echo "FAIL $DOC names $p, which does not exist"
        fail=1
    fi
done <"$T.named"
find src include/gpuplan cli web scripts bench -maxdepth 2 -type f \
    \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \) | sort >"$T"
find tests -maxdepth 1 -type f -name '*.sh' | sort >>"$T"
n=0
while read -r f; do
    n=$((n + 1))
    if ! grep -qx "$f" "$T.named"; then
        echo "FAIL $f is not named in $DOC (add a line: - \`$f\`: what it does)"
        fail=1
    fi
done <"$T"
[ $fail = 0 ] || exit 1
echo "$DOC names all $n source files, and every path it names exists"
