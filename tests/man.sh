#!/bin/bash
# The generated man page and bash completion cover the tool as it is.
# The truth comes from the built tool, not from the generator: the command
# names from `gpuplan --help`, each command's options from the Options
# section of `gpuplan CMD --help`, the environment variables from getenv()
# calls in cli/.
# Usage: man.sh GPUPLAN_BINARY MAN_PAGE BASH_COMPLETION SOURCE_ROOT
set -u
BIN=$1
MAN=$2
COMP=$3
ROOT=$4
export LC_ALL=C NO_COLOR=1 COLUMNS=200
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}

commands=$("$BIN" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
[ -n "$commands" ] || fail "no commands in 'gpuplan --help'"

# Long options listed in a command's --help (lines of its Options section).
options_of() {
    "$BIN" "$1" --help | sed -n '/^Options:/,/^$/p' |
        grep -E '^ +(-[A-Za-z], )?--[a-z0-9]' | grep -oE -- '--[a-z0-9][a-z0-9-]*' | head -n 100 |
        awk '!seen[$0]++'
}

# (a) the man page names every command (a subsection each) and, in that
# subsection, every option as a tagged paragraph.
for cmd in $commands; do
    # The subsection of this command: from ".SS cmd" to the next .SS or .SH.
    awk -v c="$cmd" '$0 == ".SS " c {on = 1; next} /^\.S[SH] / {on = 0} on' "$MAN" >"$T/section"
    [ -s "$T/section" ] || { fail "man page has no section for '$cmd'"; continue; }
    grep -q '^\\fBgpuplan\\fR \\%'"$cmd"'\b' "$T/section" || fail "man page: no usage line for '$cmd'"
    for opt in $(options_of "$cmd"); do
        roff=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
        grep -q -- "\\\\fB$roff\\\\fR" "$T/section" || fail "man page: '$cmd' lacks $opt"
    done
done
grep -q '^\.SH "EXIT STATUS"\|^\.SH EXIT STATUS' "$MAN" || fail "man page: no EXIT STATUS"
for code in 0 1 2 3; do
    awk '/^\.SH EXIT STATUS/ {on = 1; next} /^\.SH / {on = 0} on' "$MAN" | grep -qx "\.B $code" ||
        fail "man page: exit status $code not described"
done
awk '/^\.SH ENVIRONMENT/ {on = 1; next} /^\.SH / {on = 0} on' "$MAN" >"$T/env"
vars=$(grep -ohE 'getenv\("[A-Z_]+"\)' "$ROOT"/cli/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u)
[ -n "$vars" ] || fail "found no getenv() in cli/"
for v in $vars; do
    grep -qx "\.B $v" "$T/env" || fail "man page: ENVIRONMENT lacks $v"
done
for s in NAME SYNOPSIS DESCRIPTION COMMANDS FILES 'SEE ALSO'; do
    grep -qx "\.SH $s" "$MAN" || fail "man page: no $s section"
done

# (b) it formats without a warning.
if command -v groff >/dev/null 2>&1; then
    if ! groff -man -Tutf8 -ww -z "$MAN" 2>"$T/groff.err" || [ -s "$T/groff.err" ]; then
        fail "groff warns:"
        head -20 "$T/groff.err"
    fi
elif command -v man >/dev/null 2>&1; then
    man -l "$MAN" 2>"$T/man.err" >/dev/null
    [ -s "$T/man.err" ] && { fail "man -l warns:"; head -20 "$T/man.err"; }
else
    echo "note: neither groff nor man found; formatting not checked"
fi

# (c) the completion, driven as bash drives it.
# complete WORD... : the candidates for the last word (it may be empty).
complete_words() {
    bash -c '
        source "$1" || exit 1
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        _gpuplan gpuplan "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}"
    ' complete "$COMP" "$@"
}
expect() { # expect "WANTED LIST" WORD...
    want=$1
    shift
    got=$(complete_words "$@" | sort | tr '\n' ' ' | sed 's/ $//')
    want=$(printf '%s\n' $want | sort | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] || fail "complete '$*': got '$got', want '$want'"
}
bash -n "$COMP" || fail "completion script does not parse"
expect "offers" gpuplan of
expect "$commands" gpuplan ''
expect "--gpu" gpuplan offers --g
expect "table csv json md" gpuplan offers --format ''
expect "table csv json md" gpuplan offers -f ''
expect "json" gpuplan offers --format = j
expect "info check export refresh" gpuplan catalog ''
expect "check" gpuplan catalog --format json ch
expect "" gpuplan catalog info ''
expect "share forecast prices claims neoclouds providers" gpuplan market ''
expect "share" gpuplan market -g H100 sh
expect "offers" gpuplan help off
expect "" gpuplan offers --gpu ''
# a path option completes file names
mkdir "$T/dir" && touch "$T/dir/vms.csv"
expect "$T/dir/vms.csv" gpuplan offers --catalog "$T/dir/v"
for cmd in $commands; do
    complete_words gpuplan "$cmd" -- >"$T/offered"
    for opt in $(options_of "$cmd") --help; do
        grep -qx -- "$opt" "$T/offered" || fail "completion: '$cmd' does not offer $opt"
    done
done

[ "$failed" = 0 ] && echo "man page and completion cover $(echo $commands | wc -w) commands"
exit "$failed"
