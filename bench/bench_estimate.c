/* bench_estimate: time of one gp_job_estimate() in process, with the GPU
 * count given (one layout search) and without (the fewest that fit and the
 * recommended count, several searches).
 *
 *   bench_estimate [REPEAT] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gpuplan/job.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void time_case(const char *label, const gp_job *job, int repeat)
{
    gp_estimate e;
    gp_error err;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t0 = now_s();
        for (int i = 0; i < repeat; i++)
            if (gp_job_estimate(job, &e, &err) != GP_OK) {
                fprintf(stderr, "bench_estimate: %s\n", err.message);
                exit(1);
            }
        double per = (now_s() - t0) / repeat;
        if (per < best)
            best = per;
    }
    printf("%-58s %8.1f us per estimate (best of 5 x %d)\n", label, best * 1e6, repeat);
}

int main(int argc, char **argv)
{
    int repeat = argc > 1 ? atoi(argv[1]) : 200;
    gp_model_table *models;
    gp_accel_table *accels;
    gp_error err;
    if (gp_model_table_load_default(&models, &err) != GP_OK ||
        gp_accel_table_load_default(&accels, &err) != GP_OK) {
        fprintf(stderr, "bench_estimate: %s\n", err.message);
        return 1;
    }
    gp_job job;
    gp_job_init(&job);
    job.model = gp_model_find(models, "llama-3-70b");
    job.accel = gp_accel_find(accels, "H100");
    job.tokens = 15e12;
    job.gpus = 1024;
    time_case("llama-3-70b, 1024 H100 (one layout search)", &job, repeat);
    job.gpus = 0;
    time_case("llama-3-70b, H100, recommended count (several searches)", &job, repeat);
    job.model = gp_model_find(models, "deepseek-v3");
    job.gpus = 2048;
    time_case("deepseek-v3, 2048 H100 (MoE: expert-parallel sizes too)", &job, repeat);
    gp_model_table_free(models);
    gp_accel_table_free(accels);
    return 0;
}
