/* Build helper: reads AWS's Spot Instance Advisor feed (the JSON the
 * Spot Instance Advisor page loads, data/spot-advisor-data.json) into a
 * matrix of interruption bands, and writes it as C data for the library
 * (src/plan/spot_advisor.h). Used by scripts/compile_spot_advisor.c at
 * build time and by tests/fuzz/fuzz_spot_advisor.c; never by the library.
 *
 * The feed: {"ranges": [{"index": i, "label": "<5%", "max": 5}, ...],
 *            "spot_advisor": {region: {"Linux": {type: {"s": saving,
 *            "r": band}}, "Windows": {...}}}, ...}. */
#ifndef GP_SPOT_ADVISOR_FEED_H
#define GP_SPOT_ADVISOR_FEED_H

#include <stddef.h>
#include <stdio.h>

enum {
    SA_NONE = 255,        /* no figure for (type, region) */
    SA_MAX_LABELS = 16,   /* bands the feed may define */
    SA_MAX_REGIONS = 128,
    SA_MAX_TYPES = 20000,
    SA_MAX_NAME = 64      /* longest region or type name */
};

typedef struct sa_feed {
    char **regions;       /* sorted, unique */
    size_t nregions;
    char **types;         /* sorted, unique: every type with a Linux figure */
    size_t ntypes;
    unsigned char *bands; /* ntypes x nregions; SA_NONE where absent */
    char *labels[SA_MAX_LABELS]; /* ranges[i].label, by index */
    size_t nlabels;
} sa_feed;

/* Parses the feed. Returns 0 and fills *out (free with sa_feed_free), or
 * -1 with a message in msg: not JSON, duplicate keys, no `ranges` or
 * `spot_advisor`, ranges not indexed 0..n-1, a band `r` outside the
 * ranges, a name that is empty, longer than SA_MAX_NAME or not made of
 * [A-Za-z0-9._-], or more regions or types than the limits. */
int sa_feed_parse(const char *data, size_t len, sa_feed *out, char *msg, size_t msglen);

void sa_feed_free(sa_feed *f);

/* Writes the table as C (src/plan/spot_advisor.h's gp_spot_advisor).
 * Returns 0, or -1 when writing fails. */
int sa_feed_write_c(const sa_feed *f, FILE *out);

#endif
