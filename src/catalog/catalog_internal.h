/* The catalog layer (src/catalog/): accelerators and their names, offers,
 * the catalog, each loader, provider facts, the embedded catalog, checks,
 * queries and the per-accelerator summary (gpus). It may include core/ and
 * the public headers of this layer (gpuplan/accel.h, catalog.h, offer.h,
 * gpuinfo.h, query.h, gpus.h, stats.h, error.h, units.h); nothing above it.
 *
 * This header is the catalog's insides, for the files of the catalog core
 * (catalog.c, facts.c, check.c, catalog_embedded.c) and the dispatcher
 * (catalog_load.c). Loaders see only catalog/push.h. */
#ifndef GP_CATALOG_INTERNAL_H
#define GP_CATALOG_INTERNAL_H

#include <stddef.h>

#include "core/arena.h"
#include "gpuplan/catalog.h"
#include "catalog/push.h"
#include "gpuplan/gpuinfo.h"

/* How a group of sources replaces what the catalog already holds. */
typedef enum gp_replace {
    GP_REPLACE_NONE = 0,
    GP_REPLACE_INSTANCE_TYPE, /* same (provider, instance type) */
    GP_REPLACE_PRODUCT,       /* same (provider, accelerator, count) */
    GP_REPLACE_PROVIDER       /* every embedded offer of the provider */
} gp_replace;

typedef struct gp_fabric_rule {
    const char *provider;
    const char *pattern;   /* fnmatch glob on the instance type */
    gp_fabric fabric;
    double gbps;
} gp_fabric_rule;

typedef struct gp_name_rule {
    const char *provider;
    const char *name;      /* as the provider's catalog writes it */
    const char *means;     /* the name to resolve instead */
} gp_name_rule;

/* A sourced correction of one field of one instance type (data/
 * corrections.csv); only gpu_count is supported. */
typedef struct gp_correction {
    const char *provider;
    const char *instance_type;
    double gpu_count;
    const char *source;
} gp_correction;

/* What one price column of a provider's rows means (data/pricing-kinds.csv):
 * column 0 is the on-demand column, 1 the spot column. */
typedef struct gp_pricing_rule {
    const char *provider, *format;
    int column;
    gp_pricing_kind kind;
} gp_pricing_rule;

typedef struct gp_kind_fact {
    const char *provider;
    gp_kind kind;
} gp_kind_fact;

/* Everything gp_catalog_push() derives from the (provider, accelerator
 * name, instance type, reported memory, count) of a row, cached: catalogs
 * repeat the same combination on thousands of rows. */
typedef struct gp_resolved {
    const char *provider, *raw, *instance; /* interned: compared by address */
    double memory_gb, count;
    int skypilot_names;       /* the name follows SkyPilot's conventions */
    const char *gpu;          /* canonical name, or raw when no specs */
    const gp_accel *accel;
    double tpu_chips;         /* > 0: the name was a TPU slice */
    double per_gpu_memory_gb; /* memory to record, NAN when unknown */
    int memory_ignored;       /* the reported memory contradicted specs */
    gp_kind kind;
    gp_fabric fabric;
    double fabric_gbps;
    int used;
} gp_resolved;

/* How a diagnostic's message is made. Per-row price diagnostics can number
 * tens of thousands in a large catalog, so they keep their arguments and
 * are formatted only when someone reads them (gp_catalog_diag()). */
typedef enum gp_diag_tmpl {
    GP_TMPL_TEXT = 0,          /* pub.message is set */
    GP_TMPL_NO_PRICE,          /* s1 s2: no usable price (d1, d2) */
    GP_TMPL_SPOT_ONLY,         /* s1 s2: no on-demand price (d1) */
    GP_TMPL_SPOT_PLACEHOLDER,  /* s1 s2: spot d2 is a placeholder */
    GP_TMPL_SPOT_ABOVE,        /* s1 s2 s3: spot d2 above on-demand d1 */
    GP_TMPL_SPOT_EQUALS        /* s1 s2 s3: spot equals on-demand d1 */
} gp_diag_tmpl;

typedef struct gp_diag_rec {
    gp_diag pub;               /* pub.message NULL until formatted */
    gp_diag_tmpl tmpl;
    const char *s1, *s2, *s3;  /* interned */
    double d1, d2;
} gp_diag_rec;

struct gp_catalog {
    gp_arena arena;
    gp_strtab strings;
    gp_accel_table *accels;

    gp_offer *offers;
    size_t count, cap;
    unsigned char *embedded_offer; /* parallel to offers: 1 if embedded, 2 replaced
                                      while replacements are deferred */
    int defer_replace;             /* gp_catalog_defer_replacements */
    size_t deferred_gone;          /* offers marked 2, still in the array */

    gp_source *sources;
    size_t nsources, sources_cap;

    gp_diag_rec *diags;
    size_t ndiags, diags_cap;

    gp_fabric_rule *fabric_rules;
    size_t nfabric_rules;
    gp_name_rule *name_rules;
    size_t nname_rules;
    gp_kind_fact *kinds;
    size_t nkinds;
    gp_gcp_family *gcp_families;
    size_t ngcp_families;
    gp_correction *corrections;
    size_t ncorrections;
    gp_pricing_rule *pricing_rules;
    size_t npricing_rules;

    gp_resolved *resolved;      /* open-addressing cache */
    size_t resolved_cap, resolved_count;
    const char *recent[8];           /* the last string of each offer field,
                                        interned: rows repeat them */
    const char *last_provider_raw;   /* the provider text of the last push */
    const char *last_provider;       /* ... lower-cased and interned */

    int checked;                /* gp_catalog_check() has run */

    const char **gpuinfo_keys;  /* cache of parsed GpuInfo, by interned text */
    gp_gpuinfo *gpuinfo_vals;
    size_t gpuinfo_cap, gpuinfo_count;
};

/* Records a diagnostic whose message is formatted on first read. */
gp_status gp_catalog_diag_lazy(gp_catalog *cat, gp_diag_kind kind,
                               unsigned source_index, unsigned line,
                               gp_diag_tmpl tmpl, const char *s1,
                               const char *s2, const char *s3, double d1,
                               double d2);

/* Where a group of sources starts, so that it can be rolled back. */
typedef struct gp_catalog_mark {
    size_t offers, sources, diags;
} gp_catalog_mark;

gp_catalog_mark gp_catalog_group_begin(const gp_catalog *cat);

/* Finishes the group pushed since `mark`: one no-specs diagnostic per
 * unknown accelerator name, the embedded flag, then replacement of older
 * offers by `mode`. If st (the loader's status) or any step fails, every
 * offer, source and diagnostic since the mark is dropped. Returns the
 * first failure, or GP_OK. */
gp_status gp_catalog_group_end(gp_catalog *cat, const gp_catalog_mark *mark,
                               gp_status st, int embedded, gp_replace mode,
                               gp_error *err);

/* Loads a data folder's sources.csv and the files it lists, with the
 * replacement rules it states, as "embedded-class" sources (user sources
 * replace them by provider). Source names are name_prefix + file. */
gp_status gp_catalog_add_manifest(gp_catalog *cat, const char *dir,
                                  const char *name_prefix, gp_error *err);

/* Marks offers [first, count) as embedded or not. */
gp_status gp_catalog_mark_embedded(gp_catalog *cat, size_t first, int embedded,
                                   gp_error *err);

/* Reads the provider facts compiled into the binary (kinds, fabric rules,
 * name conventions, GCP machine families). */
gp_status gp_facts_load(gp_catalog *cat, gp_error *err);

#endif
