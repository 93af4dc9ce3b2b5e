#!/bin/sh
# Checks that every example a reader may paste into bash survives it: the
# "gpuplan ..." lines under "Examples:" in each command's --help, and the
# first line of every ```console block in README.md and docs/*.md.
#
# An example fails when
#  - it has an unquoted '$' before a digit, letter or shell special
#    ('--budget $100k' reaches gpuplan as '--budget 00k'), or a '!'
#    outside single quotes (history expansion in an interactive bash);
#  - bash, run with `set -u` and `failglob` in an empty folder, refuses it
#    (an unset variable, an unquoted pattern such as H100* that would
#    match files by chance);
#  - gpuplan, run for real from a scratch folder that sees the source
#    tree, exits 2 (usage error). A docs example may show a usage error
#    on purpose: one whose shown output starts with "gpuplan CMD:" is
#    expected to exit 2.
#
# Usage: paste-examples.sh GPUPLAN_BINARY SOURCE_ROOT
set -u
BIN=$1
ROOT=$2
command -v bash >/dev/null 2>&1 || { echo "paste-examples: bash not found, skipped"; exit 0; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir "$T/bin" "$T/fake" "$T/empty" "$T/run"
ln -s "$BIN" "$T/bin/gpuplan"
# A stand-in for step 2: bash expands the line, gpuplan does nothing.
cat >"$T/fake/gpuplan" <<'EOF'
#!/bin/sh
exit 0
EOF
chmod +x "$T/fake/gpuplan"
# The real run sees the source tree's files but writes (--svg plans.svg)
# land in the scratch folder.
for f in "$ROOT"/* "$ROOT"/tests/cli/fixtures; do
    ln -s "$f" "$T/run/$(basename "$f")"
done
# GPUPLAN_HOME: an empty data home in $T: no refreshed prices of this machine are
# read, and examples that write (history import) write in $T.
export LC_ALL=C NO_COLOR=1 COLUMNS=80 TZ=UTC GPUPLAN_HOME="$T/home"
unset GPUPLAN_CATALOG TERM

# Examples, one per line: "WHERE<TAB>EXPECT<TAB>COMMAND", EXPECT being
# "ok" or "usage" (shown on purpose as a usage error).
: >"$T/examples"
PATH="$T/bin:$PATH" gpuplan --help |
    awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' >"$T/commands"
while read -r cmd; do
    PATH="$T/bin:$PATH" gpuplan "$cmd" --help |
        awk -v where="gpuplan $cmd --help" '
            /^Examples:/ { on = 1; next }
            on && /^  gpuplan / { sub(/^  /, ""); print where "\tok\t" $0 }
        ' >>"$T/examples"
done <"$T/commands"
for page in "$ROOT"/README.md "$ROOT"/docs/*.md; do
    [ -f "$page" ] || continue
    awk -v where="${page#"$ROOT"/}" '
        /^```console$/ { getline cmd; getline first; sub(/^\$ /, "", cmd);
                         expect = (first ~ /^gpuplan [a-z]+: /) ? "usage" : "ok";
                         print where "\t" expect "\t" cmd }
    ' "$page" >>"$T/examples"
done

failed=0
total=0
tab=$(printf '\t')
while IFS="$tab" read -r where expect line; do
    total=$((total + 1))
    # 1. An unquoted '$' or '!' (single quotes protect; double quotes do not).
    bad=$(printf '%s\n' "$line" | awk '{
        q = 0
        for (i = 1; i <= length($0); i++) {
            c = substr($0, i, 1); n = substr($0, i + 1, 1)
            if (c == "\\" && !q) { i++; continue }
            if (c == "'\''") { q = !q; continue }
            if (!q && c == "$" && n ~ /[A-Za-z0-9_{(?!#@*$-]/) { print "$" n; exit }
            if (!q && c == "!") { print "!"; exit }
        }
    }')
    if [ -n "$bad" ]; then
        echo "FAIL $where: unquoted '$bad' (bash expands it): $line"
        failed=$((failed + 1))
        continue
    fi
    # 2. bash itself: unset variables and unmatched patterns are errors.
    # (Judged by bash's own messages: a pipe into grep may fail on the
    # stand-in's empty output, and that is no fault of the example.)
    (cd "$T/empty" && PATH="$T/fake:$PATH" bash -c "set -u; shopt -s failglob; $line") \
        >"$T/out" 2>&1
    if grep -q 'unbound variable\|no match:\|syntax error\|bad substitution' "$T/out"; then
        echo "FAIL $where: bash refuses it: $line"
        sed 's/^/    /' "$T/out" | head -3
        failed=$((failed + 1))
        continue
    fi
    # 3. gpuplan: a usage error means the example is wrong (unless shown so).
    # `gpuplan web` serves until stopped: tests/web.sh runs it instead.
    case $line in "gpuplan web"*) continue ;; esac
    (cd "$T/run" && PATH="$T/bin:$PATH" bash -c "set -o pipefail; $line") >"$T/out" 2>&1
    rc=$?
    if [ "$expect" = ok ] && [ "$rc" = 2 ]; then
        echo "FAIL $where: usage error (exit 2): $line"
        sed 's/^/    /' "$T/out" | grep 'gpuplan' | head -3
        failed=$((failed + 1))
    elif [ "$expect" = usage ] && [ "$rc" != 2 ]; then
        echo "FAIL $where: shown as a usage error, but exits $rc: $line"
        failed=$((failed + 1))
    fi
done <"$T/examples"
if [ "$total" -lt 20 ]; then
    echo "paste-examples: only $total examples found; the extraction is broken"
    exit 1
fi
if [ "$failed" -gt 0 ]; then
    echo "$failed of $total pasted examples break"
    exit 1
fi
echo "$total pasted examples survive bash"
