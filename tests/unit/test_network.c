/* Traffic between nodes (issue 9 section 4): the pipeline point-to-point
 * term, tensor parallelism kept inside a node, slow networks against a
 * published Ethernet vs InfiniBand measurement, and the `network unknown`
 * mark on estimates and plans. */
#include "test_util.h"

#include "gpuplan/plan.h"

typedef struct fixture {
    gp_model_table *models;
    gp_accel_table *accels;
    gp_catalog *cat;
    gp_terms *terms;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    gp_error err;
    if (!f || gp_model_table_load_default(&f->models, &err) != GP_OK ||
        gp_accel_table_load_default(&f->accels, &err) != GP_OK ||
        gp_terms_load_default(&f->terms, &err) != GP_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gp_model_table_free(f->models);
    gp_accel_table_free(f->accels);
    gp_catalog_free(f->cat);
    gp_terms_free(f->terms);
    free(f);
    return 0;
}

static gp_job job_for(fixture *f, const gp_model *m, const char *gpu, int gpus,
                      double net_gbps)
{
    gp_job job;
    gp_job_init(&job);
    job.model = m;
    job.accel = gp_accel_find(f->accels, gpu);
    job.tokens = 1e12;
    job.gpus = gpus;
    job.internode_gbps = net_gbps;
    job.no_assumptions = 1;
    assert_non_null(job.model);
    assert_non_null(job.accel);
    return job;
}

static gp_estimate run(const gp_job *job)
{
    gp_estimate e;
    gp_error err;
    if (gp_job_estimate(job, &e, &err) != GP_OK)
        fail_msg("estimate failed: %s", err.message);
    assert_true(e.fits);
    return e;
}

/* The p2p term by hand. Llama 3 70B (hidden 8192, 8,192-token sequences)
 * on 128 H100 at 400 Gb/s per GPU, TP 8 x PP 8 x DP 2, four micro-batches
 * of one sequence per step (fewer than the stages, so no interleaving):
 * TP x PP = 64 GPUs span eight 8-GPU nodes, so every stage boundary
 * crosses the network. Per micro-batch a stage sends its activations
 * forward and its input gradient back (Narayanan et al. 2021, SC21,
 * section 4.1: b·s·h values per pair of stages), each rank 1/8 of
 * 2 x 8192 x 8192 bytes = 16 MiB, at 400 Gb/s x 0.8 collective efficiency,
 * plus 10 µs of latency per message; 1F1B without interleaving blocks on
 * each of the 2 x 4 messages. */
static void pp_term_by_hand(void **state)
{
    fixture *f = *state;
    const gp_model *m = gp_model_find(f->models, "llama-3-70b");
    gp_job job = job_for(f, m, "H100", 128, 400);
    job.tp = 8;
    job.pp = 8;
    job.zero = 1;
    job.micro_batch = 1;
    job.global_batch_tokens = 8.0 * m->seq_len;
    gp_estimate e = run(&job);
    assert_int_equal(e.layout.pp, 8);
    assert_int_equal(e.layout.vp, 1);
    assert_int_equal(e.layout.micro_batches, 4);
    double bytes = 2.0 * m->seq_len * m->hidden / 8.0;
    double per_msg = bytes / (400e9 / 8 * 0.8) + 10e-6;
    assert_close(e.step.pp_comm_s, 2.0 * 4 * per_msg, 1e-9);
    /* It sits inside the pipeline, bubble included. */
    double bubble = (8 - 1.0) / 4.0;
    assert_close(e.step.step_s,
                 (e.step.compute_s + e.step.tp_comm_s + e.step.ep_comm_s + e.step.pp_comm_s) *
                         (1 + bubble) +
                     e.step.dp_comm_s,
                 1e-9);
}

/* The term appears with a pipeline and grows with the micro-batches and
 * the sequence; without a pipeline there is none; inside one node it
 * rides NVLink and costs far less than over the network; the interleaved
 * schedule hides its steady state behind compute (Megatron-LM's default
 * overlap_p2p_comm) and exposes only the warm-up and flush. */
static void pp_term_grows(void **state)
{
    fixture *f = *state;
    const gp_model *base = gp_model_find(f->models, "llama-3-70b");
    gp_job job = job_for(f, base, "H100", 128, 100);
    job.tp = 8;
    job.pp = 8;
    job.zero = 1;
    job.micro_batch = 1;
    job.global_batch_tokens = 8.0 * base->seq_len; /* 4 micro-batches */
    gp_estimate few = run(&job);
    job.global_batch_tokens = 12.0 * base->seq_len; /* 6 */
    gp_estimate many = run(&job);
    assert_int_equal(few.layout.vp, 1);
    assert_int_equal(many.layout.vp, 1);
    assert_true(few.step.pp_comm_s > 0);
    assert_int_equal(many.layout.micro_batches, 6);
    assert_close(many.step.pp_comm_s / few.step.pp_comm_s, 6.0 / 4.0, 1e-9);

    gp_model shorter = *base;
    shorter.seq_len = base->seq_len / 2;
    job.model = &shorter;
    job.global_batch_tokens = 8.0 * shorter.seq_len; /* 4 micro-batches */
    gp_estimate half = run(&job);
    job.model = base;
    assert_int_equal(half.layout.micro_batches, 4);
    /* Half the bytes per message (the 10 µs latency stays). */
    assert_close(half.step.pp_comm_s - 8 * 10e-6, (few.step.pp_comm_s - 8 * 10e-6) / 2,
                 1e-9);

    job.pp = 1;
    job.zero = 3;
    job.global_batch_tokens = 128.0 * base->seq_len;
    gp_estimate flat = run(&job);
    assert_int_equal(flat.layout.pp, 1);
    assert_true(flat.step.pp_comm_s == 0);

    /* TP 2 x PP 4 = 8 GPUs: the pipeline stays in one node; TP 4 x PP 4
     * spans two. Three micro-batches per pipeline (fewer than the stages:
     * no interleaving). */
    job.pp = 4;
    job.zero = 1;
    job.tp = 2;
    job.global_batch_tokens = 48.0 * base->seq_len;
    gp_estimate inside = run(&job);
    job.tp = 4;
    job.global_batch_tokens = 24.0 * base->seq_len;
    gp_estimate across = run(&job);
    assert_int_equal(inside.layout.micro_batches, 3);
    assert_int_equal(across.layout.micro_batches, 3);
    /* Per message per rank: NVLink (450 GB/s one way) against 100 Gb/s. */
    double in = inside.step.pp_comm_s * inside.layout.tp;
    double out = across.step.pp_comm_s * across.layout.tp;
    assert_true(out > 20 * in);

    /* Interleaved: 64 micro-batches on PP 8 leave room for chunks; the
     * exposed share is below what blocking transfers would cost. */
    job.tp = 8;
    job.pp = 8;
    job.global_batch_tokens = 128.0 * base->seq_len;
    gp_estimate il = run(&job);
    assert_true(il.layout.vp > 1);
    double bytes = 2.0 * base->seq_len * base->hidden / 8.0;
    double blocking =
        2.0 * il.layout.vp * il.layout.micro_batches * (bytes / (100e9 / 8 * 0.8) + 10e-6);
    assert_true(il.step.pp_comm_s > 0);
    assert_true(il.step.pp_comm_s < blocking);
}

/* Tensor parallelism never leaves an 8-GPU node: the layout search keeps
 * TP within the node at every count, and asking for more is refused. A
 * GB200 NVL72 rack is one NVLink domain of 72 GPUs (data/cluster-network.csv),
 * where TP may be wider than 8. */
static void tp_stays_in_node(void **state)
{
    fixture *f = *state;
    const gp_model *m = gp_model_find(f->models, "llama-3.1-405b");
    assert_non_null(m);
    static const int COUNTS[] = {512, 1024, 4096};
    for (size_t i = 0; i < sizeof(COUNTS) / sizeof(COUNTS[0]); i++) {
        gp_job job = job_for(f, m, "H100", COUNTS[i], 12.5);
        job.gpus_per_node = 8;
        gp_estimate e = run(&job);
        assert_true(e.layout.tp <= 8);
    }
    gp_job job = job_for(f, m, "H100", 1024, 400);
    job.gpus_per_node = 8;
    job.tp = 16;
    gp_estimate e;
    gp_error err;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.gpus_per_node = 72;
    job.gpus = 1152;
    job.accel = gp_accel_find(f->accels, "GB200");
    assert_non_null(job.accel);
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_OK);
    assert_int_equal(e.layout.tp, 16);
}

/* Ethernet against InfiniBand, measured: Azure ND96isr_H100_v5 (8 H100,
 * 8 x 400 Gb/s NDR InfiniBand per VM), Qwen2.5-72B fine-tuned with PyTorch
 * FSDP on 8 nodes: InfiniBand gave 38-45x the throughput of the VMs'
 * Ethernet (NCCL over TCP sockets, "~40-50 Gbps accelerated networking")
 * (Jingchao Zhang, Microsoft, "InfiniBand vs Ethernet for Multi-Node LLM
 * Fine-Tuning", jingchaozhang.github.io, 2026). The model on the same
 * shape: Llama 3 70B's 80 x 8192 layers for Qwen2.5-72B's, ZeRO-3 with
 * TP 1 x PP 1 (FSDP), 64 GPUs, one 4,096-token sequence per GPU (the post
 * gives no batch; the smallest FSDP batch, the most communication per
 * token), 45 Gb/s per node against 3,200. The model gives about 21x
 * (2026-12-02). The band is a factor of three either way of 38-45x: the
 * post's NCCL-over-TCP path probably delivers less than the 80% of link
 * rate the model assumes for collectives, and its batch is not stated, so
 * the model is expected low within it. */
static void ethernet_vs_infiniband_measured(void **state)
{
    fixture *f = *state;
    const gp_model *m = gp_model_find(f->models, "llama-3-70b");
    double mfu[2];
    const double net[2] = {45.0 / 8, 3200.0 / 8};
    for (int i = 0; i < 2; i++) {
        gp_job job = job_for(f, m, "H100", 64, net[i]);
        job.tp = 1;
        job.pp = 1;
        job.zero = 3;
        job.global_batch_tokens = 64.0 * 4096;
        gp_model fine = *m;
        fine.seq_len = 4096;
        job.model = &fine;
        gp_estimate e = run(&job);
        mfu[i] = e.mfu;
    }
    double ratio = mfu[1] / mfu[0];
    assert_true(ratio >= 38.0 / 3 && ratio <= 45.0 * 3);
}

/* The same 70B pretraining job with the layout search free: 100 Gb/s
 * Ethernet per 8-GPU node must land far below 3,200 Gb/s InfiniBand/EFA
 * (below three quarters of its MFU), and 1 Gb/s per GPU, a marketplace
 * host's internet link, must collapse it (issue 9: it was 34% before the
 * pipeline traffic was modelled). 2026-12-02: 50.9%, 35.4%, 5.6%. */
static void slow_network_far_below(void **state)
{
    fixture *f = *state;
    const gp_model *m = gp_model_find(f->models, "llama-3-70b");
    gp_job job = job_for(f, m, "H100", 512, 3200.0 / 8);
    double fast = run(&job).mfu;
    job.internode_gbps = 100.0 / 8;
    double eth = run(&job).mfu;
    job.internode_gbps = 1.0;
    double slow = run(&job).mfu;
    assert_true(fast > 0.4);
    assert_true(eth < 0.75 * fast);
    assert_true(slow < 0.15);
}

/* Where the figure comes from: the accelerator's reference cluster is a
 * source; no data for the chip is an assumption; a caller's figure keeps
 * the caller's word on it. */
static void estimate_network_known(void **state)
{
    fixture *f = *state;
    const gp_model *m = gp_model_find(f->models, "llama-3-8b");
    gp_job job = job_for(f, m, "H100", 64, NAN);
    gp_estimate e = run(&job);
    assert_true(e.network_known);
    assert_close(e.internode_gbps, 400, 1e-12);
    job.accel = gp_accel_find(f->accels, "L40S");
    assert_non_null(job.accel);
    e = run(&job);
    assert_false(e.network_known);
    job.accel = gp_accel_find(f->accels, "H100");
    job.internode_gbps = 12.5;
    e = run(&job);
    assert_true(e.network_known);
    assert_string_equal(e.network_source, "given");
    job.network_assumed = 1;
    job.network_source = "assumed";
    e = run(&job);
    assert_false(e.network_known);
    assert_string_equal(e.network_source, "assumed");
}

/* Plans: a documented fabric is known (p5.48xlarge: AWS's 3,200 Gb/s);
 * an 8-GPU instance with no network data is assumed 100 Gb/s Ethernet per
 * node and marked unknown when it spans nodes; one instance moves nothing
 * between nodes and is never marked. */
static void plan_network_marks(void **state)
{
    fixture *f = *state;
    static const char CSV[] =
        "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,spot_usd_per_hour,"
        "fabric,fabric_gbps,source,as_of\n"
        "aws,hyperscaler,p5.48xlarge,us-east-1,H100,8,55.04,,efa,3200,test,2026-11-01\n"
        "lambda,neocloud,8x-h100-eth,us-west,H100,8,20.0,,,,test,2026-11-01\n";
    gp_error err;
    assert_int_equal(gp_catalog_new(&f->cat, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(f->cat, "net.csv", CSV, sizeof(CSV) - 1,
                                                   NULL, &err),
                     GP_OK);
    gp_plan_request r;
    gp_plan_request_init(&r);
    r.job.model = gp_model_find(f->models, "llama-3-8b");
    r.job.tokens = 1e12;
    r.deadline_hours = 30 * 24;
    r.trials = 200;
    r.spot = GP_ALLOW_NEVER;
    r.reserved = GP_ALLOW_NEVER;
    r.capacity = GP_CAPACITY_RANK_ANY;
    gp_plan_result res;
    assert_int_equal(gp_plan_run(f->cat, f->terms, &r, &res, &err), GP_OK);
    int seen = 0;
    for (size_t i = 0; i < res.nplans; i++) {
        const gp_plan *p = &res.plans[i];
        assert_non_null(p->network.source);
        if (strcmp(p->offer->provider, "aws") == 0) {
            assert_true(p->network.known);
            assert_close(p->network.gbps_per_node, 3200, 1e-12);
            assert_close(p->network.gbps_per_gpu, 400, 1e-12);
            seen |= 1;
        } else {
            assert_true(p->instances > 1);
            assert_true(p->network.multi_node);
            assert_false(p->network.known);
            assert_close(p->network.gbps_per_node, 100, 1e-12);
            int noted = 0;
            for (size_t k = 0; k < p->nnotes; k++)
                noted |= strstr(p->notes[k], "network unknown") != NULL;
            assert_true(noted);
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    gp_plan_result_free(&res);

    /* One instance: nothing between nodes, known. */
    r.max_gpus = 8;
    r.deadline_hours = NAN;
    assert_int_equal(gp_plan_run(f->cat, f->terms, &r, &res, &err), GP_OK);
    for (size_t i = 0; i < res.nplans; i++) {
        assert_int_equal(res.plans[i].instances, 1);
        assert_true(res.plans[i].network.known);
        assert_false(res.plans[i].network.multi_node);
    }
    gp_plan_result_free(&res);
}

/* A GB200 NVL72 tray (4 GPUs) sits in a 72-GPU NVLink domain: the planner
 * gives the job model the rack's domain (data/cluster-network.csv), where
 * traffic between trays rides NVLink; the same tray without the NVL72 name
 * is a 4-GPU node whose traffic crosses the network. */
static void nvl72_tray_domain(void **state)
{
    fixture *f = *state;
    static const char CSV[] =
        "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,spot_usd_per_hour,"
        "fabric,fabric_gbps,source,as_of\n"
        "acme,neocloud,GB200 NVL72 tray,us,GB200,4,42.0,,infiniband,1600,test,2026-11-01\n"
        "bcme,neocloud,GB200 tray,us,GB200,4,42.0,,infiniband,1600,test,2026-11-01\n";
    gp_catalog *cat = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&cat, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(cat, "nvl.csv", CSV, sizeof(CSV) - 1, NULL,
                                                   &err),
                     GP_OK);
    gp_plan_request r;
    gp_plan_request_init(&r);
    r.job.model = gp_model_find(f->models, "llama-3-70b");
    r.job.tokens = 1.4e12;
    r.deadline_hours = 30 * 24;
    r.trials = 200;
    r.spot = GP_ALLOW_NEVER;
    r.reserved = GP_ALLOW_NEVER;
    r.capacity = GP_CAPACITY_RANK_ANY;
    gp_plan_result res;
    assert_int_equal(gp_plan_run(cat, f->terms, &r, &res, &err), GP_OK);
    const gp_plan *rack = NULL, *tray = NULL;
    for (size_t i = 0; i < res.nplans; i++) {
        if (strstr(res.plans[i].offer->instance_type, "NVL72"))
            rack = &res.plans[i];
        else
            tray = &res.plans[i];
    }
    assert_non_null(rack);
    assert_non_null(tray);
    assert_true(rack->mfu > tray->mfu);
    assert_true(tray->layout.tp <= 4);
    gp_plan_result_free(&res);
    gp_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pp_term_by_hand),
        cmocka_unit_test(pp_term_grows),
        cmocka_unit_test(tp_stays_in_node),
        cmocka_unit_test(ethernet_vs_infiniband_measured),
        cmocka_unit_test(slow_network_far_below),
        cmocka_unit_test(estimate_network_known),
        cmocka_unit_test(plan_network_marks),
        cmocka_unit_test(nvl72_tray_domain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
