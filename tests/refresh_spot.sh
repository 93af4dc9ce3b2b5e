#!/bin/sh
# `gpuplan catalog refresh --source aws-spot-advisor` (AWS's Spot Instance
# Advisor feed) against recorded responses served on 127.0.0.1 by
# tests/replay_server.c (tests/fixtures/http/spot-advisor/: a subset of the
# real feed and test cases derived from it, NOTE.md). Nothing leaves this
# machine. The planner reads the stored feed (a small text table,
# src/fetch/spot_feed.h) over the compiled-in one.
# Usage: refresh_spot.sh GPUPLAN REPLAY_SERVER SOURCE_ROOT
set -u
BIN=$1
SERVER=$2
ROOT=$3
FIX=$ROOT/tests/fixtures/http
T=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT INT TERM
export LC_ALL=C NO_COLOR=1 COLUMNS=200 TZ=UTC
unset GPUPLAN_CATALOG XDG_CACHE_HOME
for v in $(env | sed -n 's/^\(GPUPLAN_ENDPOINT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export GPUPLAN_HOME="$T/home"
fail=0
n=0
check() { # NAME CONDITION-EXIT-STATUS
    n=$((n + 1))
    if [ "$2" != 0 ]; then
        echo "FAIL $1"
        fail=1
    fi
}
rm -f "$T/port"
"$SERVER" "$FIX/spot-advisor" </dev/null >"$T/port" &
pids="$pids $!"
i=0
while [ ! -s "$T/port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
SA=http://127.0.0.1:$(cat "$T/port")
FEED=$GPUPLAN_HOME/refresh/aws-spot-advisor.txt
TAB=$(printf '\t')
band() { # TYPE REGION: the band character the stored feed has for TYPE in REGION
    awk -F'\t' -v t="$1" -v r="$2" '$1 == "regions" { for (i = 2; i <= NF; i++) if ($i == r) c = i - 1 }
        NR > 7 && $1 == t { print substr($2, c, 1) }' "$FEED"
}
today=$(date -u +%Y-%m-%d)

# One spot plan on p5.48xlarge in us-east-1: its interruption line, and
# the JSON's spot_risk (band, feed, date, rate).
plan() {
    "$BIN" plan --model llama-2-7b --tokens 20B --provider aws --gpu H100 \
        --region us-east-1 --spot only --top 1 --trials 200 "$@"
}
tco() { # H100 owned against AWS's cheapest offers
    "$BIN" tco --gpu H100 --capex 250k --years 4 --power-kw 10.2 --usd-per-kwh 0.12 \
        --opex-per-year 20k --utilization 70% "$@"
}
rate() { # the best plan's spot interruptions per node-hour, from JSON
    plan --format json 2>/dev/null | sed -n 's/.*"spot_interruptions_per_node_hour": \([0-9.e+-]*\).*/\1/p' | head -1
}
refresh() { # PREFIX [OPTIONS]: refresh from $SA/PREFIX
    p=$1
    shift
    "$BIN" catalog refresh --source aws-spot-advisor --endpoint "aws-spot-advisor=$SA/$p" \
        --retries 0 --quiet "$@" >"$T/out" 2>"$T/err"
}

# ---- before any refresh: the compiled-in feed ----
plan >"$T/plan0" 2>"$T/plan0.err"
check "plan without a refreshed feed runs" $?
grep -q 'band >20% for p5.48xlarge in us-east-1 (embedded feed of 2025-06-28)' "$T/plan0"
check "plan names the embedded feed and its date" $?
rate0=$(rate)
[ -n "$rate0" ]; check "plan JSON has a spot rate" $?
tco --provider aws >"$T/tco0" 2>&1
grep -q '^cloud spot (expected): aws p5.48xlarge .*(AWS Spot Advisor band >20% in us-east-1, embedded feed of 2025-06-28, a lower bound)' "$T/tco0"
check "tco names the embedded feed's band and date" $?

# ---- success ----
refresh a
rc=$?
check "refresh: exit 0 (got $rc)" $([ $rc = 0 ]; echo $?)
grep -q '^aws-spot-advisor .* stored: 12 Spot Advisor bands (not offers), as of .*Last-Modified 2025-06-28' "$T/out"
check "refresh: 12 Linux bands stored, with S3's Last-Modified" $?
[ -f "$FEED" ]; check "refresh: the feed stored as refresh/aws-spot-advisor.txt" $?
[ ! -e "$GPUPLAN_HOME/refresh/aws-spot-advisor.csv" ]; check "refresh: no offers file for a feed" $?
ls "$GPUPLAN_HOME/refresh" | grep -q tmp; check "refresh: no temp files left" $([ $? = 1 ]; echo $?)
[ "$(sed -n 1p "$FEED")" = "gpuplan-spot-bands 1" ]; check "stored feed: the first line names its format" $?
sed -n 2p "$FEED" | grep -q "^observed_utc$TAB$today"
check "stored feed: the header says when it was fetched" $?
sed -n 3p "$FEED" | grep -q "^effective${TAB}2025-06-28\$"; check "stored feed: S3's Last-Modified date" $?
grep -qx "endpoint$TAB$SA/a/spot-advisor-data.json" "$FEED"; check "stored feed: the URL fetched" $?
grep -qx "labels$TAB<5%${TAB}5-10%${TAB}10-15%${TAB}15-20%$TAB>20%" "$FEED"; check "stored feed: the feed's band labels in index order" $?
[ "$(band p5.48xlarge us-east-1)" = 4 ]; check "stored feed: p5.48xlarge's Linux band in us-east-1 (4, >20%)" $?
[ "$(band p4d.24xlarge us-west-2)" = 4 ] && [ "$(band p4d.24xlarge us-east-1)" = 2 ]
check "stored feed: one band per region in the regions' order" $?
grep -q 'Windows\|instance_types\|"s":' "$FEED"; check "stored feed: savings, Windows and instance_types left out" $([ $? = 1 ]; echo $?)
plan >"$T/plan1" 2>"$T/plan1.err"
grep -q "band >20% for p5.48xlarge in us-east-1 (refreshed feed of $today)" "$T/plan1"
check "plan: the refreshed feed, dated today" $?
grep -q "the refreshed feed of $today, $SA/a/spot-advisor-data.json" "$T/plan1"
check "plan assumptions: the refreshed feed and its URL" $?
[ ! -s "$T/plan1.err" ]; check "plan: no staleness line for a fresh feed" $?
plan --format json >"$T/plan1.json" 2>/dev/null
grep -q '"feed": "refreshed"' "$T/plan1.json"; check "plan JSON: feed refreshed" $?
grep -q "\"feed_as_of\": \"$today\"" "$T/plan1.json"; check "plan JSON: feed_as_of today" $?
rate1=$(rate)
[ "$rate1" = "$rate0" ]; check "same band as embedded (>20%): same rate ($rate0 vs $rate1)" $?

# ---- signals: neutral, only the catalog's AWS types ----
grep -q '^availability: 9 Spot Advisor bands recorded as neutral signals' "$T/out"
check "refresh: 9 band signals (the catalog's AWS types; not m5.large)" $?
"$BIN" offers --provider aws --gpu H100 >"$T/offers" 2>&1
grep -q STOCK "$T/offers"; check "offers: bands alone make no STOCK column" $([ $? = 1 ]; echo $?)
"$BIN" offers --provider aws --gpu H100 --available >"$T/avail" 2>"$T/avail.err"
rc=$?
check "offers --available: bands are not availability (exit 1, got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'no availability signals recorded yet' "$T/avail.err"; check "offers --available: says none recorded" $?
[ ! -s "$T/avail" ]; check "offers --available: nothing on stdout" $?
plan >"$T/plan1b" 2>&1
grep -q 'no capacity seen' "$T/plan1b"; check "plan: no capacity note from a band" $([ $? = 1 ]; echo $?)

# ---- a band change changes the plan ----
cp "$FEED" "$T/feed.a"
refresh b
check "refresh b: exit 0" $?
plan >"$T/plan2" 2>&1
grep -q "band 5-10% for p5.48xlarge in us-east-1 (refreshed feed of $today)" "$T/plan2"
check "plan: the refreshed band 5-10% replaces >20%" $?
rate2=$(rate)
awk -v a="$rate2" -v b="$rate1" 'BEGIN { exit !(a + 0 < b + 0) }'
check "plan: a lower band gives a lower rate ($rate2 < $rate1)" $?
cp "$FEED" "$T/feed.b"
tco --provider aws >"$T/tco2" 2>"$T/tco2.err"
check "tco with the refreshed feed runs" $?
grep -q "^cloud spot (expected): aws p5.48xlarge .*(AWS Spot Advisor band 5-10% in us-east-1, refreshed feed of $today)" "$T/tco2"
check "tco: the refreshed band 5-10% and its date, as plan takes it" $?
[ ! -s "$T/tco2.err" ]; check "tco: no staleness line for a fresh feed" $?

# ---- the assumptions line names a feed only where AWS spot can be priced ----
"$BIN" plan --model llama-2-7b --tokens 20B --provider lambda --top 1 --trials 200 >"$T/plan-l" 2>&1
grep -q "Spot Advisor band of the type and region (midpoint; P90 at the band's upper edge), else" "$T/plan-l"
check "--provider lambda: the spot assumption names no feed" $?
grep -q 'embedded feed\|refreshed feed' "$T/plan-l"; check "--provider lambda: no feed named anywhere" $([ $? = 1 ]; echo $?)
"$BIN" plan --model llama-2-7b --tokens 20B --provider aws --gpu H100 --spot never --top 1 >"$T/plan-n" 2>&1
grep -q 'embedded feed\|refreshed feed' "$T/plan-n"; check "--spot never: no feed named" $([ $? = 1 ]; echo $?)
plan --spot-rate 0.0002 >"$T/plan-r" 2>&1
grep -q 'spot: 0.0002 interruptions per node-hour (--spot-rate), times the hosts' "$T/plan-r"
check "--spot-rate: the assumption gives the rate, not a feed" $?

# ---- failures keep the old feed and exit 1 ----
for case in truncated cut error bad-band; do
    refresh $case
    rc=$?
    check "$case: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
    cmp -s "$FEED" "$T/feed.b"; check "$case: the old feed kept" $?
    grep -q '^aws-spot-advisor .*FAILED (old data kept)' "$T/out"; check "$case: FAILED in the summary" $?
    ls "$GPUPLAN_HOME/refresh" | grep -q tmp; check "$case: no temp files left" $([ $? = 1 ]; echo $?)
done
refresh truncated
grep -q 'aws-spot-advisor failed: .*truncated' "$T/err"; check "truncated: the message says so" $?
refresh cut
grep -q 'aws-spot-advisor failed: .*not AWS.s Spot Instance Advisor feed: line [0-9]*: not JSON' "$T/err"
check "cut JSON: the message names the line" $?
refresh error
grep -q 'aws-spot-advisor failed: .*HTTP 500' "$T/err"; check "500: the message names the status" $?
refresh bad-band
grep -q "aws-spot-advisor failed: $SA/bad-band/spot-advisor-data.json: .*us-west-2 p4d.24xlarge: 'r' is not a band index 0 to 4" "$T/err"
check "bad band: refused, naming region, type and the ranges" $?
plan >"$T/plan3" 2>&1
grep -q 'band 5-10% for p5.48xlarge' "$T/plan3"; check "plan still uses the kept feed" $?

# ---- the count guard, --force, the endpoint from the environment ----
refresh small
check "small feed: refused (exit 1)" $([ $? = 1 ]; echo $?)
grep -q '1 band figures where 12 were stored: fewer than half' "$T/err"; check "small feed: the count guard says why" $?
cmp -s "$FEED" "$T/feed.b"; check "small feed: the old feed kept" $?
refresh small --force
check "small feed with --force: stored" $?
plan --format json >"$T/plan4.json" 2>/dev/null
grep -q '"basis": "assumption"' "$T/plan4.json"
check "a type the refreshed feed lacks: the kind assumption, not a borrowed band" $?
GPUPLAN_ENDPOINT_AWS_SPOT_ADVISOR=$SA/a "$BIN" catalog refresh --source aws-spot-advisor --quiet >"$T/out" 2>"$T/err"
check "endpoint from GPUPLAN_ENDPOINT_AWS_SPOT_ADVISOR" $?
[ "$(band p5.48xlarge us-east-1)" = 4 ]; check "environment endpoint: feed a stored (p5.48xlarge back, band 4)" $?
grep -qx "endpoint$TAB$SA/a/spot-advisor-data.json" "$FEED"; check "environment endpoint: its URL recorded" $?

# ---- plans that cannot use AWS's bands do not read the feed ----
cp "$FEED" "$T/feed.keep"
printf 'not json' >"$FEED"
"$BIN" plan --model llama-2-7b --tokens 20B --provider aws --gpu H100 --spot never --top 1 >/dev/null 2>&1
check "--spot never: the stored feed is not read" $?
"$BIN" plan --model llama-2-7b --tokens 20B --provider lambda --top 1 --trials 200 >/dev/null 2>&1
check "--provider lambda: the stored feed is not read" $?
plan >/dev/null 2>&1
check "an AWS spot plan reads it (the broken feed: exit 3)" $([ $? = 3 ]; echo $?)
tco --provider aws >"$T/tco3" 2>"$T/tco3.err"
rc=$?
check "tco reads it too (the broken feed: exit 3, got $rc)" $([ $rc = 3 ]; echo $?)
grep -q "gpuplan: .*refresh/aws-spot-advisor.txt:1: not a Spot Advisor feed gpuplan stored" "$T/tco3.err"
check "tco: the broken feed named with its line" $?
[ ! -s "$T/tco3" ]; check "tco: nothing on stdout for a broken feed" $?
tco --provider lambda >/dev/null 2>&1
check "tco --provider lambda: the stored feed is not read" $?
cp "$T/feed.keep" "$FEED"

# ---- a stored feed the planner cannot use ----
cp "$FEED" "$T/feed.good"
sed "s/^observed_utc$TAB.*/observed_utc${TAB}2020-01-01T00:00:00Z/" "$T/feed.good" >"$FEED"
plan >"$T/plan5" 2>"$T/plan5.err"
check "old feed: plan runs" $?
grep -q 'refreshed Spot Advisor feed is older than 7 days (fetched 2020-01-01T00:00:00Z)' "$T/plan5.err"
check "old feed: one staleness line naming the refresh" $?
tco --provider aws --max-age 30d >/dev/null 2>"$T/tco5.err"
grep -q '^gpuplan tco: the refreshed Spot Advisor feed is older than 30 days (fetched 2020-01-01T00:00:00Z)' "$T/tco5.err"
check "old feed: tco says so too, with its --max-age" $?
sed "s/^labels$TAB<5%$TAB/labels$TAB<6%$TAB/" "$T/feed.good" >"$FEED"
plan >"$T/plan6" 2>"$T/plan6.err"
check "relabelled feed: plan runs" $?
grep -q "refreshed Spot Advisor feed is not used: .*band 0 is labelled '<5%'; the Spot Advisor feed ($SA/a/spot-advisor-data.json) says '<6%'; using the embedded feed of 2025-06-28" "$T/plan6.err"
check "relabelled feed: refused for data/spot-bands.csv, embedded used" $?
grep -q '(embedded feed of 2025-06-28)' "$T/plan6"; check "relabelled feed: the plan says embedded" $?
size=$(wc -c <"$T/feed.good")
head -c $((size - 3)) "$T/feed.good" >"$FEED"
plan >"$T/plan7" 2>"$T/plan7.err"
rc=$?
check "cut stored feed: exit 3 (got $rc)" $([ $rc = 3 ]; echo $?)
last=$(wc -l <"$T/feed.good")
grep -q "refresh/aws-spot-advisor.txt:$last: no newline at the end (a cut file)" "$T/plan7.err"
check "cut stored feed: names the file and its last line" $?
[ ! -s "$T/plan7" ]; check "cut stored feed: nothing on stdout" $?
row=$(grep -n "^p5.48xlarge$TAB" "$T/feed.good" | cut -d: -f1)
awk -F'\t' -v OFS='\t' -v n="$row" 'NR == n { $2 = "x" substr($2, 2) } { print }' "$T/feed.good" >"$FEED"
plan >"$T/plan8" 2>"$T/plan8.err"
rc=$?
check "corrupt stored row: exit 3 (got $rc)" $([ $rc = 3 ]; echo $?)
grep -q "refresh/aws-spot-advisor.txt:$row: eu-south-2 p5.48xlarge: 'x' is not a band (0 to 4, or - for none)" "$T/plan8.err"
check "corrupt stored row: names file, line, region, type" $?
[ ! -s "$T/plan8" ]; check "corrupt stored row: nothing on stdout" $?
printf 'not json' >"$FEED"
plan >"$T/plan9" 2>"$T/plan9.err"
[ $? = 3 ] && grep -q "refresh/aws-spot-advisor.txt:1: not a Spot Advisor feed gpuplan stored" "$T/plan9.err"
check "a stored feed not in gpuplan's form: exit 3 naming the file's first line" $?

echo "$n checks, $([ $fail = 0 ] && echo all passed || echo some FAILED)"
exit $fail
