/* The training-job model: each formula against hand-computed values, the
 * layout choice, and the range checks. */
#include "test_util.h"

#include "gpuplan/job.h"

typedef struct fixture {
    gp_model_table *models;
    gp_accel_table *accels;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    gp_error err;
    if (!f || gp_model_table_load_default(&f->models, &err) != GP_OK ||
        gp_accel_table_load_default(&f->accels, &err) != GP_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gp_model_table_free(f->models);
    gp_accel_table_free(f->accels);
    free(f);
    return 0;
}

static gp_job job_for(fixture *f, const char *model, const char *gpu, double tokens,
                      int gpus)
{
    gp_job job;
    gp_job_init(&job);
    job.model = gp_model_find(f->models, model);
    job.accel = gp_accel_find(f->accels, gpu);
    job.tokens = tokens;
    job.gpus = gpus;
    assert_non_null(job.model);
    assert_non_null(job.accel);
    return job;
}

static gp_estimate run(const gp_job *job)
{
    gp_estimate e;
    gp_error err;
    gp_status st = gp_job_estimate(job, &e, &err);
    if (st != GP_OK)
        fail_msg("estimate failed: %s", err.message);
    return e;
}

/* Llama 2 7B on 2T tokens. Multiplying parameters: 6,738,415,616 less the
 * 32000 x 4096 input embedding = 6,607,343,616; 6 FLOPs each per token =
 * 39,644,061,696. Attention: 6 x 32 layers x 4096 tokens x 32 heads x
 * (128 + 128) = 6,442,450,944. Per token 46,086,512,640; x 2e12. */
static void flops_llama2_7b(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", "A100-80GB", 2e12, 256);
    gp_estimate e = run(&job);
    assert_true(e.model_flops_per_token == 46086512640.0);
    assert_close(e.model_flops, 46086512640.0 * 2e12, 1e-12);
    /* Without recomputation hardware FLOPs equal model FLOPs. */
    job.recompute = GP_RECOMPUTE_NONE;
    e = run(&job);
    assert_true(e.hardware_flops_per_token == e.model_flops_per_token);
    /* Full recomputation adds a forward pass: 4/3 of the model FLOPs, and
     * the hardware utilisation is 4/3 of the model utilisation. */
    job.recompute = GP_RECOMPUTE_FULL;
    e = run(&job);
    assert_close(e.hardware_flops_per_token, e.model_flops_per_token * 4.0 / 3.0, 1e-12);
    assert_close(e.hfu, e.mfu * 4.0 / 3.0, 1e-12);
}

/* The attention term grows with the sequence; the parameter term does not. */
static void attention_scales_with_sequence(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "llama-2-7b", "H100", 1e11, 8);
    gp_estimate a = run(&job);
    gp_model longer = *job.model;
    longer.seq_len *= 2;
    job.model = &longer;
    gp_estimate b = run(&job);
    assert_close(b.model_flops_per_token - a.model_flops_per_token, 6442450944.0, 1e-12);
}

/* Mixed-precision AdamW keeps 2 + 2 + 12 = 16 bytes per parameter: on one
 * GPU, without sharding, Llama 2 7B needs 16 x 6,738,415,616 bytes of
 * weights, gradients and optimizer state, which cannot fit in 80 GB. */
static void adamw_sixteen_bytes(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", "H100", 1e11, 1);
    gp_estimate e = run(&job);
    double states = e.memory.weights_gb + e.memory.gradients_gb + e.memory.optimizer_gb;
    assert_close(states, 16.0 * 6738415616.0 / 1e9, 1e-12);
    assert_close(e.memory.weights_gb, 2.0 * 6738415616.0 / 1e9, 1e-12);
    assert_false(e.fits);
    assert_true(isnan(e.wall_hours) && isnan(e.mfu));
    /* 8-bit AdamW: 2 + 2 + 6; SGD with momentum: 2 + 2 + 8. */
    job.optimizer = GP_OPT_ADAMW_8BIT;
    e = run(&job);
    assert_close(e.memory.weights_gb + e.memory.gradients_gb + e.memory.optimizer_gb,
                 10.0 * 6738415616.0 / 1e9, 1e-12);
    job.optimizer = GP_OPT_SGD;
    e = run(&job);
    assert_close(e.memory.weights_gb + e.memory.gradients_gb + e.memory.optimizer_gb,
                 12.0 * 6738415616.0 / 1e9, 1e-12);
}

/* A 70B model: 16 x 70e9 = 1.12 TB of states. Eight 80 GB GPUs hold 640 GB
 * at most, so nothing fits; 32 GPUs with ZeRO-3 hold 35 GB each. */
static void seventy_b_needs_zero3(void **state)
{
    fixture *f = *state;
    gp_model m;
    gp_error err;
    gp_model_spec spec = {.params = 70e9};
    assert_int_equal(gp_model_derive(&spec, &m, &err), GP_OK);
    gp_job job;
    gp_job_init(&job);
    job.model = &m;
    job.accel = gp_accel_find(f->accels, "A100-80GB");
    job.tokens = 1.4e12;
    job.gpus = 8;
    gp_estimate e = run(&job);
    assert_false(e.fits);
    assert_true(e.min_gpus > 8);
    job.gpus = 32;
    job.zero = 3;
    e = run(&job);
    assert_true(e.fits);
    assert_int_equal(e.layout.zero, 3);
    double states = e.memory.weights_gb + e.memory.gradients_gb + e.memory.optimizer_gb;
    /* ... plus ZeRO-3's gathered buffers: two layers' unsharded 16-bit
     * weights and one layer's gradients (6 bytes per parameter of one
     * layer of this rank's TP x PP shard; PyTorch FSDP's rate limiter keeps
     * two all-gathers in flight, arXiv:2304.11277). */
    double layer = 70e9 / (e.layout.tp * e.layout.pp) /
                   ceil((double)m.layers / e.layout.pp);
    assert_close(states, 1120.0 / 32.0 + 6.0 * layer / 1e9, 1e-9);
    assert_true(e.memory.total_gb <= e.memory.capacity_gb);
    /* ZeRO-1 shards only the optimizer state: 32 GPUs are not enough
     * without tensor or pipeline parallelism. */
    job.zero = 1;
    job.tp = 1;
    job.pp = 1;
    e = run(&job);
    assert_false(e.fits);
    assert_close(e.memory.weights_gb + e.memory.gradients_gb, 4.0 * 70.0, 1e-12);
}

/* Usable memory is 90% of the device less 1.5 GB. */
static void capacity(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", "H100", 1e11, 8);
    gp_estimate e = run(&job);
    assert_close(e.memory.capacity_gb, 80.0 * 0.9 - 1.5, 1e-12);
    assert_close(e.memory.total_gb,
                 e.memory.weights_gb + e.memory.gradients_gb + e.memory.optimizer_gb +
                     e.memory.activations_gb,
                 1e-12);
}

/* Layout: a 7B model on one node needs no tensor or pipeline parallelism;
 * a 175B model on 96 GPUs with only the optimizer sharded must split its
 * layers; pipeline parallelism appears only when needed. */
static void layout_choice(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "llama-2-7b", "A100-80GB", 1e11, 8);
    gp_estimate e = run(&job);
    assert_int_equal(e.layout.tp, 1);
    assert_int_equal(e.layout.pp, 1);
    assert_int_equal(e.layout.dp, 8);
    assert_int_equal(e.layout.tp * e.layout.pp * e.layout.dp, 8);

    job = job_for(f, "gpt-3-175b", "H100", 3e11, 96);
    job.zero = 1;
    e = run(&job);
    assert_true(e.fits);
    assert_true(e.layout.tp * e.layout.pp >= 8);
    assert_true(e.layout.tp <= 8); /* inside a node */
    assert_int_equal(e.layout.tp * e.layout.pp * e.layout.dp, 96);
    assert_non_null(strstr(e.layout_reason, "TP"));

    /* Forced to one pipeline stage and ZeRO-1, 175B cannot fit on 96. */
    job.pp = 1;
    e = run(&job);
    assert_false(e.fits);
}

/* The user's MFU and goodput replace the model's: wall time is exactly
 * FLOPs / (GPUs x peak x MFU) / goodput. */
static void mfu_override(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", "A100-80GB", 2e12, 256);
    job.mfu = 0.5;
    job.goodput = 0.8;
    gp_estimate e = run(&job);
    assert_close(e.mfu, 0.5, 1e-12);
    double seconds = 46086512640.0 * 2e12 / (256 * 312e12 * 0.5);
    assert_close(e.wall_hours, seconds / 3600.0 / 0.8, 1e-12);
    assert_close(e.gpu_hours, 256 * e.wall_hours, 1e-12);
    assert_close(e.tokens_per_second, 2e12 / seconds, 1e-12);
}

/* Goodput: production efficiency x the failure and checkpoint model
 * (Young 1974's interval sqrt(2 x write time x MTBF)). */
static void goodput_formula(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", "H100", 1e11, 1024);
    gp_estimate e = run(&job);
    const gp_job_constants *k = gp_job_constants_default();
    double mtbf = 1.0 / (k->interruptions_per_gpu_hour * 1024);
    double delta = (e.memory.weights_gb + e.memory.optimizer_gb) / k->checkpoint_gbps_per_gpu / 3600;
    double tau = sqrt(2 * delta * mtbf);
    double want = k->production_efficiency /
                  (1 + delta / tau + (k->restart_hours + tau / 2) / mtbf);
    assert_close(e.goodput, want, 1e-12);
    /* Llama 3's rate: 419 interruptions in 54 days on 16,384 GPUs. */
    assert_close(k->interruptions_per_gpu_hour, 419.0 / (54 * 24 * 16384.0), 1e-12);
    assert_close(e.wall_hours, 1e11 / e.tokens_per_second / 3600 / e.goodput, 1e-12);
}

/* Published failure figures the goodput model must reproduce. */
static void goodput_published(void **state)
{
    const gp_job_constants *k = gp_job_constants_default();
    /* BigScience (huggingface/blog bloom-megatron-deepspeed-technology.md):
     * "about 400 GPUs, on average we were getting 1-2 GPU failures a
     * week" (BLOOM-176B on 384 A100). */
    double per_week = k->interruptions_per_gpu_hour * 384 * 24 * 7;
    assert_true(per_week >= 1.0 && per_week <= 2.0);
    /* Llama 3 (arXiv:2407.21783, section 3.3.4): "higher than 90% effective
     * training time" for 405B on 16,384 H100 (TP 8, PP 16, Table 4). */
    gp_job job = job_for(*state, "llama-3.1-405b", "H100", 1e12, 16384);
    job.tp = 8;
    job.pp = 16;
    job.global_batch_tokens = 16777216;
    gp_estimate e = run(&job);
    assert_true(e.fits);
    double failures = e.goodput / k->production_efficiency;
    assert_true(failures >= 0.90 && failures <= 0.97);
}

/* Fix 3 (issue 10): the compute terms with causes. llm-foundry's
 * benchmark table (mosaicml/llm-foundry scripts/train/benchmarking/
 * README.md, 8 A100-80GB, BF16, FSDP, sequence 2,048) gives MPT-125M
 * (12 layers x 768) 44.45% MFU at micro-batch 32 and MPT-7B 64.23%. A
 * model of the small one's shape (Pythia-160M: 12 x 768, GELU) must come
 * out within 25% of 44.45%, below the 7B, and lower still with smaller
 * micro-batches (more kernels per token, thinner matmuls). */
static void small_models_slower(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "pythia-160m", "A100-80GB", 1e11, 8);
    job.zero = 3;
    job.micro_batch = 32;
    job.global_batch_tokens = 32.0 * 8 * 2048;
    gp_estimate small = run(&job);
    assert_true(small.fits);
    assert_true(small.mfu > 0.4445 * 0.8 && small.mfu < 0.4445 * 1.25);
    job.micro_batch = 1;
    job.global_batch_tokens = 8 * 2048;
    gp_estimate tiny = run(&job);
    assert_true(tiny.mfu < 0.9 * small.mfu);
    gp_job big = job_for(f, "llama-2-7b", "A100-80GB", 1e11, 8);
    big.zero = 3;
    big.micro_batch = 6;
    big.global_batch_tokens = 6.0 * 8 * 2048;
    gp_model m7 = *big.model;
    m7.seq_len = 2048;
    big.model = &m7;
    gp_estimate b = run(&big);
    assert_true(b.mfu > small.mfu);
}

/* Fix 4: FP8 training. Megatron-Bridge 25.11 (docs/performance-summary.md,
 * DGX-H100, FP8 current scaling): Llama 3 8B on 8 H100, sequence 8,192,
 * global batch 128, micro-batch 1, FSDP: 744 TFLOPS per GPU. Within 25%,
 * and below twice the bf16 figure (attention, norms and the optimizer stay
 * in 16 bits; DeepSeek-V3 report section 3.3). The FP8 dense peak is
 * twice the BF16 one on H100, H200, H800 and B200. */
static void fp8_published(void **state)
{
    fixture *f = *state;
    static const char *const CHIPS[] = {"H100", "H200", "H800", "B200"};
    for (size_t i = 0; i < 4; i++) {
        const gp_accel *a = gp_accel_find(f->accels, CHIPS[i]);
        assert_non_null(a);
        assert_close(a->tflops[GP_PREC_FP8], 2 * a->tflops[GP_PREC_BF16], 0.01);
    }
    gp_job job = job_for(f, "llama-3-8b", "H100", 1e11, 8);
    job.precision = GP_PREC_FP8;
    job.zero = 3;
    job.micro_batch = 1;
    job.global_batch_tokens = 128.0 * 8192;
    gp_estimate e = run(&job);
    double tflops = e.tokens_per_second_per_gpu * e.model_flops_per_token / 1e12;
    assert_true(tflops > 744 * 0.8 && tflops < 744 * 1.25);
    job.precision = GP_PREC_BF16;
    gp_estimate b = run(&job);
    assert_true(e.tokens_per_second < 2 * b.tokens_per_second);
    assert_true(e.tokens_per_second > b.tokens_per_second);
}

/* Fixes 4 and 5: DeepSeek-V3 on its own hardware. The report
 * (arXiv:2412.19437) gives 2,664K H800 GPU-hours for pre-training 14.8T
 * tokens on 2,048 H800 (NVLink 400 GB/s, section 3.1), in FP8 (3.3), with
 * batches of 15,360 x 4,096 tokens (4.2) and the all-to-all hidden by
 * DualPipe (3.2.1). Within 25%; without the overlap it is slower. */
static void deepseek_v3_published(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "deepseek-v3", "H800", 14.8e12, 2048);
    job.precision = GP_PREC_FP8;
    job.global_batch_tokens = 15360.0 * 4096;
    job.ep_overlap = 1;
    gp_estimate e = run(&job);
    assert_true(e.fits);
    assert_true(e.gpu_hours > 2.664e6 * 0.8 && e.gpu_hours < 2.664e6 * 1.25);
    job.ep_overlap = 0;
    gp_estimate slow = run(&job);
    assert_true(slow.gpu_hours > e.gpu_hours);
    /* The H800 is an H100 with NVLink cut to 400 GB/s (200 one way). */
    const gp_accel *h800 = gp_accel_find(f->accels, "H800");
    const gp_accel *h100 = gp_accel_find(f->accels, "H100");
    assert_close(h800->tflops[GP_PREC_BF16], h100->tflops[GP_PREC_BF16], 1e-12);
    assert_close(h800->intra_node_bw_unidir_gbps, 200, 1e-12);
}

/* Routed experts' gradients are reduced only among the dp / ep ranks that
 * hold the same experts (DeepSpeed-MoE, Rajbhandari et al. 2022, section
 * 5.1), and a node holding several distinct expert shards cannot
 * pre-reduce them over NVLink. Mixtral 8x7B (config.json: 32 layers,
 * hidden 4,096, 8 experts of 14,336) has 32 x 8 x 3 x 4,096 x 14,336 =
 * 4.51e10 routed-expert parameters. On 64 H100 (8 nodes) at TP 1 x PP 1
 * the expert-parallel size is at most 8, so a node holds 8 / ep copies of
 * each of its ep distinct shards: with nothing hidden (dp_overlap 0)
 * ZeRO-1's reduce-scatter and all-gather send at least 2 x 2 bytes x
 * 4.51e10 / 8 x 7 / 8 per NIC (0.49 s at 400 Gb/s x 80%). Before, the
 * node's eight NICs were counted as carrying one shard (0.08-0.26 s). */
static void moe_expert_dp_traffic(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "mixtral-8x7b", "H100", 1e12, 64);
    job.cp = 1; /* its 32K sequences would otherwise take context parallelism */
    job.tp = 1;
    job.pp = 1;
    job.zero = 1;
    gp_job_constants k = *gp_job_constants_default();
    k.dp_overlap = 0;
    gp_estimate e;
    gp_error err;
    assert_int_equal(gp_job_estimate_with(&job, &k, &e, &err), GP_OK);
    assert_true(e.fits);
    int ep = e.layout.ep;
    assert_true(ep > 1 && ep <= 8);
    double experts = 32.0 * 8 * 3 * 4096 * 14336;
    double xnodes = (double)e.layout.dp / ep / (8.0 / ep); /* expert-DP ring */
    assert_close(xnodes, 8, 1e-12);
    double bytes = 2.0 * 2.0 * experts / ep * ep / 8 * (xnodes - 1) / xnodes;
    double floor_s = bytes / (e.internode_gbps / 8 * 1e9 * k.network_efficiency);
    assert_true(floor_s > 0.45);
    assert_true(e.step.dp_comm_s >= floor_s * 0.999);
}

/* The same with what a user types for DeepSeek-V3: --params 671B
 * --active-params 37B on 256 B200 in fp8. Megatron-Bridge 25.11's DGX-B200
 * table (FP8-MX) reports 557 TFLOPS per GPU; within 25% (the estimate was
 * 986, +77%, while expert gradients crossed the network once per node). */
static void moe_template_deepseek_v3_b200(void **state)
{
    fixture *f = *state;
    gp_model_spec spec = {0};
    spec.params = 671e9;
    spec.active_params = 37e9;
    gp_model m;
    gp_error err;
    assert_int_equal(gp_model_derive(&spec, &m, &err), GP_OK);
    gp_job job;
    gp_job_init(&job);
    job.model = &m;
    job.accel = gp_accel_find(f->accels, "B200");
    assert_non_null(job.accel);
    job.tokens = 1e12;
    job.gpus = 256;
    job.precision = GP_PREC_FP8;
    gp_estimate e = run(&job);
    assert_true(e.fits);
    double tflops = e.tokens_per_second_per_gpu * e.model_flops_per_token / 1e12;
    assert_true(tflops > 557 * 0.8 && tflops < 557 * 1.25);
}

/* B200's matmul rate is measured, not borrowed from H100: OpenXLA's
 * default GEMM table for sm_100 (matmul_interpolator_data.h) reaches
 * 1670.5 TFLOPS in bf16 and 3279.7 in fp8 (e4m3) at b=4, m=n=k=4096, of
 * the 2,250 and 4,500 dense peaks. */
static void b200_matmul_measured(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "llama-3-8b", "B200", 1e12, 8);
    job.precision = GP_PREC_FP8;
    gp_estimate e = run(&job);
    assert_true(e.matmul_measured);
    assert_close(e.matmul_efficiency, 3279.7 / 4500.0, 1e-9);
    job.precision = GP_PREC_BF16;
    e = run(&job);
    assert_true(e.matmul_measured);
    assert_close(e.matmul_efficiency, 1670.5 / 2250.0, 1e-9);
}

/* Fix 5: context parallelism. Llama 3 (arXiv:2407.21783, Table 4): 405B at
 * sequence 131,072 on 16,384 H100 with TP 8, CP 16, PP 16, DP 8 and 16M
 * tokens per batch reached 380 TFLOPS per GPU, 38% BF16 MFU. Within 25%
 * (the same layout came out at 3.3% MFU before CP was modelled). */
static void context_parallel_published(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "llama-3.1-405b", "H100", 8e11, 16384);
    gp_model m = *job.model;
    m.seq_len = 131072;
    job.model = &m;
    job.tp = 8;
    job.pp = 16;
    job.cp = 16;
    job.global_batch_tokens = 16777216;
    gp_estimate e = run(&job);
    assert_true(e.fits);
    assert_int_equal(e.layout.cp, 16);
    assert_int_equal(e.layout.dp, 8);
    assert_true(e.mfu > 0.38 * 0.8 && e.mfu < 0.38 * 1.25);
    /* Left to choose, the search uses CP too at this length. */
    job.cp = 0;
    job.tp = job.pp = 0;
    e = run(&job);
    assert_true(e.layout.cp > 1);
    assert_true(e.mfu > 0.30);
}

/* Fix 5: a TPU v4 pod is one ICI torus, not 8-chip nodes. PaLM 540B on
 * 6,144 TPU v4 (two pods) reached 46.2% MFU (Chowdhery et al. 2022,
 * arXiv:2204.02311, Table 3). Within 35% (the TPU v4's matmul rate is not
 * measured; 80% is assumed), where 8-chip nodes on an A100 network gave
 * 33%. */
static void tpu_pod_published(void **state)
{
    fixture *f = *state;
    gp_model m = *gp_model_find(f->models, "gpt-3-175b");
    /* PaLM 540B (Table 1): 118 layers, 18,432 wide, 48 heads of 256 with
     * one KV head, SwiGLU 73,728, shared 256K vocabulary, sequence 2,048. */
    m.name = "palm-540b";
    m.params_total = m.params_active = 540.35e9;
    m.layers = 118;
    m.hidden = 18432;
    m.heads = 48;
    m.kv_heads = 1;
    m.head_dim = m.v_head_dim = 256;
    m.ffn = 73728;
    m.mlp = GP_MLP_SWIGLU;
    m.vocab = 256000;
    m.tied_embeddings = 1;
    m.seq_len = 2048;
    gp_job job;
    gp_job_init(&job);
    job.model = &m;
    job.accel = gp_accel_find(f->accels, "TPU-v4");
    job.tokens = 7.8e11;
    job.gpus = 6144;
    job.global_batch_tokens = 2048.0 * 2048;
    gp_estimate e = run(&job);
    assert_true(e.fits);
    assert_int_equal(e.gpus_per_node, 4096);
    assert_true(e.mfu > 0.462 * 0.65 && e.mfu < 0.462 * 1.35);
}

/* Fix 5: CPU optimizer offload. ZeRO-Offload (Ren et al. 2021,
 * arXiv:2101.06840, abstract) trains 13B-parameter models on one 32 GB
 * V100 by keeping the optimizer state and gradients on the host: a 13B
 * model that cannot fit on one 40 GB A100 fits with --offload-optimizer,
 * and runs slower than on the GPU. */
static void offload_optimizer(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "llama-2-13b", "A100", 1e9, 1);
    job.global_batch_tokens = 8 * 4096;
    gp_estimate e = run(&job);
    assert_false(e.fits);
    job.offload_optimizer = 1;
    e = run(&job);
    assert_true(e.fits);
    assert_close(e.memory.optimizer_gb, 0, 1e-12);
    assert_true(e.memory.weights_gb > 26.0 && e.memory.weights_gb < 26.1);
    gp_job big = job_for(f, "llama-2-13b", "A100-80GB", 1e9, 4);
    big.global_batch_tokens = 8 * 4096;
    big.zero = 1;
    big.recompute = GP_RECOMPUTE_FULL; /* the same layout both ways */
    gp_estimate on_gpu = run(&big);
    big.offload_optimizer = 1;
    gp_estimate off = run(&big);
    assert_true(on_gpu.fits && off.fits);
    assert_true(off.tokens_per_second < on_gpu.tokens_per_second);
}

/* More GPUs finish sooner (at this scale); a slower network is never
 * faster; fp8 on H100 is faster than bf16 but less than twice. */
static void sensible_directions(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "llama-2-13b", "H100", 1e12, 64);
    gp_estimate a = run(&job);
    job.gpus = 256;
    gp_estimate b = run(&job);
    assert_true(b.wall_hours < a.wall_hours);
    job.internode_gbps = 25;
    gp_estimate slow = run(&job);
    assert_true(slow.tokens_per_second <= b.tokens_per_second);
    job.internode_gbps = NAN;
    job.precision = GP_PREC_FP8;
    gp_estimate fp8 = run(&job);
    assert_true(fp8.tokens_per_second > b.tokens_per_second);
    assert_true(fp8.tokens_per_second < 2 * b.tokens_per_second);
    /* MFU is against the precision's own peak. */
    assert_close(fp8.peak_tflops, 1979, 1e-12);
}

/* Without --gpus: the fewest that fit and a recommended count that
 * finishes within the target. */
static void recommended_count(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", "H100", 2e12, 0);
    gp_estimate e = run(&job);
    assert_true(e.gpus_recommended);
    assert_int_equal(e.gpus, e.recommended_gpus);
    assert_true(e.min_gpus >= 1 && e.min_gpus <= e.gpus);
    assert_true(e.wall_days <= 30.0);
    job.target_days = 60;
    gp_estimate slower = run(&job);
    assert_true(slower.gpus < e.gpus);
    assert_true(slower.wall_days <= 60.0);
}

static void moe_costs(void **state)
{
    fixture *f = *state;
    gp_job job = job_for(f, "mixtral-8x7b", "H100", 1e12, 64);
    gp_estimate e = run(&job);
    assert_true(e.fits);
    /* 6 x active (less the input embedding), not total. */
    const gp_model *m = job.model;
    double attn = 6.0 * 32 * m->seq_len * 32 * 256;
    assert_close(e.model_flops_per_token, 6.0 * (m->params_active - 32000.0 * 4096) + attn,
                 1e-12);
    if (e.layout.ep > 1)
        assert_true(e.step.ep_comm_s > 0);
    else
        assert_true(e.step.ep_comm_s == 0);
}

static void range_errors(void **state)
{
    fixture *f = *state;
    gp_estimate e;
    gp_error err;
    gp_job job = job_for(f, "llama-2-7b", "H100", 0, 8);
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.tokens = NAN;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.tokens = 1e30;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.tokens = INFINITY;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.tokens = 1e12;
    job.gpus = 100000000;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    assert_non_null(strstr(err.message, "at most"));
    job.gpus = 8;
    job.global_batch_tokens = 100; /* less than one sequence */
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.global_batch_tokens = 0;
    job.mfu = 1.5;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.mfu = NAN;
    job.tp = 3;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.tp = 0;
    job.pp = 1000;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job = job_for(f, "llama-2-7b", "A100-80GB", 1e12, 8);
    job.precision = GP_PREC_FP8;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    assert_non_null(strstr(err.message, "fp8"));
    gp_job empty;
    gp_job_init(&empty);
    assert_int_equal(gp_job_estimate(&empty, &e, &err), GP_EINVAL);
}

/* Every number of a fitting estimate is finite and every assumption is one
 * line. */
static void outputs_are_finite(void **state)
{
    fixture *f = *state;
    static const char *const MODELS[] = {"pythia-70m", "llama-3-8b", "gemma-2-27b",
                                         "deepseek-v3", "falcon-180b"};
    for (size_t i = 0; i < sizeof(MODELS) / sizeof(MODELS[0]); i++) {
        gp_job job = job_for(f, MODELS[i], "H100", 1e12, 0);
        gp_estimate e = run(&job);
        assert_true(e.fits);
        double v[] = {e.mfu, e.hfu, e.tokens_per_second, e.wall_hours, e.gpu_hours,
                      e.memory.total_gb, e.step.step_s, e.goodput};
        for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++)
            assert_true(isfinite(v[j]) && v[j] > 0);
        assert_true(e.mfu < 1 && e.hfu < 1);
        assert_true(e.nassumptions >= 8);
        for (size_t j = 0; j < e.nassumptions; j++)
            assert_null(strchr(e.assumptions[j], '\n'));
    }
}

/* The search computes the parts of a candidate that do not depend on the
 * ZeRO stage (activations, the step less its DP traffic) once and reuses
 * them from ZeRO-1 for ZeRO-3 (job.c try_layouts). A layout it picks must
 * get the same memory and step, to the bit, when it is given outright
 * (one stage, one recomputation, one micro-batch size: nothing reused). */
static void search_reuse_is_exact(void **state)
{
    fixture *f = *state;
    static const char *const MODELS[] = {"llama-3-8b", "llama-3-70b", "gemma-2-27b",
                                         "falcon-180b"};
    static const char *const GPUS[] = {"L4", "A100-80GB", "H100"};
    static const int COUNTS[] = {8, 32, 128, 512, 2048};
    int zero3 = 0, zero1 = 0;
    for (size_t i = 0; i < 4 * 3 * 5; i++) {
        gp_job job = job_for(f, MODELS[i / 15], GPUS[i / 5 % 3], 1e12, COUNTS[i % 5]);
        gp_estimate e = run(&job);
        if (!e.fits)
            continue;
        job.zero = e.layout.zero;
        job.recompute = e.layout.recompute;
        job.micro_batch = e.layout.micro_batch;
        job.tp = e.layout.tp;
        job.pp = e.layout.pp;
        job.cp = e.layout.cp;
        gp_estimate g = run(&job);
        assert_true(g.fits);
        if (memcmp(&g.layout, &e.layout, sizeof(e.layout)) != 0)
            continue; /* another VP or EP won among the given ones */
        assert_memory_equal(&g.step, &e.step, sizeof(e.step));
        assert_memory_equal(&g.memory, &e.memory, sizeof(e.memory));
        assert_true(g.tokens_per_second == e.tokens_per_second);
        zero3 += e.layout.zero == 3;
        zero1 += e.layout.zero == 1;
    }
    /* Both stages were compared (the cases are chosen so). */
    assert_true(zero3 >= 1);
    assert_true(zero1 >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flops_llama2_7b),
        cmocka_unit_test(attention_scales_with_sequence),
        cmocka_unit_test(adamw_sixteen_bytes),
        cmocka_unit_test(seventy_b_needs_zero3),
        cmocka_unit_test(capacity),
        cmocka_unit_test(layout_choice),
        cmocka_unit_test(mfu_override),
        cmocka_unit_test(goodput_formula),
        cmocka_unit_test(goodput_published),
        cmocka_unit_test(sensible_directions),
        cmocka_unit_test(recommended_count),
        cmocka_unit_test(moe_costs),
        cmocka_unit_test(small_models_slower),
        cmocka_unit_test(fp8_published),
        cmocka_unit_test(deepseek_v3_published),
        cmocka_unit_test(moe_expert_dp_traffic),
        cmocka_unit_test(moe_template_deepseek_v3_b200),
        cmocka_unit_test(b200_matmul_measured),
        cmocka_unit_test(context_parallel_published),
        cmocka_unit_test(tpu_pod_published),
        cmocka_unit_test(offload_optimizer),
        cmocka_unit_test(range_errors),
        cmocka_unit_test(outputs_are_finite),
        cmocka_unit_test(search_reuse_is_exact),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
