/* Fuzz the planner's request path: the input bytes become plan request
 * options (model, tokens, deadline, budget, objective, terms, GPU ceiling,
 * region glob, spot rate, checkpointing, serving, a discount), planned over
 * a fixed catalog of twelve offers. Each run is fast: at most 64 spot
 * trials. Checks the ranked result's invariants: ranks 1..n, no NaN cost
 * or time, feasible plans first, each group ordered by the objective.
 *
 * The catalog rows are copied from data/catalog/neocloud.csv (lines 3, 4,
 * 6, 7, 11, 13, 18, 21, 22, 26, 32, 35: price columns only): per-instance
 * and per-GPU listings, with and without spot, of six accelerators. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuplan/catalog.h"
#include "gpuplan/model.h"
#include "gpuplan/plan.h"
#include "gpuplan/terms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char CATALOG[] =
    "provider,instance_type,gpu,gpu_count,usd_per_hour,usd_per_gpu_hour,spot_usd_per_hour,spot_usd_per_gpu_hour\n"
    "coreweave,NVIDIA HGX B200,B200,8,68.8,8.6,34.11,4.26375\n"
    "coreweave,NVIDIA HGX H100,H100,8,49.24,6.155,19.71,2.46375\n"
    "coreweave,NVIDIA A100 (8x 80GB),A100-80GB,8,21.6,2.7,9.65,1.20625\n"
    "coreweave,NVIDIA L40S,L40S,8,18.0,2.25,,\n"
    "voltage-park,H100 rental (FAQ; On-Demand Ethernet 1-1016 GPUs / InfiniBand 8-1016 GPUs),H100,,,1.99,,\n"
    "crusoe,NVIDIA H100 80GB HGX,H100,,,3.9,,\n"
    "crusoe,A100-PCIe-40GB,A100,,,1.45,,1.00\n"
    "lambda,8x NVIDIA H100 SXM,H100,8,31.92,3.99,,\n"
    "lambda,8x NVIDIA A100 SXM 80 GB,A100-80GB,8,22.32,2.79,,\n"
    "lambda,4x NVIDIA H100 SXM,H100,4,16.36,4.09,,\n"
    "lambda,1x NVIDIA H100 SXM,H100,1,4.29,4.29,,\n"
    "nebius,HGX H100,H100,,,3.85,,\n";

/* Loaded once: the harness only reads them after that. */
static gp_catalog *cat;
static gp_terms *terms;
static gp_model_table *models;

static void setup(void)
{
    gp_error err;
    if (gp_catalog_new(&cat, &err) != GP_OK ||
        gp_catalog_add_gpuplan_buffer(cat, "fuzz-plan.csv", CATALOG, sizeof(CATALOG) - 1,
                                      NULL, &err) != GP_OK ||
        gp_catalog_offer_count(cat) != 12 || gp_terms_load_default(&terms, &err) != GP_OK ||
        gp_model_table_load_default(&models, &err) != GP_OK ||
        gp_model_table_count(models) == 0)
        __builtin_trap();
}

typedef struct bytes {
    const uint8_t *p;
    size_t n;
} bytes;

/* The next byte, 0 once the input is used up. */
static unsigned take(bytes *b)
{
    if (!b->n)
        return 0;
    b->n--;
    return *b->p++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cat)
        setup();
    bytes b = {data, size};
    gp_plan_request r;
    gp_plan_request_init(&r);
    r.job.model = gp_model_table_at(models, take(&b) % gp_model_table_count(models));
    /* 1e6 .. about 2e16 tokens, and now and then out of range. */
    unsigned t = take(&b);
    r.job.tokens = t == 255 ? 0 : pow(10, 6 + t % 10) * (1 + take(&b) / 128.0);
    unsigned d = take(&b);
    r.deadline_hours = d == 0 ? NAN : d == 255 ? -1 : 1 + pow(d / 254.0, 3) * 2 * 8760;
    unsigned u = take(&b);
    r.budget_usd = u == 0 ? NAN : u == 255 ? 0 : pow(10, 2 + (u % 64) / 8.0);
    unsigned flags = take(&b);
    r.objective = (flags & 1) ? GP_OBJECTIVE_TIME : GP_OBJECTIVE_COST;
    r.spot = (gp_allow)((flags >> 1) % 3);
    r.reserved = (flags & 8) ? GP_ALLOW_NEVER : GP_ALLOW_YES;
    r.download_weights = (flags >> 4) & 1;
    unsigned g = take(&b);
    r.max_gpus = g == 0 ? 0 : (int)(1 + (g * g * g) / 166); /* up to ~100k */
    unsigned rate = take(&b);
    r.spot_rate_per_node_hour = rate == 0 ? NAN : rate / 256.0 * (rate & 1 ? 1.0 : 0.05);
    r.reuse = take(&b) / 250.0; /* above 1 now and then: refused */
    r.ckpt_gbps = take(&b) / 4.0;  /* 0 now and then: refused */
    r.restart_hours = take(&b) / 64.0;
    r.trials = 1 + (int)(take(&b) % 64);
    r.seed = take(&b) | (uint64_t)take(&b) << 8;
    r.dataset_gb = take(&b) * 10.0;
    gp_discount discount = {"lambda", take(&b) / 256.0};
    if (flags & 32) {
        r.discounts = &discount;
        r.ndiscounts = 1;
    }
    if (flags & 64) {
        r.serve_provider = (flags & 128) ? "lambda" : "coreweave";
        r.serve_months = take(&b) % 25; /* 0: refused */
        r.serve_replicas = (int)(take(&b) % 4);
    }
    /* The rest is a region glob, at most 15 bytes. */
    char glob[16];
    size_t n = b.n < sizeof(glob) - 1 ? b.n : sizeof(glob) - 1;
    memcpy(glob, b.p, n);
    glob[n] = '\0';
    if (n)
        r.filter.region_glob = glob;

    gp_plan_result res;
    gp_error err;
    gp_status st = gp_plan_run(cat, terms, &r, &res, &err);
    if (st == GP_ERANGE || st == GP_ENOTFOUND)
        return 0; /* a request out of range, or nothing to serve on */
    if (st != GP_OK)
        __builtin_trap();
    size_t feasible = 0;
    int by_cost = r.objective == GP_OBJECTIVE_COST;
    for (size_t i = 0; i < res.nplans; i++) {
        const gp_plan *p = &res.plans[i];
        if (p->rank != (int)i + 1 || isnan(p->cost_usd) || isnan(p->hours) ||
            p->cost_usd < 0 || p->gpus < 1 || !p->offer)
            __builtin_trap();
        int ok = p->meets_deadline && p->meets_budget;
        feasible += (size_t)ok;
        if (p->meets_budget != (isnan(r.budget_usd) || p->cost_usd <= r.budget_usd))
            __builtin_trap();
        if (i == 0)
            continue;
        const gp_plan *q = &res.plans[i - 1];
        int qok = q->meets_deadline && q->meets_budget;
        if (ok && !qok)
            __builtin_trap(); /* feasible plans come first */
        double kq = by_cost ? q->cost_usd : q->hours, kp = by_cost ? p->cost_usd : p->hours;
        if (ok == qok && kp < kq)
            __builtin_trap(); /* ranked by the objective */
    }
    if (feasible != res.nfeasible)
        __builtin_trap();
    gp_plan_result_free(&res);
    return 0;
}
