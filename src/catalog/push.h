/* The push interface the catalog core owns and the loaders fill in.
 *
 * A loader reads rows into a gp_raw_offer and hands each to
 * gp_catalog_push(); that one function normalises every offer the same way,
 * whatever the source: accelerator name and specs, TPU slices, memory,
 * placeholder prices, spot anomalies, fabric, provider kind. A loader
 * includes this header and core/, never catalog_internal.h or the
 * dispatcher (catalog_load.c), which is the only caller of the loaders. */
#ifndef GP_CATALOG_PUSH_H
#define GP_CATALOG_PUSH_H

#include <stddef.h>

#include "gpuplan/catalog.h"
#include "gpuplan/gpuinfo.h"

typedef struct gp_gcp_family {
    const char *prefix;    /* host machine-type prefix, e.g. "a3-highgpu-" */
    const char *accelerator;
} gp_gcp_family;

/* A row as a loader read it. Strings are borrowed for the call; numbers
 * are NAN when absent. */
typedef struct gp_raw_offer {
    const char *provider;
    const char *instance_type;
    const char *region;
    const char *zone;
    const char *gpu;             /* accelerator name as written */
    double gpu_count;            /* NAN: priced per GPU, count not stated */
    double gpu_mem_gb;           /* as the catalog reports it */
    double vcpus, ram_gb;
    double usd_per_hour, usd_per_gpu_hour;
    double spot_usd_per_hour, spot_usd_per_gpu_hour;
    int kind;                    /* gp_kind, or -1: from provider facts */
    int fabric;                  /* gp_fabric, or -1: from fabric rules */
    double fabric_gbps;
    const char *source;          /* NULL: the source's name */
    const char *as_of;           /* NULL: the source's date */
    const char *notes;
    unsigned flags;              /* extra gp_offer_flag bits */
    int skypilot_names;          /* accelerator names follow a SkyPilot
                                    catalog's conventions (gpu-names.csv) */
} gp_raw_offer;

void gp_raw_offer_init(gp_raw_offer *r);

/* Appends a source record and returns its index via *index. */
gp_status gp_catalog_add_source(gp_catalog *cat, const gp_source *src,
                                unsigned *index, gp_error *err);

/* The rules every row obeys, whatever its format: no price is negative
 * (a negative price is a broken file, not a free offer) and no listing has
 * more than GP_OFFER_MAX_GPUS accelerators. A row that breaks one is a bad
 * row (gp_catalog_bad_row: GP_EDATA with FILE:LINE, or skipped with
 * opts->skip_bad_rows); *ok says whether to keep it. gp_catalog_push()
 * applies them; a loader that holds rows back (GCP's host + accelerator
 * join) calls this when it reads each row, so the line is the row's own. */
gp_status gp_catalog_check_raw(gp_catalog *cat, unsigned source_index,
                               unsigned line, const gp_raw_offer *raw,
                               const gp_load_opts *opts, int *ok,
                               gp_error *err);

/* Checks (gp_catalog_check_raw), normalises and appends one offer (or, for
 * a row without any usable price, records why and appends nothing). */
gp_status gp_catalog_push(gp_catalog *cat, unsigned source_index,
                          unsigned line, const gp_raw_offer *raw,
                          const gp_load_opts *opts, gp_error *err);

/* Records a diagnostic; the message is copied. */
gp_status gp_catalog_diag_add(gp_catalog *cat, gp_diag_kind kind,
                              unsigned source_index, unsigned line,
                              const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A malformed row: with opts->skip_bad_rows, counts it, records a
 * "bad-row" diagnostic and returns GP_OK (the caller skips the row);
 * otherwise fills err with FILE:LINE and the reason and returns GP_EDATA. */
gp_status gp_catalog_bad_row(gp_catalog *cat, unsigned si,
                             const gp_load_opts *opts, gp_error *err, long line,
                             const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Parses GpuInfo text, cached by its exact text. Malformed GpuInfo gives
 * an empty record (the caller reports it). Returns GP_EDATA if malformed. */
gp_status gp_catalog_gpuinfo(gp_catalog *cat, const char *text, size_t len,
                             gp_gpuinfo *out, gp_error *err);

const char *gp_catalog_intern(gp_catalog *cat, const char *s);

/* The record of source `source_index`, for its loader to count rows
 * (rows, other_rows, no_price: shown by `catalog info`). */
gp_source *gp_catalog_source_counts(gp_catalog *cat, unsigned source_index);

/* The source record at `source_index` (borrowed from the catalog). */
const gp_source *gp_catalog_source_at(const gp_catalog *cat, unsigned source_index);

/* GCP machine families (data/gcp-machine-gpus.csv): host prefix to
 * accelerator, borrowed from the catalog. */
size_t gp_catalog_gcp_family_count(const gp_catalog *cat);
const gp_gcp_family *gp_catalog_gcp_family(const gp_catalog *cat, size_t i);

#endif
