#!/bin/sh
# gpuplan web, end to end on 127.0.0.1: starts `gpuplan web --port 0`,
# reads the port it prints, checks that /api/v1/* answers exactly what the
# CLI's --format json (or csv) prints for the same options, that bad
# parameters get 400 with the CLI's message, that no path outside the
# embedded assets is served (.., %2e%2e, absolute paths, %00), the
# security headers, that the chart (NAME.svg) and launch-file (plan?export=)
# endpoints answer the bytes the CLI writes and leave no temporary file, that
# every page is served with its form and navigation (and, in headless
# chromium, that the plan page fills its table from the API), then stops it
# with SIGTERM and checks it exits 0.
# Also: --port out of range exits 2, a port in use exits 1.
# Usage: web.sh GPUPLAN_BINARY [BUILD_DIR]. Every wait is bounded; nothing
# reaches beyond 127.0.0.1.
set -u
BIN=$1
OUTDIR=${2:-${TMPDIR:-/tmp}}
command -v curl >/dev/null 2>&1 || { echo "web.sh: curl not found (scripts/deps.sh installs it)"; exit 1; }
T=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
export NO_COLOR=1 LC_ALL=C
unset GPUPLAN_CATALOG http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
fail=0
n=0
ok() { n=$((n + 1)); }
bad() { n=$((n + 1)); fail=$((fail + 1)); echo "FAIL $*"; }

# --- bad command lines ---------------------------------------------------
"$BIN" web --port 70000 >"$T/o" 2>"$T/e"
rc=$?
if [ $rc = 2 ] && grep -q -- '--port must be' "$T/e" && [ ! -s "$T/o" ]; then ok; else bad "--port 70000: exit $rc, want 2"; fi
"$BIN" web --bind 'not an address' >"$T/o" 2>"$T/e"
rc=$?
if [ $rc = 2 ] && [ ! -s "$T/o" ]; then ok; else bad "--bind 'not an address': exit $rc, want 2"; fi

# --- start ---------------------------------------------------------------
# Its own history (empty at first) and temporary folder, to see that the
# chart and launch-file endpoints leave nothing behind.
export GPUPLAN_HOME="$T/home"
mkdir -p "$T/home" "$T/tmp"
TMPDIR="$T/tmp" "$BIN" web --port 0 >"$T/out" 2>"$T/err" &
PID=$!
PORT=
i=0
while [ $i -lt 100 ]; do # at most 10 s
    PORT=$(sed -n 's/^gpuplan web: serving http:\/\/127\.0\.0\.1:\([0-9]*\)\/ on port \([0-9]*\) .*/\1/p' "$T/out")
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$PORT" ]; then
    echo "FAIL gpuplan web --port 0 printed no port"; cat "$T/out" "$T/err"; exit 1
fi
URL=http://127.0.0.1:$PORT
get() { # get PATH -> body in $T/body, status echoed, headers in $T/head
    curl -s --noproxy '*' --max-time 15 --path-as-is -D "$T/head" -o "$T/body" -w '%{http_code}' "$URL$1"
}

# --- a second server on the same port: exit 1 ------------------------------
"$BIN" web --port "$PORT" >"$T/o" 2>"$T/e"
rc=$?
if [ $rc = 1 ] && grep -q "cannot listen on 127.0.0.1:$PORT" "$T/e"; then ok; else bad "port in use: exit $rc, want 1: $(cat "$T/e")"; fi

# --- the API prints what the CLI prints ------------------------------------
same() { # same 'QUERY-PATH' CLI-ARGS...
    path=$1
    shift
    code=$(get "$path")
    "$BIN" "$@" >"$T/cli" 2>/dev/null
    if [ "$code" = 200 ] && cmp -s "$T/body" "$T/cli"; then ok; else bad "$path ($code) differs from gpuplan $*"; fi
}
same '/api/v1/offers' offers --format json
same '/api/v1/offers?gpu=H100&spot=1' offers --gpu H100 --spot --format json
same '/api/v1/offers?gpu=A100-80GB&kind=neocloud&max-price=2' offers --gpu A100-80GB --kind neocloud --max-price 2 --format json
same '/api/v1/offers?gpu=H100:8&per-provider=1&spot=0' offers --gpu H100:8 --per-provider --format json
same '/api/v1/offers?provider=aws&provider=lambda&limit=5' offers --provider aws --provider lambda --limit 5 --format json
same '/api/v1/offers?gpu=H100&format=csv' offers --gpu H100 --format csv
same '/api/v1/gpus?offered=1' gpus --offered --format json
same '/api/v1/estimate?model=llama-3-8b&gpu=H100' estimate --model llama-3-8b --gpu H100 --format json
grep -q '^Content-Type: text/csv' "$T/head" 2>/dev/null || true
same '/api/v1/models' models --format json
same '/api/v1/market/share' market share --format json
same '/api/v1/market/share?from=2024Q1&summary=1' market share --from 2024Q1 --summary --format json
same '/api/v1/market/forecast?to=2030' market forecast --to 2030 --format json
same '/api/v1/market/prices?gpu=H100&by=provider' market prices --gpu H100 --by provider --format json
same '/api/v1/market/claims' market claims --format json
same '/api/v1/market/neoclouds' market neoclouds --format json
same '/api/v1/market/providers?provider=lambda' market providers --provider lambda --format json
same '/api/v1/market/prices?format=csv' market prices --format csv
same '/api/v1/inference?model=llama-3-8b&rps=2&input-tokens=500&output-tokens=200' \
    inference --model llama-3-8b --rps 2 --input-tokens 500 --output-tokens 200 --format json
same '/api/v1/plan?params=1B&tokens=10B' plan --params 1B --tokens 10B --format json

# --- files the CLI writes: the chart and the launch file, byte for byte ----
file_same() { # file_same 'QUERY-PATH' TYPE FILE CLI-ARGS... (the CLI writes FILE)
    path=$1
    type=$2
    f=$3
    shift 3
    rm -f "$f"
    code=$(get "$path")
    "$BIN" "$@" >/dev/null 2>&1
    if [ "$code" = 200 ] && [ -s "$f" ] && cmp -s "$T/body" "$f" &&
        grep -qi "^Content-Type: $type" "$T/head"; then ok; else bad "$path ($code) differs from the file of gpuplan $*"; fi
}
file_same '/api/v1/plan.svg?params=1B&tokens=10B' image/svg+xml "$T/p.svg" \
    plan --params 1B --tokens 10B --format json --svg "$T/p.svg"
file_same '/api/v1/market/forecast.svg' image/svg+xml "$T/f.svg" market forecast --format json --svg "$T/f.svg"
file_same '/api/v1/market/share.svg' image/svg+xml "$T/s.svg" market share --format json --svg "$T/s.svg"
file_same '/api/v1/inference.svg?model=llama-3-8b&rps=2&input-tokens=500&output-tokens=200' image/svg+xml "$T/i.svg" \
    inference --model llama-3-8b --rps 2 --input-tokens 500 --output-tokens 200 --format json --svg "$T/i.svg"
file_same '/api/v1/plan?params=1B&tokens=10B&export=skypilot' text/yaml "$T/l.yaml" \
    plan --params 1B --tokens 10B --format json --export skypilot "$T/l.yaml"
file_same '/api/v1/plan?export=dstack&model=llama-3-8b&tokens=10B&gpu=H100&provider=aws' text/yaml "$T/d.yaml" \
    plan --model llama-3-8b --tokens 10B --gpu H100 --provider aws --format json --export dstack "$T/d.yaml"
code=$(get '/api/v1/plan?export=dstack&model=llama-3-8b&tokens=10B&gpu=H100&provider=primeintellect')
if [ "$code" != 200 ] && grep -q 'export dstack FILE' "$T/body" && ! grep -q 'gpuplan-web' "$T/body"; then ok; else
    bad "a failed export: $code, want the CLI's message with FILE for the server's temporary path"; sed 's/^/    /' "$T/body"; fi
code=$(get '/api/v1/offers.svg')
if [ "$code" = 404 ]; then ok; else bad "/api/v1/offers.svg (no chart) is $code, want 404"; fi

# --- history: empty says how to fill it, then the CLI's answer -------------
code=$(get '/api/v1/history?gpu=H100')
if [ "$code" != 200 ] && grep -q 'gpuplan history import' "$T/body"; then ok; else bad "empty history: $code, want an error naming gpuplan history import"; fi
"$BIN" history import >/dev/null 2>&1 || bad "gpuplan history import failed"
same '/api/v1/history?gpu=H100' history --gpu H100 --format json
same '/api/v1/history?gpu=H100&by=kind&format=csv' history --gpu H100 --by kind --format csv
file_same '/api/v1/history.svg?gpu=H100' image/svg+xml "$T/h.svg" history --gpu H100 --format json --svg "$T/h.svg"
if [ -z "$(ls -A "$T/tmp")" ]; then ok; else bad "temporary files left behind: $(ls "$T/tmp")"; fi

# --- bad parameters: 400, the CLI's message, the parameter named ----------
err400() { # err400 PATH PARAM CLI-ARGS...
    path=$1
    param=$2
    shift 2
    code=$(get "$path")
    "$BIN" "$@" >/dev/null 2>"$T/cli"
    msg=$(head -1 "$T/cli")
    if [ "$code" = 400 ] && grep -qF "\"parameter\": \"$param\"" "$T/body" &&
        grep -qF "$(printf '%s' "$msg" | sed 's/\\/\\\\/g; s/"/\\"/g')" "$T/body"; then
        ok
    else
        bad "$path: $code, want 400 naming $param with '$msg'"; sed 's/^/    /' "$T/body"
    fi
}
err400 '/api/v1/offers?gpu=H10O' gpu offers --gpu H10O --format json
err400 '/api/v1/offers?max-price=cheap' max-price offers --max-price cheap --format json
err400 '/api/v1/offers?sortt=price' sortt offers --sortt=price --format json
err400 '/api/v1/offers?limit=-3' limit offers --limit=-3 --format json
err400 '/api/v1/market/share?period=2025Q9' period market share --period 2025Q9 --format json
err400 '/api/v1/market/claims?scope=gpuaas' scope market claims --scope gpuaas --format json
err400 '/api/v1/history?gpu=H100&by=day' by history --gpu H100 --by day --format json
err400 '/api/v1/plan?params=1B&spot=sometimes' spot plan --params 1B --spot sometimes --format json
err400 '/api/v1/inference?model=llama-3-8b&rps=2&input-tokens=500&output-tokens=200&precision=fp3' precision \
    inference --model llama-3-8b --rps 2 --input-tokens 500 --output-tokens 200 --precision fp3 --format json
code=$(get '/api/v1/plan?params=1B&export=/tmp/x.yaml')
if [ "$code" = 400 ] && grep -q '"parameter": "export"' "$T/body"; then ok; else bad "?export=/tmp/x.yaml is $code, want 400"; fi
code=$(get '/api/v1/plan.svg?params=1B&svg=/tmp/x.svg')
if [ "$code" = 400 ] && grep -q '"parameter": "svg"' "$T/body"; then ok; else bad "plan.svg?svg= is $code, want 400"; fi
code=$(get '/api/v1/market/share.svg?format=csv')
if [ "$code" = 400 ] && grep -q '"parameter": "format"' "$T/body"; then ok; else bad "share.svg?format=csv is $code, want 400"; fi
code=$(get '/api/v1/market/nothing')
if [ "$code" = 404 ]; then ok; else bad "/api/v1/market/nothing is $code, want 404"; fi
code=$(get '/api/v1/offers?catalog=/etc')
if [ "$code" = 400 ] && grep -q '"parameter": "catalog"' "$T/body"; then ok; else bad "?catalog= is $code, want 400"; fi
code=$(get '/api/v1/plan?model=llama-3-8b&svg=/tmp/x.svg')
if [ "$code" = 400 ] && grep -q '"parameter": "svg"' "$T/body"; then ok; else bad "?svg= is $code, want 400"; fi
code=$(get '/api/v1/offers?help')
if [ "$code" = 400 ] && grep -q '"parameter": "help"' "$T/body"; then ok; else bad "?help is $code, want 400"; fi
code=$(get '/api/v1/offers?format=md')
if [ "$code" = 400 ] && grep -q '"parameter": "format"' "$T/body"; then ok; else bad "?format=md is $code, want 400"; fi
code=$(get '/api/v1/offers?spot=yes')
if [ "$code" = 400 ] && grep -q '"parameter": "spot"' "$T/body"; then ok; else bad "?spot=yes is $code, want 400"; fi
code=$(get '/api/v1/offers?gpu=H100%00x')
if [ "$code" = 400 ]; then ok; else bad "?gpu=H100%00x is $code, want 400"; fi
code=$(get '/api/v1/nothing')
if [ "$code" = 404 ]; then ok; else bad "/api/v1/nothing is $code, want 404"; fi

# --- paths: only the embedded assets --------------------------------------
for p in '/../../etc/passwd' '/assets/../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' \
    '/assets/%2e%2e%2fCMakeLists.txt' '/assets/offers.js%00.html' '/%00' \
    '/assets/..%5c..%5cetc%5cpasswd'; do
    code=$(get "$p")
    case $code in 400 | 404) ok ;; *) bad "$p is $code, want 400 or 404" ;; esac
    grep -q 'root:' "$T/body" && bad "$p served a file of the disk"
done
for p in '/etc/passwd' '/CMakeLists.txt' '/web/assets/offers.html' '/assets/' '/assets' '/assets/nothing.js'; do
    code=$(get "$p")
    if [ "$code" = 404 ]; then ok; else bad "$p is $code, want 404"; fi
done
code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' -X POST "$URL/api/v1/offers")
if [ "$code" = 405 ]; then ok; else bad "POST is $code, want 405"; fi
code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' -H 'Host: evil.example' "$URL/")
if [ "$code" = 403 ]; then ok; else bad "Host: evil.example is $code, want 403"; fi
big=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' "$URL/api/v1/offers?gpu=$big")
case $code in 200) bad "a 20 kB request line is $code" ;; *) ok ;; esac

# --- the pages and their headers ------------------------------------------
for p in / /offers /plan /inference /market /history /assets/offers.css /assets/offers.js \
    /assets/common.js /assets/plan.js /assets/inference.js /assets/market.js /assets/history.js; do
    code=$(get "$p")
    if [ "$code" = 200 ] && grep -qi "^Content-Security-Policy: default-src 'self'" "$T/head" &&
        grep -qi '^X-Content-Type-Options: nosniff' "$T/head"; then ok; else bad "$p: $code or headers missing"; fi
done
get / >/dev/null
grep -q '<table id="offers">' "$T/body" && grep -q 'src="/assets/offers.js"' "$T/body" && ok || bad "/ is not the offers page"
grep -q '<script>' "$T/body" && bad "/ has an inline script (the CSP forbids it)"
for pm in 'plan:<form id="planform"' 'plan:<table' 'inference:<form id="infform"' \
    'market:<form id="marketform"' 'history:<form id="histform"'; do
    page=${pm%%:*}
    mark=${pm#*:}
    get "/$page" >/dev/null
    case $mark in
    '<table') # the plan page's tables are drawn from the API: its markers
        grep -q 'id="plans-wrap"' "$T/body" && grep -q 'id="chart"' "$T/body" && ok || bad "/plan lacks its table and chart places" ;;
    *) grep -qF "$mark" "$T/body" && grep -q '<nav aria-label="Pages">' "$T/body" &&
        grep -q "src=\"/assets/$page.js\"" "$T/body" && ok || bad "/$page lacks $mark, the navigation or its script" ;;
    esac
    grep -q '<script>' "$T/body" && bad "/$page has an inline script (the CSP forbids it)"
done
for p in /assets/plan.html /plan.html /assets/market.html; do
    code=$(get "$p")
    if [ "$code" = 404 ]; then ok; else bad "$p is $code, want 404 (pages live at their own paths)"; fi
done

# --- a headless browser renders the table (when chromium is here) ----------
CHROME=$(command -v chromium || true)
if [ -n "$CHROME" ]; then
    mkdir -p "$T/profile"
    timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/profile" \
        --virtual-time-budget=5000 --dump-dom "$URL/?gpu=H100&per-provider=1" >"$T/dom" 2>/dev/null
    rows=$(grep -o '<tr><td[ >]' "$T/dom" | wc -l)
    want=$("$BIN" offers --gpu H100 --per-provider --format csv | tail -n +2 | wc -l)
    if [ "$rows" -gt 0 ] && [ "$rows" = "$want" ]; then ok; else bad "chromium drew $rows rows, the CLI has $want"; fi
    timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/profile" \
        --virtual-time-budget=5000 --window-size=1280,900 --screenshot="$OUTDIR/web-offers.png" \
        "$URL/?gpu=H100&per-provider=1" >/dev/null 2>&1
    if [ -s "$OUTDIR/web-offers.png" ]; then ok; else bad "no screenshot at $OUTDIR/web-offers.png"; fi
    # The plan page fills its table from /api/v1/plan (a small, fast job).
    timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/profile" \
        --virtual-time-budget=8000 --dump-dom "$URL/plan?params=1B&tokens=10B" >"$T/dom" 2>/dev/null
    rows=$(tr -d '\n' <"$T/dom" | sed 's/.*<table id="plans">//; s/<\/table>.*//; s/<tr/\n<tr/g' | grep -c '^<tr><td')
    first=$("$BIN" plan --params 1B --tokens 10B --format json | sed -n 's/.*"instance_type": "\(.*\)",/\1/p' | head -1)
    nplans=$("$BIN" plan --params 1B --tokens 10B --format json | sed -n '/"plans": \[/,/^  \],/p' | grep -c '^      "rank":')
    if [ "$rows" -gt 0 ] && [ "$rows" = "$nplans" ] && grep -q "<td[^>]*>$first</td>" "$T/dom" &&
        grep -q 'id="chart" [^>]*src="/api/v1/plan.svg?params=1B' "$T/dom"; then ok; else
        bad "chromium drew $rows plan rows (the API has $nplans, first $first) or no chart"; fi
    # The other pages fill their tables from the API too.
    rows_of() { # rows_of URL-PATH TABLE-ID: rows chromium drew in that table
        timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
            --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/profile" \
            --virtual-time-budget=8000 --dump-dom "$URL$1" 2>/dev/null |
            tr -d '\n' | sed "s/.*<table id=\"$2\">//; s/<\/table>.*//; s/<tr/\\n<tr/g" | grep -c '^<tr><td'
    }
    rows=$(rows_of '/inference?model=llama-3-8b&rps=2&input-tokens=500&output-tokens=200' inference)
    want=$("$BIN" inference --model llama-3-8b --rps 2 --input-tokens 500 --output-tokens 200 --format csv | tail -n +2 | wc -l)
    if [ "$rows" -gt 0 ] && [ "$rows" = "$want" ]; then ok; else bad "chromium drew $rows inference rows, the CLI has $want"; fi
    rows=$(rows_of '/market?view=claims' market-claims)
    want=$("$BIN" market claims --format csv | tail -n +2 | wc -l)
    if [ "$rows" -gt 0 ] && [ "$rows" = "$want" ]; then ok; else bad "chromium drew $rows claims, the CLI has $want"; fi
    rows=$(rows_of '/history?gpu=H100' history)
    want=$("$BIN" history --gpu H100 --format csv | tail -n +2 | wc -l)
    if [ "$rows" -gt 0 ] && [ "$rows" = "$want" ]; then ok; else bad "chromium drew $rows history rows, the CLI has $want"; fi
    for pg in plan inference market history; do
        case $pg in
        plan) q='?params=1B&tokens=10B' ;;
        inference) q='?model=llama-3-8b&rps=2&input-tokens=500&output-tokens=200' ;;
        market) q='?view=claims' ;;
        history) q='?gpu=H100' ;;
        esac
        timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
            --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/profile" \
            --virtual-time-budget=8000 --window-size=1280,1400 --hide-scrollbars \
            --screenshot="$OUTDIR/web-$pg.png" "$URL/$pg$q" >/dev/null 2>&1
        if [ -s "$OUTDIR/web-$pg.png" ]; then ok; else bad "no screenshot at $OUTDIR/web-$pg.png"; fi
    done
else
    echo "web.sh: chromium not found; browser checks skipped (scripts/deps.sh installs it)"
fi

# --- stop -----------------------------------------------------------------
kill -TERM "$PID"
i=0
while [ $i -lt 100 ] && kill -0 "$PID" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$PID" 2>/dev/null; then
    bad "still running 10 s after SIGTERM"
else
    wait "$PID"
    rc=$?
    PID=
    if [ $rc = 0 ] && grep -q 'stopped (SIGTERM)' "$T/out"; then ok; else bad "exit $rc after SIGTERM, want 0"; fi
fi

# --- the answer cache (web/cache.c) ----------------------------------------
# A second server on its own data home, with a 96 KiB answer budget: a kept
# answer is the CLI's, a change to the data home's refresh files is seen at
# once, the budget evicts the least recently used answer, an answer larger
# than the budget is never kept, a usage error (400) is kept, and identical
# requests sent together run the command once.
export GPUPLAN_HOME="$T/home2"
mkdir -p "$T/home2/refresh"
GPUPLAN_WEB_CACHE_KIB=96 "$BIN" web --port 0 >"$T/out2" 2>"$T/err2" &
PID=$!
PORT=
i=0
while [ $i -lt 100 ]; do # at most 10 s
    PORT=$(sed -n 's/^gpuplan web: serving http:\/\/127\.0\.0\.1:\([0-9]*\)\/ on port \([0-9]*\) .*/\1/p' "$T/out2")
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$PORT" ]; then
    echo "FAIL the cache test's server printed no port"; cat "$T/out2" "$T/err2"; exit 1
fi
URL=http://127.0.0.1:$PORT
cache_of() { sed -n 's/^X-Gpuplan-Cache: \([a-z]*\).*/\1/p' "$T/head" | tr -d '\r'; }
cached() { # cached WANT(hit|miss) PATH CLI-ARGS...: status 200, that header, the CLI's bytes
    want=$1
    path=$2
    shift 2
    code=$(get "$path")
    got=$(cache_of)
    "$BIN" "$@" >"$T/cli" 2>/dev/null
    if [ "$code" = 200 ] && [ "$got" = "$want" ] && cmp -s "$T/body" "$T/cli"; then ok; else
        bad "$path: $code, X-Gpuplan-Cache '$got' (want 200, '$want' and the bytes of gpuplan $*)"; fi
}
# The budget: two 1B-parameter plans fit in 96 KiB, three do not.
P1='/api/v1/plan?params=1B&tokens=10B'
P2='/api/v1/plan?params=1B&tokens=11B'
P3='/api/v1/plan?params=1B&tokens=12B'
s1=$("$BIN" plan --params 1B --tokens 10B --format json | wc -c)
s2=$("$BIN" plan --params 1B --tokens 11B --format json | wc -c)
s3=$("$BIN" plan --params 1B --tokens 12B --format json | wc -c)
if [ $((s1 + s2)) -lt 96000 ] && [ $((s2 + s3)) -lt 96000 ] && [ $((s1 + s2 + s3)) -gt 99000 ]; then
    ok
    cached miss "$P1" plan --params 1B --tokens 10B --format json
    cached hit "$P1" plan --params 1B --tokens 10B --format json
    cached miss "$P2" plan --params 1B --tokens 11B --format json
    cached miss "$P3" plan --params 1B --tokens 12B --format json # evicts P1
    cached hit "$P3" plan --params 1B --tokens 12B --format json
    cached hit "$P2" plan --params 1B --tokens 11B --format json
    cached miss "$P1" plan --params 1B --tokens 10B --format json # it was evicted
else
    bad "the eviction check's plans are $s1, $s2 and $s3 bytes: two no longer fit in 96 KiB or three do"
fi
# 1.1 MB, larger than the budget: answered, never kept.
cached miss '/api/v1/offers' offers --format json
cached miss '/api/v1/offers' offers --format json
# The refreshed prices of a provider replace its embedded rows: two real
# coreweave rows of data/catalog/neocloud.csv, then three, then the same
# file touched.
CW='/api/v1/offers?provider=coreweave'
cached miss "$CW" offers --provider coreweave --format json
cp "$T/body" "$T/cw.embedded"
cached hit "$CW" offers --provider coreweave --format json
NEO=$(dirname "$0")/../data/catalog/neocloud.csv
{ head -n 1 "$NEO"; grep '^coreweave,' "$NEO" | head -n 2; } >"$T/cw.csv"
mv "$T/cw.csv" "$T/home2/refresh/coreweave.csv" # replaced as `catalog refresh` does
cached miss "$CW" offers --provider coreweave --format json
if cmp -s "$T/body" "$T/cw.embedded"; then bad "$CW: the same answer after the refresh file came"; else ok; fi
cached hit "$CW" offers --provider coreweave --format json
{ head -n 1 "$NEO"; grep '^coreweave,' "$NEO" | head -n 3; } >"$T/home2/refresh/coreweave.csv" # rewritten in place
cached miss "$CW" offers --provider coreweave --format json
touch -d '1 hour ago' "$T/home2/refresh/coreweave.csv"
cached miss "$CW" offers --provider coreweave --format json
# A usage error: the CLI's message, kept.
for want in miss hit; do
    code=$(get '/api/v1/offers?provider=nosuchcloud')
    got=$(cache_of)
    "$BIN" offers --provider nosuchcloud --format json >/dev/null 2>"$T/cli"
    msg=$(sed 's/^gpuplan: //' "$T/cli" | head -n 1)
    if [ "$code" = 400 ] && [ "$got" = $want ] && grep -qF "$msg" "$T/body"; then ok; else
        bad "unknown provider: $code, X-Gpuplan-Cache '$got' (want 400, $want, the CLI's message)"; fi
done
# Four identical plan requests at once: one runs the command, the others
# wait for it (shared) or find it kept (hit); all get the CLI's bytes.
PLAN70='/api/v1/plan?model=llama-3-70b&tokens=1.4T'
"$BIN" plan --model llama-3-70b --tokens 1.4T --format json >"$T/cli70"
pids=
for k in 1 2 3 4; do # each bounded by curl's --max-time
    curl -s --noproxy '*' --max-time 15 -D "$T/h$k" -o "$T/b$k" "$URL$PLAN70" &
    pids="$pids $!"
done
wait $pids
# A history written (here created) is a change; reading it (WAL mode:
# readers create an empty -wal and move its ctime) must not look like
# one, or every answer would be a miss.
cached hit "$CW" offers --provider coreweave --format json
"$BIN" history import >/dev/null
cached miss "$CW" offers --provider coreweave --format json
cached hit "$CW" offers --provider coreweave --format json
cached hit "$CW" offers --provider coreweave --format json
misses=$(cat "$T"/h1 "$T"/h2 "$T"/h3 "$T"/h4 | grep -c '^X-Gpuplan-Cache: miss')
same4=0
for k in 1 2 3 4; do cmp -s "$T/b$k" "$T/cli70" && same4=$((same4 + 1)); done
if [ "$misses" = 1 ] && [ $same4 = 4 ]; then ok; else bad "4 identical plan requests at once: $misses ran the command (want 1), $same4 of 4 are the CLI's bytes"; fi
kill -TERM "$PID"
i=0
while [ $i -lt 100 ] && kill -0 "$PID" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$PID" 2>/dev/null; then bad "the cache test's server still runs 10 s after SIGTERM"; else
    wait "$PID"
    rc=$?
    PID=
    if [ $rc = 0 ]; then ok; else bad "the cache test's server exited $rc after SIGTERM"; fi
fi
[ $fail = 0 ] || { echo "$fail of $n web checks failed"; exit 1; }
echo "$n web checks pass"
