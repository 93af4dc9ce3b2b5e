/* gpuplan — the training-job model: from a model, a token budget and an
 * accelerator to FLOPs, memory per GPU, a parallel layout, throughput, wall
 * time and GPU-hours. Every formula and constant is documented, with its
 * source, in docs/estimate.md.
 *
 * Ownership: a gp_job borrows its model and accelerator; the caller keeps
 * them alive during gp_job_estimate(). A gp_estimate is a plain value that
 * owns everything in it (fixed buffers), so it needs no freeing. */
#ifndef GPUPLAN_JOB_H
#define GPUPLAN_JOB_H

#include "gpuplan/accel.h"
#include "gpuplan/error.h"
#include "gpuplan/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gp_optimizer {
    GP_OPT_ADAMW = 0,  /* fp32 master weights, m and v: 12 bytes/parameter */
    GP_OPT_ADAMW_8BIT, /* fp32 master, 8-bit m and v: 6 bytes/parameter */
    GP_OPT_SGD         /* fp32 master and momentum: 8 bytes/parameter */
} gp_optimizer;

typedef enum gp_recompute {
    GP_RECOMPUTE_AUTO = -1, /* let the layout search choose */
    GP_RECOMPUTE_NONE = 0,  /* keep every activation (FlashAttention) */
    GP_RECOMPUTE_SELECTIVE, /* recompute activation functions */
    GP_RECOMPUTE_FULL       /* keep layer inputs, recompute each layer */
} gp_recompute;

/* "adamw", "adamw-8bit", "sgd" / "none", "selective", "full". */
const char *gp_optimizer_name(gp_optimizer o);
int gp_optimizer_parse(const char *name); /* -1 when unknown */
const char *gp_recompute_name(gp_recompute r);
int gp_recompute_parse(const char *name); /* -1 when unknown; "auto" too */

/* What to estimate. gp_job_init() sets every field to "choose for me". */
typedef struct gp_job {
    const gp_model *model;       /* required */
    double tokens;               /* required: training tokens, > 0 */
    const gp_accel *accel;       /* required */
    int gpus;                    /* 0: choose (recommended count) */
    int precision;               /* a gp_precision; -1: bf16, else fp16 */
    gp_optimizer optimizer;
    int zero;                    /* ZeRO stage 0-3; -1: choose */
    gp_recompute recompute;
    int micro_batch;             /* sequences per micro-batch; 0: choose */
    double global_batch_tokens;  /* 0: the default (4Mi tokens, or 1,024
                                    per GPU when that is more) */
    int tp, pp;                  /* 0: choose */
    int cp;                      /* context parallel (sequence split); 0: choose */
    double mfu;                  /* NAN: modelled; else this steady MFU */
    double goodput;              /* NAN: modelled; else this whole-run share */
    double internode_gbps;       /* per GPU; NAN: the accelerator's default */
    int gpus_per_node;           /* 0: the accelerator's default */
    double ep_overlap;           /* share of the MoE all-to-all hidden behind
                                    compute; NAN: the default (0) */
    int offload_optimizer;       /* 1: optimizer state and step on the host
                                    (ZeRO-Offload); 0: on the GPU */
    double target_days;          /* for the recommended count; 0: 30 */
    int skip_count_search;       /* with gpus > 0: leave min_gpus at 0 (the
                                    planner, which sizes clusters itself) */
    const gp_accel_perf *perf;   /* the accelerator's facts, if the caller
                                    looked them up already; NULL: look up */
    int fit_only;                /* with gpus > 0: only whether it fits (the
                                    first fitting layout; no times) */
    int no_assumptions;          /* leave out the assumption texts */
} gp_job;

void gp_job_init(gp_job *job);

/* The named constants of the utilisation model (docs/estimate.md says how
 * each was chosen). Exposed so bench/ can show how sensitive the accuracy
 * is to each; gpuplan itself always uses gp_job_constants_default(). */
typedef struct gp_job_constants {
    double software_efficiency;    /* steady state vs the sum of the modelled
                                      terms: what they leave out (fitted) */
    double production_efficiency;  /* whole runs vs steady state, beyond
                                      failures and checkpoints (fitted) */
    double attention_efficiency;   /* FlashAttention, share of 16-bit peak */
    double memory_bw_efficiency;   /* elementwise kernels, share of HBM peak */
    double network_efficiency;     /* collectives, share of link rate */
    double dp_overlap;             /* share of compute DP traffic hides behind */
    double tp_overlap;             /* share of TP traffic hidden */
    double ep_overlap;             /* share of MoE all-to-all hidden (the
                                      default; gp_job.ep_overlap sets it) */
    double kernel_overhead_s;      /* fixed cost of one GPU kernel */
    double context_parallel_min_seq; /* CP searched from this sequence up */
    double hop_latency_s;          /* per ring step across nodes */
    double interruptions_per_gpu_hour; /* hardware failures (Llama 3) */
    double restart_hours;          /* detect, reschedule, reload a checkpoint */
    double checkpoint_gbps_per_gpu; /* GB/s each GPU writes its state at */
    double default_matmul_efficiency_16bit; /* when not measured */
    double default_matmul_efficiency_fp8;
    double memory_usable_fraction; /* of device memory, for the allocator */
    double memory_reserve_gb;      /* CUDA context, NCCL buffers */
    double default_global_batch_tokens; /* the default batch's floor */
    double default_batch_tokens_per_gpu; /* the default batch grows so */
    double default_batch_tokens_max;     /* ... up to this */
    double default_target_days;
    double default_internode_gbps; /* when the accelerator has no data */
    int default_gpus_per_node;
} gp_job_constants;

const gp_job_constants *gp_job_constants_default(void);

typedef struct gp_layout {
    int tp, pp, dp;       /* tensor, pipeline, data parallel */
    int vp;               /* interleaved pipeline chunks per stage (1: none) */
    int ep;               /* expert parallel (MoE; 1 otherwise) */
    int zero;             /* ZeRO stage */
    gp_recompute recompute;
    int micro_batch;      /* sequences */
    int micro_batches;    /* per step per pipeline (gradient accumulation) */
    int cp;               /* context parallel: the sequence split cp ways (1: none) */
} gp_layout;

typedef struct gp_memory {
    double weights_gb, gradients_gb, optimizer_gb, activations_gb;
    double total_gb;      /* the four above */
    double capacity_gb;   /* usable: device memory less the reserve */
    double device_gb;     /* the accelerator's memory */
} gp_memory;

/* One training step on one GPU, in seconds (steady state). */
typedef struct gp_step {
    double compute_s;       /* matmuls, attention, elementwise */
    double tp_comm_s;       /* exposed tensor-parallel traffic */
    double dp_comm_s;       /* exposed data-parallel traffic */
    double ep_comm_s;       /* exposed MoE all-to-all */
    double bubble_fraction; /* pipeline idle share of the step */
    double step_s;
    double cp_comm_s;       /* exposed context-parallel K/V exchange */
} gp_step;

enum { GP_ASSUMPTIONS_MAX = 40, GP_ASSUMPTION_LEN = 320 };

typedef struct gp_estimate {
    gp_model model;              /* as used (copy; strings borrowed) */
    const gp_accel *accel;
    int precision;               /* gp_precision used */
    double tokens;
    double global_batch_tokens;
    int gpus;                    /* the count estimated */
    int gpus_recommended;        /* 1: gpus is the recommended count */
    int min_gpus;                /* fewest that fit; 0: none fits */
    int recommended_gpus;        /* for the target days; 0 when gpus given */
    int max_gpus;                /* most the job can use */
    int gpus_per_node;
    double internode_gbps;
    int fits;
    gp_layout layout;            /* the best fitting (or least memory) */
    gp_memory memory;
    gp_step step;
    double model_flops_per_token, hardware_flops_per_token;
    double model_flops, hardware_flops; /* whole run */
    double peak_tflops;          /* dense, of the precision used */
    double matmul_efficiency;    /* measured or assumed */
    int matmul_measured;
    double mfu, hfu;             /* steady state */
    double tokens_per_second, tokens_per_second_per_gpu; /* steady state */
    double goodput;              /* share of wall time that trains */
    double wall_hours, wall_days, gpu_hours; /* whole run */
    char layout_reason[GP_ASSUMPTION_LEN];
    size_t nassumptions;
    char assumptions[GP_ASSUMPTIONS_MAX][GP_ASSUMPTION_LEN];
} gp_estimate;

/* Estimates a training job.
 *
 * Fails with GP_ERANGE (nothing in *out is meaningful) when an input is
 * out of range: tokens not in (0, 1e16], more GPUs than the job can use,
 * a batch smaller than one sequence, a precision the accelerator lacks.
 * A job that does not fit is not an error: out->fits is 0, the memory and
 * layout are the least-memory attempt, and time fields are NAN. */
gp_status gp_job_estimate(const gp_job *job, gp_estimate *out, gp_error *err);

/* Same with other constants (bench/ only). */
gp_status gp_job_estimate_with(const gp_job *job, const gp_job_constants *k,
                               gp_estimate *out, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
