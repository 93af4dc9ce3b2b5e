#!/bin/sh
# `gpuplan offers` on refreshed data with availability signals (issue 12:
# "offers with refreshed data stays under 10 ms per process").
#
# Builds a data home the way a user's refresh would: every embedded
# SkyPilot snapshot (data/catalog/skypilot/<cloud>/) is served as the
# hosted catalog by the replay server on 127.0.0.1 and refreshed
# (`catalog refresh --source skypilot`), then the Lambda and RunPod
# fixtures of tests/fixtures/http/ are refreshed with a placeholder key,
# which records their availability signals in the history. Then it times
# whole `gpuplan offers` processes with bench_cli (min, median, p95).
#
# Usage: bench/offers-refreshed.sh BUILD_DIR [RUNS]
#   KEEP_HOME=DIR  build the data home in DIR and keep it (reused when it
#                  already holds a history)
#   ONLY=1         build the data home and time nothing
#   BEFORE=BINARY  also time another gpuplan (e.g. one built from an older
#                  commit) on the same data home, alternating with this one
set -eu
build=${1:-build}
runs=${2:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/gpuplan
T=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
export LC_ALL=C TZ=UTC
unset GPUPLAN_CATALOG XDG_CACHE_HOME
for v in $(env | sed -n 's/^\(GPUPLAN_ENDPOINT_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export GPUPLAN_HOME="${KEEP_HOME:-$T/home}"

# serve FIXTURE_DIR: a replay server in the background; sets PORT.
serve() {
    rm -f "$T/port"
    "$build/tests/replay_server" "$1" </dev/null >"$T/port" &
    pids="$pids $!"
    i=0
    while [ ! -s "$T/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    PORT=$(cat "$T/port")
}

if [ ! -e "$GPUPLAN_HOME/history.sqlite" ]; then
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
    serve "$T/fix"
    "$bin" catalog refresh --source skypilot --endpoint "skypilot=http://127.0.0.1:$PORT" \
        --retries 0 --quiet >"$T/out" 2>&1 || true
    serve "$root/tests/fixtures/http/lambda"
    LAMBDA_API_KEY=test-key-not-real "$bin" catalog refresh --source lambda \
        --endpoint "lambda=http://127.0.0.1:$PORT" --force --quiet >>"$T/out" 2>&1
    serve "$root/tests/fixtures/http/runpod"
    RUNPOD_API_KEY=test-key-not-real "$bin" catalog refresh --source runpod \
        --endpoint "runpod=http://127.0.0.1:$PORT" --force --quiet >>"$T/out" 2>&1
    grep -E '^(history|availability):' "$T/out" || true
fi
echo "data_home $GPUPLAN_HOME"
echo "stored_providers $(ls "$GPUPLAN_HOME"/refresh/*.csv | wc -l)"
echo "stored_bytes $(cat "$GPUPLAN_HOME"/refresh/*.csv | wc -c)"
echo "history_bytes $(wc -c <"$GPUPLAN_HOME/history.sqlite")"
[ -n "${ONLY:-}" ] && exit 0
"$bin" offers >"$T/o1"
grep -q STOCK "$T/o1" || { echo "offers shows no STOCK column: no signals?" >&2; exit 1; }
if [ -n "${BEFORE:-}" ]; then
    "$BEFORE" offers >"$T/o0"
    cmp -s "$T/o0" "$T/o1" && echo "before_output identical" || echo "before_output DIFFERS"
fi
for args in "offers" "offers --gpu H100"; do
    for b in $bin ${BEFORE:-}; do
        echo "== $b $args, refreshed data + signals ($runs runs)"
        # shellcheck disable=SC2086
        "$build/bench/bench_cli" "$runs" "$b" $args
    done
done
echo "== gpuplan offers --gpu H100, embedded data only ($runs runs)"
GPUPLAN_HOME="$T/none" "$build/bench/bench_cli" "$runs" "$bin" offers --gpu H100
