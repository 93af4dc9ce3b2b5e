#!/bin/sh
# Writes a replay fixture for the AWS bulk fetcher whose region file is
# about MB megabytes, in FORMAT csv (default) or json. csv: the shape of
# tests/fixtures/http/aws/ (offer index, region index, the metadata rows
# and header of its us-east-1 CSV), its data rows repeated with new SKUs
# until the size is reached. json: the shape of
# tests/fixtures/http/aws-json/us-east-1.http (metadata members, then
# "products", then "terms" OnDemand and Reserved), every product and
# every SKU's offers repeated with the SKUs renamed per copy (so each copy
# is new products, and terms that join them), products first as AWS
# writes them. Synthetic: for timing and memory only.
# Usage: gen-aws-region.sh OUT_DIR MB [csv|json]
set -eu
out=$1
mb=$2
form=${3:-csv}
root=$(cd "$(dirname "$0")/.." && pwd)
fix=$root/tests/fixtures/http/aws
mkdir -p "$out"
cp "$fix/index.http" "$fix/region_index.http" "$out/"
case $form in
csv | json) ;;
*) echo "gen-aws-region.sh: FORMAT is csv or json" >&2; exit 2 ;;
esac
cat >"$out/routes" <<R
/offers/v1.0/aws/index.json - index.http
/offers/v1.0/aws/AmazonEC2/current/region_index.json - region_index.http
/offers/v1.0/aws/AmazonEC2/20241201000000/us-east-1/index.$form - big.http
/offers/v1.0/aws/AmazonEC2/20241201000000/us-west-2/index.$form - big.http
R
if [ "$form" = json ]; then
    # The fixture is indented two spaces a level: a product is the lines
    # from `    "SKU..." : {` to `    }`, a SKU's offers the lines from
    # `      "SKU..." : {` to `      }` under "OnDemand" or "Reserved".
    awk -v bytes=$((mb * 1000000)) '
        NR <= 3 { print; next }                     # status line, header, blank
        /^  "products" : \{/ { sec = "p"; next }
        /^  "terms" : \{/ { sec = "t"; next }
        /^    "OnDemand" : \{/ { sec = "od"; next }
        /^    "Reserved" : \{/ { sec = "r"; next }
        sec == "" { meta = meta $0 "\n"; next }
        sec == "p" && /^    "/ { cur = $0; inb = 1; next }
        sec == "p" && inb && /^    \}/ { p[np++] = cur "\n    }"; inb = 0; next }
        (sec == "od" || sec == "r") && /^      "/ { cur = $0; inb = 1; next }
        (sec == "od" || sec == "r") && inb && /^      \}/ {
            if (sec == "od") od[nod++] = cur "\n      }"; else r[nr++] = cur "\n      }"
            inb = 0; next
        }
        inb { cur = cur "\n" $0 }
        function emit(b, c) { gsub(/SKU[A-Z0-9]+/, "G" c "&", b); return b }
        END {
            per = 0
            for (i = 0; i < np; i++) per += length(p[i]) + 2
            for (i = 0; i < nod; i++) per += length(od[i]) + 2
            for (i = 0; i < nr; i++) per += length(r[i]) + 2
            copies = int(bytes / per) + 1
            printf "%s", meta
            print "  \"products\" : {"
            for (c = 0; c < copies; c++)
                for (i = 0; i < np; i++)
                    printf "%s%s\n", emit(p[i], c), (c == copies - 1 && i == np - 1) ? "" : ","
            print "  },"
            print "  \"terms\" : {"
            print "    \"OnDemand\" : {"
            for (c = 0; c < copies; c++)
                for (i = 0; i < nod; i++)
                    printf "%s%s\n", emit(od[i], c), (c == copies - 1 && i == nod - 1) ? "" : ","
            print "    },"
            print "    \"Reserved\" : {"
            for (c = 0; c < copies; c++)
                for (i = 0; i < nr; i++)
                    printf "%s%s\n", emit(r[i], c), (c == copies - 1 && i == nr - 1) ? "" : ","
            print "    }"
            print "  }"
            print "}"
        }' "$root/tests/fixtures/http/aws-json/us-east-1.http" >"$out/big.http"
    exit 0
fi
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
