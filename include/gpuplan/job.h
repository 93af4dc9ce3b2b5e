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

/* Fine-tuning (docs/finetune.md): none is pretraining from scratch; full
 * trains every weight of a pretrained model; lora trains low-rank adapters
 * on a frozen 16-bit base (Hu et al. 2021); qlora on a frozen 4-bit NF4
 * base with double quantisation and a paged optimizer (Dettmers et al.
 * 2023). */
typedef enum gp_finetune {
    GP_FINETUNE_NONE = 0,
    GP_FINETUNE_FULL,
    GP_FINETUNE_LORA,
    GP_FINETUNE_QLORA
} gp_finetune;

/* LoRA target modules: the attention and MLP projections (Llama names). */
enum {
    GP_LORA_Q = 1u << 0, GP_LORA_K = 1u << 1, GP_LORA_V = 1u << 2, GP_LORA_O = 1u << 3,
    GP_LORA_GATE = 1u << 4, GP_LORA_UP = 1u << 5, GP_LORA_DOWN = 1u << 6,
    GP_LORA_ALL = 0x7fu
};

/* "none", "full", "lora", "qlora"; parse returns -1 when unknown. */
const char *gp_finetune_name(gp_finetune f);
int gp_finetune_parse(const char *name);
/* "q,k,v,o,gate,up,down" (also q_proj ...; "all", "attention", "mlp") into
 * GP_LORA_* flags; returns 0, or -1 naming nothing known. */
int gp_lora_targets_parse(const char *list, unsigned *targets);
/* The flags as "q,k,v,o,gate,up,down". */
void gp_lora_targets_text(unsigned targets, char *buf, size_t cap);
/* Trainable adapter parameters: rank x (in + out) per targeted projection
 * per layer (every expert's, for MoE layers). */
double gp_lora_params(const gp_model *m, int rank, unsigned targets);

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
    /* Fine-tuning (finetune.c; docs/finetune.md). */
    gp_finetune finetune;        /* GP_FINETUNE_NONE: pretraining */
    int lora_rank;               /* 0: 64 (QLoRA paper) */
    double lora_alpha;           /* 0: 16 (QLoRA paper); not a cost */
    unsigned lora_targets;       /* 0: GP_LORA_ALL */
    double epochs;               /* passes over the data (saves, evals); 0: 1 */
    double eval_tokens;          /* held-out tokens evaluated each epoch */
    double startup_hours;        /* NAN: the default (instance start, image) */
    double download_gbps;        /* GB/s for the base weights; NAN: default */
    const char *network_source;  /* with internode_gbps: where it comes from
                                    (NULL: given by the user) */
    int network_assumed;         /* with internode_gbps: 1 when no source
                                    documents it (the estimate is marked
                                    network unknown) */
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
    double pp_overlap;             /* share of pipeline p2p traffic hidden */
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
    double pp_comm_s;       /* exposed pipeline point-to-point traffic */
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
    double internode_gbps;       /* per GPU, between nodes */
    int network_known;           /* 0: internode_gbps is an assumption */
    char network_source[GP_ASSUMPTION_LEN];
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
    /* Fine-tuning (zero for pretraining). hours of the whole job = wall_hours
     * + overhead_hours. */
    gp_finetune finetune;
    int lora_rank;
    double lora_alpha;
    unsigned lora_targets;
    double adapter_params;       /* trainable LoRA parameters */
    double trainable_params;     /* adapters, or every parameter (full) */
    double base_bytes_per_param; /* frozen base storage (QLoRA: 4-bit + constants) */
    double steps;                /* optimizer steps */
    double startup_hours, download_hours, save_hours, eval_hours;
    double overhead_hours;       /* the four above */
    double download_gb;          /* base weights fetched */
    double saves;                /* checkpoints written */
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
