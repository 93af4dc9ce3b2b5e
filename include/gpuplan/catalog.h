/* gpuplan — the catalog of offers: loaders, sources, diagnostics.
 *
 * A catalog is built by adding sources to it: the embedded default data, a
 * SkyPilot catalog folder or vms.csv, or a file in gpuplan's own CSV format
 * (docs/catalog-format.md). Fresher data replaces older data:
 *  - within the embedded data, a newer snapshot replaces the same instance
 *    types of an older one (SkyPilot v8 over v7), and a dated price list
 *    replaces the same products (provider, accelerator, count) of an undated
 *    snapshot;
 *  - a source added with gp_catalog_add_path() replaces every embedded offer
 *    of each provider it contains; other embedded providers stay.
 * Each offer keeps its own source file, line and as-of date.
 *
 * Ownership: gp_catalog_new() allocates, gp_catalog_free() frees (NULL is a
 * no-op). The catalog owns every offer, source, diagnostic and string it
 * returns; pointers stay valid until the catalog is freed, except that
 * adding a source may move the offers array (re-fetch with
 * gp_catalog_offers() after each add). */
#ifndef GPUPLAN_CATALOG_H
#define GPUPLAN_CATALOG_H

#include <stddef.h>

#include "gpuplan/accel.h"
#include "gpuplan/error.h"
#include "gpuplan/offer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_catalog gp_catalog;

typedef struct gp_source {
    const char *name;      /* path as given, or "embedded:<file>" */
    const char *provider;  /* provider of every row, "" when rows say */
    const char *format;    /* "skypilot" or "gpuplan" */
    const char *as_of;     /* "YYYY-MM-DD" or "" when the source is undated */
    const char *snapshot;  /* what the data is a copy of, e.g. a commit */
    const char *licence;   /* "" when unknown */
    int embedded;          /* compiled into the binary */
    size_t rows;           /* data rows read (header excluded) */
    size_t offers;         /* offers it contributed before replacement */
    size_t replaced;       /* of those, replaced by fresher data */
    size_t no_price;       /* rows left out: no usable price at all (an
                              offer with only a spot price is kept) */
    size_t bad_rows;       /* malformed rows skipped (skip_bad_rows) */
    size_t other_rows;     /* rows that are not accelerator offers: CPU-only
                              VMs, and GCP host VMs (which price other rows) */
} gp_source;

typedef enum gp_diag_kind {
    GP_DIAG_NO_PRICE = 0,      /* empty, zero or placeholder price */
    GP_DIAG_SPOT_PLACEHOLDER,  /* e.g. 99999999: spot treated as absent */
    GP_DIAG_SPOT_ABOVE_ON_DEMAND,
    GP_DIAG_SPOT_EQUALS_ON_DEMAND,
    GP_DIAG_NO_SPECS,          /* accelerator name without specs */
    GP_DIAG_MEMORY_MISMATCH,   /* catalog memory contradicts the specs */
    GP_DIAG_NO_HOST,           /* GCP accelerator row without a host VM */
    GP_DIAG_BAD_ROW,           /* malformed row skipped */
    GP_DIAG_BAD_GPUINFO,       /* GpuInfo unreadable; the row is kept */
    GP_DIAG_COUNT_MISMATCH,    /* instance name states another GPU count */
    GP_DIAG_PRICE_OUTLIER,     /* $/GPU-h far from the model's median */
    GP_DIAG_REFUSED,           /* a fetched row `catalog refresh` refused
                                  (gpuplan/refresh.h) */
    GP_DIAG_KIND_COUNT
} gp_diag_kind;

/* Short stable identifier: "no-price", "spot-placeholder", "spot-above-
 * on-demand", "spot-equals-on-demand", "no-specs", "memory-mismatch",
 * "no-host", "bad-row", "bad-gpuinfo", "count-mismatch", "price-outlier",
 * "refused". */
const char *gp_diag_kind_name(gp_diag_kind kind);

typedef struct gp_diag {
    gp_diag_kind kind;
    unsigned source_index;
    unsigned line;
    const char *message;   /* one line, no file prefix */
} gp_diag;

typedef struct gp_load_opts {
    int skip_bad_rows;     /* warn and go on instead of failing */
    const char *provider;  /* provider of a lone vms.csv; NULL: from path */
} gp_load_opts;

/* A new, empty catalog with the compiled-in accelerator table. */
gp_status gp_catalog_new(gp_catalog **out, gp_error *err);
void gp_catalog_free(gp_catalog *cat);

/* Adds the embedded default catalog (data/ compiled into the binary). */
gp_status gp_catalog_add_embedded(gp_catalog *cat, gp_error *err);

/* Loads a gpuplan data folder (a sources.csv manifest and the files it
 * lists, like the project's data/) exactly as the embedded catalog was
 * built from it. Offers count as embedded (user sources replace them). */
gp_status gp_catalog_add_data_dir(gp_catalog *cat, const char *dir,
                                  gp_error *err);

/* Adds a user source: a SkyPilot catalog folder (<dir>/<cloud>/vms*.csv, or
 * one <cloud>/ folder), a SkyPilot vms.csv, or a gpuplan CSV file (told
 * apart by header). Replaces embedded offers of the providers it holds.
 * Errors: GP_EIO (missing/unreadable), GP_EDATA (malformed, with file and
 * line in err). On error the catalog is unchanged. */
gp_status gp_catalog_add_path(gp_catalog *cat, const char *path,
                              const gp_load_opts *opts, gp_error *err);

/* Between on = 1 and on = 0, embedded offers replaced by a user source's
 * providers are dropped when on = 0 comes, in one pass, not once per
 * source (the same catalog as without: a refresh's stored providers load
 * this way). Offers read in between still include the replaced ones. */
void gp_catalog_defer_replacements(gp_catalog *cat, int on);

/* Adds SkyPilot vms.csv text for one provider (used by tests and fuzzing;
 * treated like a user source). `name` appears in messages. */
gp_status gp_catalog_add_skypilot_buffer(gp_catalog *cat, const char *name,
                                         const char *provider,
                                         const char *data, size_t len,
                                         const gp_load_opts *opts,
                                         gp_error *err);

/* Adds gpuplan-format CSV text (treated like a user source). */
gp_status gp_catalog_add_gpuplan_buffer(gp_catalog *cat, const char *name,
                                        const char *data, size_t len,
                                        const gp_load_opts *opts,
                                        gp_error *err);

size_t gp_catalog_offer_count(const gp_catalog *cat);
const gp_offer *gp_catalog_offers(const gp_catalog *cat);

size_t gp_catalog_source_count(const gp_catalog *cat);
const gp_source *gp_catalog_source(const gp_catalog *cat, size_t i);

/* Load-time diagnostics, in load order. */
size_t gp_catalog_diag_count(const gp_catalog *cat);
const gp_diag *gp_catalog_diag(const gp_catalog *cat, size_t i);

const gp_accel_table *gp_catalog_accels(const gp_catalog *cat);

/* Adds the anomalies that need the whole catalog to the diagnostics:
 * accelerator counts that contradict the instance name ("gpu_8x_h100" with
 * AcceleratorCount 4) and $/GPU-hour outliers (more than 3x above or below
 * the median of at least 5 offers of the same accelerator). Runs once;
 * later calls do nothing. */
gp_status gp_catalog_check(gp_catalog *cat, gp_error *err);

/* The accelerator count an instance name states ("gpu_8x_h100" -> 8,
 * "H100x8" -> 8, "a3-highgpu-4g" -> 4, "..._8gpu-..." -> 8,
 * "H100_PCIE_80GB::2" -> 2), or NAN when it states none or is ambiguous. */
double gp_instance_stated_gpus(const char *instance_type);

/* The kind of a provider (from data/provider-kinds.csv); GP_KIND_UNKNOWN
 * for providers gpuplan has no fact about. */
gp_kind gp_catalog_provider_kind(const gp_catalog *cat, const char *provider);

#ifdef __cplusplus
}
#endif
#endif
