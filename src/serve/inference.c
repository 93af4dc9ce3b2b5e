/* The inference model: one replica of a model on `tp` GPUs of one node,
 * its memory, prefill and decode step time, and the latency it gives at a
 * traffic. docs/inference.md documents each formula and its source. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "serve/serve_internal.h"

/* A token's activations are 16-bit between layers (the all-reduces). */
static const double ACT_BYTES = 2.0;
/* INT4 (AWQ, GPTQ): one 16-bit scale per group of 128 weights (the
 * default group size of both papers: Lin et al. 2023, Frantar et al.
 * 2022). */
static const double INT4_GROUP = 128.0;

const char *gp_wprec_name(gp_wprec p)
{
    switch (p) {
    case GP_WPREC_BF16: return "bf16";
    case GP_WPREC_FP8: return "fp8";
    case GP_WPREC_INT8: return "int8";
    case GP_WPREC_INT4: return "int4";
    case GP_WPREC_COUNT: break;
    }
    return "?";
}

int gp_wprec_parse(const char *name)
{
    if (!name)
        return -1;
    if (!strcasecmp(name, "bf16") || !strcasecmp(name, "fp16") || !strcasecmp(name, "16bit"))
        return GP_WPREC_BF16;
    if (!strcasecmp(name, "fp8"))
        return GP_WPREC_FP8;
    if (!strcasecmp(name, "int8"))
        return GP_WPREC_INT8;
    if (!strcasecmp(name, "int4"))
        return GP_WPREC_INT4;
    return -1;
}

const char *gp_serve_binding_name(gp_serve_binding b)
{
    switch (b) {
    case GP_SERVE_BIND_NONE: return "none";
    case GP_SERVE_BIND_MEMORY: return "memory";
    case GP_SERVE_BIND_TTFT: return "ttft";
    case GP_SERVE_BIND_TPOT: return "tpot";
    case GP_SERVE_BIND_THROUGHPUT: return "throughput";
    case GP_SERVE_BIND_FIT: return "fit";
    }
    return "?";
}

void gp_serve_params_init(gp_serve_params *p)
{
    memset(p, 0, sizeof(*p));
    p->precision = GP_WPREC_BF16;
    p->ttft_s = NAN;
    p->tpot_s = NAN;
    p->percentile = 0.9;
    p->peak_factor = 1.0;
    /* vLLM EngineArgs: gpu_memory_utilization defaults to 0.9 (docs.vllm.ai,
     * engine arguments); the rest of the device is left to the CUDA
     * context and the engine's own buffers. */
    p->k.mem_utilisation = 0.9;
    /* Two constants fitted on two published points, one per regime, and
     * validated on eight others (docs/inference.md, "Checks"):
     *  - bandwidth, on a memory-bound run: TensorRT-LLM's Llama 3.1 8B FP8
     *    on one H100, 1,000 in / 1,000 out, 15,220 output tokens/s
     *    (NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md
     *    @00f37686);
     *  - compute, on a compute-bound run: MLPerf Inference v4.1 Llama 2
     *    70B Offline on 8x H100 SXM (NVIDIA, closed), 24,524.9 tokens/s
     *    (mlcommons/inference_results_v4.1 closed/NVIDIA/results/
     *    DGX-H100_H100-SXM-80GBx8_TRT @a2f5d66d). */
    p->k.bw_efficiency = 0.67;
    p->k.compute_efficiency = 0.74;
    /* H100 SXM BF16: 794.5 measured of 989 peak TFLOPS (data/matmul-
     * efficiency.csv), for accelerators that have no measurement. */
    p->k.compute_fallback = 794.5 / 989.0;
    /* vLLM V1's default max_num_batched_tokens for online serving. */
    p->k.prefill_chunk = 2048;
    /* PCI Express 4.0 x16: 16 GT/s x 16 lanes, 128b/130b, 31.5 GB/s each
     * way (PCI-SIG PCIe 4.0 base specification). */
    p->k.pcie_gbps = 31.5;
}

double gp_serve_kv_bytes_per_token(const gp_model *m, double bytes_per_value)
{
    double kdim = m->head_dim, vdim = m->v_head_dim > 0 ? m->v_head_dim : m->head_dim;
    return (double)m->layers * m->kv_heads * (kdim + vdim) * bytes_per_value;
}

static double embed_params(const gp_model *m)
{
    return (double)m->vocab * m->hidden * (m->tied_embeddings ? 1 : 2);
}

double gp_serve_weights_bytes(const gp_model *m, gp_wprec p)
{
    double embed = fmin(embed_params(m), m->params_total);
    double matrices = m->params_total - embed;
    switch (p) {
    case GP_WPREC_BF16: return 2.0 * m->params_total;
    case GP_WPREC_FP8:
    case GP_WPREC_INT8: return 2.0 * embed + matrices;
    case GP_WPREC_INT4: return 2.0 * embed + matrices * (0.5 + 2.0 / INT4_GROUP);
    case GP_WPREC_COUNT: break;
    }
    return NAN;
}

gp_status gp_serve_check(const gp_serve_params *p, gp_error *err)
{
    if (!p->model || !(p->model->layers > 0) || !(p->model->params_total > 0))
        return gp_fail(err, GP_EINVAL, "", 0, "serving needs a model with its shape");
    if (!(p->rps > 0) || !isfinite(p->rps))
        return gp_fail(err, GP_EINVAL, "", 0, "the traffic must be above 0 requests/s");
    if (!(p->input_tokens >= 1) || !(p->output_tokens >= 1) || p->input_tokens > 1e7 ||
        p->output_tokens > 1e7)
        return gp_fail(err, GP_EINVAL, "", 0,
                       "input and output lengths must lie between 1 and 10M tokens");
    if (!(p->percentile > 0 && p->percentile < 1))
        return gp_fail(err, GP_EINVAL, "", 0, "the percentile must lie between 0 and 1");
    if (!(p->peak_factor >= 1) || p->peak_factor > 1000)
        return gp_fail(err, GP_EINVAL, "", 0, "the peak factor must lie between 1 and 1000");
    if (!isnan(p->ttft_s) && !(p->ttft_s > 0))
        return gp_fail(err, GP_EINVAL, "", 0, "the TTFT target must be above 0");
    if (!isnan(p->tpot_s) && !(p->tpot_s > 0))
        return gp_fail(err, GP_EINVAL, "", 0, "the TPOT target must be above 0");
    if ((unsigned)p->precision >= GP_WPREC_COUNT)
        return gp_fail(err, GP_EINVAL, "", 0, "unknown weight precision");
    const gp_serve_constants *k = &p->k;
    if (!(k->mem_utilisation > 0 && k->mem_utilisation <= 1) ||
        !(k->bw_efficiency > 0 && k->bw_efficiency <= 1) ||
        !(k->compute_efficiency > 0 && k->compute_efficiency <= 1) ||
        !(k->compute_fallback > 0 && k->compute_fallback <= 1) || !(k->prefill_chunk >= 1) ||
        !(k->pcie_gbps > 0))
        return gp_fail(err, GP_EINVAL, "", 0, "serving constants out of range");
    return GP_OK;
}

/* z with P(Z <= z) = q for a standard normal, by bisection on erfc. */
static double normal_quantile(double q)
{
    double lo = -10, hi = 10;
    for (int i = 0; i < 80; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid / sqrt(2.0)) < q)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ---- one replica ---------------------------------------------------------- */

typedef struct replica {
    const gp_serve_params *p;
    int tp;
    double weights_gpu, kv_gpu_per_token, kv_room;
    double ctx;                /* mean context of a decoding sequence */
    int max_batch;
    double rate;               /* FLOP/s per GPU, compute */
    double bw;                 /* B/s per GPU, achieved */
    double link;               /* B/s one direction, scale-up */
    double prefill_s;
    double active, attn_width;
    const char *basis;
    double tflops;
} replica;

/* One all-reduce of `bytes` over tp GPUs. Up to 1 MiB (decode steps):
 * the measured times of vLLM's custom all-reduce on H100 SXM, bf16, as a
 * line through 512 B and 1 MiB for TP 2, 4 and 8: 9.5/9.1/10.1 us and
 * 26.6/40.2/45.0 us (sgl-project/sglang PR #2904, "vllm" table, without
 * CUDA graphs), used for every accelerator. Above 1 MiB (prefill) the
 * rest moves as a ring, 2(tp-1)/tp of the data each way per GPU
 * (Patarasuk and Yuan 2009), at the scale-up link's one-way rate. */
static double allreduce_s(const replica *r, double bytes)
{
    static const double LAT_US[4] = {0, 9.5, 9.1, 10.1};   /* TP 2, 4, 8 */
    static const double MIB_US[4] = {0, 26.6, 40.2, 45.0};
    if (r->tp <= 1)
        return 0;
    int i = r->tp >= 8 ? 3 : r->tp >= 4 ? 2 : 1;
    const double small = 512, mib = 1048576;
    double slope = (MIB_US[i] - LAT_US[i]) / (mib - small);
    if (bytes <= mib)
        return (LAT_US[i] + fmax(bytes - small, 0) * slope) * 1e-6;
    return MIB_US[i] * 1e-6 + 2.0 * (r->tp - 1) / r->tp * (bytes - mib) / r->link;
}

static double step_parts(const replica *r, double batch, double *comm, int *compute_bound)
{
    const gp_model *m = r->p->model;
    double bytes = r->weights_gpu + batch * r->ctx * r->kv_gpu_per_token;
    double t_mem = bytes / r->bw;
    /* 2 FLOPs per active parameter per token, and attention over the
     * context: QK^T and AV, 2 FLOPs a multiply-add each. */
    double flops = (2.0 * r->active + 4.0 * m->layers * r->ctx * r->attn_width) * batch / r->tp;
    double t_comp = flops / r->rate;
    /* Two all-reduces per layer (after attention and after the MLP),
     * Megatron-LM's tensor parallelism (Shoeybi et al. 2019). */
    double t_ar = 2.0 * m->layers * allreduce_s(r, batch * m->hidden * ACT_BYTES);
    if (comm)
        *comm = t_ar;
    if (compute_bound)
        *compute_bound = t_comp > t_mem;
    return fmax(t_mem, t_comp) + t_ar;
}

static double step_s(const replica *r, double batch)
{
    return step_parts(r, batch, NULL, NULL);
}

static double prefill_time(const replica *r, double tokens)
{
    const gp_model *m = r->p->model;
    /* Causal attention over the prompt: half of QK^T and AV. */
    double flops = 2.0 * r->active * tokens +
                   2.0 * m->layers * tokens * tokens * r->attn_width;
    double t = fmax(flops / r->tp / r->rate, r->weights_gpu / r->bw);
    return t + 2.0 * m->layers * allreduce_s(r, tokens * m->hidden * ACT_BYTES);
}

static double mlp_width(const gp_model *m)
{
    if (m->experts > 0 && m->moe_ffn > 0)
        return (double)m->moe_ffn * (m->experts_active + m->shared_experts);
    return m->ffn;
}

/* 0 when the weights and one whole sequence do not fit. */
static int replica_init(replica *r, const gp_serve_params *p, const gp_accel *a,
                        const gp_accel_perf *perf, int tp, double mem_gb)
{
    const gp_model *m = p->model;
    memset(r, 0, sizeof(*r));
    r->p = p;
    r->tp = tp;
    r->weights_gpu = gp_serve_weights_bytes(m, p->precision) / tp;
    double kv_heads = m->kv_heads > 0 ? m->kv_heads : m->heads;
    double heads_gpu = ceil(kv_heads / tp); /* fewer KV heads than GPUs: replicated */
    r->kv_gpu_per_token = gp_serve_kv_bytes_per_token(m, p->kv_8bit ? 1 : 2) * heads_gpu / kv_heads;
    double workspace = p->k.prefill_chunk * (4.0 * m->hidden + 2.0 * mlp_width(m) / tp) * ACT_BYTES;
    r->kv_room = mem_gb * 1e9 * p->k.mem_utilisation - r->weights_gpu - workspace;
    r->ctx = p->input_tokens + p->output_tokens / 2;
    r->active = m->params_active > 0 ? m->params_active : m->params_total;
    r->attn_width = (double)m->heads * m->head_dim;
    r->bw = a->mem_bw_gbps * 1e9 * p->k.bw_efficiency;
    r->link = (isnan(a->intra_node_bw_unidir_gbps) ? p->k.pcie_gbps : a->intra_node_bw_unidir_gbps) *
              1e9;
    if (isnan(a->intra_node_bw_unidir_gbps) && !isnan(a->intra_node_bw_gbps))
        r->link = a->intra_node_bw_gbps / 2 * 1e9;
    /* Compute: FP8 on an accelerator with FP8 units; otherwise 16-bit
     * (weight-only INT8/INT4 kernels dequantise to 16-bit). */
    gp_precision prec = GP_PREC_BF16;
    if (p->precision == GP_WPREC_FP8 && !isnan(a->tflops[GP_PREC_FP8]))
        prec = GP_PREC_FP8;
    if (isnan(a->tflops[prec]))
        prec = !isnan(a->tflops[GP_PREC_FP16]) ? GP_PREC_FP16 : GP_PREC_FP32;
    if (!isnan(perf->matmul_tflops[prec])) {
        r->tflops = perf->matmul_tflops[prec];
        r->basis = "measured matmul TFLOPS (data/matmul-efficiency.csv)";
    } else {
        r->tflops = a->tflops[prec] * p->k.compute_fallback;
        r->basis = "peak TFLOPS x 0.80 (H100's measured share; no measurement for this GPU)";
    }
    r->tflops *= p->k.compute_efficiency;
    r->rate = r->tflops * 1e12;
    if (!(r->rate > 0) || !(r->bw > 0) || !(r->kv_gpu_per_token > 0))
        return 0;
    double seq = p->input_tokens + p->output_tokens;
    if (r->kv_room < seq * r->kv_gpu_per_token)
        return 0;
    double cap = floor(r->kv_room / r->kv_gpu_per_token / r->ctx);
    r->max_batch = cap > 1e6 ? 1000000 : (cap < 1 ? 1 : (int)cap);
    r->prefill_s = prefill_time(r, p->input_tokens);
    return 1;
}

/* The replica at `lambda` requests/s. Returns 1 when it meets the
 * targets; sets *why to what fails otherwise. */
typedef struct load {
    double batch, step, tpot_mean, tpot_p, ttft_p, share;
    gp_serve_binding why;
} load;

static int at_rate(const replica *r, double lambda, double z, load *out)
{
    const gp_serve_params *p = r->p;
    double L = p->output_tokens;
    memset(out, 0, sizeof(*out));
    double rho = lambda * r->prefill_s; /* share of time on prompts */
    if (!(rho < 1)) {
        out->why = GP_SERVE_BIND_THROUGHPUT;
        return 0;
    }
    /* Little's law: sequences decoding = arrival rate x decode time, and
     * the decode time grows with them. Fixed point; no convergence within
     * the KV cache means the replica cannot carry the load. */
    double n = lambda * L * step_s(r, 1) / (1 - rho);
    int converged = 0;
    for (int i = 0; i < 200; i++) {
        double next = lambda * L * step_s(r, fmax(n, 1)) / (1 - rho);
        if (next > 4.0 * r->max_batch + 1e6) {
            n = next;
            break;
        }
        if (fabs(next - n) <= 1e-6 * fmax(1, n)) {
            n = next;
            converged = 1;
            break;
        }
        n = next;
    }
    double batch = fmax(n, 1);
    out->batch = n;
    if (!converged) {
        out->why = n > r->max_batch ? GP_SERVE_BIND_MEMORY : GP_SERVE_BIND_THROUGHPUT;
        return 0;
    }
    if (n > r->max_batch) {
        out->why = GP_SERVE_BIND_MEMORY;
        return 0;
    }
    out->step = step_s(r, batch);
    out->tpot_mean = out->step / (1 - rho);
    /* Prompts that arrive while a request decodes stall its steps: a
     * Poisson count of mean lambda x its decode time, at the percentile
     * (normal approximation). */
    double mean_prefills = lambda * L * out->tpot_mean;
    double prefills = mean_prefills + z * sqrt(mean_prefills);
    out->tpot_p = out->step + fmax(prefills, 0) * r->prefill_s / L;
    /* The prompt queue as M/M/1 (Kleinrock 1975, Queueing Systems I,
     * eq. 3.28): P(wait > t) = rho e^{-(mu - lambda) t}. */
    double wait = 0, q = p->percentile;
    if (rho > 1 - q)
        wait = log(rho / (1 - q)) / (1 / r->prefill_s - lambda);
    out->ttft_p = r->prefill_s + wait;
    out->share = r->prefill_s / (r->prefill_s + L * out->step / batch);
    if (!isnan(p->ttft_s) && out->ttft_p > p->ttft_s) {
        out->why = GP_SERVE_BIND_TTFT;
        return 0;
    }
    if (!isnan(p->tpot_s) && out->tpot_p > p->tpot_s) {
        out->why = GP_SERVE_BIND_TPOT;
        return 0;
    }
    return 1;
}

static void fill_point(const replica *r, int replicas, const load *ld, gp_serve_point *o)
{
    const gp_serve_params *p = r->p;
    o->tp = r->tp;
    o->replicas = replicas;
    o->gpus = replicas * r->tp;
    o->weights_gb_per_gpu = r->weights_gpu / 1e9;
    o->kv_gb_per_gpu = r->kv_room / 1e9;
    o->kv_bytes_per_token = gp_serve_kv_bytes_per_token(p->model, p->kv_8bit ? 1 : 2);
    o->max_batch = r->max_batch;
    o->batch = ld->batch;
    o->prefill_s = r->prefill_s;
    o->step_s = step_parts(r, fmax(ld->batch, 1), &o->allreduce_s, &o->step_compute_bound);
    o->ttft_s = ld->ttft_p;
    o->tpot_s = ld->tpot_p;
    o->tpot_mean_s = ld->tpot_mean;
    o->ttft_floor_s = r->prefill_s;
    o->tpot_floor_s = step_s(r, 1);
    o->prefill_share = ld->share;
    o->rps_per_replica = p->rps * p->peak_factor / replicas;
    o->output_tokens_per_s_per_gpu = p->rps * p->output_tokens / o->gpus;
    double B = r->max_batch, L = p->output_tokens;
    o->max_output_tokens_per_s = B * L / (B * r->prefill_s + L * step_s(r, B));
    o->compute_tflops = r->tflops;
    o->compute_basis = r->basis;
}

static void model_tp(const gp_serve_params *p, const gp_accel *a, const gp_accel_perf *perf,
                     int tp, double mem_gb, gp_serve_point *out)
{
    memset(out, 0, sizeof(*out));
    out->tp = tp;
    replica r;
    if (tp < 1 || !replica_init(&r, p, a, perf, tp, mem_gb)) {
        out->binding = GP_SERVE_BIND_FIT;
        out->weights_gb_per_gpu = gp_serve_weights_bytes(p->model, p->precision) / 1e9 / tp;
        return;
    }
    double z = normal_quantile(p->percentile);
    double peak = p->rps * p->peak_factor;
    load ld;
    /* With next to no load: the best the layout can do. */
    if (!at_rate(&r, peak * 1e-9, z, &ld)) {
        fill_point(&r, 1, &ld, out);
        out->binding = ld.why;
        out->ttft_s = r.prefill_s;
        out->tpot_s = step_s(&r, 1);
        out->replicas = 0;
        return;
    }
    /* Fewest replicas: more replicas never make a target worse. */
    long lo = 0, hi = 1;
    while (hi < 100000000 && !at_rate(&r, peak / (double)hi, z, &ld)) {
        lo = hi;
        hi *= 2;
    }
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (at_rate(&r, peak / (double)mid, z, &ld))
            hi = mid;
        else
            lo = mid;
    }
    gp_serve_binding why = GP_SERVE_BIND_NONE;
    if (hi > 1) {
        load fail;
        at_rate(&r, peak / (double)(hi - 1), z, &fail);
        why = fail.why;
    }
    at_rate(&r, peak / (double)hi, z, &ld);
    fill_point(&r, (int)hi, &ld, out);
    out->ok = 1;
    out->binding = why;
}

gp_status gp_serve_model_tp(const gp_serve_params *p, const gp_accel *a, int tp, double mem_gb,
                            gp_serve_point *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    gp_status st = gp_serve_check(p, err);
    if (st != GP_OK)
        return st;
    if (!a)
        return gp_fail(err, GP_EINVAL, "", 0, "serving needs an accelerator");
    gp_accel_perf perf;
    if ((st = gp_accel_perf_lookup(a->name, &perf, err)) != GP_OK)
        return st;
    model_tp(p, a, &perf, tp, mem_gb, out);
    return GP_OK;
}

/* Re-runs a layout with every replica that `instances` hold. */
static void use_all(const gp_serve_params *p, const gp_accel *a, const gp_accel_perf *perf,
                    double mem_gb, int per_instance, gp_serve_point *pt)
{
    int need = pt->replicas;
    int per = per_instance / pt->tp;
    int instances = (need + per - 1) / per;
    int all = instances * per;
    pt->instances = instances;
    if (all == need) {
        pt->gpus = instances * per_instance;
        return;
    }
    replica r;
    gp_serve_binding why = pt->binding;
    if (replica_init(&r, p, a, perf, pt->tp, mem_gb)) {
        load ld;
        at_rate(&r, p->rps * p->peak_factor / all, normal_quantile(p->percentile), &ld);
        fill_point(&r, all, &ld, pt);
        pt->binding = why;
    }
    pt->instances = instances;
    pt->gpus = instances * per_instance;
    pt->output_tokens_per_s_per_gpu = p->rps * p->output_tokens / pt->gpus;
}

void gp_serve_model_perf(const gp_serve_params *p, const gp_accel *a, const gp_accel_perf *perf,
                         int gpus, double mem_gb, gp_serve_point *out)
{
    memset(out, 0, sizeof(*out));
    int have = 0, have_near = 0;
    gp_serve_point best, near;
    memset(&best, 0, sizeof(best));
    memset(&near, 0, sizeof(near));
    /* Up to 8: the range the all-reduce measurements cover. */
    for (int tp = 1; tp <= gpus && tp <= 8; tp *= 2) {
        if (gpus % tp != 0 || (p->max_tp > 0 && tp > p->max_tp) ||
            (p->model->heads > 0 && p->model->heads % tp != 0))
            continue;
        gp_serve_point pt;
        model_tp(p, a, perf, tp, mem_gb, &pt);
        if (pt.ok) {
            use_all(p, a, perf, mem_gb, gpus, &pt);
            if (!have || pt.instances < best.instances ||
                (pt.instances == best.instances && pt.tpot_s < best.tpot_s)) {
                best = pt;
                have = 1;
            }
        } else if (pt.binding != GP_SERVE_BIND_FIT || !have_near) {
            /* The nearest failing layout: one that fits, fastest tokens. */
            if (!have_near || near.binding == GP_SERVE_BIND_FIT || pt.tpot_s < near.tpot_s) {
                near = pt;
                have_near = 1;
            }
        }
    }
    if (have) {
        *out = best;
    } else if (have_near) {
        *out = near;
        out->instances = 1;
        out->gpus = gpus;
    } else {
        out->binding = GP_SERVE_BIND_FIT;
        out->gpus = gpus;
        out->weights_gb_per_gpu = gp_serve_weights_bytes(p->model, p->precision) / 1e9 / gpus;
    }
}

gp_status gp_serve_model(const gp_serve_params *p, const gp_accel *a, int gpus, double mem_gb,
                         gp_serve_point *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    gp_status st = gp_serve_check(p, err);
    if (st != GP_OK)
        return st;
    if (!a || gpus < 1)
        return gp_fail(err, GP_EINVAL, "", 0, "serving needs an accelerator and a GPU count");
    gp_accel_perf perf;
    if ((st = gp_accel_perf_lookup(a->name, &perf, err)) != GP_OK)
        return st;
    gp_serve_model_perf(p, a, &perf, gpus, mem_gb, out);
    return GP_OK;
}

double gp_serve_offline_tokens_per_s(const gp_serve_params *p, const gp_accel *a, int tp,
                                     int gpus, double mem_gb, gp_error *err)
{
    gp_accel_perf perf;
    replica r;
    if (gp_serve_check(p, err) != GP_OK || !a || tp < 1 ||
        gp_accel_perf_lookup(a->name, &perf, err) != GP_OK ||
        !replica_init(&r, p, a, &perf, tp, mem_gb))
        return NAN;
    double B = r.max_batch, L = p->output_tokens;
    return (double)(gpus / tp) * B * L / (B * r.prefill_s + L * step_s(&r, B));
}
