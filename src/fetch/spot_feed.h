/* Internal: the one reader of AWS's Spot Instance Advisor feed (the JSON
 * the Spot Instance Advisor page loads; data/spot-advisor-data.json, and
 * https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json as
 * alexei-led/spotinfo's internal/spot/data.go fetches it). Used by the
 * build tool (scripts/compile_spot_advisor.c, which turns the embedded
 * copy into static C data), by the `aws-spot-advisor` refresh source
 * (fetch_spot_advisor.c); the stored form below has its own reader. Both
 * are fuzzed by tests/fuzz/fuzz_spot_advisor.c. It needs only libc and jansson (the
 * build tool links nothing else of ours).
 *
 * The feed: {"ranges": [{"index": i, "label": "<5%", "max": 5}, ...],
 *            "spot_advisor": {region: {"Linux": {type: {"s": saving,
 *            "r": band}}, "Windows": {...}}}, ...}. A feed with a
 * "gpuplan_refresh" member (what gpuplan stored before the text form
 * below) parses with out->stored set, so the fetcher can refuse it. */
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

/* The stored form: what `catalog refresh --source aws-spot-advisor`
 * writes as <home>/refresh/aws-spot-advisor.txt and the planner reads on
 * every AWS spot plan, so it is a small text table read without a JSON
 * parser (AWS's 2025-06-28 feed: 922 KB fetched, 58 KB stored). Lines end
 * in '\n', fields are separated by one tab:
 *
 *   gpuplan-spot-bands 1
 *   observed_utc<TAB>2026-12-02T06:26:36Z      the fetch time
 *   effective<TAB>2025-06-28                   S3's Last-Modified date, or empty
 *   endpoint<TAB>https://...                   the URL fetched
 *   labels<TAB><5%<TAB>5-10%...               ranges[i].label, i = 0, 1, ...
 *   regions<TAB>af-south-1<TAB>...             sorted by strcmp, each once
 *   types<TAB>915                              the count of rows that follow
 *   a1.2xlarge<TAB>44-3...                     one row per type, sorted, each once
 *
 * A row's second field has one character per region, in the order of
 * `regions`: the index of the type's Linux band there in hexadecimal
 * (0-9, a-f; below the count of labels), or '-' where the feed has none;
 * every row has at least one band. The savings, the Windows figures and
 * `instance_types` are not kept (nothing reads them). */
#define GP_SPOT_FEED_MAGIC "gpuplan-spot-bands 1"

/* The stored form of a fetched feed `f` (which parsed), with when and
 * where it was fetched. *out malloc'd. Returns 0; -1 when out of memory;
 * -2 when a value cannot be stored (not printable ASCII, or longer than
 * gp_spot_feed's fields hold). */
int gp_spot_feed_store(const gp_spot_feed *f, const char *observed_utc, const char *effective,
                       const char *endpoint, char **out, size_t *outlen);

/* The one reader of the stored form. Returns 0 and fills *out (with
 * out->stored 1, and the fetch time, date and URL), or -1 with a message
 * in msg, the 1-based line in *line, and *out empty: a wrong first line,
 * a header line missing or out of order, a value not printable, labels or
 * regions not plain (regions unsorted or repeated), a count that is not
 * 1 to GP_SPOT_FEED_MAX_TYPES, a row whose type is not plain or not after
 * the one before, whose band characters are not one per region or not a
 * band, a row with no band, fewer rows than announced (a cut file), a last
 * line without its newline, or anything after the last row. Storing what
 * it read gives the same bytes back. */
int gp_spot_feed_read_stored(const char *data, size_t len, gp_spot_feed *out, size_t *line,
                             char *msg, size_t msglen);

#endif
