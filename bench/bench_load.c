/* Benchmark: load a SkyPilot catalog folder, filter one GPU, group and sort
 * (what `gpuplan offers --no-embedded --catalog DIR --gpu GPU` does), and
 * report wall time and peak memory against the size of the input.
 *
 *   bench_load DIR [GPU] [REPEAT]   */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "gpuplan/catalog.h"
#include "gpuplan/query.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_load DIR [GPU] [REPEAT]\n");
        return 2;
    }
    const char *gpu = argc > 2 ? argv[2] : "H100";
    int repeat = argc > 3 ? atoi(argv[3]) : 3;
    double best = INFINITY, best_load = INFINITY;
    size_t offers = 0, rows_out = 0;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        gp_catalog *cat = NULL;
        gp_error err;
        if (gp_catalog_new(&cat, &err) != GP_OK ||
            gp_catalog_add_path(cat, argv[1], NULL, &err) != GP_OK) {
            fprintf(stderr, "bench_load: %s:%ld: %s\n", err.file, err.line, err.message);
            return 1;
        }
        double t1 = now_s();
        gp_gpu_match m;
        gp_offer_filter f;
        gp_offer_filter_init(&f);
        if (gp_gpu_match_resolve(cat, gpu, &m, &err) != GP_OK) {
            fprintf(stderr, "bench_load: %s\n", err.message);
            return 1;
        }
        f.gpu = &m;
        gp_offer_row *rows = NULL;
        size_t n = 0;
        if (gp_offer_select(cat, &f, GP_SORT_GPU_PRICE, GP_GROUP_INSTANCE, &rows, &n,
                            &err) != GP_OK)
            return 1;
        double t2 = now_s();
        offers = gp_catalog_offer_count(cat);
        rows_out = n;
        free(rows);
        gp_catalog_free(cat);
        if (t2 - t0 < best) {
            best = t2 - t0;
            best_load = t1 - t0;
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("offers_loaded %zu\nrows_selected %zu\nbest_total_s %.3f\nbest_load_s %.3f\n"
           "peak_rss_mb %.1f\n",
           offers, rows_out, best, best_load, (double)ru.ru_maxrss / 1024.0);
    return 0;
}
