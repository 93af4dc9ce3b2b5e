#!/bin/sh
# Golden CLI tests (see cases.txt). Usage: run.sh GPUPLAN_BINARY SOURCE_ROOT
# UPDATE=1 writes the expected files instead of comparing (review the diff!).
set -u
BIN=$1
ROOT=$2
DIR=$ROOT/tests/cli
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir "$T/bin"
ln -s "$BIN" "$T/bin/gpuplan"
# GPUPLAN_HOME: an empty data home in $T: no prices a `catalog refresh` stored on
# this machine are read, and a case that does not set its own writes nothing outside $T.
export T PATH="$T/bin:$PATH" LC_ALL=C NO_COLOR=1 COLUMNS=200 TZ=UTC GPUPLAN_HOME="$T/home"
unset GPUPLAN_CATALOG TERM
failed=0
total=0
while IFS='|' read -r name rc cmd; do
    name=$(echo "$name" | tr -d ' ')
    case "$name" in '' | '#'*) continue ;; esac
    rc=$(echo "$rc" | tr -d ' ')
    total=$((total + 1))
    (cd "$DIR" && sh -c "$cmd") >"$T/out" 2>"$T/err"
    got=$?
    if [ "${UPDATE:-}" = 1 ]; then
        cp "$T/out" "$DIR/expected/$name.out"
        cp "$T/err" "$DIR/expected/$name.err"
        [ "$got" = "$rc" ] || echo "note: $name exits $got, cases.txt says $rc"
        continue
    fi
    ok=1
    if [ "$got" != "$rc" ]; then
        echo "FAIL $name: exit $got, expected $rc"
        ok=0
    fi
    for stream in out err; do
        if ! cmp -s "$T/$stream" "$DIR/expected/$name.$stream"; then
            echo "FAIL $name: std$stream differs:"
            diff -u "$DIR/expected/$name.$stream" "$T/$stream" | head -20
            ok=0
        fi
    done
    [ $ok = 1 ] || failed=$((failed + 1))
done <"$DIR/cases.txt"
if [ "$failed" -gt 0 ]; then
    echo "$failed of $total CLI cases failed"
    exit 1
fi
echo "$total CLI cases passed"
