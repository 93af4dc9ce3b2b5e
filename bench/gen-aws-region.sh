#!/bin/sh
# Writes a replay fixture for the AWS bulk fetcher whose region file is
# about MB megabytes: the shape of tests/fixtures/http/aws/ (offer index,
# region index, the metadata rows and header of its us-east-1 CSV), its
# data rows repeated with new SKUs until the size is reached. Synthetic:
# for timing and memory only. Usage: gen-aws-region.sh OUT_DIR MB
set -eu
out=$1
mb=$2
root=$(cd "$(dirname "$0")/.." && pwd)
fix=$root/tests/fixtures/http/aws
mkdir -p "$out"
cp "$fix/index.http" "$fix/region_index.http" "$out/"
cat >"$out/routes" <<R
/offers/v1.0/aws/index.json - index.http
/offers/v1.0/aws/AmazonEC2/current/region_index.json - region_index.http
/offers/v1.0/aws/AmazonEC2/20241201000000/us-east-1/index.csv - big.http
/offers/v1.0/aws/AmazonEC2/20241201000000/us-west-2/index.csv - big.http
R
# The metadata rows and header, then a block of about 1 MB of the data
# rows (SKUs renumbered), written MB times.
awk '/^"SKU"/ { print; exit } { print }' "$fix/us-east-1.http" >"$out/big.http"
awk '
    /^"SKU"/ { on = 1; next }
    on { rows[n++] = $0 }
    END {
        total = 0
        for (i = 0; total < 1000000; i++) {
            r = rows[i % n]
            sub(/^"SKU[A-Z0-9]*"/, "\"GEN" i "\"", r)
            print r
            total += length(r) + 1
        }
    }' "$fix/us-east-1.http" >"$out/block"
i=0
while [ $i -lt "$mb" ]; do
    cat "$out/block"
    i=$((i + 1))
done >>"$out/big.http"
rm -f "$out/block"
