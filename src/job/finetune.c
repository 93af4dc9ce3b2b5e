/* Fine-tuning: full, LoRA and QLoRA on a pretrained model. The memory of a
 * frozen base with adapters, the FLOPs of training through a frozen base,
 * QLoRA's dequantisation cost, and the whole job around the training
 * (start-up, weight download, checkpoint saves, evaluation). Every
 * constant's source is given here and in docs/finetune.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "job/job_internal.h"

/* QLoRA (Dettmers et al. 2023, arXiv:2305.14314): NF4 weights are 4 bits;
 * double quantisation stores the blocksize-64 constants in 8 bits with a
 * second level of 32-bit constants per 256 blocks: 8/64 + 32/(64 x 256) =
 * 0.127 bits per parameter (section 3, "Double Quantization"). */
static const double NF4_BITS_PER_PARAM = 4.0 + 8.0 / 64.0 + 32.0 / (64.0 * 256.0);

/* The QLoRA recipe: r = 64, alpha = 16 (artidoro/qlora qlora.py defaults:
 * lora_r 64, lora_alpha 16, nf4, double_quant), adapters on every linear
 * layer of the transformer blocks (the paper: "LoRA on all linear
 * transformer block layers"). */
static const int DEFAULT_LORA_RANK = 64;
static const double DEFAULT_LORA_ALPHA = 16.0;

/* QLoRA's dequantisation: Raschka ("Practical Tips for Finetuning LLMs
 * Using LoRA", magazine.sebastianraschka.com, 2023-11-19) measured the same
 * Llama 2 7B LoRA run on one A100 at 1.85 h and 21.33 GB with a 16-bit
 * base, 2.79 h and 14.18 GB with QLoRA's 4-bit NF4 base: 2.79 / 1.85. */
static const double QLORA_TIME_FACTOR = 2.79 / 1.85;

/* Instance start and container image pull: no published figure; an
 * assumption (--startup). */
static const double DEFAULT_STARTUP_HOURS = 10.0 / 60.0;

/* The default batch, 128 sequences, is Stanford Alpaca's (tatsu-lab/
 * stanford_alpaca README: batch size 128, 3 epochs, max length 512);
 * GP_FT_BATCH_SEQS in job_internal.h. */

/* Base weights come from a model hub: huggingface/hf_transfer's README
 * says the plain Python client caps out at about 500 MB/s ("a power user
 * tool, to go beyond ~500MB/s"). An upper bound for most machines
 * (--download-gbps). */
static const double DEFAULT_DOWNLOAD_GBPS = 0.5;

const char *gp_finetune_name(gp_finetune f)
{
    switch (f) {
    case GP_FINETUNE_NONE: return "none";
    case GP_FINETUNE_FULL: return "full";
    case GP_FINETUNE_LORA: return "lora";
    case GP_FINETUNE_QLORA: return "qlora";
    }
    return "?";
}

int gp_finetune_parse(const char *name)
{
    for (int f = GP_FINETUNE_NONE; f <= GP_FINETUNE_QLORA; f++)
        if (name && strcasecmp(name, gp_finetune_name((gp_finetune)f)) == 0)
            return f;
    return -1;
}

static const struct {
    const char *name, *alias;
    unsigned flag;
} TARGETS[] = {
    {"q", "q_proj", GP_LORA_Q},          {"k", "k_proj", GP_LORA_K},
    {"v", "v_proj", GP_LORA_V},          {"o", "o_proj", GP_LORA_O},
    {"gate", "gate_proj", GP_LORA_GATE}, {"up", "up_proj", GP_LORA_UP},
    {"down", "down_proj", GP_LORA_DOWN},
};

int gp_lora_targets_parse(const char *list, unsigned *targets)
{
    *targets = 0;
    if (!list)
        return -1;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && p[0] == ' ')
            p++, n--;
        while (n > 0 && p[n - 1] == ' ')
            n--;
        unsigned got = 0;
        if (n == 3 && strncasecmp(p, "all", 3) == 0)
            got = GP_LORA_ALL;
        else if (n == 9 && strncasecmp(p, "attention", 9) == 0)
            got = GP_LORA_Q | GP_LORA_K | GP_LORA_V | GP_LORA_O;
        else if (n == 3 && strncasecmp(p, "mlp", 3) == 0)
            got = GP_LORA_GATE | GP_LORA_UP | GP_LORA_DOWN;
        for (size_t i = 0; !got && i < sizeof(TARGETS) / sizeof(TARGETS[0]); i++)
            if ((strlen(TARGETS[i].name) == n && strncasecmp(p, TARGETS[i].name, n) == 0) ||
                (strlen(TARGETS[i].alias) == n && strncasecmp(p, TARGETS[i].alias, n) == 0))
                got = TARGETS[i].flag;
        if (!got)
            return -1;
        *targets |= got;
        if (!end)
            break;
        p = end + 1;
    }
    return *targets ? 0 : -1;
}

void gp_lora_targets_text(unsigned targets, char *buf, size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(TARGETS) / sizeof(TARGETS[0]); i++) {
        if (!(targets & TARGETS[i].flag))
            continue;
        int w = snprintf(buf + o, cap - o, "%s%s", o ? "," : "", TARGETS[i].name);
        if (w < 0 || (size_t)w >= cap - o)
            return;
        o += (size_t)w;
    }
}

/* Rank x (inputs + outputs) for every targeted projection: LoRA's A is
 * r x in, B is out x r (Hu et al. 2021). A GELU MLP has no gate. */
static double mlp_adapters(const gp_model *m, double r, double f, unsigned t)
{
    double h = m->hidden, n = 0;
    if ((t & GP_LORA_GATE) && m->mlp != GP_MLP_GELU)
        n += r * (h + f);
    if (t & GP_LORA_UP)
        n += r * (h + f);
    if (t & GP_LORA_DOWN)
        n += r * (f + h);
    return n;
}

double gp_lora_params(const gp_model *m, int rank, unsigned t)
{
    if (!m || rank <= 0)
        return 0;
    double r = rank, h = m->hidden;
    double q_out = (double)m->heads * m->head_dim;
    double k_out = (double)m->kv_heads * m->head_dim;
    double v_out = (double)m->kv_heads * m->v_head_dim;
    double o_in = (double)m->heads * m->v_head_dim;
    double attn = 0;
    if (t & GP_LORA_Q)
        attn += r * (h + q_out);
    if (t & GP_LORA_K)
        attn += r * (h + k_out);
    if (t & GP_LORA_V)
        attn += r * (h + v_out);
    if (t & GP_LORA_O)
        attn += r * (o_in + h);
    double moe_layers = m->experts > 0 ? m->layers - m->dense_layers : 0;
    double dense_layers = m->layers - moe_layers;
    double experts = (double)m->experts + m->shared_experts;
    return m->layers * attn + dense_layers * mlp_adapters(m, r, m->ffn, t) +
           moe_layers * experts * mlp_adapters(m, r, m->moe_ffn, t);
}

static void note(gp_estimate *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(gp_estimate *e, const char *fmt, ...)
{
    if (e->nassumptions >= GP_ASSUMPTIONS_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->assumptions[e->nassumptions++], GP_ASSUMPTION_LEN, fmt, ap);
    va_end(ap);
}

/* Bytes per parameter of the frozen base at its storage precision: 16 bits
 * (32 for fp32 training), or NF4 with double quantisation for the
 * quantised linear layers and 16 bits for the embedding and output tables
 * (bitsandbytes leaves them unquantised). */
static double base_bytes_per_param(const gp_job_ctx *x)
{
    const gp_model *m = x->m;
    int fp32 = x->precision == GP_PREC_FP32 || x->precision == GP_PREC_TF32;
    double w = fp32 ? 4.0 : 2.0;
    if (x->job->finetune != GP_FINETUNE_QLORA || !(m->params_total > 0))
        return w;
    double tables = (m->tied_embeddings ? 1.0 : 2.0) * m->vocab * (double)m->hidden;
    if (tables > m->params_total)
        tables = m->params_total;
    double quantised = m->params_total - tables;
    return (quantised * NF4_BITS_PER_PARAM / 8.0 + tables * 2.0) / m->params_total;
}

gp_status gp_ft_setup(const gp_job *job, gp_job_ctx *x, gp_estimate *e, gp_error *err)
{
    const gp_model *m = x->m;
    int lora_set = job->lora_rank != 0 || job->lora_targets != 0 || job->lora_alpha != 0;
    e->finetune = job->finetune;
    if (job->finetune < GP_FINETUNE_NONE || job->finetune > GP_FINETUNE_QLORA)
        return gp_fail(err, GP_EINVAL, "", 0, "unknown fine-tuning method %d", (int)job->finetune);
    if (job->finetune != GP_FINETUNE_LORA && job->finetune != GP_FINETUNE_QLORA && lora_set)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "LoRA rank, alpha and targets need fine-tuning with lora or qlora");
    if (!(job->epochs >= 0) || job->epochs > 1e6 || !(job->eval_tokens >= 0) ||
        job->eval_tokens > 1e16)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "epochs must be positive and evaluation tokens not negative");
    if (job->finetune == GP_FINETUNE_NONE)
        return GP_OK;
    if ((!isnan(job->startup_hours) && !(job->startup_hours >= 0 && job->startup_hours < 1e4)) ||
        (!isnan(job->download_gbps) && !(job->download_gbps > 0 && job->download_gbps < 1e4)))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "start-up time must not be negative and download bandwidth must be "
                       "positive");
    e->trainable_params = m->params_total;
    e->base_bytes_per_param = base_bytes_per_param(x);
    if (job->finetune == GP_FINETUNE_FULL)
        return GP_OK;

    int rank = job->lora_rank ? job->lora_rank : DEFAULT_LORA_RANK;
    if (rank < 1 || rank > m->hidden)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "LoRA rank %d must lie between 1 and %s's hidden size %d", rank,
                       m->name, m->hidden);
    unsigned targets = job->lora_targets ? job->lora_targets : GP_LORA_ALL;
    if (targets & ~(unsigned)GP_LORA_ALL)
        return gp_fail(err, GP_ERANGE, "", 0, "unknown LoRA target modules");
    double alpha = job->lora_alpha != 0 ? job->lora_alpha : DEFAULT_LORA_ALPHA;
    if (!(alpha > 0) || alpha > 1e6)
        return gp_fail(err, GP_ERANGE, "", 0, "LoRA alpha must be positive");
    if (job->finetune == GP_FINETUNE_QLORA &&
        (x->precision == GP_PREC_FP8 || x->precision == GP_PREC_FP32 ||
         x->precision == GP_PREC_TF32))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "QLoRA dequantises its 4-bit base to 16 bits for every matmul; "
                       "use --precision bf16 or fp16");
    double adapters = gp_lora_params(m, rank, targets);
    if (!(adapters > 0))
        return gp_fail(err, GP_ERANGE, "", 0, "the LoRA targets leave nothing to train on %s",
                       m->name);
    e->lora_rank = rank;
    e->lora_alpha = alpha;
    e->lora_targets = targets;
    e->adapter_params = adapters;
    e->trainable_params = adapters;
    x->ft_adapter_params = adapters;
    x->ft_dp_grad_params = adapters;

    /* A frozen base computes no weight gradients: forward 2 and the
     * activation gradients 2 FLOPs per multiplying parameter, 4·N instead
     * of 6·N; the adapters train as usual (6 per parameter); attention has
     * no weights and keeps its forward and backward. Full recomputation
     * repeats the base's forward (2·N) and the adapters' (2 per
     * parameter). MoE: only the routed share of the adapters works. */
    double lookup = m->tied_embeddings ? 0.0 : (double)m->vocab * m->hidden;
    double base = m->params_active - lookup;
    double share = m->params_total > 0 ? m->params_active / m->params_total : 1.0;
    double active_adapters = adapters * (share > 0 && share <= 1 ? share : 1.0);
    x->flops_mm_tok = 4.0 * base + 6.0 * active_adapters;
    x->ft_recompute_mm_tok = 2.0 * base + 2.0 * active_adapters;
    x->flops_model_tok = x->flops_mm_tok + x->flops_attn_tok;
    if (job->finetune == GP_FINETUNE_QLORA)
        x->ft_time_factor = QLORA_TIME_FACTOR;
    return GP_OK;
}

void gp_ft_state_memory(const gp_job_ctx *x, gp_job_cand *c)
{
    const gp_layout *l = &c->l;
    gp_memory *mem = &c->mem;
    int fp32 = x->precision == GP_PREC_FP32 || x->precision == GP_PREC_TF32;
    double w = fp32 ? 4.0 : 2.0;
    /* The caller sized the weights at w bytes with its sharding (TP, PP,
     * EP, ZeRO-3): the frozen base keeps that sharding at its own bytes. */
    mem->weights_gb *= base_bytes_per_param(x) / w;
    /* Adapters sit on the sharded projections: split by TP x PP like the
     * weights; gradients and optimizer state shard over DP with ZeRO. */
    double a = x->ft_adapter_params / ((double)l->tp * l->pp);
    double master = fp32 ? 0.0 : 4.0;
    double o = x->job->optimizer == GP_OPT_ADAMW        ? master + 8.0
               : x->job->optimizer == GP_OPT_ADAMW_8BIT ? master + 2.0
                                                        : master + 4.0;
    double dp = l->dp;
    mem->weights_gb += a * w / (l->zero >= 3 ? dp : 1) / 1e9;
    mem->gradients_gb = a * w / (l->zero >= 2 ? dp : 1) / 1e9;
    /* QLoRA's paged optimizer keeps its state in unified memory, moved to
     * the CPU when the GPU runs out (Dettmers et al. 2023, section 3,
     * "Paged Optimizers"): none of it is counted on the GPU. */
    mem->optimizer_gb = x->job->finetune == GP_FINETUNE_QLORA
                            ? 0.0
                            : a * o / (l->zero >= 1 ? dp : 1) / 1e9;
}

void gp_ft_finish(const gp_job *job, const gp_job_constants *k, gp_estimate *e)
{
    if (job->finetune == GP_FINETUNE_NONE)
        return;
    const gp_model *m = &e->model;
    double epochs = job->epochs > 0 ? job->epochs : 1.0;
    e->steps = e->global_batch_tokens > 0 ? ceil(e->tokens / e->global_batch_tokens - 1e-9) : 0;
    e->startup_hours = isnan(job->startup_hours) ? DEFAULT_STARTUP_HOURS : job->startup_hours;
    double gbps = isnan(job->download_gbps) ? DEFAULT_DOWNLOAD_GBPS : job->download_gbps;
    /* Hubs publish 16-bit checkpoints; QLoRA quantises them as they load. */
    e->download_gb = m->params_total * 2.0 / 1e9;
    e->download_hours = e->download_gb / gbps / 3600.0;
    e->saves = ceil(epochs - 1e-9);
    if (e->fits && e->gpus > 0) {
        /* One checkpoint per epoch (the last is the result): each GPU
         * writes its share at Llama 3's per-GPU rate. A full fine-tune saves
         * its weights and optimizer state; LoRA the adapters and theirs. */
        double per_gpu_gb = job->finetune == GP_FINETUNE_FULL
                                ? e->memory.weights_gb + e->memory.optimizer_gb
                                : e->adapter_params * 14.0 / 1e9 / e->gpus;
        e->save_hours = e->saves * per_gpu_gb / k->checkpoint_gbps_per_gpu / 3600.0;
        /* Evaluation is a forward pass: a third of a training token's time. */
        if (job->eval_tokens > 0 && e->tokens_per_second > 0)
            e->eval_hours = epochs * job->eval_tokens / (3.0 * e->tokens_per_second) / 3600.0;
    }
    e->overhead_hours = e->startup_hours + e->download_hours + e->save_hours + e->eval_hours;
    if (job->no_assumptions)
        return;
    if (job->finetune == GP_FINETUNE_FULL) {
        note(e, "full fine-tune: every weight trains, as in pretraining (16 bytes per "
                "parameter with AdamW before sharding, ZeRO)");
    } else {
        char t[64];
        gp_lora_targets_text(e->lora_targets, t, sizeof(t));
        note(e, "LoRA rank %d, alpha %.0f on %s (%s): %.4g trainable parameters, "
                "%.2f%% of the base; base frozen: 4 FLOPs per parameter and token instead "
                "of 6 (no weight gradients), 2 more with full recomputation",
             e->lora_rank, e->lora_alpha, t,
             job->lora_rank || job->lora_targets || job->lora_alpha > 0
                 ? "as given, the rest the QLoRA paper's recipe"
                 : "the QLoRA paper's recipe",
             e->adapter_params, 100.0 * e->adapter_params / m->params_total);
    }
    if (job->finetune == GP_FINETUNE_QLORA)
        note(e, "QLoRA: base in 4-bit NF4 with double-quantised constants, %.3f bits per "
                "parameter (Dettmers et al. 2023), embeddings in 16 bits: %.3f bytes per "
                "parameter; paged AdamW keeps the %.2f GB of adapter optimizer state in CPU "
                "memory when the GPU is full; dequantisation: x%.2f compute time (Raschka "
                "2023: 2.79 h vs 1.85 h, Llama 2 7B on one A100)",
             NF4_BITS_PER_PARAM, e->base_bytes_per_param, e->adapter_params * 12.0 / 1e9,
             QLORA_TIME_FACTOR);
    else if (job->finetune == GP_FINETUNE_LORA)
        note(e, "LoRA: base frozen at %.0f bytes per parameter; adapters keep weights, "
                "gradients and %s state (16 bytes per parameter with AdamW)",
             e->base_bytes_per_param, gp_optimizer_name(job->optimizer));
    note(e, "fine-tuning batch: %.0f sequences per step unless --global-batch (Stanford "
            "Alpaca's recipe: batch 128); %.0f optimizer steps",
         e->global_batch_tokens / m->seq_len, e->steps);
    note(e, "whole job: %.0f min start-up (instance and image: an assumption, --startup), "
            "%.1f GB of 16-bit weights at %.2f GB/s (the plain hub client's ~500 MB/s "
            "ceiling, hf_transfer README; --download-gbps), %.0f checkpoint save%s at "
            "%.2f GB/s per GPU (Llama 3)%s",
         60 * e->startup_hours, e->download_gb, gbps, e->saves, e->saves == 1 ? "" : "s",
         k->checkpoint_gbps_per_gpu,
         job->eval_tokens > 0 ? ", evaluation forward passes each epoch"
                              : "; no evaluation set (--eval-tokens adds one)");
}
