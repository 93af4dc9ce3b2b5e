/* The training-job model: inputs, the layout search, the GPU count, and
 * the assumptions printed with every estimate. Memory and time of one
 * layout are in job_cost.c; docs/estimate.md documents both. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "job/job_internal.h"

/* The named constants. docs/estimate.md ("Constants") says where each
 * comes from; bench/accuracy reports what they give. */
static const gp_job_constants DEFAULTS = {
    /* Fitted (bench/accuracy --fit, calibration rows only): steady-state
     * throughput of published runs over the sum of the modelled compute
     * terms (matmuls at their sizes, attention, memory passes, kernels). */
    .software_efficiency = 0.84,
    /* Calibrated (bench/accuracy --fit, calibration rows only; no published
     * value): whole published runs (LLaMA, Llama 2, OPT, BLOOM, MPT)
     * reached this share of the steady-state throughput beyond what the
     * failure and checkpoint model below accounts for. */
    .production_efficiency = 0.68,
    /* FlashAttention-2 reaches 50-73% of A100 peak (Dao 2023),
     * FlashAttention-3 75% of H100 BF16 forward (Shah et al. 2024). */
    .attention_efficiency = 0.60,
    .memory_bw_efficiency = 0.80,
    .network_efficiency = 0.80,
    /* The backward pass is 2/3 of a step; the first and last gradient
     * buckets cannot overlap. */
    .dp_overlap = 0.60,
    .tp_overlap = 0.0,
    /* Megatron-Core's default all-to-all dispatcher runs between the
     * expert computations; DeepSeek-V3's DualPipe hides it behind the other
     * micro-batch's compute (arXiv:2412.19437, section 3.2.1):
     * --ep-overlap 1 says so. */
    .ep_overlap = 0.0,
    .pp_overlap = 0.0, /* beyond the interleaved schedule's own (comm.c) */
    /* Each GPU kernel costs about this much beyond its work: a CUDA launch
     * takes 4-6 us of driver and runtime calls (measured, "pegainfer (3):
     * From Launch Overhead to CUDA Graph", susun-blog.com), of which the
     * GPU sees the part the CPU cannot run ahead of, plus the kernel's
     * ramp-up and tail. An assumption: 4 us. */
    .kernel_overhead_s = 4e-6,
    /* Context parallelism is searched from this sequence length up: Llama
     * 3 405B trained at 8,192 without it and used CP 16 for its 131,072
     * token stage (arXiv:2407.21783, Table 4); Megatron-Bridge's 405B
     * recipes use CP 2 at 8,192 (given with --cp). */
    .context_parallel_min_seq = 32768,
    .hop_latency_s = 10e-6,
    /* Llama 3 (arXiv:2407.21783, section 3.3.4): 419 unexpected
     * interruptions in 54 days on 16,384 H100s. */
    .interruptions_per_gpu_hour = 419.0 / (54.0 * 24.0 * 16384.0),
    /* Time from an interruption to training again (detection, rescheduling,
     * reloading the last checkpoint). No published figure: an assumption.
     * Llama 3's "higher than 90% effective training time" at 16,384 GPUs
     * bounds it: with the checkpoint model below, at most about 0.18 h. */
    .restart_hours = 10.0 / 60.0,
    /* Llama 3 (arXiv:2407.21783, section 3.3.1): checkpoints go to
     * Tectonic at up to 7 TB/s over the 16,384 GPUs, each GPU writing its
     * own state: 0.43 GB/s per GPU. */
    .checkpoint_gbps_per_gpu = 7000.0 / 16384.0,
    /* Median of the measured NVIDIA data-centre parts (80-87%) and H100
     * FP8 (70.9%), stas00/ml-engineering MAMF table. */
    .default_matmul_efficiency_16bit = 0.80,
    .default_matmul_efficiency_fp8 = 0.709,
    .memory_usable_fraction = 0.90,
    .memory_reserve_gb = 1.5,
    /* Llama 1 and 2 pretraining used 4M-token batches (LLaMA paper
     * arXiv:2302.13971 Table 2; Llama 2 arXiv:2307.09288 section 2.2): the
     * smallest default batch. */
    .default_global_batch_tokens = 4194304.0,
    /* Large clusters run larger batches: Llama 3 405B 16M tokens on 16,384
     * H100 (arXiv:2407.21783 Table 4: 1,024 tokens per GPU), Nemotron-4
     * 340B 2,304 x 4,096 tokens on 6,144 H100 (1,536 per GPU), DeepSeek-V3
     * 15,360 x 4,096 on 2,048 H800 (30,720 per GPU, arXiv:2412.19437
     * section 4.2). The default is the smallest of these per GPU. */
    .default_batch_tokens_per_gpu = 1024.0,
    /* ... up to Llama 3 405B's 16M tokens, the largest dense pretraining
     * batch we found (arXiv:2407.21783 section 3.4.1). DeepSeek-V3 ramped
     * to 15,360 x 4,096 = 63M (arXiv:2412.19437 section 4.2), an MoE run;
     * --global-batch gives such batches. A higher cap also lets the
     * planner's count search run on to millions of GPUs (bench_plan 0.7 s
     * with 63M, 0.19 s with 16M). */
    .default_batch_tokens_max = 16777216.0,
    .default_target_days = 30.0,
    .default_internode_gbps = 200.0,
    .default_gpus_per_node = 8,
};

const gp_job_constants *gp_job_constants_default(void)
{
    return &DEFAULTS;
}

const char *gp_optimizer_name(gp_optimizer o)
{
    switch (o) {
    case GP_OPT_ADAMW: return "adamw";
    case GP_OPT_ADAMW_8BIT: return "adamw-8bit";
    case GP_OPT_SGD: return "sgd";
    }
    return "?";
}

int gp_optimizer_parse(const char *name)
{
    for (int o = GP_OPT_ADAMW; o <= GP_OPT_SGD; o++)
        if (name && strcasecmp(name, gp_optimizer_name((gp_optimizer)o)) == 0)
            return o;
    return -1;
}

const char *gp_recompute_name(gp_recompute r)
{
    switch (r) {
    case GP_RECOMPUTE_AUTO: return "auto";
    case GP_RECOMPUTE_NONE: return "none";
    case GP_RECOMPUTE_SELECTIVE: return "selective";
    case GP_RECOMPUTE_FULL: return "full";
    }
    return "?";
}

int gp_recompute_parse(const char *name)
{
    for (int r = GP_RECOMPUTE_AUTO; r <= GP_RECOMPUTE_FULL; r++)
        if (name && strcasecmp(name, gp_recompute_name((gp_recompute)r)) == 0)
            return r;
    return -2;
}

void gp_job_init(gp_job *job)
{
    memset(job, 0, sizeof(*job));
    job->precision = -1;
    job->optimizer = GP_OPT_ADAMW;
    job->zero = -1;
    job->recompute = GP_RECOMPUTE_AUTO;
    job->mfu = NAN;
    job->goodput = NAN;
    job->internode_gbps = NAN;
    job->startup_hours = NAN;
    job->download_gbps = NAN;
    job->ep_overlap = NAN;
}

/* ---- assumptions ------------------------------------------------------ */

static void note(gp_estimate *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(gp_estimate *e, const char *fmt, ...)
{
    if (e->nassumptions >= GP_ASSUMPTIONS_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->assumptions[e->nassumptions++], GP_ASSUMPTION_LEN, fmt, ap);
    va_end(ap);
}

/* ---- the job context --------------------------------------------------- */

static double peak(const gp_accel *a, int p)
{
    return (p >= 0 && p < GP_PREC_COUNT) ? a->tflops[p] : NAN;
}

/* The scale-up (NVLink, Infinity Fabric, PCIe) bandwidth per GPU, one
 * direction, GB/s; *how says where it came from. */
static double scaleup_gbs(const gp_accel *a, const char **how)
{
    if (a->intra_node_bw_unidir_gbps > 0) {
        *how = "one direction, data/accelerators.csv";
        return a->intra_node_bw_unidir_gbps;
    }
    if (a->intra_node_bw_gbps > 0) {
        *how = "half the bidirectional figure in data/accelerators.csv";
        return a->intra_node_bw_gbps / 2;
    }
    if (strstr(a->interconnect, "Gen5") || strstr(a->interconnect, "5.0")) {
        *how = "PCIe 5.0 x16, one direction (no scale-up figure in the data)";
        return 64;
    }
    *how = "PCIe 4.0 x16, one direction (no scale-up figure in the data)";
    return 32;
}

static gp_status build_ctx(const gp_job *job, const gp_job_constants *k,
                           gp_job_ctx *x, gp_estimate *e, gp_error *err)
{
    const gp_model *m = job->model;
    const gp_accel *a = job->accel;
    memset(x, 0, sizeof(*x));
    x->job = job;
    x->k = k;
    x->m = m;
    x->a = a;
    if (!m || !a)
        return gp_fail(err, GP_EINVAL, "", 0, "a job needs a model and an accelerator");
    if (!(job->tokens >= 1) || job->tokens > 1e16)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "training tokens must lie between 1 and 1e16 (the largest "
                       "published pretraining runs use a few times 1e13); got %g",
                       job->tokens);

    /* Precision: bf16 unless the chip lacks it (V100, T4: fp16). */
    int p = job->precision;
    if (p < 0)
        p = !isnan(peak(a, GP_PREC_BF16)) ? GP_PREC_BF16
            : !isnan(peak(a, GP_PREC_FP16)) ? GP_PREC_FP16
                                            : GP_PREC_FP32;
    if (!(peak(a, p) > 0))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "%s has no %s rate in data/accelerators.csv; try %s",
                       a->name, gp_precision_name((gp_precision)p),
                       !isnan(peak(a, GP_PREC_BF16)) ? "bf16" : "fp16");
    x->precision = p;
    x->peak_flops = peak(a, p) * 1e12;
    double attn16 = !isnan(peak(a, GP_PREC_BF16)) ? peak(a, GP_PREC_BF16)
                                                  : peak(a, GP_PREC_FP16);
    /* Attention runs in 16 bits under fp8 (Transformer Engine casts the
     * linear layers only); fp32 training runs it in fp32. */
    x->attn_peak_flops = (p == GP_PREC_FP8 && attn16 > 0) ? attn16 * 1e12 : x->peak_flops;
    if (!(a->memory_gb > 0) || !(a->mem_bw_gbps > 0))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "%s has no memory size or bandwidth in data/accelerators.csv",
                       a->name);
    x->mem_bw = a->mem_bw_gbps * 1e9;
    x->act_bytes = (p == GP_PREC_FP32 || p == GP_PREC_TF32) ? 4.0 : 2.0;
    x->ep_overlap = isnan(job->ep_overlap) ? k->ep_overlap : job->ep_overlap;
    if (!(x->ep_overlap >= 0 && x->ep_overlap <= 1))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "the all-to-all overlap must lie in [0, 1]; got %g", x->ep_overlap);
    /* Host link for CPU optimizer offload: PCIe x16, one direction. */
    x->host_bw = (strstr(a->interconnect, "Gen5") || strstr(a->interconnect, "5.0") ||
                  strstr(a->interconnect, "NVLink 4") || strstr(a->interconnect, "NVLink 5")
                      ? 64.0 : 32.0) * 1e9;

    gp_accel_perf perf;
    if (job->perf) {
        perf = *job->perf;
    } else {
        gp_status st = gp_accel_perf_lookup(a->name, &perf, err);
        if (st != GP_OK)
            return st;
    }
    e->matmul_measured = perf.matmul_tflops[p] > 0;
    if (e->matmul_measured) {
        x->matmul_eff = perf.matmul_tflops[p] / peak(a, p);
        if (x->matmul_eff > 1)
            x->matmul_eff = 1;
        if (!job->no_assumptions)
            note(e, "matmuls reach %.1f%% of the %s %s peak (%.0f TFLOPS): measured "
                "maximum achievable matmul rate (%.120s)",
             100 * x->matmul_eff, a->name, gp_precision_name((gp_precision)p),
             peak(a, p), perf.matmul_source[p]);
    } else {
        x->matmul_eff = p == GP_PREC_FP8 ? k->default_matmul_efficiency_fp8
                                         : k->default_matmul_efficiency_16bit;
        if (!job->no_assumptions)
            note(e, "matmuls assumed to reach %.1f%% of the %s %s peak (%.0f TFLOPS): "
                "no measurement for this chip, so the figure for measured NVIDIA "
                "parts is used",
             100 * x->matmul_eff, a->name, gp_precision_name((gp_precision)p),
             peak(a, p));
    }

    const char *how;
    x->scaleup_bw = scaleup_gbs(a, &how) * 1e9;
    x->node = job->gpus_per_node > 0 ? job->gpus_per_node
              : perf.gpus_per_node > 0 ? perf.gpus_per_node
                                       : k->default_gpus_per_node;
    double net = job->internode_gbps;
    const char *net_how = job->network_source ? job->network_source : "given";
    int net_known = !job->network_assumed;
    if (isnan(net)) {
        if (perf.internode_gbps_per_gpu > 0) {
            net = perf.internode_gbps_per_gpu;
            net_how = perf.network_source;
        } else {
            net = k->default_internode_gbps;
            net_how = "assumed: no cluster data for this chip, so the A100 "
                      "training-cluster figure is used";
            net_known = 0;
        }
    }
    if (!(net > 0))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "inter-node bandwidth must be positive");
    x->net_bw = net / 8.0 * 1e9;
    e->gpus_per_node = x->node;
    e->internode_gbps = net;
    e->network_known = net_known;
    snprintf(e->network_source, sizeof(e->network_source), "%.300s", net_how);
    if (!job->no_assumptions)
        note(e, "%d GPUs per node%s, %.0f GB/s per GPU inside a node (%s); %.0f Gb/s "
            "per GPU between nodes (%.150s); collectives reach %.0f%% of link rate",
         x->node,
         job->gpus_per_node > 0 ? " (as set)" : perf.gpus_per_node > 0 ? "" : " (assumed)",
         x->scaleup_bw / 1e9, how, net, net_how, 100 * k->network_efficiency);

    /* Batch. */
    x->seq = m->seq_len;
    x->batch_given = job->global_batch_tokens > 0;
    x->global_tokens = x->batch_given ? job->global_batch_tokens
                                      : k->default_global_batch_tokens;
    /* Fine-tuning runs a fixed batch of sequences (finetune.c). */
    if (job->finetune != GP_FINETUNE_NONE && !x->batch_given) {
        x->global_tokens = GP_FT_BATCH_SEQS * m->seq_len;
        x->batch_given = 1;
    }
    x->seqs = floor(x->global_tokens / x->seq);
    if (x->seqs < 1)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "the global batch (%.0f tokens) is shorter than one "
                       "sequence of %d tokens", x->global_tokens, m->seq_len);
    if (job->micro_batch > x->seqs)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "a micro-batch of %d sequences exceeds the global batch "
                       "of %.0f sequences", job->micro_batch, x->seqs);

    /* FLOPs per token: 6 per active parameter (forward 2, backward 4) plus
     * attention scores and values, 6 · L · S · heads · (d_qk + d_v), which
     * is PaLM's 12 · L · H · S when d_qk = d_v = H / heads (Chowdhery et
     * al. 2022, appendix B). */
    /* The input embedding is a table lookup, not a matmul: untied models
     * leave it out (the output projection stays). */
    double lookup = m->tied_embeddings ? 0.0 : (double)m->vocab * m->hidden;
    x->flops_mm_tok = 6.0 * (m->params_active - lookup);
    x->flops_attn_tok = 6.0 * m->layers * x->seq * m->heads *
                        (double)(m->head_dim + m->v_head_dim);
    x->flops_model_tok = x->flops_mm_tok + x->flops_attn_tok;
    if (!(x->flops_mm_tok > 0) || !isfinite(x->flops_model_tok))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "%s: %.4g active parameters leave nothing to multiply once the "
                       "%d x %d input embedding is taken out", m->name, m->params_active,
                       m->vocab, m->hidden);

    x->moe_layers = m->experts > 0 ? m->layers - m->dense_layers : 0;
    double mats = m->mlp == GP_MLP_GELU ? 2.0 : 3.0;
    x->params_expert = (double)x->moe_layers * m->experts * mats * m->hidden * m->moe_ffn;
    if (x->params_expert > m->params_total)
        x->params_expert = m->params_total;
    x->params_dense = m->params_total - x->params_expert;
    x->act_tok_none = gp_job_act_per_token(m, 0);
    x->act_tok_selective = gp_job_act_per_token(m, 1);
    return gp_ft_setup(job, x, e, err);
}

/* Sequences per step on n GPUs: the given batch, or the default, which
 * grows with the cluster (default_batch_tokens_per_gpu; job.c DEFAULTS). */
static double seqs_at(const gp_job_ctx *x, int n)
{
    if (x->batch_given)
        return x->seqs;
    double tokens = fmin(n * x->k->default_batch_tokens_per_gpu,
                         x->k->default_batch_tokens_max);
    double grown = ceil(tokens / x->seq);
    return grown > x->seqs ? grown : x->seqs;
}

/* ---- the layout search -------------------------------------------------- */

typedef struct search {
    gp_job_cand best;          /* fastest fitting */
    gp_job_cand best_pp1;      /* fastest fitting without a pipeline */
    gp_job_cand best_tp1;
    gp_job_cand best_zero1;    /* ZeRO stage below 3 */
    gp_job_cand best_none;     /* no recomputation */
    gp_job_cand least;         /* least memory over capacity */
    double least_over;         /* its total over its capacity */
    int have_best, have_pp1, have_tp1, have_zero1, have_none, have_least;
    long evaluated;
} search;

/* Layouts are tried simplest first (low TP, PP, ZeRO stage, no
 * recomputation); a later one must be more than 0.5% faster to win, so
 * near-ties keep the simpler layout. */
static void keep_faster(gp_job_cand *slot, int *have, const gp_job_cand *c)
{
    if (!*have || c->tokens_per_s > 1.005 * slot->tokens_per_s) {
        *slot = *c;
        *have = 1;
    }
}

static int largest_pow2_dividing(int n, int cap)
{
    int e = 1;
    while (e * 2 <= cap && n % (e * 2) == 0)
        e *= 2;
    return e;
}

/* The ZeRO stages, micro-batch sizes and recomputation modes of one
 * (TP, PP, DP, VP, EP) split. Recomputation is tried from none to full and
 * the first that fits wins (the others only cost time); micro-batches of
 * 1, 2, 4 and 8 sequences are tried (larger ones run larger, more
 * efficient multiplies, fewer kernels and, under ZeRO-3, fewer parameter
 * gathers, but hold more activations). Returns 1 when `feasible_only`
 * found a fit. */
static int try_layouts(const gp_job_ctx *x, int n, double seqs, int feasible_only,
                       search *s, int t, int pp, int dp, int vp, int ep, int cp)
{
    static const int BS[] = {1, 2, 4, 8};
    const gp_job *job = x->job;
    int zero_lo = job->zero >= 0 ? job->zero : 1;
    int zero_hi = job->zero >= 0 ? job->zero : 3;
    int rec_lo = job->recompute >= 0 ? (int)job->recompute : GP_RECOMPUTE_NONE;
    int rec_hi = job->recompute >= 0 ? (int)job->recompute : GP_RECOMPUTE_FULL;
    if (feasible_only && job->recompute < 0)
        rec_lo = GP_RECOMPUTE_FULL; /* the least memory */
    /* The pipeline's part of the step time is the same for every ZeRO
     * stage tried here (all of them 1 and up, or the one given), so each
     * (micro-batch, recomputation) computes it once (gp_job_time_pipe). */
    size_t nb = job->micro_batch > 0 || feasible_only ? 1 : sizeof(BS) / sizeof(BS[0]);
    double mbs_of[4]; /* micro-batches per rank for each micro-batch size */
    for (size_t bi = 0; bi < nb; bi++)
        mbs_of[bi] = floor(seqs / ((double)dp * (job->micro_batch > 0 ? job->micro_batch : BS[bi])));
    gp_job_pipe pipe[4][GP_RECOMPUTE_FULL + 1];
    unsigned have_pipe = 0; /* bit bi * 4 + rec */
    /* The activations likewise (gp_job_activations_gb). */
    double act_gb[4][GP_RECOMPUTE_FULL + 1];
    unsigned have_act = 0;
    for (int z = zero_lo; z <= zero_hi; z++) {
        if (job->zero < 0 && z == 2)
            continue; /* ZeRO-2 adds nothing over 1 in this model */
        double prev_tps = 0; /* the last micro-batch size's speed */
        /* Weights, gradients and optimizer state depend on the split and
         * the ZeRO stage only: computed once for every micro-batch and
         * recomputation tried below. */
        gp_job_cand state;
        state.l = (gp_layout){t, pp, dp, vp, ep, z, GP_RECOMPUTE_NONE, 1, 1, cp};
        gp_job_memory_state(x, &state);
        gp_job_dp dps; /* the DP traffic's shape, once per stage */
        int have_dps = 0;
        for (size_t bi = 0; bi < nb; bi++) {
            int b = job->micro_batch > 0 ? job->micro_batch : BS[bi];
            double mbs = mbs_of[bi];
            if (mbs < 1 || (vp > 1 && mbs < pp))
                continue;
            int timed = 0;
            double tps = 0;
            gp_layout l = {t, pp, dp, vp, ep, z, (gp_recompute)rec_lo, b, (int)mbs, cp};
            for (int rec = rec_lo; rec <= rec_hi; rec++) {
                l.recompute = (gp_recompute)rec;
                unsigned bit = 1u << (bi * 4 + (size_t)rec);
                if (!(have_act & bit)) {
                    act_gb[bi][rec] = gp_job_activations_gb(x, &l);
                    have_act |= bit;
                }
                gp_memory mem = state.mem;
                mem.activations_gb = act_gb[bi][rec];
                int fits = gp_job_memory_total(x, &mem);
                s->evaluated++;
                double over = mem.total_gb / mem.capacity_gb;
                int least = !s->have_least || over < s->least_over;
                if (!fits && !least)
                    continue; /* changes nothing: the candidate is built only when kept */
                /* gp_job_time_finish fills the step of a fitting one. */
                gp_job_cand c;
                c.step = (gp_step){0, 0, 0, 0, 0, 0, 0, 0};
                c.tokens_per_s = c.hw_flops_tok = 0;
                c.l = l;
                c.mem = mem;
                c.fits = fits;
                if (least) {
                    s->least = c;
                    s->least_over = over;
                    s->have_least = 1;
                }
                if (!c.fits)
                    continue;
                if (feasible_only) {
                    s->best = c;
                    s->have_best = 1;
                    return 1;
                }
                if (!(have_pipe & bit)) {
                    gp_job_time_pipe(x, n, &c.l, &pipe[bi][rec]);
                    have_pipe |= bit;
                }
                if (!have_dps) {
                    gp_job_dp_shape(x, &c.l, &dps);
                    have_dps = 1;
                }
                gp_job_time_finish(x, &dps, &pipe[bi][rec], &c);
                keep_faster(&s->best, &s->have_best, &c);
                if (pp == 1)
                    keep_faster(&s->best_pp1, &s->have_pp1, &c);
                if (t == 1)
                    keep_faster(&s->best_tp1, &s->have_tp1, &c);
                if (z < 3)
                    keep_faster(&s->best_zero1, &s->have_zero1, &c);
                if (rec == GP_RECOMPUTE_NONE)
                    keep_faster(&s->best_none, &s->have_none, &c);
                timed = 1;
                tps = c.tokens_per_s;
                break; /* more recomputation only costs time */
            }
            /* Larger micro-batches gain less and less and hold more
             * activations: stop at the first that fits nowhere or is no
             * faster than the one before. */
            if (!timed || tps <= prev_tps)
                break;
            prev_tps = tps;
        }
    }
    return 0;
}

/* Tries every layout on n GPUs. With `feasible_only` it stops at the first
 * that fits (min_gpus search). */
static void search_layouts(const gp_job_ctx *x, int n, int feasible_only,
                           search *s)
{
    const gp_job *job = x->job;
    const gp_model *m = x->m;
    memset(s, 0, sizeof(*s));
    static const int TPS[] = {1, 2, 4, 8, 16, 32, 64};
    static const int VS[] = {1, 2, 4, 8};
    static const int CPS[] = {1, 2, 4, 8, 16, 32};
    double seqs = seqs_at(x, n);
    for (size_t ci = 0; ci < sizeof(CPS) / sizeof(CPS[0]); ci++) {
    int cp = CPS[ci];
    if (job->cp > 0 ? cp != job->cp : (cp > 1 && x->seq < x->k->context_parallel_min_seq))
        continue;
    if ((int)x->seq % (2 * cp) && cp > 1)
        continue; /* each rank takes two chunks (causal load balance) */
    for (size_t ti = 0; ti < sizeof(TPS) / sizeof(TPS[0]); ti++) {
        int t = TPS[ti];
        if (job->tp > 0 && t != job->tp)
            continue;
        if (job->tp == 0 && (t > x->node || m->heads % t))
            continue;
        if (n % (t * cp))
            continue;
        int rest = n / (t * cp);
        for (int pp = 1; pp <= m->layers && pp <= rest; pp++) {
            if (rest % pp || (job->pp > 0 && pp != job->pp))
                continue;
            int dp = rest / pp;
            if (dp > seqs)
                continue;
            int ep_max = m->experts > 0 ? largest_pow2_dividing(dp, m->experts) : 1;
            for (int ep = 1; ep <= ep_max; ep *= 2) {
            if (m->experts > 0 && ep < ep_max && ep < 8)
                continue; /* EP 1-4 leave most experts' memory unsharded */
            for (size_t vi = 0; vi < sizeof(VS) / sizeof(VS[0]); vi++) {
                int vp = VS[vi];
                if (vp > 1 && (pp == 1 || pp * vp > m->layers))
                    continue;
                if (try_layouts(x, n, seqs, feasible_only, s, t, pp, dp, vp, ep, cp))
                    return;
            }
            }
        }
    }
    }
    /* Pipeline parallelism only when needed: keep the best layout without
     * a pipeline unless the pipeline is more than 5% faster. */
    if (s->have_best && s->have_pp1 && s->best.l.pp > 1 &&
        s->best.tokens_per_s <= 1.05 * s->best_pp1.tokens_per_s)
        s->best = s->best_pp1;
}

/* The most GPUs any layout can use: one sequence per data-parallel rank,
 * the widest tensor parallelism in a node, one layer per stage. */
static int max_gpus(const gp_job_ctx *x)
{
    int t = 1;
    while (t * 2 <= x->node && x->m->heads % (t * 2) == 0)
        t *= 2;
    if (x->job->tp > 0)
        t = x->job->tp;
    int pp = x->job->pp > 0 ? x->job->pp : x->m->layers;
    int cp = x->job->cp > 0 ? x->job->cp : x->seq >= x->k->context_parallel_min_seq ? 32 : 1;
    /* The default batch grows with the cluster up to its cap. */
    double most = seqs_at(x, 10000000) * t * pp * cp;
    return most > 1e7 ? 10000000 : (int)most;
}

/* GPU counts people rent: 1, 2, 4, then whole nodes in steps of about
 * 1.5x. Returns the k-th, or 0 past the end. */
static int grid_count(int node, int k)
{
    static const int SMALL[] = {1, 2, 4};
    int nsmall = 0;
    for (size_t i = 0; i < 3; i++)
        if (SMALL[i] < node)
            nsmall++;
    if (k < nsmall)
        return SMALL[k];
    k -= nsmall;
    /* node x 1, 2, 3, 4, 6, 8, 12, 16, ... */
    long mult = 1;
    for (int i = 0; i < k; i++)
        mult = (mult < 2) ? 2 : (mult & (mult - 1)) == 0 ? mult * 3 / 2 : mult * 4 / 3;
    long v = mult * node;
    return v > 10000000 ? 0 : (int)v;
}

/* Share of wall time that trains, given failures and checkpoints. A job on
 * n GPUs is interrupted every M = 1 / (lambda n) hours (lambda: Llama 3's
 * rate; BigScience saw 1-2 GPU failures a week on about 400 GPUs, the same
 * rate). Each GPU writes its weights and optimizer state, delta hours at
 * the checkpoint bandwidth, every tau = sqrt(2 delta M) hours (Young 1974,
 * "A first order approximation to the optimum checkpoint interval", CACM
 * 17(9)). Each interruption costs the restart plus, on average, half an
 * interval of lost work. goodput = 1 / (1 + delta/tau + (R + tau/2)/M). */
double gp_job_failure_goodput(const gp_job_constants *k, int n, double state_gb)
{
    double mtbf = 1.0 / (k->interruptions_per_gpu_hour * n);
    double delta = state_gb / k->checkpoint_gbps_per_gpu / 3600.0;
    double tau = sqrt(2.0 * delta * mtbf);
    double waste = (tau > 0 ? delta / tau : 0) + (k->restart_hours + tau / 2.0) / mtbf;
    return 1.0 / (1.0 + waste);
}

static double wall_hours_for(const gp_job_ctx *x, int n, const gp_job_cand *c,
                             double *goodput)
{
    const gp_job_constants *k = x->k;
    double tps = c->tokens_per_s;
    if (!isnan(x->job->mfu))
        tps = x->job->mfu * n * x->peak_flops / x->flops_model_tok;
    double g = !isnan(x->job->goodput)
                   ? x->job->goodput
                   : k->production_efficiency *
                         gp_job_failure_goodput(k, n, c->mem.weights_gb + c->mem.optimizer_gb);
    if (goodput)
        *goodput = g;
    return x->job->tokens / tps / 3600.0 / g;
}

/* ---- reporting ------------------------------------------------------- */

static double pct_faster(const gp_job_cand *a, const gp_job_cand *b)
{
    return 100.0 * (a->tokens_per_s / b->tokens_per_s - 1.0);
}

static const char *faster_text(char *buf, size_t cap, const gp_job_cand *a,
                               const gp_job_cand *b)
{
    double pct = pct_faster(a, b);
    if (pct < 0.5)
        snprintf(buf, cap, "no slower");
    else
        snprintf(buf, cap, "%.0f%% faster", pct);
    return buf;
}

static void layout_reason(const search *s, gp_estimate *e)
{
    const gp_layout *l = &s->best.l;
    char tp[64], pp[80], z[64], r[80], f1[32], f2[32], f3[32];
    if (l->tp == 1)
        snprintf(tp, sizeof(tp), "TP 1: layers need no splitting");
    else if (!s->have_tp1)
        snprintf(tp, sizeof(tp), "TP %d in a node: nothing fits without it", l->tp);
    else
        snprintf(tp, sizeof(tp), "TP %d in a node: %s than TP 1", l->tp,
                 faster_text(f1, sizeof(f1), &s->best, &s->best_tp1));
    if (l->pp == 1)
        snprintf(pp, sizeof(pp), "PP 1: no pipeline needed");
    else if (!s->have_pp1)
        snprintf(pp, sizeof(pp), "PP %d (%d chunks per stage): nothing fits without a pipeline",
                 l->pp, l->vp);
    else
        snprintf(pp, sizeof(pp), "PP %d (%d chunks per stage): %s than without",
                 l->pp, l->vp, faster_text(f2, sizeof(f2), &s->best, &s->best_pp1));
    if (l->zero < 3)
        snprintf(z, sizeof(z), "ZeRO-%d: optimizer state sharded over DP %d", l->zero, l->dp);
    else if (!s->have_zero1)
        snprintf(z, sizeof(z), "ZeRO-3: weights must be sharded too to fit");
    else
        snprintf(z, sizeof(z), "ZeRO-3: %s than ZeRO-1",
                 faster_text(f3, sizeof(f3), &s->best, &s->best_zero1));
    if (l->recompute == GP_RECOMPUTE_NONE)
        snprintf(r, sizeof(r), "no recomputation");
    else if (!s->have_none)
        snprintf(r, sizeof(r), "%s recomputation: activations do not fit otherwise",
                 gp_recompute_name(l->recompute));
    else
        snprintf(r, sizeof(r), "%s recomputation", gp_recompute_name(l->recompute));
    snprintf(e->layout_reason, sizeof(e->layout_reason), "%s; %s; %s; %s", tp, pp,
             z, r);
}

static void fill_from(const gp_job_ctx *x, const gp_job_cand *c, int n,
                      gp_estimate *e)
{
    e->layout = c->l;
    e->memory = c->mem;
    e->fits = c->fits;
    e->gpus = n;
    e->global_batch_tokens = seqs_at(x, n) * x->seq;
    if (!c->fits) {
        e->step = (gp_step){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        e->mfu = e->hfu = e->tokens_per_second = e->tokens_per_second_per_gpu = NAN;
        e->goodput = e->wall_hours = e->wall_days = e->gpu_hours = NAN;
        e->hardware_flops_per_token = e->hardware_flops = NAN;
        return;
    }
    e->step = c->step;
    double tps = c->tokens_per_s;
    if (!isnan(x->job->mfu))
        tps = x->job->mfu * n * x->peak_flops / x->flops_model_tok;
    e->tokens_per_second = tps;
    e->tokens_per_second_per_gpu = tps / n;
    e->mfu = x->flops_model_tok * tps / (n * x->peak_flops);
    e->hfu = c->hw_flops_tok * tps / (n * x->peak_flops);
    e->hardware_flops_per_token = c->hw_flops_tok;
    e->hardware_flops = c->hw_flops_tok * x->job->tokens;
    e->wall_hours = wall_hours_for(x, n, c, &e->goodput);
    e->wall_days = e->wall_hours / 24.0;
    e->gpu_hours = e->wall_hours * n;
}

static void explain(const gp_job_ctx *x, gp_estimate *e)
{
    if (x->job->no_assumptions) {
        e->nassumptions = 0;
        return;
    }
    char goodput_text[48] = "";
    if (!isnan(e->goodput))
        snprintf(goodput_text, sizeof(goodput_text), " -> goodput %.1f%%",
                 100 * e->goodput);
    const gp_job *job = x->job;
    const gp_job_constants *k = x->k;
    const gp_model *m = x->m;
    if (job->finetune < GP_FINETUNE_LORA) /* LoRA says its own (finetune.c) */
        note(e, "model FLOPs per token = 6 x %.4g multiplying parameters (active, less the "
            "input embedding table) + attention 6 x %d layers x %.0f tokens x %d heads x "
            "%d (PaLM, Chowdhery et al. 2022, appendix B)",
         x->flops_mm_tok / 6.0, m->layers, x->seq, m->heads, m->head_dim + m->v_head_dim);
    if (x->precision == GP_PREC_FP8)
        note(e, "fp8 covers the matrix multiplies only; attention runs at the 16-bit rate, "
                "weights and optimizer state are kept as in bf16 training");
    double seqs = e->gpus > 0 ? seqs_at(x, e->gpus) : x->seqs;
    if (job->global_batch_tokens > 0 || job->finetune != GP_FINETUNE_NONE)
        note(e, "global batch %.0f tokens = %.0f sequences of %.0f", seqs * x->seq, seqs,
             x->seq);
    else
        note(e, "global batch %.0f tokens = %.0f sequences of %.0f (default: the larger of "
                "4M tokens, Llama 1-2, and %.0f tokens per GPU, Llama 3 405B's 16M on "
                "16,384 GPUs, up to its %.0fM; --global-batch sets it)",
             seqs * x->seq, seqs, x->seq, k->default_batch_tokens_per_gpu,
             k->default_batch_tokens_max / 1048576.0);
    note(e, "FlashAttention: attention scores are never stored; no dropout masks");
    double w, g, o;
    int fp32 = x->precision == GP_PREC_FP32 || x->precision == GP_PREC_TF32;
    w = g = fp32 ? 4 : 2;
    o = (fp32 ? 0 : 4) + (job->optimizer == GP_OPT_ADAMW ? 8 : job->optimizer == GP_OPT_SGD ? 4 : 2);
    if (job->finetune < GP_FINETUNE_LORA)
        note(e, "memory per parameter: weights %.0f B, gradients %.0f B, %s state %.0f B "
            "(%.0f B before sharding; ZeRO, Rajbhandari et al. 2020)",
         w, g, gp_optimizer_name(job->optimizer), o, w + g + o);
    note(e, "usable memory: %.0f%% of %.0f GB less %.1f GB for the CUDA context and "
            "communication buffers",
         100 * k->memory_usable_fraction, x->a->memory_gb, k->memory_reserve_gb);
    if (gp_model_is_moe(m)) {
        char ov[96];
        if (x->ep_overlap > 0)
            snprintf(ov, sizeof(ov), "%.0f%% of the all-to-all hidden behind compute (as set; "
                     "DeepSeek-V3's DualPipe hides all of it)", 100 * x->ep_overlap);
        else
            snprintf(ov, sizeof(ov), "all-to-all not overlapped with compute (--ep-overlap)");
        note(e, "MoE: %d experts, %d routed per token, tokens balanced across experts "
                "(no dropping); expert parallelism inside the data-parallel group; %s",
             m->experts, m->experts_active, ov);
    }
    if (e->layout.cp > 1)
        note(e, "context parallelism %d: each rank holds 1/%d of every sequence (two "
                "chunks, for causal balance) and passes keys and values around a ring, "
                "overlapped with attention (Megatron-Core CP; ring attention, Liu et al. 2023)",
             e->layout.cp, e->layout.cp);
    if (job->offload_optimizer)
        note(e, "optimizer offloaded to the host (ZeRO-Offload, Ren et al. 2021): fp32 "
                "master weights, m and v in host memory, gradients streamed out and weights "
                "back over PCIe x16 (%.0f GB/s one direction, not overlapped); the CPU's own "
                "Adam step is not timed", x->host_bw / 1e9);
    if (!isnan(job->mfu))
        note(e, "throughput from the given MFU %.1f%% instead of the utilisation model",
             100 * job->mfu);
    else
        note(e, "steady state = matmuls at the sizes run (roofline of FLOPs and traffic), "
                "FlashAttention at %.0f%% of the 16-bit peak, elementwise, loss and "
                "optimizer traffic at %.0f%% of memory bandwidth, %.0f us per kernel "
                "(assumed), / %.2f residual (fitted); plus exposed communication and "
                "pipeline bubble",
             100 * k->attention_efficiency, 100 * k->memory_bw_efficiency,
             1e6 * k->kernel_overhead_s, k->software_efficiency);
    if (!isnan(job->goodput))
        note(e, "whole run: the given goodput %.0f%%", 100 * job->goodput);
    else
        note(e, "whole run: %.0f%% production efficiency (published runs vs benchmarks, "
                "fitted) x failures: %.3g interruptions per GPU-hour (Llama 3), %.0f min "
                "restart (assumed), checkpoints at %.2f GB/s per GPU (Llama 3) every "
                "sqrt(2 x write time x MTBF) (Young 1974)%s",
             100 * k->production_efficiency, k->interruptions_per_gpu_hour,
             60 * k->restart_hours, k->checkpoint_gbps_per_gpu, goodput_text);
    if (m->derived & GP_DERIVED_EXPERTS)
        note(e, "derived shape: %d experts with %d active of width %d (a guess from the "
                "active share)", m->experts, m->experts_active, m->moe_ffn);
    if (m->derived & (GP_DERIVED_LAYERS | GP_DERIVED_HIDDEN | GP_DERIVED_HEADS))
        note(e, "derived shape: %d layers x hidden %d, %d heads (%d KV), SwiGLU MLP %d "
                "(width interpolated between published configs, data/model-shapes.csv)",
             m->layers, m->hidden, m->heads, m->kv_heads, m->ffn);
    if (m->derived & (GP_DERIVED_VOCAB | GP_DERIVED_SEQ_LEN))
        note(e, "derived shape: vocabulary %d, sequence length %d (Llama 2 defaults)",
             m->vocab, m->seq_len);
    note(e, "tokens/s and MFU are steady-state training; wall time and GPU-hours are "
            "for the whole run");
}

/* Wall hours and MFU of the best layout on n GPUs (INFINITY and 0 when
 * nothing fits). */
static void evaluate(const gp_job_ctx *x, int n, search *s, double *hours,
                     double *mfu)
{
    search_layouts(x, n, 0, s);
    if (!s->have_best) {
        *hours = INFINITY;
        *mfu = 0;
        return;
    }
    *hours = wall_hours_for(x, n, &s->best, NULL);
    *mfu = x->flops_model_tok * s->best.tokens_per_s / (n * x->peak_flops);
}

static gp_status estimate_core(const gp_job *job, const gp_job_constants *k,
                               gp_estimate *e, gp_error *err)
{
    /* The assumption texts (12 KB, the bulk of the struct) are written
     * before they are counted in nassumptions; zeroing them made up a
     * tenth of the planner's estimate time. */
    memset(e, 0, offsetof(gp_estimate, assumptions));
    gp_job_ctx x;
    gp_status st = build_ctx(job, k, &x, e, err);
    if (st != GP_OK)
        return st;
    gp_gemm_memo memo[GP_GEMM_MEMO];
    memset(memo, 0, sizeof(memo));
    x.memo = memo;
    const gp_model *m = job->model;
    e->model = *m;
    e->accel = job->accel;
    e->precision = x.precision;
    e->tokens = job->tokens;
    e->global_batch_tokens = x.seqs * x.seq;
    e->peak_tflops = x.peak_flops / 1e12;
    e->matmul_efficiency = x.matmul_eff;
    e->model_flops_per_token = x.flops_model_tok;
    e->model_flops = x.flops_model_tok * job->tokens;
    e->max_gpus = max_gpus(&x);

    if (job->tp > 0 && (job->tp > x.node || m->heads % job->tp))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "TP %d must divide the %d heads and fit in a node of %d GPUs",
                       job->tp, m->heads, x.node);
    if (job->pp > m->layers)
        return gp_fail(err, GP_ERANGE, "", 0, "PP %d exceeds the %d layers",
                       job->pp, m->layers);
    if (job->gpus < 0 || job->gpus > e->max_gpus)
        return gp_fail(err, GP_ERANGE, "", 0,
                       "the job can use at most %d GPUs (%.0f sequences per step x "
                       "TP x PP); use fewer GPUs or a larger --global-batch",
                       e->max_gpus, seqs_at(&x, 10000000));
    if (job->gpus > 0 && (job->tp > 0 || job->pp > 0) &&
        job->gpus % ((job->tp > 0 ? job->tp : 1) * (job->pp > 0 ? job->pp : 1)))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "%d GPUs cannot be split into TP %d x PP %d x DP", job->gpus,
                       job->tp > 0 ? job->tp : 1, job->pp > 0 ? job->pp : 1);
    if (job->cp > 1 && (int)x.seq % (2 * job->cp))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "CP %d needs a sequence divisible by %d (two chunks per rank); "
                       "the sequence is %.0f", job->cp, 2 * job->cp, x.seq);
    if (job->gpus > 0 && job->cp > 1 && job->gpus % job->cp)
        return gp_fail(err, GP_ERANGE, "", 0, "%d GPUs cannot be split into CP %d",
                       job->gpus, job->cp);
    if (!isnan(job->mfu) && !(job->mfu > 0 && job->mfu <= 1))
        return gp_fail(err, GP_ERANGE, "", 0, "MFU must lie in (0, 1]");
    if (!isnan(job->goodput) && !(job->goodput > 0 && job->goodput <= 1))
        return gp_fail(err, GP_ERANGE, "", 0, "goodput must lie in (0, 1]");
    double target_days = job->target_days > 0 ? job->target_days : k->default_target_days;

    /* Fewest GPUs that fit: the first count on the grid, then refined
     * between it and the previous grid count. */
    search s;
    int prev = 0, first = 0;
    for (int i = 0; !(job->skip_count_search && job->gpus > 0); i++) {
        int n = grid_count(x.node, i);
        if (n == 0 || n > e->max_gpus)
            break;
        search_layouts(&x, n, 1, &s);
        if (s.have_best) {
            first = n;
            break;
        }
        prev = n;
    }
    if (first) {
        int step = first > x.node ? x.node : 1;
        int n = prev + step - prev % step;
        for (; n < first; n += step) {
            search_layouts(&x, n, 1, &s);
            if (s.have_best) {
                first = n;
                break;
            }
        }
    }
    e->min_gpus = first;

    /* Recommended: the fewest grid counts that finish within the target,
     * unless efficiency collapses first (the batch limits data
     * parallelism, so more GPUs mean deeper pipelines and more traffic):
     * then the most GPUs that keep 75% of the MFU reached on one node. */
    char rec_note[GP_ASSUMPTION_LEN] = "";
    if (first && job->gpus <= 0) {
        int idx_first = 0;
        while (grid_count(x.node, idx_first) && grid_count(x.node, idx_first) < first)
            idx_first++;
        int last = idx_first;
        while (grid_count(x.node, last + 1) && grid_count(x.node, last + 1) <= e->max_gpus)
            last++;
        int idx_ref = idx_first;
        while (idx_ref < last && grid_count(x.node, idx_ref) < x.node)
            idx_ref++;
        double ref_hours, ref_mfu;
        evaluate(&x, idx_ref == idx_first ? first : grid_count(x.node, idx_ref), &s,
                 &ref_hours, &ref_mfu);
        /* Walk up the grid: stop at the first count that meets the target,
         * or when MFU has fallen below 75% of the reference twice in a row
         * (one bad count can be a divisibility accident). */
        int rec_idx = idx_ref, met = 0, low = 0;
        double rec_hours = ref_hours;
        for (int i = idx_ref; i <= last; i++) {
            int n = i == idx_first ? first : grid_count(x.node, i);
            double hours, mfu;
            evaluate(&x, n, &s, &hours, &mfu);
            if (mfu < 0.75 * ref_mfu) {
                if (++low >= 2)
                    break;
                continue;
            }
            low = 0;
            if (hours < rec_hours || i == idx_ref) {
                rec_idx = i;
                rec_hours = hours;
            }
            if (hours <= target_days * 24.0) {
                rec_idx = i;
                met = 1;
                break;
            }
        }
        if (!met) {
            int n_eff = rec_idx == idx_first ? first : grid_count(x.node, rec_idx);
            snprintf(rec_note, sizeof(rec_note),
                     "recommended count: %.0f days would need more GPUs than keep 75%% "
                     "of the one-node MFU (%.1f%%) with a batch of %.0f sequences; %d "
                     "GPUs take %.1f days (a larger --global-batch or --days lifts this)",
                     target_days, 100 * ref_mfu, x.seqs, n_eff, rec_hours / 24.0);
        }
        e->recommended_gpus = rec_idx == idx_first ? first : grid_count(x.node, rec_idx);
    }

    int n = job->gpus > 0 ? job->gpus : e->recommended_gpus;
    e->gpus_recommended = job->gpus <= 0;
    if (n <= 0) {
        /* Nothing fits at any count: report the least-memory attempt at the
         * largest count. */
        n = e->max_gpus;
        search_layouts(&x, n, 0, &s);
        fill_from(&x, &s.least, n, e);
        e->fits = 0;
        explain(&x, e);
        snprintf(e->layout_reason, sizeof(e->layout_reason),
                 "no layout fits on any number of %s up to %d; shown: the least "
                 "memory at %d GPUs", job->accel->name, e->max_gpus, n);
        return GP_OK;
    }
    if (job->fit_only && job->gpus > 0) {
        search_layouts(&x, n, 1, &s);
        e->nassumptions = 0;
        e->gpus = n;
        e->fits = s.have_best;
        e->layout = s.have_best ? s.best.l : s.least.l;
        e->memory = s.have_best ? s.best.mem : s.least.mem;
        return GP_OK;
    }
    search_layouts(&x, n, 0, &s);
    if (!s.have_best) {
        fill_from(&x, &s.least, n, e);
        explain(&x, e);
        snprintf(e->layout_reason, sizeof(e->layout_reason),
                 "no layout fits on %d %s; shown: the one needing the least memory",
                 n, job->accel->name);
        return GP_OK;
    }
    fill_from(&x, &s.best, n, e);
    layout_reason(&s, e);
    explain(&x, e);
    if (rec_note[0] && e->gpus_recommended)
        note(e, "%s", rec_note);
    return GP_OK;
}

gp_status gp_job_estimate_with(const gp_job *job, const gp_job_constants *k,
                               gp_estimate *e, gp_error *err)
{
    gp_status st = estimate_core(job, k, e, err);
    if (st == GP_OK && !job->fit_only)
        gp_ft_finish(job, k, e); /* the whole fine-tuning job (finetune.c) */
    return st;
}

gp_status gp_job_estimate(const gp_job *job, gp_estimate *out, gp_error *err)
{
    return gp_job_estimate_with(job, gp_job_constants_default(), out, err);
}
