/* bench_plan: the planner over the whole embedded catalog, and the spot
 * simulation's speed.
 *
 *   bench_plan [REPEAT]
 *
 * (1) gp_plan_run() for Llama 3 70B on 1.4T tokens, 30-day deadline, every
 * term, 10,000 Monte-Carlo trials per simulated spot candidate: best and
 * median wall time of REPEAT runs (catalog loaded once, outside the timing).
 * (2) gp_spot_simulate() on one thread: uninterrupted stretches simulated
 * per second, for a run with few and one with many interruptions. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gpuplan/gpuplan.h"
#include "gpuplan/plan.h"
#include "gpuplan/spot.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void sim_speed(const char *label, gp_spot_params p)
{
    gp_spot_sim s;
    gp_error err;
    double best = 1e30;
    uint64_t intervals = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = now_s();
        if (gp_spot_simulate(&p, 100000, 1 + (uint64_t)r, &s, &err) != GP_OK) {
            fprintf(stderr, "bench_plan: %s\n", err.message);
            exit(1);
        }
        double t = now_s() - t0;
        if (t < best) {
            best = t;
            intervals = s.intervals;
        }
    }
    printf("spot simulation, %-40s %6.1f M stretches/s (%llu in %.1f ms, one thread)\n", label,
           intervals / best / 1e6, (unsigned long long)intervals, best * 1e3);
}

int main(int argc, char **argv)
{
    int repeat = argc > 1 ? atoi(argv[1]) : 10;
    if (repeat < 1)
        repeat = 1;
    gp_error err;
    gp_catalog *cat;
    gp_terms *terms;
    gp_model_table *models;
    if (gp_catalog_new(&cat, &err) != GP_OK || gp_catalog_add_embedded(cat, &err) != GP_OK ||
        gp_terms_load_default(&terms, &err) != GP_OK ||
        gp_model_table_load_default(&models, &err) != GP_OK) {
        fprintf(stderr, "bench_plan: %s\n", err.message);
        return 1;
    }
    gp_plan_request req;
    gp_plan_request_init(&req);
    req.job.model = gp_model_find(models, "llama-3-70b");
    req.job.tokens = 1.4e12;
    req.deadline_hours = 30 * 24;
    double *t = malloc((size_t)repeat * sizeof(*t));
    size_t plans = 0, spot = 0;
    for (int r = 0; r < repeat; r++) {
        gp_plan_result res;
        double t0 = now_s();
        if (gp_plan_run(cat, terms, &req, &res, &err) != GP_OK) {
            fprintf(stderr, "bench_plan: %s\n", err.message);
            return 1;
        }
        t[r] = now_s() - t0;
        plans = res.nplans;
        spot = 0;
        for (size_t i = 0; i < res.nplans; i++)
            spot += res.plans[i].term == GP_TERM_SPOT;
        gp_plan_result_free(&res);
    }
    qsort(t, (size_t)repeat, sizeof(*t), cmp);
    printf("plan llama-3-70b 1.4T, whole catalog (%zu offers): %zu plans (%zu spot), "
           "best %.1f ms, median %.1f ms of %d runs\n",
           gp_catalog_offer_count(cat), plans, spot, t[0] * 1e3, t[repeat / 2] * 1e3, repeat);
    free(t);
    sim_speed("about 13 interruptions a run:", (gp_spot_params){595, 0.0214, 0.0029, 0.2529, 0, 0, 0});
    sim_speed("about 390 interruptions a run:", (gp_spot_params){600, 0.65, 0.0005, 0.25, 0, 0, 0});
    gp_model_table_free(models);
    gp_terms_free(terms);
    gp_catalog_free(cat);
    return 0;
}
