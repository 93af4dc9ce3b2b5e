/* The job layer (src/job/): model presets (model.c, gpuplan/model.h) and
 * the training-job estimate: FLOPs, memory, the parallel layout search and
 * step time (job.c, job_cost.c, gpuplan/job.h). It may include core/ and
 * catalog/ (accelerator specs); never plan/ or market/, which build on it.
 *
 * This header holds the pieces of the job model shared by job.c
 * (validation, search, reporting) and job_cost.c (memory and time of one
 * layout). */
#ifndef GP_JOB_INTERNAL_H
#define GP_JOB_INTERNAL_H

#include "gpuplan/job.h"

/* The matmul mix of one (TP, EP, micro-batch, CP) shape: what compute.c
 * derives from the layer's multiplies, kept so the search computes it
 * once per shape. */
typedef struct gp_gemm_memo {
    int tp, ep, micro_batch, cp, valid;
    double size_factor, cast_layer, kern_layer_fwd;
} gp_gemm_memo;

enum { GP_GEMM_MEMO = 32 };

/* Everything about a job that does not depend on the layout. */
typedef struct gp_job_ctx {
    const gp_job *job;
    const gp_job_constants *k;
    const gp_model *m;
    const gp_accel *a;
    int precision;
    double peak_flops;          /* of the precision, FLOP/s */
    double attn_peak_flops;     /* 16-bit rate attention runs at, FLOP/s */
    double matmul_eff;
    double mem_bw;              /* B/s */
    double scaleup_bw;          /* B/s per GPU, one direction, in a node */
    double net_bw;              /* B/s per GPU between nodes */
    int node;                   /* GPUs per node (NVLink domain) */
    double global_tokens;       /* per step (the default's floor) */
    int batch_given;            /* 1: --global-batch; 0: grows with n */
    double seqs;                /* sequences per step */
    double seq;                 /* sequence length */
    double params_dense;        /* parameters replicated across experts' EP */
    double params_expert;       /* routed-expert parameters (EP-sharded) */
    double flops_model_tok;     /* model FLOPs per token */
    double flops_mm_tok;        /* matmul part of the model FLOPs */
    double flops_attn_tok;      /* attention part */
    int moe_layers;
    double act_tok_none;        /* activation bytes per token, all layers */
    double act_tok_selective;
    /* Fine-tuning (finetune.c); zero for pretraining. */
    double ft_adapter_params;   /* trainable LoRA parameters */
    double ft_recompute_mm_tok; /* matmul FLOPs full recomputation adds */
    double ft_time_factor;      /* QLoRA dequantisation: compute time x this */
    double ft_dp_grad_params;   /* parameters whose gradients DP reduces */
    double act_bytes;           /* bytes of an activation element (2; 4 in fp32) */
    double ep_overlap;          /* share of the all-to-all hidden */
    double host_bw;             /* B/s host link (CPU offload), one direction */
    gp_gemm_memo *memo;         /* GP_GEMM_MEMO slots (compute.c); NULL: none */
} gp_job_ctx;

/* The compute part of one step on one GPU (compute.c). */
typedef struct gp_compute_parts {
    double matmul_s;            /* at the sizes run (size_factor x ideal) */
    double attention_s;
    double memory_s;            /* elementwise, loss, optimizer, fp8 casts */
    double kernel_s;            /* fixed cost per kernel */
    double size_factor;         /* matmul time over its time at the MAMF rate */
    double total_s;
} gp_compute_parts;

/* Fills *out for layout l on n GPUs running `batch` tokens a step. */
void gp_job_compute(const gp_job_ctx *x, int n, const gp_layout *l, double batch,
                    gp_compute_parts *out);

/* Activation bytes one token leaves in all layers (job_cost.c). */
double gp_job_act_per_token(const gp_model *m, int selective);

/* The cost of one layout on one GPU. */
typedef struct gp_job_cand {
    gp_layout l;
    gp_memory mem;
    gp_step step;
    double tokens_per_s;        /* whole job, steady state */
    double hw_flops_tok;        /* hardware FLOPs per token (recompute) */
    int fits;
} gp_job_cand;

/* The share of wall time left by failures and checkpoints on n GPUs that
 * each hold state_gb of weights and optimizer state (job.c). */
double gp_job_failure_goodput(const gp_job_constants *k, int n, double state_gb);

/* Fills mem and fits for c->l: gp_job_memory_state, the activations,
 * then gp_job_memory_total. */
void gp_job_memory(const gp_job_ctx *x, gp_job_cand *c);
/* The parts, so the search (job.c) computes each once: weights, gradients
 * and optimizer state depend on TP, PP, DP, EP and ZeRO only (once per
 * ZeRO stage of a split); the activations on TP, PP, VP, CP, the
 * micro-batch and recomputation, not on ZeRO (once per micro-batch and
 * recomputation of a split). gp_job_memory_total sums the four *mem
 * holds, fills the capacity and returns whether it fits. */
void gp_job_memory_state(const gp_job_ctx *x, gp_job_cand *c);
double gp_job_activations_gb(const gp_job_ctx *x, const gp_layout *l);
/* Inline: a plan calls it 1.6M times. */
static inline int gp_job_memory_total(const gp_job_ctx *x, gp_memory *mem)
{
    mem->total_gb = mem->weights_gb + mem->gradients_gb + mem->optimizer_gb +
                    mem->activations_gb;
    mem->device_gb = x->a->memory_gb;
    mem->capacity_gb = x->a->memory_gb * x->k->memory_usable_fraction -
                       x->k->memory_reserve_gb;
    return mem->total_gb <= mem->capacity_gb;
}

/* Fills step, tokens_per_s and hw_flops_tok for c->l on n GPUs:
 * gp_job_time_pipe, then gp_job_time_finish. */
void gp_job_time(const gp_job_ctx *x, int n, gp_job_cand *c);
/* The pipeline's part of the step: everything but the data-parallel
 * traffic. It reads the ZeRO stage only as zero >= 1 (the optimizer
 * shard), so the search reuses it between ZeRO-1 and ZeRO-3 of the same
 * split, micro-batch and recomputation. */
typedef struct gp_job_pipe {
    double batch;               /* tokens the layout runs a step */
    double hw_flops_tok;
    double compute_s, tp_s, ep_s, cp_s, pp_s;
    double pipe_s;              /* their sum with the bubble */
} gp_job_pipe;
void gp_job_time_pipe(const gp_job_ctx *x, int n, const gp_layout *l, gp_job_pipe *out);
/* The data-parallel traffic's parts that depend on the split and the ZeRO
 * stage only (shards, nodes, bytes over NICs and NVLink), once per ZeRO
 * stage of a split. */
typedef struct gp_job_dp {
    int on;                     /* DP > 1 */
    int across;                 /* the DP group spans nodes */
    double nodes;               /* nodes the DP group spans */
    double node_bytes;          /* per volume over a node's NICs */
    double nvlink_bytes;        /* per volume of experts inside a node */
    double bytes;               /* per volume, all inside one node */
    double collectives;         /* per step below ZeRO-3 */
    double net_den, link_den;   /* effective B/s: NICs of a node's group, NVLink */
} gp_job_dp;
void gp_job_dp_shape(const gp_job_ctx *x, const gp_layout *l, gp_job_dp *d);
/* Adds the data-parallel traffic (d, the micro-batches and the compute
 * it hides behind) to p and fills c's step, tokens_per_s and
 * hw_flops_tok. */
void gp_job_time_finish(const gp_job_ctx *x, const gp_job_dp *d, const gp_job_pipe *p,
                        gp_job_cand *c);

/* ---- fine-tuning (finetune.c) ------------------------------------------ */

/* Sequences per optimizer step of the default fine-tuning batch. */
#define GP_FT_BATCH_SEQS 128.0

/* Validates the fine-tuning inputs and adjusts the context: the default
 * batch, the FLOPs of a frozen base, the adapter count. Called by
 * build_ctx after the pretraining FLOPs are set. */
gp_status gp_ft_setup(const gp_job *job, gp_job_ctx *x, gp_estimate *e, gp_error *err);
/* Replaces weights, gradients and optimizer state of c->mem for a frozen
 * base with adapters (LoRA, QLoRA); activations stay. */
void gp_ft_state_memory(const gp_job_ctx *x, gp_job_cand *c);
/* The whole job around the training: steps, start-up, download,
 * checkpoint saves, evaluation, and their assumption lines. */
void gp_ft_finish(const gp_job *job, const gp_job_constants *k, gp_estimate *e);
/* Pipeline point-to-point traffic (comm.c): 1 when the layout's stages sit
 * on more than one node, and the exposed seconds per step given the
 * seconds a stage is busy per step (compute and TP/EP traffic), which the
 * interleaved schedule hides transfers behind. */
int gp_job_pp_crosses_nodes(const gp_job_ctx *x, const gp_layout *l);
double gp_job_pp_comm(const gp_job_ctx *x, const gp_layout *l, double busy_s);
/* The data-parallel traffic that can hide behind compute per step (comm.c). */
double gp_job_dp_hidden(const gp_job_ctx *x, const gp_layout *l, double compute_s);

#endif
