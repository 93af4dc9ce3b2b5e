#!/usr/bin/env python3
"""Normalise ../shared/data/prices-neocloud.csv into gpuplan's own catalog
format (docs/catalog-format.md) as data/catalog/neocloud.csv.

Developer helper, run by hand when the shared price list changes; its output
is committed. It never invents a number: every price it writes is one the
input gives (per node or per GPU, as published); rows without a usable price
are listed on stderr and in data/PROVENANCE.md.

Rules (each one is a decision about the data, written down here once):
- on-demand and spot rows of the same (provider, offer, accelerator) become
  one offer with both prices;
- `reserved` rows and rows without any price are skipped (reserved terms are
  the planner's business, and come from providers.csv);
- a spot-only row (no on-demand price for that offer) is skipped;
- a later dated reading of the same product replaces an earlier one:
  runpod "H100 SXM Secure Cloud" (2026-11-09) replaces "H100 Secure Cloud"
  (2026-09-25); vast's 2026-10-19 median replaces its 2026-10-07 median;
- for crusoe, the dated 2026-09-20 list replaces the undated gpuhunt table
  for every accelerator both give (the gpuhunt table stays for the rest);
- "H100 (variant unstated)" is written as H100-NVLink, the offer's own name,
  so that gpuplan keeps it as an accelerator without specs instead of
  guessing SXM or PCIe.
"""
import csv
import re
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/prices-neocloud.csv"
DST = sys.argv[2] if len(sys.argv) > 2 else "data/catalog/neocloud.csv"

COLUMNS = ["provider", "kind", "instance_type", "region", "zone", "gpu",
           "gpu_count", "gpu_mem_gb", "vcpus", "ram_gb", "usd_per_hour",
           "usd_per_gpu_hour", "spot_usd_per_hour", "spot_usd_per_gpu_hour",
           "fabric", "source", "as_of", "notes"]

REPLACED = {
    ("runpod", "H100 Secure Cloud"): "replaced by the 2026-11-09 reading 'H100 SXM Secure Cloud'",
    ("vast", "H100 SXM marketplace median (3 offers)"): "replaced by the 2026-10-19 reading",
}
RENAMED_GPU = {"H100 (variant unstated)": "H100-NVLink"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def main():
    rows = list(csv.DictReader(open(SRC, newline="")))
    dated_crusoe = {r["accelerator"] for r in rows
                    if r["provider"] == "crusoe" and DATE.match(r["as_of"])}
    offers = {}
    order = []
    skipped = []
    for line, r in enumerate(rows, start=2):
        key = (r["provider"], r["offer"], r["accelerator"])
        why = None
        if (r["provider"], r["offer"]) in REPLACED:
            why = REPLACED[(r["provider"], r["offer"])]
        elif r["pricing_type"] == "reserved":
            why = "reserved pricing (planner terms come from providers.csv)"
        elif not r["usd_per_hour"] and not r["usd_per_gpu_hour"]:
            why = "no price given"
        elif (r["provider"] == "crusoe" and not DATE.match(r["as_of"])
              and r["accelerator"] in dated_crusoe):
            why = "undated gpuhunt row; the dated 2026-09-20 list prices this accelerator"
        if why:
            skipped.append((line, r["provider"], r["offer"], why))
            continue
        o = offers.get(key)
        if o is None:
            o = {c: "" for c in COLUMNS}
            o.update(provider=r["provider"], instance_type=r["offer"],
                     gpu=RENAMED_GPU.get(r["accelerator"], r["accelerator"]),
                     gpu_count=r["count_per_node"], source=r["source"],
                     as_of=r["as_of"] if DATE.match(r["as_of"]) else "",
                     notes=r["notes"])
            if not DATE.match(r["as_of"]):
                o["notes"] = (o["notes"] + "; " if o["notes"] else "") + \
                    "as of: " + r["as_of"]
            offers[key] = o
            order.append(key)
        prefix = "spot_" if r["pricing_type"] == "spot" else ""
        o[prefix + "usd_per_hour"] = r["usd_per_hour"]
        o[prefix + "usd_per_gpu_hour"] = r["usd_per_gpu_hour"]
    out = []
    for key in order:
        o = offers[key]
        if not o["usd_per_hour"] and not o["usd_per_gpu_hour"]:
            skipped.append((0, o["provider"], o["instance_type"],
                            "spot price only, no on-demand price"))
            continue
        out.append(o)
    with open(DST, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    for line, prov, offer, why in skipped:
        print(f"skipped line {line}: {prov} / {offer}: {why}", file=sys.stderr)
    print(f"wrote {len(out)} offers to {DST}", file=sys.stderr)


if __name__ == "__main__":
    main()
