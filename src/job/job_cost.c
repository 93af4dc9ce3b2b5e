/* Memory and step time of one parallel layout. The formulas and their
 * sources are in docs/estimate.md; the comments name them. */
#include <math.h>

#include "job/job_internal.h"

static int is_glu(const gp_model *m)
{
    return m->mlp != GP_MLP_GELU;
}

/* Bytes per parameter for weights, gradients and optimizer state. Mixed
 * precision (bf16, fp16, fp8) keeps 16-bit weights and gradients and an
 * fp32 master copy in the optimizer (Rajbhandari et al. 2020, ZeRO: 2 + 2 +
 * 12 = 16 bytes for Adam); fp32 training needs no master copy. */
static void bytes_per_param(const gp_job_ctx *x, double *w, double *g,
                            double *o)
{
    int fp32 = x->precision == GP_PREC_FP32 || x->precision == GP_PREC_TF32;
    *w = *g = fp32 ? 4.0 : 2.0;
    double master = fp32 ? 0.0 : 4.0;
    *o = master + 8.0;
    switch (x->job->optimizer) {
    case GP_OPT_ADAMW: *o = master + 8.0; break;      /* m, v in fp32 */
    case GP_OPT_ADAMW_8BIT: *o = master + 2.0; break; /* m, v in 8 bits */
    case GP_OPT_SGD: *o = master + 4.0; break;        /* momentum */
    }
}

/* Activation bytes one token leaves per layer, 16-bit, following
 * Korthikanti et al. 2022 (arXiv:2205.05198) section 4 with FlashAttention
 * (no attention scores kept) and no dropout masks:
 *   attention: QKV input 2h, Q 2·a·d, K and V 2·kv·(d + dv), output 2·a·dv
 *   norms: the two norm inputs, 4h
 *   MLP: input 2h plus, for a GLU, gate, up, activation and product (8f),
 *        for GELU pre- and post-activation (4f); selective recomputation
 *        keeps only the pre-activations (4f, 2f).
 * MoE layers keep K copies of the input and K experts' activations. */
static double act_per_layer_token(const gp_model *m, int moe, int selective)
{
    double h = m->hidden, a = m->heads, kv = m->kv_heads;
    double d = m->head_dim, dv = m->v_head_dim;
    double attn = 2 * h + 2 * a * d + 2 * kv * (d + dv) + 2 * a * dv;
    double norms = 4 * h;
    double copies = moe ? m->experts_active + m->shared_experts : 1;
    double f = moe ? copies * m->moe_ffn : m->ffn;
    double per_f = is_glu(m) ? (selective ? 4 : 8) : (selective ? 2 : 4);
    return attn + norms + 2 * h * copies + per_f * f;
}

double gp_job_act_per_token(const gp_model *m, int selective)
{
    double moe_layers = m->experts > 0 ? m->layers - m->dense_layers : 0;
    double dense_layers = m->layers - moe_layers;
    return dense_layers * act_per_layer_token(m, 0, selective) +
           moe_layers * act_per_layer_token(m, 1, selective);
}

void gp_job_memory_state(const gp_job_ctx *x, gp_job_cand *c)
{
    const gp_layout *l = &c->l;
    const gp_model *m = x->m;
    double w, g, o;
    bytes_per_param(x, &w, &g, &o);
    double dense = x->params_dense / (l->tp * l->pp);
    double expert = x->params_expert / ((double)l->tp * l->pp * l->ep);
    double dp = l->dp, dp_expert = (double)l->dp / l->ep;
    gp_memory *mem = &c->mem;
    mem->weights_gb = w * (dense / (l->zero >= 3 ? dp : 1) +
                           expert / (l->zero >= 3 ? dp_expert : 1)) / 1e9;
    mem->gradients_gb = g * (dense / (l->zero >= 2 ? dp : 1) +
                             expert / (l->zero >= 2 ? dp_expert : 1)) / 1e9;
    mem->optimizer_gb = o * (dense / (l->zero >= 1 ? dp : 1) +
                             expert / (l->zero >= 1 ? dp_expert : 1)) / 1e9;
    /* CPU optimizer offload keeps the fp32 master, m and v on the host
     * (ZeRO-Offload, Ren et al. 2021, arXiv:2101.06840) ... */
    if (x->job->offload_optimizer) {
        /* ... and streams the 16-bit gradients to the host as the backward
         * pass makes them: one layer's worth stays on the GPU. */
        mem->optimizer_gb = 0;
        mem->gradients_gb = g * (dense + expert) / ceil((double)m->layers / l->pp) / 1e9;
    }
    /* ZeRO-3 gathers each layer's weights before using it and prefetches
     * the next: two layers' unsharded 16-bit weights, and one layer's
     * gradients before their reduce-scatter, are resident (PyTorch FSDP
     * keeps at most two all-gathers in flight, Zhao et al. 2023,
     * arXiv:2304.11277, section 4.4 "rate limiter"). */
    if (l->zero >= 3 && m->layers > 0) {
        double layer = (dense + expert) / ceil((double)m->layers / l->pp);
        mem->weights_gb += (2.0 * w + g) * layer / 1e9;
    }
    if (x->job->finetune == GP_FINETUNE_LORA || x->job->finetune == GP_FINETUNE_QLORA)
        gp_ft_state_memory(x, c); /* frozen base + adapters (finetune.c) */
}

double gp_job_activations_gb(const gp_job_ctx *x, const gp_layout *l)
{
    const gp_model *m = x->m;
    /* 1F1B keeps min(m, pp) micro-batches in flight on the first stage,
     * which holds L/pp layers: about L layers' worth when m >= pp
     * (Korthikanti et al. 2022, section 4.2.3). Interleaving adds
     * (pp - 1) / (pp · vp) of that (Narayanan et al. 2021). Sequence
     * parallelism divides everything by TP. */
    /* Context parallelism splits each sequence cp ways. */
    double seq_b = x->seq * l->micro_batch / (l->cp > 1 ? l->cp : 1);
    double layers_stage = ceil((double)m->layers / l->pp);
    /* the smaller of the two whole numbers (fmin is a libm call here) */
    double inflight = l->micro_batches < l->pp ? (double)l->micro_batches : (double)l->pp;
    if (l->vp > 1)
        inflight *= 1.0 + (l->pp - 1.0) / ((double)l->pp * l->vp);
    double per_layer_avg;
    double act;
    if (l->recompute == GP_RECOMPUTE_FULL) {
        /* Layer inputs only, plus one layer's working set while it is
         * recomputed. */
        per_layer_avg = x->act_tok_selective / m->layers;
        act = 2.0 * m->hidden * seq_b * layers_stage * inflight + per_layer_avg * seq_b;
    } else {
        per_layer_avg = (l->recompute == GP_RECOMPUTE_SELECTIVE ? x->act_tok_selective
                                                                : x->act_tok_none) /
                        m->layers;
        act = per_layer_avg * seq_b * layers_stage * inflight;
    }
    /* fp32 logits for the loss on the last stage. */
    act += 4.0 * m->vocab * seq_b;
    return act / l->tp / 1e9;
}

void gp_job_memory(const gp_job_ctx *x, gp_job_cand *c)
{
    gp_job_memory_state(x, c);
    c->mem.activations_gb = gp_job_activations_gb(x, &c->l);
    c->fits = gp_job_memory_total(x, &c->mem);
}

void gp_job_time_pipe(const gp_job_ctx *x, int n, const gp_layout *l, gp_job_pipe *out)
{
    const gp_model *m = x->m;
    const gp_job_constants *k = x->k;
    int full = l->recompute == GP_RECOMPUTE_FULL;

    /* Hardware FLOPs: full recomputation repeats the forward pass (one
     * third of forward + backward). */
    double mm = x->flops_mm_tok * (full ? 4.0 / 3.0 : 1.0);
    double attn = x->flops_attn_tok * (full ? 4.0 / 3.0 : 1.0);
    if (x->ft_recompute_mm_tok > 0) /* frozen base (finetune.c) */
        mm = x->flops_mm_tok + (full ? x->ft_recompute_mm_tok : 0.0);
    out->hw_flops_tok = mm + attn;
    double moe_layers = x->moe_layers;

    /* The batch the layout really runs: whole micro-batches per rank. */
    double batch = (double)l->micro_batches * l->micro_batch * l->dp * x->seq;
    gp_compute_parts parts;
    gp_job_compute(x, n, l, batch, &parts);
    double compute = parts.total_s;
    if (x->ft_time_factor > 0) /* QLoRA dequantisation (finetune.c) */
        compute *= x->ft_time_factor;

    /* CPU optimizer offload (ZeRO-Offload, Ren et al. 2021): each step the
     * 16-bit gradients of this rank's shard go to the host and the updated
     * 16-bit weights come back over PCIe, not overlapped. */
    if (x->job->offload_optimizer) {
        double shard = (x->params_dense / (l->tp * l->pp) +
                        x->params_expert / ((double)l->tp * l->pp * l->ep)) /
                       (l->zero >= 1 ? l->dp : 1);
        compute += 2.0 * 2.0 * shard / x->host_bw;
    }

    int cp = l->cp > 1 ? l->cp : 1;
    double tokens_replica = batch / l->dp / cp; /* per TP group (CP splits it) */
    double layers_stage = (double)m->layers / l->pp;

    /* Tensor parallelism with sequence parallelism: per layer two
     * all-gather/reduce-scatter pairs forward and two backward (one more
     * pair each when recomputing), each moving 2(t-1)/t of the 16-bit
     * activations (Korthikanti et al. 2022). */
    double tp = 0;
    if (l->tp > 1) {
        double pairs = full ? 6.0 : 4.0;
        tp = tokens_replica * layers_stage * pairs * (2.0 * (l->tp - 1) / l->tp) *
             2.0 * m->hidden / (x->scaleup_bw * k->network_efficiency);
        tp *= 1.0 - k->tp_overlap;
    }

    /* MoE all-to-all: each token's hidden state goes to its K experts and
     * comes back (dispatch and combine), forward and backward. Experts are
     * spread evenly over the EP ranks; a token reaching several experts on
     * one remote node crosses the network once and is forwarded over
     * NVLink there (DeepEP), so the network carries the expected number of
     * distinct remote nodes hit, (nodes - 1)(1 - (1 - 1/nodes)^K); the
     * other copies move inside nodes. Under fp8 the dispatch is sent in
     * 8 bits (DeepSeek-V3 report, section 3.3). */
    double ep = 0;
    if (moe_layers > 0 && l->ep > 1) {
        double per_node = (double)x->node / (l->tp * l->pp);
        if (per_node < 1)
            per_node = 1;
        double ranks_local = fmin((double)l->ep, per_node);
        double nodes = l->ep / ranks_local;
        double K = m->experts_active;
        double remote = nodes > 1 ? (nodes - 1) * (1.0 - pow(1.0 - 1.0 / nodes, K)) : 0.0;
        double local = K - remote;
        double bytes_elem = (x->precision == GP_PREC_FP8 ? 1.0 : 2.0) + 2.0; /* dispatch + combine */
        double passes = full ? 3.0 : 2.0; /* forward, backward (and recompute) */
        double per_copy = (tokens_replica / l->tp) * (moe_layers / l->pp) * passes *
                          bytes_elem * m->hidden;
        ep = per_copy * (remote / x->net_bw + local / x->scaleup_bw) / k->network_efficiency;
        ep *= 1.0 - x->ep_overlap;
    }

    /* Context parallelism (ring attention, Megatron-Core's CP; Liu et al.
     * 2023, arXiv:2310.01889): each rank holds 1/cp of every sequence and
     * passes its keys and values around the ring, cp - 1 chunks forward,
     * and again with their gradients backward (one more forward pass with
     * full recomputation). Each transfer overlaps the attention of the
     * chunk before it, so only what exceeds the attention time shows.
     * Inside a node it moves over NVLink, across nodes over the NICs. */
    double cpc = 0;
    if (cp > 1) {
        double kv_heads = m->kv_heads >= l->tp ? (double)m->kv_heads / l->tp : 1.0;
        double kv_tok = x->act_bytes * kv_heads * (m->head_dim + m->v_head_dim);
        double local = (double)l->micro_batch * x->seq / cp;
        double passes = full ? 4.0 : 3.0;
        double bytes = (double)l->micro_batches * layers_stage * passes * (cp - 1.0) * local *
                       kv_tok;
        double link = l->tp * cp <= x->node ? x->scaleup_bw : x->net_bw;
        cpc = bytes / (link * k->network_efficiency) - parts.attention_s;
        if (cpc < 0)
            cpc = 0;
    }

    /* Pipeline bubble of 1F1B: (pp - 1) / (vp · m) of the step
     * (Narayanan et al. 2021). */
    double mb = l->micro_batches;
    double bubble = l->pp > 1 ? (l->pp - 1.0) / (l->vp * mb) : 0.0;
    double ppc = gp_job_pp_comm(x, l, compute + tp + ep); /* between stages (comm.c) */
    double pipe = (compute + tp + ep + cpc + ppc) * (1.0 + bubble);
    out->batch = batch;
    out->compute_s = compute;
    out->tp_s = tp;
    out->ep_s = ep;
    out->cp_s = cpc;
    out->pp_s = ppc;
    out->pipe_s = pipe;
}

void gp_job_dp_shape(const gp_job_ctx *x, const gp_layout *l, gp_job_dp *d)
{
    /* Data parallelism: a ring reduce-scatter and all-gather of the 16-bit
     * gradients (2 volumes per step; ZeRO-3 gathers parameters again for
     * every micro-batch's forward and backward: 2m + 1). Ranks in one node
     * first reduce over NVLink, so each node sends its model shard once
     * over its NICs. Latency: one hop per ring step per collective.
     * Routed experts are reduced only among the ranks that hold the same
     * experts, the dp / ep ranks of the expert-data-parallel group
     * (DeepSpeed-MoE, Rajbhandari et al. 2022, section 5.1; Megatron-Core's
     * expert_data_parallel group). Expert parallelism is laid inside the
     * node first (as the all-to-all above), so a node holding e distinct
     * expert shards cannot pre-reduce them over NVLink: it sends e expert
     * shards, not one, over its NICs, to the nodes of its own
     * expert-data-parallel ring. */
    const gp_job_constants *k = x->k;
    d->on = l->dp > 1;
    d->across = 0;
    d->link_den = x->scaleup_bw * k->network_efficiency;
    if (!d->on)
        return;
    double dense_shard = 2.0 * x->params_dense / (l->tp * l->pp);
    double expert_shard = 2.0 * x->params_expert / ((double)l->tp * l->pp * l->ep);
    if (x->ft_dp_grad_params > 0 && l->zero < 3) { /* adapters only (finetune.c) */
        dense_shard = 2.0 * x->ft_dp_grad_params / (l->tp * l->pp);
        expert_shard = 0;
    }
    double shard = dense_shard + expert_shard;
    double group_per_node = (double)x->node / (l->tp * l->pp);
    if (group_per_node < 1)
        group_per_node = 1;
    if (group_per_node > l->dp)
        group_per_node = l->dp;
    double nodes = l->dp / group_per_node;
    int epn = l->ep > 1 ? l->ep : 1;
    /* distinct expert shards in one node, and the expert-DP ring */
    double e_local = (double)epn < group_per_node ? (double)epn : group_per_node;
    double xdp = (double)l->dp / epn;
    double xdp_per_node = group_per_node / e_local;
    double xnodes = xdp / xdp_per_node;
    d->nodes = nodes;
    if (nodes > 1) {
        d->across = 1;
        /* collectives per step below ZeRO-3 (ZeRO-3: per layer and
         * micro-batch, gp_job_time_finish) */
        d->collectives = 2.0 * ceil(shard / 50e6);
        double node_bytes = dense_shard * (nodes - 1) / nodes;
        double nvlink_bytes = 0;
        if (xnodes > 1)
            node_bytes += e_local * expert_shard * (xnodes - 1) / xnodes;
        else if (xdp > 1)
            nvlink_bytes = expert_shard * (xdp - 1.0) / xdp;
        d->node_bytes = node_bytes;
        d->nvlink_bytes = nvlink_bytes;
        d->net_den = group_per_node * x->net_bw * k->network_efficiency;
    } else {
        d->bytes = dense_shard * (l->dp - 1.0) / l->dp +
                   (xdp > 1 ? expert_shard * (xdp - 1.0) / xdp : 0.0);
    }
}

void gp_job_time_finish(const gp_job_ctx *x, const gp_job_dp *d, const gp_job_pipe *p,
                        gp_job_cand *c)
{
    const gp_layout *l = &c->l;
    const gp_model *m = x->m;
    const gp_job_constants *k = x->k;
    double compute = p->compute_s, tp = p->tp_s, ep = p->ep_s, cpc = p->cp_s, ppc = p->pp_s;
    double pipe = p->pipe_s, batch = p->batch;
    double mb = l->micro_batches;
    c->hw_flops_tok = p->hw_flops_tok;

    /* Data parallelism (gp_job_dp_shape): 2 volumes per step, ZeRO-3
     * 2m + 1, and one hop of latency per ring step per collective. */
    double dp = 0;
    if (d->on) {
        double volumes = l->zero >= 3 ? 2.0 * mb + 1.0 : 2.0;
        if (d->across) {
            double layers_stage = (double)m->layers / l->pp;
            double collectives = l->zero >= 3 ? 3.0 * layers_stage * mb : d->collectives;
            dp = volumes * d->node_bytes / d->net_den + volumes * d->nvlink_bytes / d->link_den +
                 collectives * (d->nodes - 1) * k->hop_latency_s;
        } else {
            dp = volumes * d->bytes / d->link_den;
        }
        dp -= gp_job_dp_hidden(x, l, compute); /* comm.c */
        if (dp < 0)
            dp = 0;
    }

    gp_step *s = &c->step;
    s->compute_s = compute;
    s->tp_comm_s = tp;
    s->ep_comm_s = ep;
    s->cp_comm_s = cpc;
    s->dp_comm_s = dp;
    s->pp_comm_s = ppc;
    s->step_s = pipe + dp;
    s->bubble_fraction = (pipe - (compute + tp + ep + cpc + ppc)) / s->step_s;
    c->tokens_per_s = batch / s->step_s;
}

void gp_job_time(const gp_job_ctx *x, int n, gp_job_cand *c)
{
    gp_job_pipe p;
    gp_job_dp d;
    gp_job_time_pipe(x, n, &c->l, &p);
    gp_job_dp_shape(x, &c->l, &d);
    gp_job_time_finish(x, &d, &p, c);
}
