/* Communication terms of one layout's step that depend on the schedule:
 * the point-to-point traffic between pipeline stages, and how much of the
 * data-parallel traffic can hide behind compute. The volumes of TP, EP and
 * DP traffic are in job_cost.c; docs/estimate.md ("Step time") derives
 * both. */
#include "job/job_internal.h"

int gp_job_pp_crosses_nodes(const gp_job_ctx *x, const gp_layout *l)
{
    /* Ranks are laid out TP fastest, then PP, then DP (the order the DP
     * term in job_cost.c assumes: a node holds whole model replicas when
     * TP x PP fits in it). A pipeline then leaves its node exactly when its
     * TP x PP ranks do not fit in one node; the stage boundary that
     * crosses nodes paces every micro-batch. */
    int cp = l->cp > 1 ? l->cp : 1; /* context-parallel ranks sit beside TP's */
    return l->pp > 1 && (long)l->tp * cp * l->pp > x->node;
}

double gp_job_pp_comm(const gp_job_ctx *x, const gp_layout *l, double busy_s)
{
    if (l->pp <= 1)
        return 0.0;
    const gp_job_constants *k = x->k;
    /* Per micro-batch a stage sends its output activations forward and,
     * in the backward pass, the gradient of its input back: each of
     * b x s x h 16-bit values (Narayanan et al. 2021, "Efficient
     * Large-Scale Language Model Training on GPU Clusters Using
     * Megatron-LM", SC21, section 3.2 and 4.1: b·s·h per pair of
     * consecutive stages). With tensor parallelism each of the t ranks
     * holds 1/t of it (sequence parallelism shards it along the sequence,
     * Korthikanti et al. 2022; without it, Megatron's scatter/gather
     * optimisation sends 1/t per rank, Narayanan et al. section 4.1), and
     * each rank sends its part over its own link. Recomputation repeats
     * no transfer (the stage keeps its input). The interleaved schedule
     * crosses every stage boundary once per model chunk: v times the
     * messages (Narayanan et al. section 2.2.2). */
    int cp = l->cp > 1 ? l->cp : 1;
    /* Context parallelism splits the sequence: each CP rank sends its own
     * s / cp tokens' activations (Megatron-LM's CP keeps the pipeline
     * messages per rank). */
    double bytes = 2.0 * l->micro_batch * (x->seq / cp) * x->m->hidden / l->tp;
    /* Between nodes each rank uses its own NIC share (one NIC per GPU on
     * rail-optimised clusters); inside a node, NVLink. Each message also
     * pays one hop of latency. */
    double bw = gp_job_pp_crosses_nodes(x, l) ? x->net_bw : x->scaleup_bw;
    double msg = bytes / (bw * k->network_efficiency) + k->hop_latency_s;
    double chunks = (double)l->vp * l->micro_batches; /* chunk-micro-batches */
    double t;
    if (l->vp <= 1) {
        /* 1F1B without interleaving exchanges activations with blocking
         * send/receive pairs between a stage's forward and backward passes:
         * every transfer sits on the critical path (Megatron-LM turns
         * overlap_p2p_comm off for the non-interleaved schedule,
         * megatron/training/arguments.py). */
        t = 2.0 * chunks * msg;
    } else {
        /* The interleaved schedule overlaps them by default
         * (--no-overlap-p2p-communication turns it off): in the steady
         * state each chunk's forward and backward sends run behind its
         * compute, and only what exceeds that compute is exposed. The
         * warm-up and flush are not overlapped
         * (overlap_p2p_comm_warmup_flush is off by default): the first
         * stage runs 2(p-1) + (v-1)p chunks forward before its first
         * backward (Megatron-LM's interleaved schedule), and as many
         * backward-only at the end, one exposed message each. */
        double warm = 2.0 * (l->pp - 1) + (l->vp - 1.0) * l->pp;
        if (warm > chunks)
            warm = chunks;
        double per_chunk = busy_s / chunks; /* forward + backward of a chunk */
        double excess = 2.0 * msg - per_chunk;
        t = 2.0 * warm * msg + (chunks - warm) * (excess > 0 ? excess : 0.0);
    }
    return t * (1.0 - k->pp_overlap);
}

double gp_job_dp_hidden(const gp_job_ctx *x, const gp_layout *l, double compute_s)
{
    /* Gradient reduction can only run behind backward passes that still
     * produce gradients: with gradient accumulation over m micro-batches,
     * PyTorch DDP (no_sync) and Megatron's overlap_grad_reduce start it in
     * the last micro-batch's backward, and the parameter all-gather of the
     * distributed optimizer runs behind the next step's first forward
     * (overlap_param_gather): about one micro-batch of compute, of which
     * dp_overlap can hide traffic (the first and last buckets cannot).
     * ZeRO-3 gathers and reduces around every micro-batch, so all of the
     * compute is available. */
    double window = l->zero >= 3 ? compute_s : compute_s / l->micro_batches;
    return x->k->dp_overlap * window;
}
