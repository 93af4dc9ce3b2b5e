#!/bin/sh
# The layer rule (docs/ARCHITECTURE.md): a lower layer never includes a
# higher one, and no files include each other in a cycle. Reads every
# `#include "..."` of src/<layer>/ and include/gpuplan/, and fails naming
# the file, line and rule broken. Usage: layers.sh SOURCE_ROOT
set -u
ROOT=$1
cd "$ROOT" || exit 1

# Which layers each layer may include (besides itself). A layer missing
# here is unknown: add it with its place before adding its folder.
allowed() {
    case $1 in
    core) echo "" ;;
    catalog) echo "core" ;;
    fetch) echo "core catalog" ;;
    history) echo "core catalog" ;;
    job) echo "core catalog" ;;
    serve) echo "core catalog job" ;;
    plan) echo "core catalog job serve" ;;
    market) echo "core catalog" ;;
    web) echo "core catalog fetch history job serve plan market" ;;
    *) echo "?" ;;
    esac
}

# The layer of a public header (include/gpuplan/NAME.h).
public_layer() {
    case $1 in
    error | units | stats) echo core ;;
    accel | catalog | offer | gpuinfo | query | gpus) echo catalog ;;
    model | job | finetune) echo job ;;
    fetch | refresh) echo fetch ;;
    history) echo history ;;
    inference | serve) echo serve ;;
    plan | spot | terms | launch | billing) echo plan ;;
    market | prices | tco) echo market ;;
    gpuplan) echo all ;; # the umbrella header includes everything
    *) echo "?" ;;
    esac
}

fail=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT INT TERM

layer_of_path() { # src/core/x.h -> core; include/gpuplan/x.h -> its layer
    case $1 in
    src/*/*) p=${1#src/}; echo "${p%%/*}" ;;
    include/gpuplan/*.h) n=${1#include/gpuplan/}; public_layer "${n%.h}" ;;
    *) echo "?" ;;
    esac
}

files=$(find src include/gpuplan -name '*.[ch]' | sort)
[ -n "$files" ] || { echo "layers.sh: no sources under $ROOT"; exit 1; }
for f in $files; do
    case $f in src/*/*) ;; src/*) echo "FAIL $f: a library file outside a layer folder"; fail=1 ;; esac
    from=$(layer_of_path "$f")
    if [ "$from" = "?" ]; then
        echo "FAIL $f: unknown layer (add it to tests/layers.sh and docs/ARCHITECTURE.md)"
        fail=1
        continue
    fi
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
        sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' >"$edges.f"
    while read -r line inc; do
        if [ -f "src/$inc" ]; then
            target="src/$inc"
        elif [ -f "include/$inc" ]; then
            target="include/$inc"
        else
            echo "FAIL $f:$line: \"$inc\" is neither under src/ nor include/ (the library includes no CLI or build header)"
            fail=1
            continue
        fi
        echo "$f $target" >>"$edges"
        to=$(layer_of_path "$target")
        [ "$from" = all ] && continue
        [ "$to" = "$from" ] && continue
        ok=0
        for l in $(allowed "$from"); do [ "$l" = "$to" ] && ok=1; done
        if [ $ok = 0 ]; then
            echo "FAIL $f:$line: layer $from includes $inc (layer $to); $from may include only: $(allowed "$from")"
            fail=1
        fi
    done <"$edges.f"
done
rm -f "$edges.f"
# A cycle among files: tsort reports it.
if ! tsort "$edges" >/dev/null 2>"$edges.err"; then
    echo "FAIL include cycle:"
    cat "$edges.err"
    fail=1
fi
rm -f "$edges.err"
# web/ sits beside the CLI (not a layer of src/): like cli/ it sees the
# library only through its public headers, never a layer's insides.
for f in $(find web -name '*.[ch]' 2>/dev/null | sort); do
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
        sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' |
        while read -r line inc; do
            if [ -f "src/$inc" ]; then
                echo "FAIL $f:$line: web/ includes the library's inside \"$inc\"; use include/gpuplan/"
            fi
        done >"$edges.web"
    if [ -s "$edges.web" ]; then
        cat "$edges.web"
        fail=1
    fi
done
rm -f "$edges.web"
[ $fail = 0 ] || exit 1
echo "layer rule holds: $(echo "$files" | wc -l) files, $(wc -l <"$edges") includes"
