/* Benchmark: the price history. Appends the whole embedded catalog to a
 * fresh history file (observations per second, one transaction), then
 * re-appends it a day later (every run extends), then runs the $/GPU-hour
 * query for H100; reports the file size.
 *
 *   bench_history DIR   (the file is DIR/history.sqlite, removed first) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gpuplan/history.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_history DIR\n");
        return 2;
    }
    char path[4096], side[4200];
    snprintf(path, sizeof(path), "%s/history.sqlite", argv[1]);
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    gp_error err;
    gp_catalog *cat = NULL;
    gp_history *h = NULL;
    if (gp_catalog_new(&cat, &err) != GP_OK || gp_catalog_add_embedded(cat, &err) != GP_OK ||
        gp_history_open(path, GP_HISTORY_WRITE, &h, &err) != GP_OK) {
        fprintf(stderr, "bench_history: %s %s\n", err.file, err.message);
        return 1;
    }
    gp_history_stats s;
    const int64_t t0 = gp_history_unix_of_date(2026, 12, 1);
    double a = now_s();
    if (gp_history_import_embedded(h, cat, &s, &err) != GP_OK)
        return 1;
    double b = now_s();
    printf("import: %zu observations, %zu new runs in %.1f ms: %.0f observations/s\n",
           s.observations, s.new_runs, (b - a) * 1e3, (double)s.observations / (b - a));
    a = now_s();
    if (gp_history_append_catalog(h, cat, NULL, "bench", t0, &s, &err) != GP_OK)
        return 1;
    b = now_s();
    printf("append (new day, dated like a refresh): %zu observations, %zu new, %zu extended "
           "in %.1f ms: %.0f observations/s\n",
           s.observations, s.new_runs, s.extended_runs, (b - a) * 1e3,
           (double)s.observations / (b - a));
    a = now_s();
    if (gp_history_append_catalog(h, cat, NULL, "bench", t0 + 86400, &s, &err) != GP_OK)
        return 1;
    b = now_s();
    printf("append (next day, prices unchanged): %zu extended in %.1f ms: %.0f "
           "observations/s\n",
           s.extended_runs, (b - a) * 1e3, (double)s.observations / (b - a));
    const char *gpus[] = {"H100"};
    gp_history_query q = {gpus, 1, NULL, 0, NULL, 0, NULL, INT64_MIN, GP_HISTORY_BY_PROVIDER};
    gp_history_result *r = NULL;
    a = now_s();
    for (int i = 0; i < 20; i++) {
        gp_history_result_free(r);
        if (gp_history_query_prices(h, &q, &r, &err) != GP_OK)
            return 1;
    }
    b = now_s();
    printf("query H100 by provider: %zu points, %.2f ms per query\n",
           gp_history_result_count(r), (b - a) * 1e3 / 20);
    gp_history_result_free(r);
    gp_history_close(h);
    gp_catalog_free(cat);
    struct stat sb;
    if (stat(path, &sb) == 0)
        printf("file size: %lld bytes\n", (long long)sb.st_size);
    return 0;
}
