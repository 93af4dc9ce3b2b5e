/* gpuplan — what the catalog says about prices: $/GPU-hour distributions
 * per accelerator by provider kind or by provider, the hyperscaler premium,
 * and the common claims about the GPU market checked against it.
 *
 * Every distribution counts each (provider, instance type) once, at its
 * cheapest region, as `gpuplan offers` does. Results are malloc'd arrays
 * the caller frees with free(); their strings and offers point into the
 * catalog and live as long as it. Names returned (kinds) are static.
 * Nothing here prints. */
#ifndef GPUPLAN_PRICES_H
#define GPUPLAN_PRICES_H

#include <stddef.h>

#include "gpuplan/catalog.h"
#include "gpuplan/query.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_price_stats {
    size_t n;                   /* instance types */
    double min, median, p90, max; /* $/GPU-hour; NAN when n is 0 */
} gp_price_stats;

/* Fills stats from values (reordered); quantiles of type 7. */
void gp_price_stats_of(double *values, size_t n, gp_price_stats *out);

/* One (provider, instance type) at its cheapest region for one term. */
typedef struct gp_price_point {
    const gp_offer *offer;
    const char *gpu;            /* canonical accelerator name */
    const char *provider;
    int kind;                   /* gp_kind */
    double usd;                 /* $/GPU-hour, on-demand or spot */
} gp_price_point;

/* Every instance type with specs that passes `f` (NULL: all) and has a
 * price for the term (spot 1: spot, 0: on-demand), in the catalog's
 * price order. *out is malloc'd. */
gp_status gp_price_points(const gp_catalog *cat, const gp_offer_filter *f, int spot,
                          gp_price_point **out, size_t *n, gp_error *err);

typedef struct gp_price_group {
    const char *gpu;            /* canonical accelerator name */
    int kind;                   /* gp_kind; -1 when grouped by provider */
    const char *provider;       /* NULL unless grouped by provider */
    gp_price_stats on_demand, spot;
} gp_price_group;

/* The distributions for every accelerator with specs that passes `f`
 * (NULL: all), per kind (by_provider 0) or per provider (1), ordered by
 * accelerator then kind/provider. *out is malloc'd. */
gp_status gp_price_groups(const gp_catalog *cat, const gp_offer_filter *f,
                          int by_provider, gp_price_group **out, size_t *n,
                          gp_error *err);

/* Median hyperscaler / median neocloud on-demand $/GPU-hour for one
 * accelerator in groups made by kind; NAN when either is missing. */
double gp_price_premium(const gp_price_group *groups, size_t n, const char *gpu);

typedef enum gp_verdict {
    GP_VERDICT_HOLDS = 0,
    GP_VERDICT_PARTLY,
    GP_VERDICT_DOES_NOT_HOLD,
    GP_VERDICT_NO_DATA
} gp_verdict;

/* "holds", "partly", "does not hold", "no data". */
const char *gp_verdict_name(gp_verdict v);

enum { GP_CLAIMS = 5, GP_EVIDENCE_LEN = 480 };

typedef struct gp_claim {
    const char *id;             /* "hyperscaler-h100", ... */
    const char *text;           /* the claim as stated */
    const char *basis;          /* where the claim comes from */
    const char *rule;           /* how the verdict is decided */
    gp_verdict verdict;
    char evidence[GP_EVIDENCE_LEN];
} gp_claim;

/* Checks the five claims of the 2025 market picture against the catalog
 * (docs/market.md gives each rule). Never fails for lack of data: a claim
 * the catalog cannot decide gets GP_VERDICT_NO_DATA and says why. */
gp_status gp_price_claims(const gp_catalog *cat, gp_claim out[GP_CLAIMS], gp_error *err);

/* ---- groups as a view shows them ---------------------------------------- */

/* gp_price_groups for each of `gpus` (ngpus 0: every accelerator) with
 * the rest of `f` (NULL: no filter), concatenated in the order of
 * `gpus`; a group two names both match ("H100", "H100*") comes once.
 * *out is malloc'd. GP_ENOMEM, or what gp_price_groups returns. */
gp_status gp_price_groups_for(const gp_catalog *cat, const gp_offer_filter *f,
                              const gp_gpu_match *gpus, size_t ngpus, int by_provider,
                              gp_price_group **out, size_t *n, gp_error *err);

/* The group's provider, or its kind's name ("hyperscaler") when grouped
 * by kind. */
const char *gp_price_group_name(const gp_price_group *g);

/* The accelerators of groups in their order, each once (groups come
 * ordered by accelerator), at most cap. Returns how many. */
size_t gp_price_group_gpus(const gp_price_group *g, size_t n, const char **out, size_t cap);

/* The median on-demand $/GPU-hour of one accelerator for one kind
 * (gp_kind) in groups made by kind; NAN when there is none. */
double gp_price_kind_median(const gp_price_group *g, size_t n, const char *gpu, int kind);

/* The on-demand $/GPU-hour of the points (gp_price_points, spot 0) that
 * belong to group g, in the points' order, never more than the group's
 * count nor cap. Returns how many. */
size_t gp_price_group_values(const gp_price_group *g, const gp_price_point *p, size_t np,
                             double *out, size_t cap);

/* ---- providers ---------------------------------------------------------- */

/* What the catalog shows of one provider. */
typedef struct gp_provider_summary {
    const char *provider;
    gp_kind kind;
    size_t offers;            /* catalog rows */
    size_t instance_types;    /* distinct */
    size_t regions;           /* distinct named regions; 0: none named */
    size_t accelerator_count; /* distinct accelerators */
    char accelerators[256];   /* their names, space-separated, in catalog order */
    const gp_offer *cheapest_h100, *cheapest_a100; /* on-demand $/GPU-hour, any
                                                      variant; NULL: none */
    size_t spot_offers;       /* rows with a spot price */
    double spot_max_discount; /* deepest spot discount (fraction); NAN: none */
} gp_provider_summary;

/* One summary per provider of the catalog, ordered by kind then name.
 * *out is malloc'd. GP_ENOMEM. */
gp_status gp_price_provider_summaries(const gp_catalog *cat, gp_provider_summary **out,
                                      size_t *n, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
