/* Internal: the embedded catalog in compiled form.
 *
 * At build time scripts/compile_catalog.c loads data/ through the normal
 * loaders (gp_catalog_add_manifest) and writes every offer, source and
 * diagnostic as static C data; at run time gp_catalog_add_embedded() only
 * points at it. So `gpuplan` never parses the 1.2 MB of embedded CSV when
 * it starts, yet the embedded offers are exactly what the loaders produce
 * (tests/unit/test_embedded.c checks that). */
#ifndef GP_COMPILED_H
#define GP_COMPILED_H

#include <stdint.h>

typedef struct gp_compiled_offer {
    uint32_t provider, instance_type, region, zone, gpu, gpu_raw, source,
        as_of, notes;          /* string indices */
    int32_t accel;             /* index into the accelerator table, -1 none */
    uint32_t kind, fabric, flags, source_index, line;
    double gpu_count, gpu_mem_gb, vcpus, ram_gb, usd_per_hour,
        spot_usd_per_hour, fabric_gbps;
} gp_compiled_offer;

typedef struct gp_compiled_source {
    uint32_t name, provider, format, as_of, snapshot, licence;
    uint32_t rows, offers, replaced, no_price, bad_rows, other_rows;
} gp_compiled_source;

typedef struct gp_compiled_diag {
    uint32_t kind, source_index, line, message;
} gp_compiled_diag;

typedef struct gp_compiled_catalog {
    const char *pool;              /* strings, each NUL-terminated */
    const uint32_t *string_offsets;
    const uint32_t *string_lens;
    uint32_t nstrings;
    const gp_compiled_offer *offers;
    uint32_t noffers;
    const gp_compiled_source *sources;
    uint32_t nsources;
    const gp_compiled_diag *diags;
    uint32_t ndiags;
    const uint32_t *accel_names;   /* string index of each accelerator name
                                      the offers' indices refer to */
    uint32_t naccels;
} gp_compiled_catalog;

extern const gp_compiled_catalog gp_compiled_embedded;

#endif
