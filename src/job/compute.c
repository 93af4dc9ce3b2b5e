/* Compute time of one training step on one GPU: the matrix multiplies at
 * the sizes the layout really runs, attention, memory-bound passes
 * (elementwise, the loss, the optimizer, fp8 casts) and the fixed cost of
 * every kernel. Each term has a cause; docs/estimate.md ("Compute") gives
 * each one's source, and the one fitted residual factor. */
#include <math.h>

#include "job/job_internal.h"

/* One matrix multiply of m x k by k x n on one GPU: the roofline of its
 * FLOPs at the measured matmul rate and its memory traffic (inputs at
 * `in_b` bytes an element, the 16-bit output) at the elementwise
 * bandwidth. Small or thin multiplies (a small model's, an expert's few
 * tokens, a TP-split slice) are memory bound and fall below the measured
 * maximum, which MAMF finds on large shapes. */
static double gemm_s(const gp_job_ctx *x, double m, double n, double k, double in_b)
{
    double flops = 2.0 * m * n * k;
    double bytes = in_b * (m * k + k * n) + 2.0 * m * n;
    double t_c = flops / (x->peak_flops * x->matmul_eff);
    double t_m = bytes / (x->mem_bw * x->k->memory_bw_efficiency);
    return t_c > t_m ? t_c : t_m;
}

/* Forward and both backward multiplies (input gradient m x n by n x k,
 * weight gradient k x m by m x n), times `count` (experts run as one
 * grouped kernel). Adds the time to *real and the FLOPs' time at the
 * measured rate to *ideal; adds kernels to *kernels. fp8 inputs are cast
 * first: the activation (read 16 bits, write 8, and a transposed copy for
 * the weight gradient), the output gradient likewise, and the weight once
 * per micro-batch (Transformer Engine keeps 16-bit weights and casts them;
 * DeepSeek-V3 report, section 3.3). */
typedef struct gemm_acc {
    double real_s, ideal_s, cast_bytes, kernels;
} gemm_acc;

static void layer_gemm(const gp_job_ctx *x, gemm_acc *acc, double m, double n, double k,
                       double count)
{
    if (!(m > 0) || !(n > 0) || !(k > 0) || !(count > 0))
        return;
    int fp8 = x->precision == GP_PREC_FP8;
    double in_b = fp8 ? 1.0 : x->act_bytes;
    double t = gemm_s(x, m, n, k, in_b) + gemm_s(x, m, k, n, in_b) + gemm_s(x, k, n, m, in_b);
    acc->real_s += count * t;
    acc->ideal_s += count * 3.0 * 2.0 * m * n * k / (x->peak_flops * x->matmul_eff);
    acc->kernels += 3.0;
    if (fp8)
        acc->cast_bytes += count * (4.0 * m * k + 4.0 * m * n + 4.0 * k * n);
}

/* The multiplies of one layer for a micro-batch of `tokens` on one TP rank
 * (sequence parallelism gathers the full micro-batch for each multiply;
 * the weights are split t ways). `moe`: the layer's MLP is routed experts,
 * spread over `ep` ranks, each expert seeing its balanced share of the
 * token copies, plus the shared experts run as a dense MLP. */
static void layer_gemms(const gp_job_ctx *x, const gp_layout *l, int moe, double tokens,
                        gemm_acc *acc)
{
    const gp_model *m = x->m;
    double t = l->tp, h = m->hidden;
    double q = (double)m->heads * m->head_dim, kv = (double)m->kv_heads * (m->head_dim + m->v_head_dim);
    double o = (double)m->heads * m->v_head_dim;
    double up = m->mlp == GP_MLP_GELU ? 1.0 : 2.0; /* GLU: gate and up in one */
    layer_gemm(x, acc, tokens, (q + kv) / t, h, 1);
    layer_gemm(x, acc, tokens, h, o / t, 1);
    if (!moe) {
        layer_gemm(x, acc, tokens, up * m->ffn / t, h, 1);
        layer_gemm(x, acc, tokens, h, m->ffn / t, 1);
        return;
    }
    /* Router (tiny, but a kernel), then the routed experts: the EP group
     * holds ep x tokens / t token rows, each sent to K experts, spread
     * evenly over E experts; this rank runs E / ep of them. */
    layer_gemm(x, acc, tokens / t, m->experts, h, 1);
    double per_expert = (double)l->ep * (tokens / t) * m->experts_active / m->experts;
    double local = (double)m->experts / l->ep;
    layer_gemm(x, acc, per_expert, up * m->moe_ffn, h, local);
    layer_gemm(x, acc, per_expert, h, m->moe_ffn, local);
    if (m->shared_experts > 0) {
        double fs = (double)m->shared_experts * m->moe_ffn;
        layer_gemm(x, acc, tokens, up * fs / t, h, 1);
        layer_gemm(x, acc, tokens, h, fs / t, 1);
    }
}

/* Non-matmul kernels per layer, forward: two norms, two residual adds,
 * rotary embedding, the activation function, attention; MoE adds the
 * top-k, permute and unpermute. The backward pass launches about twice as
 * many. */
enum { EW_KERNELS_FWD = 7, MOE_KERNELS_FWD = 3 };

void gp_job_compute(const gp_job_ctx *x, int n, const gp_layout *l, double batch,
                    gp_compute_parts *out)
{
    const gp_model *m = x->m;
    const gp_job_constants *k = x->k;
    int full = l->recompute == GP_RECOMPUTE_FULL;
    int selective = l->recompute == GP_RECOMPUTE_SELECTIVE;
    double fwd_share = full ? 4.0 / 3.0 : 1.0; /* full recomputation repeats the forward */
    double bw = x->mem_bw * k->memory_bw_efficiency;

    /* Matmuls at their real sizes: the layer mix's time over its time at
     * the measured rate scales the model's matmul FLOPs. */
    int cp = l->cp > 1 ? l->cp : 1; /* context parallelism splits the sequence */
    double dense_layers = m->layers - x->moe_layers;
    gp_gemm_memo local = {0}, *memo = &local;
    if (x->memo) {
        unsigned h = (unsigned)(l->tp * 131 + l->ep * 31 + l->micro_batch * 7 + cp) % GP_GEMM_MEMO;
        memo = &x->memo[h];
    }
    if (!memo->valid || memo->tp != l->tp || memo->ep != l->ep ||
        memo->micro_batch != l->micro_batch || memo->cp != cp) {
        double tokens_mb = (double)l->micro_batch * x->seq / cp;
        gemm_acc dense = {0}, moe = {0};
        layer_gemms(x, l, 0, tokens_mb, &dense);
        if (x->moe_layers > 0)
            layer_gemms(x, l, 1, tokens_mb, &moe);
        double real = dense_layers * dense.real_s + x->moe_layers * moe.real_s;
        double ideal = dense_layers * dense.ideal_s + x->moe_layers * moe.ideal_s;
        memo->size_factor = ideal > 0 ? real / ideal : 1.0;
        memo->cast_layer = (dense_layers * dense.cast_bytes + x->moe_layers * moe.cast_bytes) /
                           m->layers;
        memo->kern_layer_fwd = (dense_layers * (dense.kernels / 3.0 + EW_KERNELS_FWD) +
                                x->moe_layers * (moe.kernels / 3.0 + EW_KERNELS_FWD +
                                                 MOE_KERNELS_FWD)) /
                               m->layers;
        memo->tp = l->tp;
        memo->ep = l->ep;
        memo->micro_batch = l->micro_batch;
        memo->cp = cp;
        memo->valid = 1;
    }
    double size_factor = memo->size_factor;

    double tokens_gpu = batch / n; /* this GPU's share of the step's work */
    double mm = x->flops_mm_tok * fwd_share;
    if (x->ft_recompute_mm_tok > 0) /* a frozen base (finetune.c) recomputes its own share */
        mm = x->flops_mm_tok + (full ? x->ft_recompute_mm_tok : 0.0);
    double attn = x->flops_attn_tok * fwd_share;
    double t_mm = tokens_gpu * mm / (x->peak_flops * x->matmul_eff) * size_factor;
    double t_attn = tokens_gpu * attn / (x->attn_peak_flops * k->attention_efficiency);

    /* Elementwise traffic per token (docs/estimate.md): norms, residuals,
     * rotary, the activation function, forward 28h + 6f bytes (4f GELU),
     * backward twice that, full recomputation once more; selective
     * recomputation runs the activation function again; MoE permutes K
     * copies forward and backward. */
    double glu = m->mlp == GP_MLP_GELU ? 4.0 : 6.0;
    double f_moe = (double)(m->experts_active + m->shared_experts) * m->moe_ffn;
    double ew_fwd = dense_layers * (28.0 * m->hidden + glu * m->ffn) +
                    x->moe_layers * (28.0 * m->hidden + glu * f_moe);
    double ew = ew_fwd * (3.0 + (full ? 1.0 : 0.0));
    if (selective)
        ew += dense_layers * glu * m->ffn + x->moe_layers * glu * f_moe;
    ew += x->moe_layers * 16.0 * m->experts_active * m->hidden;
    ew *= x->act_bytes / 2.0;
    double t_ew = tokens_gpu * ew / bw;

    /* fp8 casts of the multiplies' inputs (layer_gemm), per micro-batch
     * per layer on this rank. */
    double micro = (double)l->micro_batches;
    double layers_stage = (double)m->layers / l->pp;
    double cast_layer = memo->cast_layer;
    double t_cast = micro * layers_stage * cast_layer * fwd_share / bw;

    /* The loss on the last stage: the logits (vocabulary split t ways)
     * are read in 16 bits, softmax and cross-entropy written and read in
     * fp32, the gradient written in 16 bits: about 12 bytes per logit.
     * It runs on the pipeline's critical path. */
    double tokens_replica = batch / l->dp / cp;
    double t_loss = tokens_replica * 12.0 * m->vocab / l->tp / bw;

    /* The optimizer step: AdamW reads the fp32 master weights, m, v and
     * gradients and writes the first three and the 16-bit weights: 30
     * bytes per parameter of this rank's shard (ZeRO-1 and up shard it
     * over DP; 8-bit AdamW moves 6 fewer, SGD 8 fewer). */
    double shard = (x->params_dense / (l->tp * l->pp) +
                    x->params_expert / ((double)l->tp * l->pp * l->ep)) /
                   (l->zero >= 1 ? l->dp : 1);
    if (x->ft_dp_grad_params > 0) /* fine-tuning adapters only (finetune.c) */
        shard = x->ft_dp_grad_params / (l->tp * l->pp) / (l->zero >= 1 ? l->dp : 1);
    double opt_b = x->job->optimizer == GP_OPT_ADAMW ? 30.0
                   : x->job->optimizer == GP_OPT_ADAMW_8BIT ? 24.0 : 22.0;
    double t_opt = shard * opt_b / bw;
    if (x->job->offload_optimizer)
        t_opt = 0; /* on the host: gp_job_time adds the PCIe traffic */

    /* Every kernel has a fixed cost (launch, ramp-up and tail) however
     * small its work: per layer per micro-batch, forward and backward. */
    double kern_layer_fwd = memo->kern_layer_fwd;
    double kernels = micro * layers_stage * kern_layer_fwd * (3.0 + (full ? 1.0 : 0.0));
    double t_kern = kernels * k->kernel_overhead_s;

    out->matmul_s = t_mm;
    out->attention_s = t_attn;
    out->memory_s = t_ew + t_cast + t_loss + t_opt;
    out->kernel_s = t_kern;
    out->size_factor = size_factor;
    /* What the terms above leave out (host-side stalls, contention between
     * overlapped kernels, clocks below the burst rate MAMF measures): one
     * factor fitted on the calibration runs (bench/accuracy --fit). */
    out->total_s = (t_mm + t_attn + out->memory_s + t_kern) / k->software_efficiency;
}
