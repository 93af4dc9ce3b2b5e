#!/bin/sh
# `gpuplan offers` on refreshed data: serves every embedded SkyPilot
# snapshot (data/catalog/skypilot/<cloud>/) as the hosted catalog from the
# replay server on 127.0.0.1, refreshes all providers into a scratch data
# home, then times `gpuplan offers --gpu H100` (whole process) with and
# without that data; then refreshes AWS from two synthetic region files of
# AWS_MB megabytes (default 300) streamed by the same server, in the CSV
# form and then in the JSON form, reporting time and peak RSS of each.
# Usage: bench/refresh-bench.sh BUILD_DIR
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
mkdir "$T/fix"
: >"$T/fix/routes"
for d in "$root"/data/catalog/skypilot/*/; do
    cloud=$(basename "$d")
    [ "$cloud" = common ] && continue
    {
        printf '200 OK\nContent-Type: text/plain\n\n'
        first=1
        for f in "$d"vms*.csv; do
            if [ $first = 1 ]; then cat "$f"; first=0; else tail -n +2 "$f"; fi
        done
    } >"$T/fix/$cloud.http"
    echo "/v8/$cloud/vms.csv - $cloud.http" >>"$T/fix/routes"
done
"$build/tests/replay_server" "$T/fix" </dev/null >"$T/port" &
pid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
export GPUPLAN_HOME="${KEEP_HOME:-$T/home}"
echo "== refresh of every embedded SkyPilot cloud, replayed"
/usr/bin/time -f "refresh_seconds %e peak_rss_kb %M" "$build/gpuplan" catalog refresh \
    --source skypilot --endpoint "skypilot=http://127.0.0.1:$(cat "$T/port")" \
    --retries 0 --quiet | tail -1 || true
echo "stored_bytes $(cat "$GPUPLAN_HOME"/refresh/*.csv | wc -c)"
echo "== gpuplan offers --gpu H100, refreshed data (200 runs)"
"$build/bench/bench_cli" 200 "$build/gpuplan" offers --gpu H100
echo "== the same, embedded data only (200 runs)"
GPUPLAN_HOME="$T/none" "$build/bench/bench_cli" 200 "$build/gpuplan" offers --gpu H100

# AWS: the same refresh from each form of the region files (CSV, then
# JSON with GPUPLAN_AWS_FORMAT=json), each generated afresh and removed.
for form in csv json; do
    echo "== AWS bulk fetcher, $form form: two replayed region files of ${AWS_MB:-300} MB each (bench/gen-aws-region.sh)"
    rm -rf "$T/aws"
    "$root/bench/gen-aws-region.sh" "$T/aws" "${AWS_MB:-300}" "$form"
    echo "region_file_bytes $(wc -c <"$T/aws/big.http")"
    kill "$pid" 2>/dev/null || true
    rm -f "$T/port2"
    "$build/tests/replay_server" "$T/aws" </dev/null >"$T/port2" &
    pid=$!
    i=0
    while [ ! -s "$T/port2" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    rm -rf "$T/awshome"
    GPUPLAN_HOME="$T/awshome" GPUPLAN_AWS_FORMAT=$form /usr/bin/time -f "refresh_seconds %e user_seconds %U peak_rss_kb %M" \
        "$build/gpuplan" catalog refresh --source aws --force --retries 0 --quiet \
        --endpoint "aws=http://127.0.0.1:$(cat "$T/port2")" | tail -1 || true
done
rm -rf "$T/aws"
