#!/bin/sh
# Writes a synthetic SkyPilot catalog of N rows (default 1,000,000) to
# OUT/aws/vms.csv, for the loader benchmark. The rows are the real AWS v8
# GPU rows of data/ (schema v8, 11 columns, Python-dict GpuInfo), repeated
# with the region and zone renamed per copy and the prices scaled by a
# deterministic factor, so the file has the size and shape of a real
# catalog a hundred times larger. Usage: gen-catalog.sh OUT [ROWS]
set -eu
out=$1
rows=${2:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/data/catalog/skypilot-v8/aws/vms.partial.csv
mkdir -p "$out/aws"
awk -v rows="$rows" -v src="$src" '
BEGIN {
    FS = ","
    n = 0
    while ((getline line < src) > 0) {
        if (n == 0) { header = line; n = 1; continue }
        body[n++] = line
    }
    m = n - 1
    print header
    for (i = 0; i < rows; i++) {
        copy = int(i / m)
        line = body[(i % m) + 1]
        # Fields: ...,GpuInfo (quoted, with commas),Price,SpotPrice,Region,AvailabilityZone,Arch
        k = split(line, f, ",")
        region = f[k - 2] "-c" copy
        zone = f[k - 1] "-c" copy
        factor = 1 + (copy % 97) / 1000
        price = f[k - 4] == "" ? "" : sprintf("%.4f", f[k - 4] * factor)
        spot = f[k - 3] == "" ? "" : sprintf("%.4f", f[k - 3] * factor)
        head = f[1]
        for (j = 2; j <= k - 5; j++) head = head "," f[j]
        print head "," price "," spot "," region "," zone "," f[k]
    }
}' >"$out/aws/vms.csv"
