#!/bin/sh
# `gpuplan catalog refresh` against recorded responses served on 127.0.0.1
# by tests/replay_server.c (fixtures: tests/fixtures/http/<name>/, each
# with a NOTE.md on the format it follows). Nothing leaves this machine.
# Usage: refresh.sh GPUPLAN REPLAY_SERVER SOURCE_ROOT
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
# start FIXTURE: a server in the background; sets PORT.
start() {
    rm -f "$T/port.$1"
    "$SERVER" "$FIX/$1" </dev/null >"$T/port.$1" &
    pids="$pids $!"
    i=0
    while [ ! -s "$T/port.$1" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
    PORT=$(cat "$T/port.$1")
}

# ---- SkyPilot's hosted catalog ----
start skypilot
SKY=http://127.0.0.1:$PORT
run1() {
    "$BIN" catalog refresh --source skypilot --provider lambda,aws,nebius,cudo,runpod \
        --endpoint "skypilot=$SKY" --retries 1 --quiet "$@" >"$T/out" 2>"$T/err"
}
run1
rc=$?
check "first refresh exits 1 (runpod is truncated): got $rc" $([ $rc = 1 ]; echo $?)
grep -q '^lambda .* stored' "$T/out"; check "lambda stored" $?
grep -q '^aws .* stored' "$T/out"; check "aws stored after 429 then 200" $?
grep -q '^nebius .* stored' "$T/out"; check "nebius stored" $?
grep -q '^cudo .* stored' "$T/out"; check "cudo stored" $?
grep -q '^runpod .*FAILED' "$T/out"; check "runpod failed" $?
grep -q 'runpod failed: .*truncated' "$T/err"; check "runpod failure names truncation" $?
[ ! -e "$GPUPLAN_HOME/refresh/runpod.csv" ]; check "nothing stored for runpod" $?
ls "$GPUPLAN_HOME/refresh" | grep -q tmp; check "no temp files left" $([ $? = 1 ]; echo $?)
# cudo's row 2 has Price 0: refused and listed by catalog check.
awk '$1=="cudo"{print $4}' "$T/out" | grep -qx 1; check "cudo: 1 refused" $?
"$BIN" catalog check --kind refused --provider cudo >"$T/check" 2>&1
grep -q "^$SKY/v8/cudo/vms.csv:3: refused: no-price" "$T/check"; check "catalog check lists the refused zero price" $?
# 429 then 200: the request log of the server is not needed, the result is.
# offers shows the refreshed rows with the fetch date and URL.
today=$(date -u +%Y-%m-%d)
"$BIN" offers --provider aws --gpu A100-40GB --all-regions --format json >"$T/offers.json" 2>"$T/offers.err"
grep -q "\"as_of\": \"$today\"" "$T/offers.json"; check "offers: refreshed as_of" $?
grep -q "\"source\": \"$SKY/v8/aws/vms.csv\"" "$T/offers.json"; check "offers: refreshed source" $?
grep -q '44.92215' "$T/offers.json"; check "offers: the refreshed p4d price (ap-northeast-1)" $?
[ ! -s "$T/offers.err" ]; check "offers: no staleness line for fresh data" $?
# only the refreshed rows of aws: 6 offers
c=$(grep -c '"instance_type"' "$T/offers.json")
check "offers: aws replaced whole (6 offers, got $c)" $([ "$c" = 6 ]; echo $?)
# the refresh appended what it stored to the price history, dated today.
grep -q '^history: [1-9][0-9]* prices recorded in ' "$T/out"; check "history: the refresh recorded prices" $?
"$BIN" history --gpu A100-40GB --provider aws --format csv >"$T/hist.csv" 2>"$T/hist.err"
check "history: aws A100-40GB queried" $?
grep -q "^$today,aws," "$T/hist.csv"; check "history: aws on $today" $?
grep -q "^$today,aws,4.915," "$T/hist.csv"; check "history: the cheapest refreshed aws A100-40GB GPU-hour (p4d at 39.32 / 8)" $?

# second refresh: nebius answers 500: its old data stays.
cp "$GPUPLAN_HOME/refresh/nebius.csv" "$T/nebius.before"
"$BIN" catalog refresh --source skypilot --provider nebius,lambda --endpoint "skypilot=$SKY" \
    --retries 0 --quiet >"$T/out" 2>"$T/err"
rc=$?
check "500: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'nebius failed: .*HTTP 500' "$T/err"; check "500: names the provider and status" $?
cmp -s "$T/nebius.before" "$GPUPLAN_HOME/refresh/nebius.csv"; check "500: old nebius data kept" $?
grep -q '^lambda .* stored' "$T/out"; check "500: lambda still stored" $?

# third: lambda answers 5 rows where 40 were stored: refused, then --force.
"$BIN" catalog refresh --source skypilot --provider lambda --endpoint "skypilot=$SKY" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "count guard: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'fewer than half' "$T/err"; check "count guard: message" $?
GPUPLAN_ENDPOINT_SKYPILOT=$SKY "$BIN" catalog refresh --source skypilot --provider lambda --force --quiet >"$T/out" 2>"$T/err"
check "count guard: --force stores (endpoint from the environment)" $?

# staleness: a stored file 8 days old gives one line naming the command.
touch -d '8 days ago' "$GPUPLAN_HOME/refresh/aws.csv"
"$BIN" offers --provider aws --limit 1 >/dev/null 2>"$T/err"
grep -q 'refreshed prices of aws are older than 7 days.*gpuplan catalog refresh' "$T/err"; check "stale line" $?
[ "$(wc -l <"$T/err")" = 1 ]; check "stale: one line" $?
"$BIN" offers --provider aws --limit 1 --max-age 9d >/dev/null 2>"$T/err"
[ ! -s "$T/err" ]; check "--max-age 9d: no line" $?

# ---- Azure Retail Prices API: two pages, rebased link ----
start azure
AZ=http://127.0.0.1:$PORT/azure
"$BIN" catalog refresh --source azure --endpoint "azure=$AZ" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "azure: exit 0 (got $rc: $(cat "$T/err"))" $rc
"$BIN" offers --provider azure --all-regions --format json >"$T/az.json" 2>/dev/null
for want in '"region": "eastus"' '"region": "eastus2"' '"region": "centralus"' \
    '"usd_per_hour": 3.673' '"usd_per_hour": 4.15'; do
    grep -q "$want" "$T/az.json"; check "azure: $want (page 2 read through the rebased link)" $?
done
grep -q '999' "$T/az.json"; check "azure: Windows/DevTest/non-GPU prices left out" $([ $? = 1 ]; echo $?)
grep -q 'southcentralus' "$T/az.json"; check "azure: the price of 0 is not offered" $([ $? = 1 ]; echo $?)
"$BIN" catalog check --kind refused --provider azure >"$T/check" 2>&1
grep -q 'refused: no-price' "$T/check"; check "azure: the zero price is listed as refused" $?
grep -q '0.4565' "$T/az.json"; check "azure: low-priority meter as spot where no spot meter" $?

# ---- truncated JSON ----
start azure-truncated
"$BIN" catalog refresh --source azure --endpoint "azure=http://127.0.0.1:$PORT" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "truncated JSON: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'azure failed: .*not a whole JSON document' "$T/err"; check "truncated JSON: message" $?
grep -q '"usd_per_hour": 3.673' "$T/az.json"; check "truncated JSON: old azure data kept" $?
"$BIN" offers --provider azure --all-regions --format json 2>/dev/null | grep -q 'centralus'
check "truncated JSON: old azure data still offered" $?

# ---- AWS Price List bulk files: index -> region index -> region CSVs ----
start aws
"$BIN" catalog refresh --source aws --endpoint "aws=http://127.0.0.1:$PORT/aws" --force --quiet >"$T/out" 2>"$T/err"
rc=$?
check "aws bulk: exit 0 (got $rc: $(cat "$T/err"))" $rc
"$BIN" offers --provider aws --all-regions --format json >"$T/aws.json" 2>/dev/null
c=$(grep -c '"instance_type"' "$T/aws.json")
check "aws bulk: 4 offers (2 types x 2 regions through rebased relative URLs), got $c" $([ "$c" = 4 ]; echo $?)
grep -q '"usd_per_hour": 1.006' "$T/aws.json"; check "aws bulk: g5.xlarge on-demand" $?
grep -q '"usd_per_hour": 5.672' "$T/aws.json"; check "aws bulk: g5.12xlarge on-demand" $?
grep -q '"region": "us-west-2"' "$T/aws.json"; check "aws bulk: second region file" $?
grep -q 'reserved 1y no-upfront \$0.1110/h' "$T/aws.json"; check "aws bulk: reserved rate in notes" $?
grep -q '999' "$T/aws.json"; check "aws bulk: Windows, Dedicated, upfront, non-GPU rows left out" $([ $? = 1 ]; echo $?)

# ---- a keyed source: Lambda ----
start lambda
LAM=http://127.0.0.1:$PORT
env -u LAMBDA_API_KEY "$BIN" catalog refresh --source lambda --endpoint "lambda=$LAM" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "missing key: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'lambda failed: .*set LAMBDA_API_KEY in the environment' "$T/err"; check "missing key: names the variable" $?
LAMBDA_API_KEY=test-key-not-real "$BIN" catalog refresh --source lambda --endpoint "lambda=$LAM" --force --quiet >"$T/out" 2>"$T/err"
check "lambda with a key: stored ($(cat "$T/err"))" $?
grep -q 'test-key-not-real' "$GPUPLAN_HOME"/refresh/*; check "the key is never stored" $([ $? = 1 ]; echo $?)
"$BIN" offers --provider lambda --all-regions --format json >"$T/lam.json" 2>/dev/null
grep -q '"usd_per_hour": 23.92' "$T/lam.json"; check "lambda: the H100 node at 2392 cents" $?
grep -q '"region": "us-east-1"' "$T/lam.json"; check "lambda: region with capacity" $?
grep -q 'no region had capacity' "$T/lam.json"; check "lambda: A10 without capacity noted" $?
# Types the snapshot lacks: the GPU from gpu_description, brand words
# dropped, its "(N GB" memory keeping A100-80GB apart from the 40 GB A100.
"$BIN" offers --provider lambda --all-regions --format csv >"$T/lam.csv" 2>/dev/null
for want in 'gpu_8x_b200_sxm6,.*,B200,8,180' 'gpu_2x_a100_80gb_notinsnapshot,.*,A100-80GB,2,80' \
    'gpu_1x_quadro_notinsnapshot,.*,RTX6000,1,24'; do
    grep -q "$want" "$T/lam.csv"; check "lambda: $want" $?
done

# Lambda's regions with capacity became availability signals.
grep -q '^availability: [1-9][0-9]* signals recorded' "$T/out"; check "lambda: signals recorded" $?

# ---- a keyed GraphQL source: RunPod ----
start runpod
RP=http://127.0.0.1:$PORT
env -u RUNPOD_API_KEY "$BIN" catalog refresh --source runpod --endpoint "runpod=$RP" --quiet >"$T/out" 2>"$T/err"
rc=$?
check "runpod missing key: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'runpod failed: .*set RUNPOD_API_KEY in the environment' "$T/err"; check "runpod missing key: names the variable" $?
RUNPOD_API_KEY=test-key-not-real "$BIN" catalog refresh --source runpod --endpoint "runpod=$RP" --force --quiet >"$T/out" 2>"$T/err"
check "runpod with a key: stored ($(cat "$T/err"))" $?
grep -q '^runpod .* 3 ' "$T/out"; check "runpod: 3 offers (the all-zero placeholder left out)" $?
grep -q '^availability: 3 signals recorded' "$T/out"; check "runpod: 3 stock signals" $?
grep -q 'test-key-not-real' "$GPUPLAN_HOME"/refresh/*; check "the runpod key is never stored" $([ $? = 1 ]; echo $?)
"$BIN" offers --provider runpod --format json >"$T/rp.json" 2>/dev/null
grep -q '"usd_per_hour": 2.99' "$T/rp.json"; check "runpod: H100 SXM secure price" $?
grep -q '"spot_usd_per_hour": 2.69' "$T/rp.json"; check "runpod: H100 SXM spot price" $?
grep -q '"status": "high"' "$T/rp.json"; check "runpod: stock high in JSON availability" $?

# ---- offers --available and the STOCK column ----
"$BIN" offers --available --provider lambda --format json >"$T/av.json" 2>"$T/av.err"
check "offers --available: exit 0 ($(cat "$T/av.err"))" $?
grep -q '"instance_type": "gpu_8x_h100_sxm5"' "$T/av.json"; check "--available: the Lambda type with capacity" $?
grep -q 'gpu_1x_a10' "$T/av.json"; check "--available: not the A10 without capacity" $([ $? = 1 ]; echo $?)
"$BIN" offers --provider lambda,runpod >"$T/tab" 2>&1
grep -q 'STOCK' "$T/tab"; check "offers: STOCK column when signals exist" $?
grep 'gpu_1x_a10' "$T/tab" | grep -q ' no '; check "offers: A10 stock no" $?
grep '1x_RTX4090_SECURE' "$T/tab" | grep -q ' low '; check "offers: RTX 4090 stock low" $?
"$BIN" offers --available --provider runpod --format json >"$T/av2.json" 2>/dev/null
grep -q '1x_A100-80GB_SECURE' "$T/av2.json"; check "--available: RunPod A100 with null stock left out" $([ $? = 1 ]; echo $?)
grep -q '1x_RTX4090_SECURE' "$T/av2.json"; check "--available: RunPod low stock is positive" $?
"$BIN" offers --available --signal-age 1m --provider lambda >"$T/out" 2>"$T/err"
check "--available --signal-age 1m: exit 0" $?
# the planner notes a negative signal (Lambda's A10: no capacity)
"$BIN" plan --model llama-3-8b --tokens 1B --provider lambda --gpu A10 --capacity any --finetune qlora --format json >"$T/plan.json" 2>"$T/plan.err"
grep -q 'no capacity seen at lambda on 20[0-9-]* (capacity-unavailable' "$T/plan.json"; check "plan: no-capacity note ($(head -c 300 "$T/plan.err"))" $?
"$BIN" plan --model llama-3-8b --tokens 1B --provider lambda --gpu H100 --capacity any --finetune qlora --format json >"$T/plan2.json" 2>/dev/null
grep -q 'no capacity seen' "$T/plan2.json"; check "plan: no note for the H100 node with capacity" $([ $? = 1 ]; echo $?)
GPUPLAN_HOME="$T/empty" "$BIN" offers --available >"$T/out" 2>"$T/err"
rc=$?
check "--available without signals: exit 1 (got $rc)" $([ $rc = 1 ]; echo $?)
grep -q 'gpuplan catalog refresh' "$T/err"; check "--available without signals: names the refresh" $?
[ ! -s "$T/out" ]; check "--available without signals: nothing on stdout" $?

# ---- bad options ----
"$BIN" catalog refresh --endpoint 'skypilot=ftp://x' >/dev/null 2>"$T/err"
check "ftp endpoint refused with exit 2" $([ $? = 2 ]; echo $?)
"$BIN" catalog refresh --source nosuch >/dev/null 2>"$T/err"
check "unknown source: exit 2" $([ $? = 2 ]; echo $?)

[ $fail = 0 ] || { echo "refresh tests failed"; exit 1; }
echo "$n refresh checks passed"
