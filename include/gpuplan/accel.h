/* gpuplan — accelerator specifications and the accelerator-name normaliser.
 *
 * The table comes from data/accelerators.csv (compiled in) or from a file of
 * the same columns. Numbers the source does not give are NAN; strings it
 * does not give are "". A gp_accel_table owns every gp_accel and string it
 * hands out; they stay valid until gp_accel_table_free(). */
#ifndef GPUPLAN_ACCEL_H
#define GPUPLAN_ACCEL_H

#include <stddef.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_precision {
    GP_PREC_FP32 = 0,
    GP_PREC_TF32,
    GP_PREC_BF16,
    GP_PREC_FP16,
    GP_PREC_FP8,
    GP_PREC_COUNT
} gp_precision;

typedef struct gp_accel {
    const char *name;        /* canonical, e.g. "H100", "A100-80GB" */
    const char *vendor;      /* "NVIDIA", "AMD", "Google", ... */
    double memory_gb;        /* device memory as the source states it */
    double mem_bw_gbps;      /* peak memory bandwidth, GB/s */
    double tflops[GP_PREC_COUNT]; /* peak dense TFLOPS per precision */
    const char *interconnect;
    double intra_node_bw_gbps;        /* scale-up, bidirectional, GB/s */
    double intra_node_bw_unidir_gbps; /* one direction, GB/s */
    double tdp_w;
    int launch_year;         /* 0 when unknown */
    const char *source;      /* where the specs come from */
    const char *notes;
} gp_accel;

typedef struct gp_accel_table gp_accel_table;

/* Loads the compiled-in data/accelerators.csv. */
gp_status gp_accel_table_load_default(gp_accel_table **out, gp_error *err);

/* Loads an accelerators CSV with the columns of data/accelerators.csv
 * (matched by header name; name is required). */
gp_status gp_accel_table_load_file(const char *path, gp_accel_table **out,
                                   gp_error *err);

/* Same, from memory; `name` is used in error messages. */
gp_status gp_accel_table_load_buffer(const char *name, const char *data,
                                     size_t len, gp_accel_table **out,
                                     gp_error *err);

void gp_accel_table_free(gp_accel_table *table);

size_t gp_accel_table_count(const gp_accel_table *table);
const gp_accel *gp_accel_table_at(const gp_accel_table *table, size_t i);

/* Name of a precision: "fp32", "tf32", "bf16", "fp16", "fp8". */
const char *gp_precision_name(gp_precision p);
/* Parses a precision name (case-insensitive); returns -1 when unknown. */
int gp_precision_parse(const char *name);

/* What a free-form accelerator name says once normalised: the model (e.g.
 * "h100", "a100", "tpu-v5p", "rtx4090"), the form factor and the memory per
 * device when the name states them. */
typedef enum gp_form_factor {
    GP_FORM_UNSTATED = 0,
    GP_FORM_SXM,
    GP_FORM_PCIE,
    GP_FORM_NVL,
    GP_FORM_AMBIGUOUS /* the name says something we cannot map, e.g. "NVLink" */
} gp_form_factor;

enum { GP_ACCEL_MODEL_MAX = 48 };

typedef struct gp_accel_name {
    char model[GP_ACCEL_MODEL_MAX]; /* "" when nothing recognisable */
    gp_form_factor form;
    double memory_gb;               /* NAN when the name does not say */
    int tpu_cores;                  /* slice size in a TPU name, else 0 */
} gp_accel_name;

/* Splits a name such as "NVIDIA-H100-80GB-HBM3", "H100_PCIE_80GB",
 * "Tesla V100-SXM2-16GB", "RTXA6000" or "tpu-v5p-8" into its parts.
 * Vendor and brand words, memory types and case are ignored. Never fails;
 * an empty or unrecognisable name gives an empty model. */
void gp_accel_name_parse(const char *raw, gp_accel_name *out);

/* Finds the accelerator a free-form name refers to.
 *
 * `raw` is the name as a catalog or a person wrote it. `hint` (may be NULL)
 * is more text that can state the form factor, e.g. an instance type such as
 * "gpu_1x_h100_pcie"; only form-factor words are read from it.
 * `reported_memory_gb` (NAN when unknown) is the device memory a catalog
 * reports; it chooses between variants (H100 80 GB vs H100-NVL 94 GB) but,
 * unlike memory stated in the name, it may be wrong: when it contradicts
 * every variant it is ignored and *memory_ignored (may be NULL) is set.
 *
 * The model must match exactly; a form factor or memory stated in the name
 * must match too; among what is left the plain variant wins (H100 before
 * H100-PCIe). Returns NULL when the name is unknown, names a variant
 * without specs (V100-32GB) or states an ambiguous form — never a guess. */
const gp_accel *gp_accel_resolve(const gp_accel_table *table, const char *raw,
                                 const char *hint, double reported_memory_gb,
                                 int *memory_ignored);

/* For a TPU slice name such as "tpu-v5p-8" or "tpu-v5litepod-16": the
 * number of chips it holds (v2, v3, v4 and v5p names count TensorCores, two
 * per chip; v5e and v6e names count chips, per the Cloud TPU docs), and the
 * accelerator name "TPU-v5p"/"TPU-v5e" in `name_out`. Returns 0 when `raw`
 * is not a TPU slice name. */
int gp_accel_tpu_slice(const char *raw, char *name_out, size_t cap,
                       double *chips_out);

/* A comparable key for an accelerator name that has no specs: its model
 * ("rtx4090", "l40"), so "RTX 4090" and "rtx4090" compare equal. */
void gp_accel_model_key(const char *raw, char *out, size_t cap);

/* Exact lookup of a canonical name, case-insensitive. NULL when absent. */
const gp_accel *gp_accel_find(const gp_accel_table *table, const char *name);

/* Measured performance and cluster facts for an accelerator, from
 * data/matmul-efficiency.csv (maximum achievable matmul TFLOPS, measured)
 * and data/cluster-network.csv (GPUs per node and inter-node bandwidth of
 * reference training clusters). Unknown values are NAN / 0 / "". The
 * struct owns its strings. */
enum { GP_ACCEL_SOURCE_MAX = 400 };

typedef struct gp_accel_perf {
    double matmul_tflops[GP_PREC_COUNT]; /* measured, NAN when not measured */
    char matmul_source[GP_PREC_COUNT][GP_ACCEL_SOURCE_MAX];
    int gpus_per_node;                   /* 0 when the data does not say */
    double internode_gbps_per_gpu;       /* Gb/s per GPU, NAN when unknown */
    char network_source[GP_ACCEL_SOURCE_MAX];
} gp_accel_perf;

/* Looks up the embedded facts for a canonical accelerator name ("H100").
 * Fails only when the embedded files are malformed (GP_EDATA). */
gp_status gp_accel_perf_lookup(const char *name, gp_accel_perf *out,
                               gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
