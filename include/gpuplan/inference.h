/* gpuplan — serving a model: memory, KV cache, prefill and decode time,
 * tensor parallelism inside a node, the latency targets at a percentile,
 * the replicas a traffic needs, on one accelerator or on every offer of
 * the catalog. docs/inference.md documents every formula and its source.
 *
 * Ownership: a gp_serve_params borrows its model for as long as it is
 * used. A gp_serve_result owns its array of offers (free it with
 * gp_serve_result_free); each entry points into the catalog it was made
 * from, so the catalog must outlive the result. Nothing here prints. */
#ifndef GPUPLAN_INFERENCE_H
#define GPUPLAN_INFERENCE_H

#include <stddef.h>

#include "gpuplan/accel.h"
#include "gpuplan/catalog.h"
#include "gpuplan/error.h"
#include "gpuplan/model.h"
#include "gpuplan/query.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the weights are stored for serving. */
typedef enum gp_wprec {
    GP_WPREC_BF16 = 0, /* 16-bit (bf16 or fp16): 2 bytes a parameter */
    GP_WPREC_FP8,      /* FP8 weights and activations (W8A8) */
    GP_WPREC_INT8,     /* 8-bit integer weights, 16-bit compute (W8A16) */
    GP_WPREC_INT4,     /* 4-bit weights in groups of 128 with a 16-bit
                          scale (AWQ/GPTQ), 16-bit compute (W4A16) */
    GP_WPREC_COUNT
} gp_wprec;

/* "bf16", "fp8", "int8", "int4". */
const char *gp_wprec_name(gp_wprec p);
/* Case-insensitive; "fp16" and "16bit" are bf16. -1 when unknown. */
int gp_wprec_parse(const char *name);

/* Bytes of the KV cache per token of context, whole model:
 * 2 (K and V) x layers x KV heads x head width x bytes per value
 * (heads of different K and V widths, MLA, add them instead). */
double gp_serve_kv_bytes_per_token(const gp_model *m, double bytes_per_value);

/* Bytes of the weights at a serving precision: 16-bit embeddings (and
 * output layer, unless tied) and, for the matrices, the precision's bytes
 * a parameter (INT4 adds one 16-bit scale per group of 128). */
double gp_serve_weights_bytes(const gp_model *m, gp_wprec p);

/* The fitted and sourced constants (docs/inference.md, "Constants"). */
typedef struct gp_serve_constants {
    double mem_utilisation;   /* share of device memory the engine may use:
                                 0.9, vLLM's gpu_memory_utilization default */
    double bw_efficiency;     /* achieved share of peak memory bandwidth in
                                 a decode step: fitted on one published
                                 point (docs/inference.md) */
    double compute_efficiency;/* achieved share of the measured matmul rate
                                 over a whole serving step (attention,
                                 norms, sampling included): fitted */
    double compute_fallback;  /* share of peak dense FLOPS when the
                                 accelerator has no measured matmul figure */
    double prefill_chunk;     /* tokens in one prefill chunk: sizes the
                                 activation workspace */
    double pcie_gbps;         /* one direction, GB/s, when a GPU's
                                 scale-up link is not in the data: PCIe 4.0
                                 x16 */
} gp_serve_constants;

/* What to serve and how fast. */
typedef struct gp_serve_params {
    const gp_model *model;
    gp_wprec precision;
    int kv_8bit;              /* KV cache in 8 bits (default 16) */
    double rps;               /* mean requests per second, > 0 */
    double input_tokens;      /* prompt length of a request */
    double output_tokens;     /* tokens generated per request */
    double ttft_s;            /* time to first token target; NAN: none */
    double tpot_s;            /* time per output token target; NAN: none */
    double percentile;        /* the targets hold at this percentile (0.9) */
    double peak_factor;       /* replicas sized for rps x this (default 1) */
    int max_tp;               /* 0: up to the GPUs of one instance */
    gp_serve_constants k;
} gp_serve_params;

/* Defaults: bf16, 16-bit KV, P90, peak factor 1, the constants above. */
void gp_serve_params_init(gp_serve_params *p);

typedef enum gp_serve_binding {
    GP_SERVE_BIND_NONE = 0,   /* one replica, latency and memory to spare */
    GP_SERVE_BIND_MEMORY,     /* the KV cache bounds the batch */
    GP_SERVE_BIND_TTFT,       /* the first-token target */
    GP_SERVE_BIND_TPOT,       /* the per-token target */
    GP_SERVE_BIND_THROUGHPUT, /* a replica cannot keep up with more load */
    GP_SERVE_BIND_FIT         /* the weights do not fit the instance */
} gp_serve_binding;

/* "none", "memory", "ttft", "tpot", "throughput", "fit". */
const char *gp_serve_binding_name(gp_serve_binding b);

/* One serving layout on one accelerator: `tp` GPUs per replica. */
typedef struct gp_serve_point {
    int ok;                   /* meets the targets and the traffic */
    gp_serve_binding binding; /* why not fewer replicas (or why not ok) */
    int tp, replicas, gpus;
    int instances;            /* of `gpus` each (gp_serve_model) */
    double weights_gb_per_gpu;
    double kv_gb_per_gpu;     /* room left for the KV cache */
    double kv_bytes_per_token;/* whole model */
    int max_batch;            /* sequences the KV cache holds */
    double batch;             /* sequences decoding at once, per replica */
    double prefill_s;         /* one prompt, no queue */
    double step_s;            /* one decode step at `batch` */
    int step_compute_bound;   /* the step is bound by FLOPS, not bandwidth */
    double allreduce_s;       /* tensor-parallel all-reduces of one step */
    double ttft_s, tpot_s;    /* at the percentile */
    double tpot_mean_s;
    double ttft_floor_s, tpot_floor_s; /* with no load: the best possible */
    double prefill_share;     /* GPU time spent on prompts */
    double rps_per_replica;   /* the traffic each replica gets (peak) */
    double output_tokens_per_s_per_gpu; /* at the traffic */
    double max_output_tokens_per_s;     /* one replica flat out at
                                           max_batch (offline) */
    double compute_tflops;    /* what prefill and compute-bound steps run at */
    const char *compute_basis;/* "measured matmul (...)" or the fallback */
} gp_serve_point;

/* Models `p` on `gpus` accelerators `a` with `mem_gb` each in one node
 * (an instance). Tries every tensor-parallel size that divides `gpus` and
 * the heads, and keeps the layout needing the fewest GPUs for the traffic
 * (then the lowest TPOT). *out->ok is 0 when no layout meets the targets;
 * `binding` then names what failed for the nearest layout. GP_EINVAL for
 * impossible inputs (no model, rps or lengths not positive, a percentile
 * outside (0, 1)); GP_EDATA when the embedded matmul data is malformed. */
gp_status gp_serve_model(const gp_serve_params *p, const gp_accel *a, int gpus,
                         double mem_gb, gp_serve_point *out, gp_error *err);

/* The same for one tensor-parallel size (exposed for tests). */
gp_status gp_serve_model_tp(const gp_serve_params *p, const gp_accel *a, int tp,
                            double mem_gb, gp_serve_point *out, gp_error *err);

/* Offline throughput (MLPerf's Offline scenario): output tokens per second
 * of `gpus` accelerators running replicas of `tp` at their largest batch,
 * no latency target. NAN when the model does not fit. */
double gp_serve_offline_tokens_per_s(const gp_serve_params *p, const gp_accel *a,
                                     int tp, int gpus, double mem_gb, gp_error *err);

/* One offer of the catalog, served. */
typedef struct gp_serve_offer {
    const gp_offer *offer;    /* the cheapest region of the instance type */
    size_t regions;
    gp_serve_point pt;        /* pt.instances of the offer */
    double usd_per_month;     /* on-demand, 730 hours */
    double usd_per_m_output;  /* $ per million output tokens at the traffic */
    double usd_per_m_input;   /* $ per million input tokens */
    int rank;                 /* 1-based among ok offers; 0 when not ok */
    size_t same_shapes;       /* other instance types of the provider that
                                 serve the same way (accelerator, GPUs,
                                 layout) for more, left out */
} gp_serve_offer;

typedef struct gp_serve_result {
    gp_serve_offer *offers;   /* ok offers by monthly cost (the cheapest
                                 instance type of each provider, accelerator,
                                 GPU count and layout), then the rest nearest
                                 first */
    size_t n, nok;
    size_t considered;        /* instance types tried */
    size_t too_small;         /* the weights fit no layout */
    size_t without_specs;     /* accelerator without specs */
} gp_serve_result;

/* Every priced instance type the filter passes (cheapest region each),
 * served. GP_EINVAL as gp_serve_model. */
gp_status gp_serve_rank(const gp_catalog *cat, const gp_offer_filter *f,
                        const gp_serve_params *p, gp_serve_result *out, gp_error *err);
void gp_serve_result_free(gp_serve_result *r);

/* A latency as people type it: "50ms", "0.5s", "2 s", or a bare number of
 * milliseconds ("200"). Sets *seconds. GP_EINVAL for anything else, zero
 * or negative, or above an hour. */
gp_status gp_serve_parse_latency(const char *text, double *seconds, gp_error *err);

/* A percentile: "p90", "P99", "90", "99.9" (percent) or "0.9" (a
 * fraction below 1). Sets *q in (0, 1). GP_EINVAL otherwise. */
gp_status gp_serve_parse_percentile(const char *text, double *q, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
