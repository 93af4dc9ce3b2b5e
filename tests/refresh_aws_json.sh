#!/bin/sh
# `gpuplan catalog refresh --source aws` reading the JSON form of AWS's
# Price List region files, against recorded responses served on 127.0.0.1
# by tests/replay_server.c (tests/fixtures/http/aws-json/, NOTE.md: the
# same products and prices as tests/fixtures/http/aws/'s CSV form, one URL
# prefix per case). Nothing leaves this machine.
# Usage: refresh_aws_json.sh GPUPLAN REPLAY_SERVER SOURCE_ROOT
set -u
BIN=$1
SERVER=$2
ROOT=$3
FIX=$ROOT/tests/fixtures/http
T=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
export LC_ALL=C NO_COLOR=1 COLUMNS=200 TZ=UTC
unset GPUPLAN_CATALOG XDG_CACHE_HOME GPUPLAN_AWS_FORMAT
for v in $(env | sed -n 's/^\(GPUPLAN_ENDPOINT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
fail=0
n=0
check() { # NAME CONDITION-EXIT-STATUS
    n=$((n + 1))
    if [ "$2" != 0 ]; then
        echo "FAIL $1"
        fail=1
    fi
}
REPLAY_LOG="$T/log" "$SERVER" "$FIX/aws-json" </dev/null >"$T/port" &
pid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
URL=http://127.0.0.1:$(cat "$T/port")

# refresh CASE HOME [FORMAT]: refresh aws from URL/CASE into HOME.
refresh() {
    : >"$T/log"
    GPUPLAN_HOME="$T/$2" GPUPLAN_AWS_FORMAT=${3:-} "$BIN" catalog refresh --source aws \
        --endpoint "aws=$URL/$1" --force --retries 0 --quiet >"$T/out" 2>"$T/err"
}
# offers HOME: the refreshed aws offers as JSON, the URL prefix of the
# case (which names the source) and the home taken out.
offers() {
    GPUPLAN_HOME="$T/$1" "$BIN" offers --provider aws --all-regions --format json 2>/dev/null |
        sed -e "s#$URL/[a-z-]*/#URL/#g" -e "s#$T/[a-z-]*/#HOME/#g" >"$T/$1.json"
}

# ---- the CSV form, the default: the reference ----
refresh csv csv
rc=$?
check "csv: exit 0 (got $rc: $(cat "$T/err"))" $rc
grep -q '/us-east-1/index.csv$' "$T/log"; check "csv: the default form asks for index.csv" $?
offers csv
c=$(grep -c '"instance_type"' "$T/csv.json")
check "csv: 4 offers, got $c" $([ "$c" = 4 ]; echo $?)

# ---- the JSON form, products before terms ----
refresh aws json json
rc=$?
check "json: exit 0 (got $rc: $(cat "$T/err"))" $rc
grep -q '/us-east-1/index.json$' "$T/log"; check "json: GPUPLAN_AWS_FORMAT=json follows the index's .json URL" $?
grep -q 'index.csv' "$T/log"; check "json: no .csv asked for" $([ $? = 1 ]; echo $?)
offers json
cmp -s "$T/csv.json" "$T/json.json"
check "json: the same offers as the CSV form ($(diff "$T/csv.json" "$T/json.json" | head -5))" $?
grep -q '"usd_per_hour": 1.006' "$T/json.json"; check "json: g5.xlarge on-demand" $?
grep -q '"usd_per_hour": 5.672' "$T/json.json"; check "json: g5.12xlarge on-demand" $?
grep -q '"region": "us-west-2"' "$T/json.json"; check "json: the second region file" $?
grep -q 'reserved 1y no-upfront \$0.1110/h' "$T/json.json"; check "json: the reserved rate in notes" $?
grep -q '999' "$T/json.json"
check "json: Windows, Dedicated, unused-reservation, upfront-fee and non-GPU sentinels left out" $([ $? = 1 ]; echo $?)
grep -q '2024-12-01' "$T/json/refresh/aws.csv"; check "json: publicationDate read as the effective date" $?

# ---- terms before products ----
refresh terms-first tf json
rc=$?
check "terms first: exit 0 (got $rc: $(cat "$T/err"))" $rc
offers tf
cmp -s "$T/csv.json" "$T/tf.json"
check "terms first: the same offers ($(diff "$T/csv.json" "$T/tf.json" | head -5))" $?

# ---- a JSON body where CSV was asked for: the first byte decides ----
refresh mirror mirror
rc=$?
check "mirror: exit 0 (got $rc: $(cat "$T/err"))" $rc
grep -q '/us-east-1/index.csv$' "$T/log"; check "mirror: asked for index.csv" $?
offers mirror
cmp -s "$T/csv.json" "$T/mirror.json"; check "mirror: read as JSON, the same offers" $?

# ---- truncated JSON: fails, the old data stays ----
cp "$T/json/refresh/aws.csv" "$T/aws.before"
refresh truncated json json
rc=$?
check "truncated: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q "aws failed: $URL/truncated/offers/v1.0/aws/AmazonEC2/20241201000000/us-east-1/index.json: the JSON document ends at byte 7571 inside \"terms\".\"OnDemand\".\"SKUG512X001\": truncated" "$T/err"
check "truncated: the message names the URL and the byte ($(cat "$T/err"))" $?
grep -q '^aws .*FAILED (old data kept)' "$T/out"; check "truncated: reported failed" $?
cmp -s "$T/aws.before" "$T/json/refresh/aws.csv"; check "truncated: old aws data kept" $?
ls "$T/json/refresh" | grep -q tmp; check "truncated: no temp file left" $([ $? = 1 ]; echo $?)
offers json
cmp -s "$T/csv.json" "$T/json.json"; check "truncated: the old offers still offered" $?

# ---- the connection drops mid-file ----
refresh dropped json json
rc=$?
check "dropped: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q "aws failed: .*$URL/dropped/.*/us-east-1/index.json: truncated response" "$T/err"
check "dropped: names the URL and the truncation ($(cat "$T/err"))" $?
cmp -s "$T/aws.before" "$T/json/refresh/aws.csv"; check "dropped: old aws data kept" $?

# ---- a form gpuplan does not know ----
refresh aws json xml
rc=$?
check "GPUPLAN_AWS_FORMAT=xml: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q "aws failed: GPUPLAN_AWS_FORMAT is 'xml': use csv or json" "$T/err"
check "GPUPLAN_AWS_FORMAT=xml: names the variable ($(cat "$T/err"))" $?
[ ! -s "$T/log" ]; check "GPUPLAN_AWS_FORMAT=xml: nothing requested" $?

[ $fail = 0 ] || { echo "aws json refresh tests failed"; exit 1; }
echo "$n aws json refresh checks passed"
