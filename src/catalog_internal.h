/* Internal: the catalog's insides, shared by the catalog and its loaders.
 *
 * Loaders read rows into a gp_raw_offer and hand it to gp_catalog_push();
 * that one function normalises every offer the same way, whatever the
 * source: accelerator name and specs, TPU slices, memory, placeholder
 * prices, spot anomalies, fabric, provider kind. */
#ifndef GP_CATALOG_INTERNAL_H
#define GP_CATALOG_INTERNAL_H

#include <stddef.h>

#include "arena.h"
#include "gpuplan/catalog.h"
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

typedef struct gp_kind_fact {
    const char *provider;
    gp_kind kind;
} gp_kind_fact;

typedef struct gp_gcp_family {
    const char *prefix;    /* host machine-type prefix, e.g. "a3-highgpu-" */
    const char *accelerator;
} gp_gcp_family;

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
    unsigned char *embedded_offer; /* parallel to offers: 1 if embedded */

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

/* Normalises and appends one offer (or, for a row without any usable price,
 * records why and appends nothing). */
gp_status gp_catalog_push(gp_catalog *cat, unsigned source_index,
                          unsigned line, const gp_raw_offer *raw,
                          gp_error *err);

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

/* Records a diagnostic whose message is formatted on first read. */
gp_status gp_catalog_diag_lazy(gp_catalog *cat, gp_diag_kind kind,
                               unsigned source_index, unsigned line,
                               gp_diag_tmpl tmpl, const char *s1,
                               const char *s2, const char *s3, double d1,
                               double d2);

/* Parses GpuInfo text, cached by its exact text. Malformed GpuInfo gives
 * an empty record (the caller reports it). Returns GP_EDATA if malformed. */
gp_status gp_catalog_gpuinfo(gp_catalog *cat, const char *text, size_t len,
                             gp_gpuinfo *out, gp_error *err);

const char *gp_catalog_intern(gp_catalog *cat, const char *s);

/* Loaders. Each appends sources and offers; the caller handles rollback
 * and replacement (see catalog.c). */
typedef struct gp_skypilot_file {
    const char *name;      /* for messages */
    const char *path;      /* read from disk when data is NULL */
    const char *data;
    size_t len;
    gp_source meta;        /* as_of, snapshot, licence, embedded */
} gp_skypilot_file;

gp_status gp_load_skypilot_group(gp_catalog *cat, const char *provider,
                                 const gp_skypilot_file *files, size_t nfiles,
                                 const gp_load_opts *opts, gp_error *err);

gp_status gp_load_gpuplan(gp_catalog *cat, const gp_skypilot_file *file,
                          const gp_load_opts *opts, gp_error *err);

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
