/* Benchmark: `inference` over the whole embedded catalog in process
 * (Llama 3 70B, 10 requests/s, 1,000/200 tokens, TPOT 50 ms), and the
 * model against the published results of docs/inference.md, "Checks". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gpuplan/catalog.h"
#include "gpuplan/inference.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct check {
    const char *what, *model, *gpu;
    int tp, gpus;
    double in, out, published;
    int fitted;
} check;

int main(void)
{
    gp_error err;
    gp_catalog *cat = NULL;
    gp_model_table *mt = NULL;
    gp_accel_table *at = NULL;
    if (gp_catalog_new(&cat, &err) != GP_OK || gp_catalog_add_embedded(cat, &err) != GP_OK ||
        gp_model_table_load_default(&mt, &err) != GP_OK ||
        gp_accel_table_load_default(&at, &err) != GP_OK) {
        fprintf(stderr, "bench_inference: %s\n", err.message);
        return 1;
    }
    gp_serve_params p;
    gp_serve_params_init(&p);
    p.model = gp_model_find(mt, "llama-3-70b");
    p.rps = 10;
    p.input_tokens = 1000;
    p.output_tokens = 200;
    p.tpot_s = 0.05;
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    enum { RUNS = 20 };
    double t[RUNS];
    size_t n = 0, ok = 0;
    for (int i = 0; i < RUNS; i++) {
        gp_serve_result r;
        double t0 = now_s();
        if (gp_serve_rank(cat, &f, &p, &r, &err) != GP_OK) {
            fprintf(stderr, "bench_inference: %s\n", err.message);
            return 1;
        }
        t[i] = now_s() - t0;
        n = r.considered;
        ok = r.nok;
        gp_serve_result_free(&r);
    }
    qsort(t, RUNS, sizeof(t[0]), cmp);
    printf("inference over the catalog: %zu instance types, %zu meet the targets; best %.2f ms, "
           "median %.2f ms (%d runs)\n",
           n, ok, 1000 * t[0], 1000 * t[RUNS / 2], RUNS);

    static const check CHECKS[] = {
        {"TensorRT-LLM Llama 3.1 8B FP8, 1xH100, 1000/1000", "llama-3.1-8b", "H100", 1, 1, 1000,
         1000, 15220, 1},
        {"MLPerf v4.1 Llama 2 70B Offline, 8xH100", "llama-2-70b", "H100", 2, 8, 290, 290,
         24524.9, 1},
        {"MLPerf v4.1 Llama 2 70B Offline, 8xH200", "llama-2-70b", "H200", 1, 8, 290, 290,
         31302.7, 0},
        {"TensorRT-LLM Llama 3.1 8B FP8, 1xH200, 1000/1000", "llama-3.1-8b", "H200", 1, 1, 1000,
         1000, 17744, 0},
        {"TensorRT-LLM Llama 3.1 8B FP8, 1xH100, 128/2048", "llama-3.1-8b", "H100", 1, 1, 128,
         2048, 22714, 0},
        {"TensorRT-LLM Llama 3.1 8B FP8, 1xH100, 2048/128", "llama-3.1-8b", "H100", 1, 1, 2048,
         128, 3450, 0},
        {"TensorRT-LLM Llama 3.3 70B FP8, 2xH100, 1000/1000", "llama-3.1-70b", "H100", 2, 2, 1000,
         1000, 4205, 0},
        {"TensorRT-LLM Llama 3.3 70B FP8, 1xH200, 1000/1000", "llama-3.1-70b", "H200", 1, 1, 1000,
         1000, 2909, 0},
    };
    printf("\n%-52s %9s %9s %7s\n", "published output tokens/s", "published", "model", "error");
    double sum = 0;
    int held = 0;
    for (size_t i = 0; i < sizeof(CHECKS) / sizeof(CHECKS[0]); i++) {
        const check *c = &CHECKS[i];
        gp_serve_params q;
        gp_serve_params_init(&q);
        q.model = gp_model_find(mt, c->model);
        q.precision = GP_WPREC_FP8;
        q.kv_8bit = 1;
        q.rps = 1;
        q.input_tokens = c->in;
        q.output_tokens = c->out;
        const gp_accel *a = gp_accel_find(at, c->gpu);
        double v = gp_serve_offline_tokens_per_s(&q, a, c->tp, c->gpus, a->memory_gb, &err);
        double e = v / c->published - 1;
        printf("%-52s %9.0f %9.0f %+6.1f%%%s\n", c->what, c->published, v, 100 * e,
               c->fitted ? " (fitted)" : "");
        if (!c->fitted) {
            sum += fabs(e);
            held++;
        }
    }
    /* MLPerf's Server scenario: the most requests/s one 8-GPU system
     * carries at P99 TTFT <= 2 s and TPOT <= 200 ms. */
    static const struct {
        const char *what, *gpu;
        double published;
    } SERVER[] = {{"MLPerf v4.1 Llama 2 70B Server, 8xH100", "H100", 21605.79},
                  {"MLPerf v4.1 Llama 2 70B Server, 8xH200", "H200", 29228.22}};
    for (size_t i = 0; i < sizeof(SERVER) / sizeof(SERVER[0]); i++) {
        gp_serve_params q;
        gp_serve_params_init(&q);
        q.model = gp_model_find(mt, "llama-2-70b");
        q.precision = GP_WPREC_FP8;
        q.kv_8bit = 1;
        q.input_tokens = q.output_tokens = 290;
        q.ttft_s = 2;
        q.tpot_s = 0.2;
        q.percentile = 0.99;
        const gp_accel *a = gp_accel_find(at, SERVER[i].gpu);
        double lo = 0.01, hi = 10000;
        for (int k = 0; k < 60; k++) {
            double mid = sqrt(lo * hi);
            q.rps = mid;
            gp_serve_point pt;
            if (gp_serve_model(&q, a, 8, a->memory_gb, &pt, &err) == GP_OK && pt.ok &&
                pt.instances == 1)
                lo = mid;
            else
                hi = mid;
        }
        double v = lo * q.output_tokens, e = v / SERVER[i].published - 1;
        printf("%-52s %9.0f %9.0f %+6.1f%%\n", SERVER[i].what, SERVER[i].published, v, 100 * e);
        sum += fabs(e);
        held++;
    }
    printf("mean absolute error on the %d held-out points: %.1f%%\n", held, 100 * sum / held);
    gp_catalog_free(cat);
    gp_model_table_free(mt);
    gp_accel_table_free(at);
    return 0;
}
