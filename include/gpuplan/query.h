/* gpuplan — choosing and ordering offers: the engine behind `offers`,
 * `gpus` and every command that starts from "which offers qualify".
 *
 * Ownership: results are arrays the caller frees with free(); they point
 * into the catalog, so they are valid while the catalog is. */
#ifndef GPUPLAN_QUERY_H
#define GPUPLAN_QUERY_H

#include <stddef.h>

#include "gpuplan/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_offer_sort {
    GP_SORT_GPU_PRICE = 0, /* on-demand $ per GPU-hour */
    GP_SORT_PRICE,         /* on-demand $ per instance-hour */
    GP_SORT_SPOT_PRICE,    /* spot $ per GPU-hour */
    GP_SORT_PFLOP_PRICE    /* on-demand $ per peak PFLOP-hour */
} gp_offer_sort;

/* "gpu-price", "price", "spot-price", "pflop-price"; -1 when unknown. */
int gp_offer_sort_parse(const char *name);
const char *gp_offer_sort_name(gp_offer_sort sort);

/* Which accelerator a user means by a name such as "h100", "H100-SXM",
 * "a100 80gb", "RTX 4090" or a glob such as "H100*". */
typedef struct gp_gpu_match {
    const gp_accel *accel;  /* set when the name resolves to one with specs */
    char glob[64];          /* set for glob patterns (matched on gp_offer.gpu) */
    char model_key[48];     /* set for names without specs ("l40", "a40") */
} gp_gpu_match;

/* Resolves `name` against the catalog's accelerator table and, for names
 * without specs, against the accelerator names its offers use. GP_ENOTFOUND
 * when nothing matches; err->message then lists the closest known names. */
gp_status gp_gpu_match_resolve(const gp_catalog *cat, const char *name,
                               gp_gpu_match *out, gp_error *err);

/* Whether an offer's accelerator is the one matched. */
int gp_gpu_match_offer(const gp_gpu_match *m, const gp_offer *o);

typedef struct gp_offer_filter {
    const gp_gpu_match *gpu;       /* NULL: any accelerator */
    double min_gpus_per_instance;  /* NAN: no minimum */
    const char *const *providers;  /* NULL/0: any provider */
    size_t nproviders;
    const char *const *exclude;    /* providers to leave out */
    size_t nexclude;
    int kind;                      /* gp_kind, or -1 for any */
    const char *region_glob;       /* NULL: any region */
    int spot_only;                 /* only spot offers (gp_offer_has_spot:
                                      not a floor, below on-demand) */
    double max_usd_per_gpu_hour;   /* NAN: no maximum; spot when spot_only */
    double min_gpu_mem_gb;         /* NAN: no minimum */
    int priced_only;               /* leave out offers without on-demand price */
} gp_offer_filter;

void gp_offer_filter_init(gp_offer_filter *f);
int gp_offer_filter_pass(const gp_offer_filter *f, const gp_offer *o);

typedef enum gp_offer_group {
    GP_GROUP_NONE = 0,  /* every row: every region and zone */
    GP_GROUP_INSTANCE,  /* one row per (provider, instance type): its
                           cheapest region, as `sky show-gpus` shows */
    GP_GROUP_PROVIDER   /* one row per provider: its cheapest offer */
} gp_offer_group;

typedef struct gp_offer_row {
    const gp_offer *offer;
    size_t rows;     /* catalog rows the group held (regions/zones) */
} gp_offer_row;

/* Filters, groups (keeping the cheapest row of each group by the sort
 * key) and sorts. Auction floors (GP_OFFER_PRICE_FLOOR, or
 * GP_OFFER_SPOT_FLOOR for the spot sort) come after every real price:
 * a floor is the lowest bid, not a price to rank against on-demand.
 * Offers without a value for the sort key come last; ties
 * break on provider, instance type, region and zone, so output is stable.
 * *out is malloc'd (NULL when *n is 0). */
gp_status gp_offer_select(const gp_catalog *cat, const gp_offer_filter *f,
                          gp_offer_sort sort, gp_offer_group group,
                          gp_offer_row **out, size_t *n, gp_error *err);

/* The value an offer is sorted by (NAN when it has none). */
double gp_offer_sort_key(const gp_offer *o, gp_offer_sort sort);

/* Levenshtein distance between two short strings, case-insensitive; used
 * for "did you mean" suggestions. */
size_t gp_edit_distance(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
