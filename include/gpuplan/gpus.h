/* gpuplan — one line per accelerator: specs and what the market charges.
 *
 * Ownership: gp_gpu_summaries() returns an array the caller frees with
 * free(); its pointers point into the catalog. */
#ifndef GPUPLAN_GPUS_H
#define GPUPLAN_GPUS_H

#include <stddef.h>

#include "gpuplan/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_gpu_summary {
    const char *gpu;            /* canonical name, or the name as catalogued */
    const gp_accel *accel;      /* NULL: no specs */
    size_t providers;           /* providers with at least one offer */
    size_t offers;              /* (provider, instance type) offers */
    size_t spot_offers;         /* of those, with a spot price */
    double min_usd_per_gpu_hour, median_usd_per_gpu_hour;
    double min_spot_usd_per_gpu_hour, median_spot_usd_per_gpu_hour;
} gp_gpu_summary;

/* One summary per accelerator of the table (in table order), then one per
 * accelerator name without specs found in the catalog (by name). Prices
 * are over offers counted once per (provider, instance type) at their
 * cheapest region, so a provider listing 30 zones weighs as one offer. */
gp_status gp_gpu_summaries(const gp_catalog *cat, gp_gpu_summary **out,
                           size_t *n, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
