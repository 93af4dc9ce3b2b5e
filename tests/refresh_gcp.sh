#!/bin/sh
# `gpuplan catalog refresh --source gcp` (GCP Cloud Billing Catalog) against
# recorded responses served on 127.0.0.1 by tests/replay_server.c
# (tests/fixtures/http/gcp/, gcp-empty/; NOTE.md says what is real and what
# is a labelled placeholder). Nothing leaves this machine.
# Usage: refresh_gcp.sh GPUPLAN REPLAY_SERVER SOURCE_ROOT
set -u
BIN=$1
SERVER=$2
ROOT=$3
FIX=$ROOT/tests/fixtures/http
T=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
export LC_ALL=C NO_COLOR=1 COLUMNS=200 TZ=UTC
unset GPUPLAN_CATALOG XDG_CACHE_HOME GCP_API_KEY
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
start() {
    rm -f "$T/port.$1"
    REPLAY_LOG="$T/log.$1" "$SERVER" "$FIX/$1" </dev/null >"$T/port.$1" &
    pids="$pids $!"
    i=0
    while [ ! -s "$T/port.$1" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
    PORT=$(cat "$T/port.$1")
}

start gcp
GCP=http://127.0.0.1:$PORT/gcp
KEY=test-gcp-key-not-real

# a missing key: a message naming the variable, nothing stored
"$BIN" catalog refresh --source gcp --endpoint "gcp=$GCP" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "missing key: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'gcp failed: .*set GCP_API_KEY in the environment' "$T/err"; check "missing key: names GCP_API_KEY" $?
[ ! -e "$GPUPLAN_HOME/refresh/gcp.csv" ]; check "missing key: nothing stored" $?

# two pages, the second through a percent-encoded pageToken
GCP_API_KEY=$KEY "$BIN" catalog refresh --source gcp --endpoint "gcp=$GCP" --force --quiet >"$T/out" 2>"$T/err"
rc=$?
check "gcp: exit 0 (got $rc: $(cat "$T/err"))" $rc
[ "$(grep -c skus "$T/log.gcp")" = 2 ]; check "gcp: two requests (two pages)" $?
grep -q 'pageToken=page-2-token%2Fx%3D' "$T/log.gcp"; check "gcp: page 2 asked with the encoded token" $?
grep -q "$KEY" "$T/log.gcp"; check "gcp: the key is not in any URL" $([ $? = 1 ]; echo $?)
grep -rq "$KEY" "$GPUPLAN_HOME"; check "gcp: the key is never stored" $([ $? = 1 ]; echo $?)
"$BIN" offers --provider gcp --all-regions --format json >"$T/gcp.json" 2>/dev/null
# a2-highgpu-1g: 12 x 0.031611 + 85 x 0.004237 + 1 x 2.93391 = 3.673387
grep -q '"usd_per_hour": 3.673387' "$T/gcp.json"; check "gcp: a2-highgpu-1g composed on-demand" $?
# preemptible: 12 x 0.012644 + 85 x 0.0016945 (page 2) + 1.1472 (page 2)
grep -q '"spot_usd_per_hour": 1.4429605' "$T/gcp.json"; check "gcp: a2-highgpu-1g preemptible from page 2" $?
# a3-highgpu-8g: 208 x 0.025497951 + 1872 x 0.002220345 + 8 x 4.20076 = 43.066139648
grep -q '"usd_per_hour": 43.06613965' "$T/gcp.json"; check "gcp: a3-highgpu-8g composed" $?
# commitments: 12 x 0.019915 + 85 x 0.002669 + 1.848; 12 x 0.014225 + 85 x 0.001907 + 1.32
grep -q 'commitment 1y \$2.3138/h; commitment 3y \$1.6528/h' "$T/gcp.json"; check "gcp: Commit1Yr/Commit3Yr in notes" $?
grep -q '999' "$T/gcp.json"; check "gcp: N1, Custom, Storage, Reserved and G2 SKUs left out" $([ $? = 1 ]; echo $?)
grep -q '"region": "asia-northeast1"' "$T/gcp.json"; check "gcp: embedded gcp offers replaced whole" $([ $? = 1 ]; echo $?)
grep -q "\"source\": \"$GCP/v1/services/6F81-5844-456A/skus?currencyCode=USD\"" "$T/gcp.json"; check "gcp: source is the URL without key" $?
# Machine families (NOTE.md: which SKUs price which family, per SkyPilot's
# and gpuhunt's fetchers). Columns of offers --format csv: 3 instance_type,
# 4 region, 11 usd_per_hour, 13 spot_usd_per_hour.
"$BIN" offers --provider gcp --all-regions --format csv >"$T/gcp.csv" 2>/dev/null
"$BIN" catalog check --kind refused >"$T/refused" 2>&1
price() { # TYPE REGION COLUMN: the offer's cell, "" when no such offer
    awk -F, -v t="$1" -v r="$2" -v c="$3" '$3 == t && $4 == r { print $c; exit }' "$T/gcp.csv"
}
# a3-megagpu-8g: 208 x 0.0301 + 1872 x 0.00176 (A3Plus core/RAM) + 8 x 10.34427625 (H100 80GB Plus GPU) = 92.30973
[ "$(price a3-megagpu-8g us-central1 11)" = 92.30973 ]; check "A3 Mega: A3Plus core/RAM + H100 80GB Plus GPU (got $(price a3-megagpu-8g us-central1 11))" $?
# a3-ultragpu-8g: 224 x 0.025497951 + 2952 x 0.002220345 (A3 core/RAM) + 8 x 9.31174 (H200 141GB GPU) = 86.759919464
[ "$(price a3-ultragpu-8g us-central1 11)" = 86.75991946 ]; check "A3 Ultra: A3 core/RAM + H200 141GB GPU (got $(price a3-ultragpu-8g us-central1 11))" $?
# a4-highgpu-8g: 8 x 11.277 (B200 1-GPU slice, VM included); spot 8 x 4.0758 from a
# "Spot Preemptible" slice SKU whose usageType says OnDemand
[ "$(price a4-highgpu-8g us-central1 11)" = 90.216 ]; check "A4: 8 x the B200 slice (got $(price a4-highgpu-8g us-central1 11))" $?
[ "$(price a4-highgpu-8g us-central1 13)" = 32.6064 ]; check "A4: spot from the Spot Preemptible slice SKU (got $(price a4-highgpu-8g us-central1 13))" $?
# A3 Edge: A3 core/RAM + H100 80GB GPU, as A3 High (208 vCPU, 1872 GiB, 8 GPUs)
[ "$(price a3-edgegpu-8g us-central1 11)" = 43.06613965 ]; check "A3 Edge: A3 core/RAM + H100 80GB GPU" $?
# the A3 High price does not take the Plus (Mega) GPU rate in us-central1
[ "$(price a3-highgpu-8g us-central1 11)" = 43.06613965 ]; check "A3 High: the H100 80GB GPU, not the Plus SKU" $?
# us-east5 has A3 core/RAM and only an "H100 80GB Mega" GPU SKU (999 sentinels):
# no a3-highgpu there (Mega is not H100), no a3-megagpu (no A3Plus core/RAM)
grep -q '^gcp,[^,]*,a3-highgpu-[^,]*,us-east5,' "$T/gcp.csv"; check "Mega GPU SKU does not price a3-highgpu" $([ $? = 1 ]; echo $?)
grep -q '^gcp,[^,]*,a3-megagpu-[^,]*,us-east5,' "$T/gcp.csv"; check "A3 Mega is not priced with A3 High's core/RAM" $([ $? = 1 ]; echo $?)
grep -q 'refused: no-price: gcp a3-megagpu-8g us-east5: not priced: no "A3Plus Instance Core", "A3Plus Instance Ram" SKU' "$T/refused"; check "A3 Mega unpriced in us-east5: named with the missing SKUs" $?
# us-east4 has an H100 80GB GPU and N1 core/RAM (999) only: A3 is never priced with N1's rates
grep -q '^gcp,[^,]*,a3-[^,]*,us-east4,' "$T/gcp.csv"; check "N1 core/RAM never price A3" $([ $? = 1 ]; echo $?)
grep -q 'refused: no-price: gcp a3-highgpu-8g us-east4: not priced: no "A3 Instance Core", "A3 Instance Ram" SKU' "$T/refused"; check "A3 High unpriced in us-east4: named with the missing SKUs" $?
# a machine whose GPU SKU is in no region (the fixture has no A100 80GB SKU)
grep -q 'refused: no-price: gcp a2-ultragpu-8g: not priced: no "A100 80GB GPU" SKU .* in any region' "$T/refused"; check "a2-ultragpu-8g: no GPU SKU, said" $?
grep -q '999' "$T/gcp.csv"; check "gcp: no 999 sentinel in any offer (csv)" $([ $? = 1 ]; echo $?)
# on-demand availability (gpuhunt, from GCP's consumption-option table): flagged
# for a3-highgpu-1g and A4, not for a3-highgpu-8g
grep '^gcp,[^,]*,a3-highgpu-1g,us-central1,' "$T/gcp.csv" | grep -q 'may not sell this machine type on demand'; check "a3-highgpu-1g: on-demand availability noted" $?
grep '^gcp,[^,]*,a4-highgpu-8g,us-central1,' "$T/gcp.csv" | grep -q 'may not sell this machine type on demand'; check "a4-highgpu-8g: on-demand availability noted" $?
grep '^gcp,[^,]*,a3-highgpu-8g,us-central1,' "$T/gcp.csv" | grep -q 'may not sell'; check "a3-highgpu-8g: no availability note" $([ $? = 1 ]; echo $?)
# G2: SKUs present, but the catalog has no g2-standard machine types: none priced
grep -q '^gcp,[^,]*,g2-' "$T/gcp.csv"; check "G2: no machine types in the catalog, none priced" $([ $? = 1 ]; echo $?)
grep -q "refused: no-price: gcp g2-standard-\*: not priced: .* no g2-standard-\* machine types" "$T/refused"; check "G2: unpriced, with the reason" $?
cp "$GPUPLAN_HOME/refresh/gcp.csv" "$T/gcp.before"

# an empty SKU list is a failure and keeps the old data
start gcp-empty
GCP_API_KEY=$KEY "$BIN" catalog refresh --source gcp --endpoint "gcp=http://127.0.0.1:$PORT" --force --quiet >"$T/out" 2>"$T/err"
rc=$?
check "empty SKU list: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'gcp failed: .*listed no SKUs' "$T/err"; check "empty SKU list: message" $?
cmp -s "$T/gcp.before" "$GPUPLAN_HOME/refresh/gcp.csv"; check "empty SKU list: old gcp data kept" $?

[ $fail = 0 ] || { echo "gcp refresh tests failed"; exit 1; }
echo "$n gcp refresh checks passed"
