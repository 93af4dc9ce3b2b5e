/* Fine-tuning (src/job/finetune.c): adapter counts, the memory of a frozen
 * base against the published figures, the FLOPs of training through a
 * frozen base, QLoRA's measured slowdown, the whole job, and bad input. */
#include "test_util.h"

#include <string.h>

#include "gpuplan/billing.h"
#include "gpuplan/job.h"
#include "gpuplan/plan.h"

typedef struct fixture {
    gp_model_table *models;
    gp_accel_table *accels;
    gp_model model; /* a preset copy, to change its sequence length */
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

static gp_job job_for(fixture *f, const char *model, int seq, const char *gpu, int gpus,
                      gp_finetune how)
{
    const gp_model *m = gp_model_find(f->models, model);
    assert_non_null(m);
    f->model = *m;
    if (seq)
        f->model.seq_len = seq;
    gp_job job;
    gp_job_init(&job);
    job.model = &f->model;
    job.accel = gp_accel_find(f->accels, gpu);
    assert_non_null(job.accel);
    job.tokens = 10e6;
    job.gpus = gpus;
    job.finetune = how;
    return job;
}

static gp_estimate run(const gp_job *job)
{
    gp_estimate e;
    gp_error err;
    if (gp_job_estimate(job, &e, &err) != GP_OK)
        fail_msg("estimate failed: %s", err.message);
    return e;
}

/* PEFT's print_trainable_parameters() for Llama 3 8B with r = 64 on
 * q, k, v, o, gate, up and down prints "trainable params: 167,772,160 ||
 * all params: 8,198,033,408" (a public training log): per layer
 * 64 x (4096 + 4096) x 2 (q, o) + 64 x (4096 + 1024) x 2 (k, v) +
 * 64 x (4096 + 14336) x 3 (gate, up, down) = 5,242,880; x 32 layers. */
static void adapters_llama3_8b(void **state)
{
    fixture *f = *state;
    const gp_model *m = gp_model_find(f->models, "llama-3-8b");
    assert_non_null(m);
    assert_true(gp_lora_params(m, 64, GP_LORA_ALL) == 167772160.0);
    assert_true(m->params_total + 167772160.0 == 8198033408.0);
    /* q and v only (the LoRA paper's choice): 64 x 8192 + 64 x 5120 per layer. */
    assert_true(gp_lora_params(m, 64, GP_LORA_Q | GP_LORA_V) == 32.0 * 64 * (8192 + 5120));
    unsigned t;
    assert_int_equal(gp_lora_targets_parse("q_proj, v", &t), 0);
    assert_int_equal(t, GP_LORA_Q | GP_LORA_V);
    assert_int_equal(gp_lora_targets_parse("attention,mlp", &t), 0);
    assert_int_equal(t, GP_LORA_ALL);
    assert_int_equal(gp_lora_targets_parse("q,lm_head", &t), -1);
    assert_int_equal(gp_lora_targets_parse("", &t), -1);
    char buf[64];
    gp_lora_targets_text(GP_LORA_ALL, buf, sizeof(buf));
    assert_string_equal(buf, "q,k,v,o,gate,up,down");
}

/* QLoRA (Dettmers et al. 2023, abstract): "finetune a 65B parameter model
 * on a single 48GB GPU". The paper's recipe (r = 64 on all linear layers,
 * paged AdamW, gradient checkpointing) at its memory figure's sequence of
 * 512 fits one 48 GB A6000 (38.5 of 41.7 GB usable); a 16-bit base (LoRA)
 * needs three times that. */
static void qlora_65b_on_48gb(void **state)
{
    gp_job job = job_for(*state, "llama-65b", 512, "A6000", 1, GP_FINETUNE_QLORA);
    gp_estimate e = run(&job);
    assert_true(e.fits);
    assert_true(e.layout.recompute == GP_RECOMPUTE_FULL);
    /* 4-bit NF4 + 0.127 bits of double-quantised constants for the linear
     * layers, 16 bits for the two 32,000 x 8,192 tables. */
    double tables = 2.0 * 32000 * 8192;
    double q = 65285660672.0 - tables;
    assert_close(e.base_bytes_per_param,
                 (q * (4.0 + 8.0 / 64 + 32.0 / (64 * 256)) / 8 + tables * 2) / 65285660672.0,
                 1e-12);
    assert_close(e.memory.weights_gb,
                 (65285660672.0 * e.base_bytes_per_param + e.adapter_params * 2) / 1e9, 1e-9);
    assert_true(e.memory.optimizer_gb == 0); /* paged to the CPU */
    job.finetune = GP_FINETUNE_LORA;
    e = run(&job);
    assert_false(e.fits);
    assert_true(e.memory.total_gb > 3 * 41.7);
}

/* QLoRA (Dettmers et al. 2023, section 1): Guanaco 33B "can be trained on
 * 24 GB consumer GPUs". LLaMA 33B fits one RTX 4090 (24 GB). */
static void qlora_33b_on_24gb(void **state)
{
    gp_job job = job_for(*state, "llama-33b", 512, "RTX4090", 1, GP_FINETUNE_QLORA);
    gp_estimate e = run(&job);
    assert_true(e.fits);
    assert_true(e.memory.total_gb < 24.0);
}

/* A full fine-tune with mixed-precision AdamW holds 2 + 2 + 12 = 16 bytes
 * per parameter before activations (Rajbhandari et al. 2020, ZeRO): 108 GB
 * for Llama 2 7B, which one 80 GB GPU cannot hold; with 8-bit optimizer
 * states (10 bytes) or ZeRO-3 over two GPUs it fits. */
static void full_7b_needs_sharding(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", 0, "A100-80GB", 1, GP_FINETUNE_FULL);
    gp_estimate e = run(&job);
    assert_false(e.fits);
    const gp_memory *m = &e.memory;
    assert_close(m->weights_gb + m->gradients_gb + m->optimizer_gb, 16 * 6738415616.0 / 1e9,
                 1e-9);
    job.optimizer = GP_OPT_ADAMW_8BIT;
    e = run(&job);
    assert_true(e.fits);
    job.optimizer = GP_OPT_ADAMW;
    job.gpus = 2;
    e = run(&job);
    assert_true(e.fits);
    assert_int_equal(e.layout.zero, 3);
}

/* A frozen base computes no weight gradients: 4 FLOPs per multiplying
 * parameter and token (forward 2, activation gradients 2) plus 6 per
 * adapter parameter; full recomputation adds a forward of both (2 each).
 * Llama 2 7B: 6,607,343,616 multiplying parameters (less the input table). */
static void lora_flops(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", 0, "A100-80GB", 1, GP_FINETUNE_LORA);
    job.recompute = GP_RECOMPUTE_FULL;
    gp_estimate e = run(&job);
    double base = 6607343616.0, a = e.adapter_params;
    double attn = 6.0 * 32 * 4096 * 32 * 256;
    assert_close(e.model_flops_per_token, 4 * base + 6 * a + attn, 1e-12);
    assert_close(e.hardware_flops_per_token, 6 * base + 8 * a + attn * 4.0 / 3.0, 1e-12);
    /* Against a full fine-tune's 6 N: about two thirds. */
    job.finetune = GP_FINETUNE_FULL;
    gp_estimate full = run(&job);
    assert_true(e.model_flops_per_token < 0.75 * full.model_flops_per_token);
}

/* QLoRA's dequantisation: Raschka (2023) measured one A100 running the same
 * Llama 2 7B fine-tune in 1.85 h with LoRA and 2.79 h with QLoRA. On one
 * GPU with the same layout the step time keeps that ratio. */
static void qlora_slowdown(void **state)
{
    gp_job job = job_for(*state, "llama-2-7b", 0, "A100-80GB", 1, GP_FINETUNE_LORA);
    job.recompute = GP_RECOMPUTE_FULL;
    job.micro_batch = 1;
    gp_estimate lora = run(&job);
    job.finetune = GP_FINETUNE_QLORA;
    gp_estimate qlora = run(&job);
    assert_close(qlora.step.step_s / lora.step.step_s, 2.79 / 1.85, 1e-9);
}

/* The whole job: steps of 128 sequences, 10 minutes' start-up, the 16-bit
 * weights at 0.5 GB/s, one save per epoch. */
static void whole_job(void **state)
{
    gp_job job = job_for(*state, "llama-3-8b", 0, "H100", 1, GP_FINETUNE_LORA);
    job.tokens = 100e6;
    gp_estimate e = run(&job);
    assert_true(e.fits);
    assert_true(e.global_batch_tokens == 128.0 * 8192);
    assert_true(e.steps == 96.0); /* ceil(1e8 / 1,048,576) */
    assert_close(e.startup_hours, 10.0 / 60, 1e-12);
    assert_close(e.download_hours, 8030261248.0 * 2 / 1e9 / 0.5 / 3600, 1e-12);
    assert_true(e.saves == 1);
    assert_true(e.eval_hours == 0);
    assert_close(e.overhead_hours,
                 e.startup_hours + e.download_hours + e.save_hours + e.eval_hours, 1e-12);
    job.epochs = 3;
    job.eval_tokens = 1e6;
    job.startup_hours = 0;
    e = run(&job);
    assert_true(e.saves == 3);
    assert_true(e.eval_hours > 0);
    assert_true(e.startup_hours == 0);
    /* Pretraining has none of it. */
    job.finetune = GP_FINETUNE_NONE;
    job.epochs = 0;
    job.eval_tokens = 0;
    e = run(&job);
    assert_true(e.overhead_hours == 0 && e.steps == 0);
}

static void bad_input(void **state)
{
    gp_estimate e;
    gp_error err;
    gp_job job = job_for(*state, "llama-3-8b", 0, "H100", 1, GP_FINETUNE_LORA);
    job.lora_rank = 4097; /* above the hidden size 4096 */
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    assert_non_null(strstr(err.message, "hidden size 4096"));
    job.lora_rank = 4096;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_OK);
    job.finetune = GP_FINETUNE_FULL; /* a rank without LoRA */
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.lora_rank = 0;
    job.finetune = GP_FINETUNE_QLORA;
    job.precision = GP_PREC_FP8;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.precision = -1;
    job.epochs = -1;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    job.epochs = 0;
    job.download_gbps = 0;
    assert_int_equal(gp_job_estimate(&job, &e, &err), GP_ERANGE);
    assert_int_equal(gp_finetune_parse("QLoRA"), GP_FINETUNE_QLORA);
    assert_int_equal(gp_finetune_parse("adapter"), -1);
}

/* Billing (data/billing.csv): AWS bills Linux instances per second with a
 * 60-second minimum (AWS, 2017-10-02); unsourced providers per hour. */
static void billing(void **state)
{
    (void)state;
    gp_billing *b;
    gp_error err;
    assert_int_equal(gp_billing_load_default(&b, &err), GP_OK);
    const gp_billing_row *aws = gp_billing_for(b, "AWS");
    assert_non_null(aws);
    assert_string_equal(aws->basis, "published");
    assert_close(gp_billing_hours(aws, 20.5 / 60), 20.5 / 60, 1e-12); /* 20.5 min */
    assert_close(gp_billing_hours(aws, 10.0 / 3600), 60.0 / 3600, 1e-12); /* the minimum */
    const gp_billing_row *lambda = gp_billing_for(b, "lambda");
    assert_close(gp_billing_hours(lambda, 20.5 / 60), 21.0 / 60, 1e-12); /* per minute */
    const gp_billing_row *other = gp_billing_for(b, "simplepod");
    assert_string_equal(other->provider, "*");
    assert_string_equal(other->basis, "assumption");
    assert_close(gp_billing_hours(other, 20.0 / 60), 1.0, 1e-12);
    assert_close(gp_billing_hours(other, 1.0), 1.0, 1e-12);
    gp_billing_free(b);
    static const char BAD[] = "provider,granularity_seconds,minimum_seconds,basis,source\n"
                              "aws,1,60,published,x\naws,1,60,published,y\n";
    assert_int_equal(gp_billing_load_buffer("t.csv", BAD, sizeof(BAD) - 1, &b, &err), GP_EDATA);
    assert_null(b);
    assert_non_null(strstr(err.message, "twice"));
    static const char ZERO[] = "provider,granularity_seconds,minimum_seconds,basis,source\n"
                               "aws,0,60,published,x\n";
    assert_int_equal(gp_billing_load_buffer("t.csv", ZERO, sizeof(ZERO) - 1, &b, &err), GP_EDATA);
}

static gp_catalog *catalog(const char *rows)
{
    char csv[1024];
    int n = snprintf(csv, sizeof(csv),
                     "provider,kind,instance_type,region,gpu,gpu_count,usd_per_hour,"
                     "spot_usd_per_hour,fabric,fabric_gbps,source,as_of\n%s",
                     rows);
    gp_catalog *c = NULL;
    gp_error err;
    assert_int_equal(gp_catalog_new(&c, &err), GP_OK);
    assert_int_equal(gp_catalog_add_gpuplan_buffer(c, "t.csv", csv, (size_t)n, NULL, &err),
                     GP_OK);
    return c;
}

static const gp_plan *plan_of(const gp_plan_result *r, const char *provider)
{
    for (size_t i = 0; i < r->nplans; i++)
        if (!strcmp(r->plans[i].offer->provider, provider) &&
            r->plans[i].term == GP_TERM_ON_DEMAND)
            return &r->plans[i];
    return NULL;
}

/* A fine-tuning plan is the whole job as billed: its hours are the
 * estimate's training plus start-up, download and saves; AWS bills them by
 * the second (60 s minimum), a provider with no published granularity by
 * the started hour (the labelled assumption). Pretraining is not rounded. */
static void plans_are_billed(void **state)
{
    fixture *f = *state;
    gp_catalog *cat = catalog(
        "aws,hyperscaler,p5.48xlarge,us-east-1,H100,8,55.04,,efa,3200,test,2026-11-01\n"
        "acme,neocloud,acme-8x-h100,eu,H100,8,20.00,,infiniband,3200,test,2026-11-01\n");
    gp_terms *terms;
    gp_error err;
    assert_int_equal(gp_terms_load_default(&terms, &err), GP_OK);
    gp_plan_request r;
    gp_plan_request_init(&r);
    r.job.model = gp_model_find(f->models, "llama-3-8b");
    r.job.tokens = 20e6;
    r.job.finetune = GP_FINETUNE_LORA;
    r.spot = GP_ALLOW_NEVER;
    r.reserved = GP_ALLOW_NEVER;
    r.deadline_hours = 24;
    r.capacity = GP_CAPACITY_RANK_ANY;
    gp_plan_result res;
    assert_int_equal(gp_plan_run(cat, terms, &r, &res, &err), GP_OK);
    const gp_plan *aws = plan_of(&res, "aws"), *acme = plan_of(&res, "acme");
    assert_non_null(aws);
    assert_non_null(acme);
    /* The hours are the estimate's plus the whole job's overhead. */
    gp_job job = r.job;
    job.accel = aws->offer->accel;
    job.gpus = aws->gpus;
    job.gpus_per_node = 8;
    job.internode_gbps = 400;
    gp_estimate e = run(&job);
    assert_close(aws->hours, e.wall_hours + e.overhead_hours, 1e-9);
    assert_true(e.overhead_hours > 10.0 / 60);
    assert_non_null(aws->billing);
    assert_close(aws->billed_hours, ceil(aws->hours * 3600 - 1e-9) / 3600, 1e-12);
    assert_close(aws->breakdown.compute_usd, 55.04 * aws->billed_hours * aws->instances, 1e-9);
    assert_string_equal(acme->billing->provider, "*");
    assert_close(acme->billed_hours, ceil(acme->hours), 1e-12);
    assert_true(acme->billed_hours > acme->hours);
    assert_close(acme->breakdown.compute_usd, 20.0 * acme->billed_hours * acme->instances,
                 1e-9);
    gp_plan_result_free(&res);

    /* Pretraining: no billing row, compute at the hours run. */
    r.job.finetune = GP_FINETUNE_NONE;
    assert_int_equal(gp_plan_run(cat, terms, &r, &res, &err), GP_OK);
    acme = plan_of(&res, "acme");
    assert_non_null(acme);
    assert_null(acme->billing);
    assert_close(acme->breakdown.compute_usd, 20.0 * acme->hours * acme->instances, 1e-9);
    gp_plan_result_free(&res);

    /* Too big for every offer within --max-gpus: no plan, and the nearest
     * offer with the memory it would need. */
    r.job.model = gp_model_find(f->models, "llama-3-70b");
    r.job.finetune = GP_FINETUNE_FULL;
    r.max_gpus = 8;
    assert_int_equal(gp_plan_run(cat, terms, &r, &res, &err), GP_OK);
    assert_int_equal(res.nplans, 0);
    assert_non_null(res.nearest_offer);
    assert_int_equal(res.nearest_gpus, 8);
    assert_true(res.nearest_need_gb > res.nearest_have_gb);
    gp_plan_result_free(&res);
    gp_terms_free(terms);
    gp_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adapters_llama3_8b),  cmocka_unit_test(qlora_65b_on_48gb),
        cmocka_unit_test(qlora_33b_on_24gb),   cmocka_unit_test(full_7b_needs_sharding),
        cmocka_unit_test(lora_flops),          cmocka_unit_test(qlora_slowdown),
        cmocka_unit_test(whole_job),           cmocka_unit_test(bad_input),
        cmocka_unit_test(billing),             cmocka_unit_test(plans_are_billed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
