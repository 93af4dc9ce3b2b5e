#!/bin/sh
# Checks that every example in docs/*.md and README.md still runs and prints
# what the page shows. An example is a ```console block whose first line is
# "$ gpuplan ..."; the lines after it are the expected output (stdout and
# stderr, in that order). Examples run from the source root with LC_ALL=C,
# NO_COLOR=1, COLUMNS=80 and no GPUPLAN_CATALOG.
#
# Usage: docs-examples.sh GPUPLAN_BINARY SOURCE_ROOT
#        UPDATE=1 docs-examples.sh ...   rewrites the outputs in the pages
set -u
BIN=$1
ROOT=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir "$T/bin"
ln -s "$BIN" "$T/bin/gpuplan"
# GPUPLAN_HOME: an empty data home in $T: no refreshed prices of this machine are
# read, and the history and refreshed data of examples stay in $T.
export PATH="$T/bin:$PATH" LC_ALL=C NO_COLOR=1 COLUMNS=80 TZ=UTC GPUPLAN_HOME="$T/home"
unset GPUPLAN_CATALOG TERM
cd "$ROOT" || exit 1
failed=0
total=0
for page in README.md docs/*.md; do
    [ -f "$page" ] || continue
    # Split the page into numbered example files: $T/ex.N.cmd, $T/ex.N.want
    rm -f "$T"/ex.*
    awk -v dir="$T" '
        /^```console$/ { inblock = 1; n++; first = 1; next }
        inblock && /^```$/ { inblock = 0; next }
        inblock && first { sub(/^\$ /, ""); print > (dir "/ex." n ".cmd"); first = 0;
                           printf "" > (dir "/ex." n ".want"); next }
        inblock { print > (dir "/ex." n ".want") }
    ' "$page"
    for cmd in "$T"/ex.*.cmd; do
        [ -f "$cmd" ] || continue
        want=${cmd%.cmd}.want
        total=$((total + 1))
        sh -c "$(cat "$cmd")" >"$T/got" 2>&1
        if [ "${UPDATE:-}" = 1 ]; then
            cp "$T/got" "$want"
        elif ! cmp -s "$T/got" "$want"; then
            echo "FAIL $page: \$ $(cat "$cmd")"
            diff -u "$want" "$T/got" | head -15
            failed=$((failed + 1))
        fi
    done
    if [ "${UPDATE:-}" = 1 ]; then
        awk -v dir="$T" '
            /^```console$/ { print; inblock = 1; n++; first = 1; next }
            inblock && /^```$/ { inblock = 0; print; next }
            inblock && first { print; first = 0;
                               while ((getline line < (dir "/ex." n ".want")) > 0) print line;
                               next }
            inblock { next }
            { print }
        ' "$page" >"$T/page" && cp "$T/page" "$page"
    fi
done
if [ "$failed" -gt 0 ]; then
    echo "$failed of $total documentation examples differ (UPDATE=1 $0 ... rewrites them)"
    exit 1
fi
echo "$total documentation examples match"
