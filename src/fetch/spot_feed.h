/* Internal: the one reader of AWS's Spot Instance Advisor feed (the JSON
 * the Spot Instance Advisor page loads; data/spot-advisor-data.json, and
 * https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json as
 * alexei-led/spotinfo's internal/spot/data.go fetches it). Used by the
 * build tool (scripts/compile_spot_advisor.c, which turns the embedded
 * copy into static C data), by the `aws-spot-advisor` refresh source
 * (fetch_spot_advisor.c) and by the reader of the stored feed, and fuzzed
 * by tests/fuzz/fuzz_spot_advisor.c. It needs only libc and jansson (the
 * build tool links nothing else of ours).
 *
 * The feed: {"ranges": [{"index": i, "label": "<5%", "max": 5}, ...],
 *            "spot_advisor": {region: {"Linux": {type: {"s": saving,
 *            "r": band}}, "Windows": {...}}}, ...}. A stored copy has one
 * more member, "gpuplan_refresh": {"observed_utc", "effective",
 * "endpoint"}: when and where gpuplan fetched it (gp_spot_feed_store()). */
#ifndef GP_FETCH_SPOT_FEED_H
#define GP_FETCH_SPOT_FEED_H

#include <stddef.h>

#include "gpuplan/refresh.h"

enum {
    GP_SPOT_FEED_MAX_REGIONS = 128,
    GP_SPOT_FEED_MAX_TYPES = 20000,
    GP_SPOT_FEED_MAX_NAME = 64 /* longest region or type name */
};

/* Parses the feed. Returns 0 and fills *out (free with
 * gp_spot_feed_clear()), or -1 with a message in msg (and *out empty):
 * not JSON, duplicate keys, no `ranges` or `spot_advisor`, ranges not
 * indexed 0..n-1, a band `r` outside the ranges, a name that is empty,
 * longer than GP_SPOT_FEED_MAX_NAME or not made of [A-Za-z0-9._-], more
 * regions or types than the limits, or no Linux band at all. */
int gp_spot_feed_parse(const char *data, size_t len, gp_spot_feed *out, char *msg,
                       size_t msglen);

/* The document gpuplan stores for a fetched feed `f` (which parsed and is
 * not itself a stored copy): the feed reduced to what gpuplan reads, in
 * the feed's own format, read back by gp_spot_feed_parse() as the same
 * matrix: "gpuplan_refresh" first (observed_utc, effective ("" none),
 * endpoint), then `ranges` (index, label) and, per region, the Linux band
 * `r` of each type. The savings `s`, the Windows figures and
 * `instance_types` are left out (nothing reads them; a third of the bytes
 * and of the JSON nodes the planner would parse). *out malloc'd. Returns
 * 0, or -1 when out of memory. */
int gp_spot_feed_store(const gp_spot_feed *f, const char *observed_utc, const char *effective,
                       const char *endpoint, char **out, size_t *outlen);

#endif
