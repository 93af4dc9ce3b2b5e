#!/bin/sh
# Runs every benchmark and prints the figures the README reports.
# Usage: bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
mkdir -p "$out"
gp=$build/gpuplan

echo "== (a) gpuplan offers --gpu H100, whole process, embedded catalog (200 runs)"
"$build/bench/bench_cli" 200 "$gp" offers --gpu H100

echo "== (b) synthetic SkyPilot catalog: 1,000,000 rows"
if [ ! -f "$out/big/aws/vms.csv" ]; then
    "$root/bench/gen-catalog.sh" "$out/big" 1000000
fi
size=$(wc -c <"$out/big/aws/vms.csv")
echo "file_bytes $size"
echo "-- gpuplan: load + filter H100 + group + sort (best of 3, in-process)"
"$build/bench/bench_load" "$out/big" H100 3
echo "-- the same query as a whole gpuplan process"
"$build/bench/bench_cli" 3 "$gp" offers --no-embedded --catalog "$out/big" --gpu H100
echo "-- sqlite3: import the same CSV, same query (one run)"
cat >"$out/query.sql" <<SQL
.mode csv
.import $out/big/aws/vms.csv vms
SELECT InstanceType, MIN(CAST(Price AS REAL) / CAST(AcceleratorCount AS REAL)) AS p
  FROM vms WHERE AcceleratorName = 'H100' AND Price <> ''
  GROUP BY InstanceType ORDER BY p;
SQL
"$build/bench/bench_cli" 1 sh -c "sqlite3 :memory: < $out/query.sql"

echo "== (c) the job model: one estimate in process, and gpuplan estimate as a process"
"$build/bench/bench_estimate" 200
"$build/bench/bench_cli" 200 "$gp" estimate --model llama-3-70b --gpu H100 --gpus 1024
"$build/bench/bench_cli" 100 "$gp" estimate --model llama-3-70b --gpu H100

echo "== (d) the job model against published training runs"
"$build/bench/accuracy"

echo "== (e) the planner over the whole catalog, and the spot simulation"
"$build/bench/bench_plan" 10
echo "== gpuplan inference over the whole catalog, in process, and against published results"
"$build/bench/bench_inference"
echo "-- the same as a whole gpuplan process"
"$build/bench/bench_cli" 20 "$gp" inference --model llama-3-70b --rps 10 --input-tokens 1000 --output-tokens 200 --tpot 50ms
"$build/bench/bench_cli" 20 "$gp" plan --model llama-3-70b --tokens 1.4T
echo "-- fine-tuning (issue 11): an 8B LoRA fine-tune planned over the whole catalog"
"$build/bench/bench_cli" 20 "$gp" plan --finetune lora --model llama-3-8b --tokens 100M

echo "== (f) the market views and tco, whole process (100 runs each)"
"$build/bench/bench_cli" 100 "$gp" market share
"$build/bench/bench_cli" 100 "$gp" market forecast
"$build/bench/bench_cli" 100 "$gp" market prices
"$build/bench/bench_cli" 100 "$gp" market claims
"$build/bench/bench_cli" 100 "$gp" market providers
"$build/bench/bench_cli" 100 "$gp" tco --gpu H100 --capex 250k --years 4 --power-kw 10.2 \
    --usd-per-kwh 0.12 --opex-per-year 20k --utilization 70%

echo "== (g) the price history: append the embedded catalog, query H100, whole process"
mkdir -p "$out/history"
"$build/bench/bench_history" "$out/history"
GPUPLAN_HOME="$out/history" "$build/bench/bench_cli" 100 "$gp" history --gpu H100

echo "== (h) gpuplan web under load, 10 s per mix: repeated queries (cache hits), then distinct ones (each runs its command), offers and plan (Llama 3 70B, 1.4T)"
"$root/tests/web-load.sh" "$gp" "$build/tests/web_load" 10 bench
