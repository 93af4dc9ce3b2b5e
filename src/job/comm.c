/* Communication between pipeline stages: the point-to-point traffic of one
 * layout's step. The other parallel dimensions' traffic (TP, EP, DP) is in
 * job_cost.c; docs/estimate.md ("Pipeline point-to-point") derives this one. */
#include "job/job_internal.h"

int gp_job_pp_crosses_nodes(const gp_job_ctx *x, const gp_layout *l)
{
    /* Ranks are laid out TP fastest, then PP, then DP (the order the DP
     * term in job_cost.c assumes: a node holds whole model replicas when
     * TP x PP fits in it). A pipeline then leaves its node exactly when its
     * TP x PP ranks do not fit in one node; the stage boundary that
     * crosses nodes paces every micro-batch. */
    return l->pp > 1 && (long)l->tp * l->pp > x->node;
}

double gp_job_pp_comm(const gp_job_ctx *x, const gp_layout *l)
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
    double bytes = 2.0 * l->micro_batch * x->seq * x->m->hidden / l->tp;
    double messages = 2.0 * l->vp * l->micro_batches;
    /* Between nodes each rank uses its own NIC share (one NIC per GPU on
     * rail-optimised clusters); inside a node, NVLink. Each message also
     * pays one hop of latency. */
    double bw = gp_job_pp_crosses_nodes(x, l) ? x->net_bw : x->scaleup_bw;
    double t = messages * (bytes / (bw * k->network_efficiency) + k->hop_latency_s);
    /* Megatron-LM's 1F1B exchanges activations with blocking send/receive
     * pairs between a stage's forward and backward passes, so the transfer
     * sits on the critical path of every micro-batch: exposed unless
     * pp_overlap says otherwise (Megatron-Core's overlap_p2p_comm, for the
     * interleaved schedule only, hides part of it; not assumed). */
    return t * (1.0 - k->pp_overlap);
}
