/* gpuplan — fresh prices: `gpuplan catalog refresh` (docs/refresh.md).
 *
 * A refresh fetches each provider's prices from a source over HTTP(S),
 * checks them and replaces that provider's stored data whole and
 * atomically in the data home ($GPUPLAN_HOME, else $XDG_CACHE_HOME/gpuplan,
 * else ~/.cache/gpuplan): <home>/refresh/<provider>.csv, a gpuplan catalog
 * CSV (docs/catalog-format.md) whose `source` is the URL fetched, `as_of`
 * the fetch date (UTC), with two more columns the catalog loader ignores
 * (observed_utc: the fetch time; effective: the source's own date), and
 * <home>/refresh/<provider>.refused, the rows the invariants refused.
 * A provider that fails keeps its previous files.
 *
 * Sources ("skypilot" gives many providers, "azure" one) sit behind one
 * small fetcher interface (src/fetch/fetcher.h). The library never prints:
 * progress goes to the caller's callback, failures into each result.
 *
 * Ownership: gp_refresh_run() allocates the results; free them with
 * gp_refresh_results_free(). */
#ifndef GPUPLAN_REFRESH_H
#define GPUPLAN_REFRESH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "gpuplan/catalog.h"
#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Progress of one provider: bytes received so far and offers parsed (0
 * until the provider's data is parsed). */
typedef void (*gp_refresh_progress_fn)(void *ctx, const char *provider,
                                       size_t bytes, size_t offers);

typedef struct gp_refresh_opts {
    const char *home;              /* NULL: gp_refresh_home() */
    const char *const *providers;  /* NULL/0: every provider of the sources */
    size_t nproviders;
    const char *const *sources;    /* NULL/0: the public sources */
    size_t nsources;
    /* "NAME=URL": NAME a source ("skypilot", "azure") or provider; wins
     * over GPUPLAN_ENDPOINT_<NAME> in the environment, which wins over
     * the source's default. */
    const char *const *endpoints;
    size_t nendpoints;
    int force;                     /* skip the count guard */
    long timeout_seconds;          /* per request; 0: 60 */
    int retries;                   /* extra attempts on 429/5xx; <0: 4 */
    gp_refresh_progress_fn progress;
    void *progress_ctx;
} gp_refresh_opts;

/* One availability signal a source gave with its prices (docs/refresh.md):
 * the instance type, the region ("" when the source gives none) and the
 * kind, as gpuplan/history.h names kinds ("capacity-available",
 * "capacity-unavailable", "stock:high|medium|low|none"). The provider,
 * observed time and source (the endpoint) are the result's. */
typedef struct gp_refresh_signal {
    char instance_type[128];
    char region[64];
    char kind[32];
    char provider[64];             /* "": the result's provider (a feed's
                                      signals name the provider they are
                                      about: "aws") */
} gp_refresh_signal;

/* What a refresh did for one provider: the offers it stored (a normal
 * catalog, loaded back from the stored file), where they came from and
 * when, or why it failed. History appends from these. */
typedef struct gp_refresh_result {
    char provider[64];
    char source[32];               /* "skypilot", "azure" */
    char endpoint[1024];           /* the URL of the first request */
    char observed_utc[24];         /* fetch time, "YYYY-MM-DDTHH:MM:SSZ" */
    int64_t observed_unix_s;       /* the same, in seconds since 1970 (UTC) */
    char effective[32];            /* the source's own date, "" none */
    gp_catalog *catalog;           /* stored offers; NULL on failure */
    gp_refresh_signal *signals;    /* availability seen (stored providers
                                      only; NULL when none) */
    size_t nsignals;
    size_t offers;                 /* offers stored */
    size_t refused;                /* rows or prices refused */
    size_t previous;               /* offers stored before, 0 none */
    size_t bytes;                  /* bytes received */
    size_t requests;               /* HTTP requests made (retries count) */
    gp_status status;              /* GP_OK: stored */
    gp_error err;                  /* why it failed */
    int feed;                      /* a feed, not offers (aws-spot-advisor):
                                      `offers` and `previous` count its
                                      figures, `catalog` is NULL */
} gp_refresh_result;

/* The data home (see above) into buf. GP_EINVAL when none can be named
 * (no $GPUPLAN_HOME, $XDG_CACHE_HOME or $HOME). */
gp_status gp_refresh_home(char *buf, size_t cap, gp_error *err);

/* Runs a refresh. Fails as a whole (GP_EINVAL) only for a bad option
 * (an unknown source or provider, a malformed endpoint); each provider's
 * own failure is in its result. */
gp_status gp_refresh_run(const gp_refresh_opts *opts,
                         gp_refresh_result **results, size_t *nresults,
                         gp_error *err);
void gp_refresh_results_free(gp_refresh_result *results, size_t n);

/* The sources gp_refresh_run() knows, and the providers each gives. */
size_t gp_refresh_source_count(void);
const char *gp_refresh_source_name(size_t i);
int gp_refresh_source_public(size_t i);   /* 0: needs a key */

/* One stored provider, as loaded by gp_refresh_add_stored(). */
typedef struct gp_refresh_stored {
    char provider[64];
    time_t observed;               /* when it was fetched (the file's
                                      modification time, set at rename) */
    size_t offers;
} gp_refresh_stored;

/* Adds every stored provider of `home` to the catalog (each replaces the
 * embedded offers of its provider, like --catalog), and the refused rows
 * as "refused" diagnostics. *stored (malloc'd, caller frees) lists them.
 * A home without refreshed data adds nothing. A stored file that does not
 * load is an error naming it (GP_EDATA). */
gp_status gp_refresh_add_stored(gp_catalog *cat, const char *home,
                                gp_refresh_stored **stored, size_t *nstored,
                                gp_error *err);

/* ---- AWS's Spot Instance Advisor feed ---------------------------------- */

/* The `aws-spot-advisor` source stores no offers but AWS's feed, checked
 * and reduced to its Linux bands in a small text table, as
 * <home>/refresh/aws-spot-advisor.txt (docs/refresh.md), with when and
 * where it was fetched. As read: a matrix of Linux interruption bands, one
 * row per instance type (sorted by strcmp), one column per region
 * (sorted), each cell an index into labels (the feed's ranges[i].label:
 * 0 "<5%" ... 4 ">20%") or GP_SPOT_FEED_NONE where the feed has no figure
 * for that type in that region. */
enum { GP_SPOT_FEED_NONE = 255, GP_SPOT_FEED_MAX_LABELS = 16 };

typedef struct gp_spot_feed {
    char **regions;                /* sorted, unique */
    size_t nregions;
    char **types;                  /* sorted, unique: types with a Linux band */
    size_t ntypes;
    unsigned char *bands;          /* ntypes x nregions, row-major */
    char *labels[GP_SPOT_FEED_MAX_LABELS];
    size_t nlabels;
    size_t figures;                /* cells with a band */
    int stored;                    /* a copy gpuplan stored: the text
                                      table, or JSON with the
                                      "gpuplan_refresh" member earlier
                                      versions wrote */
    char observed_utc[24];         /* stored: the fetch time, else "" */
    char effective[32];            /* stored: AWS's Last-Modified date, "" */
    char endpoint[1024];           /* stored: the URL fetched, else "" */
} gp_spot_feed;

/* The name the feed is stored under, and its source's name. */
#define GP_SPOT_FEED_SOURCE "aws-spot-advisor"

/* Frees what a feed holds and empties it (an empty feed is a no-op). */
void gp_spot_feed_clear(gp_spot_feed *f);

/* Reads the feed the last refresh stored in `home` into *out (clear it
 * with gp_spot_feed_clear()). GP_ENOTFOUND when none is stored; GP_EDATA
 * naming the file when it does not read as a stored feed. */
gp_status gp_refresh_spot_feed_load(const char *home, gp_spot_feed *out, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
