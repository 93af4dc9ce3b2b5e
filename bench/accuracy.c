/* bench/accuracy: the job model against published training runs.
 *
 * Reads bench/data/runs.csv (calibration rows from the shared calibration
 * file, validation rows from other published runs), estimates each with
 * the library, and prints estimate, reported figure and error per row,
 * then the median and largest absolute error per set. The calibration
 * rows' reported figures are checked against bench/data/calibration.csv.
 *
 *   accuracy [--data DIR] [--fit]
 *
 * --fit searches the two calibrated constants (software and production
 * efficiency) over a grid on the calibration rows only and prints the
 * best, which is how src/job.c's values were chosen. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csvread.h"
#include "gpuplan/gpuplan.h"

enum { MAX_RUNS = 200, F = 18 };

static const char *const COLS[F] = {
    "id", "set", "model", "tokens", "gpu", "gpus", "precision", "seq_len",
    "global_batch_tokens", "micro_batch", "tp", "pp", "zero", "recompute",
    "metric", "reported", "source", "note"};

typedef struct run {
    char f[F][256];
    long line;
} run;

typedef struct runs {
    run r[MAX_RUNS];
    int n;
    int col[F];
    int header;
} runs;

static gp_status on_run(const gp_csv_row *row, void *ctx, gp_error *err)
{
    runs *rs = ctx;
    if (!rs->header) {
        for (int i = 0; i < F; i++)
            if ((rs->col[i] = gp_csv_column(row, COLS[i])) < 0) {
                snprintf(err->message, sizeof(err->message), "missing column %s", COLS[i]);
                return GP_EDATA;
            }
        rs->header = 1;
        return GP_OK;
    }
    if (rs->n >= MAX_RUNS)
        return GP_OK;
    run *r = &rs->r[rs->n++];
    r->line = row->line;
    for (int i = 0; i < F; i++)
        snprintf(r->f[i], sizeof(r->f[i]), "%s",
                 (size_t)rs->col[i] < row->nfields ? row->fields[rs->col[i]] : "");
    return GP_OK;
}

/* calibration.csv: id -> accel_hours, wall_days, mfu. */
typedef struct calib {
    char id[64][64];
    double hours[64], days[64], mfu[64];
    int n, col[4], header;
} calib;

static gp_status on_calib(const gp_csv_row *row, void *ctx, gp_error *err)
{
    (void)err;
    calib *c = ctx;
    static const char *const names[4] = {"id", "accel_hours", "wall_days", "mfu"};
    if (!c->header) {
        for (int i = 0; i < 4; i++)
            c->col[i] = gp_csv_column(row, names[i]);
        c->header = 1;
        return GP_OK;
    }
    if (c->n >= 64)
        return GP_OK;
    snprintf(c->id[c->n], 64, "%s", row->fields[c->col[0]]);
    const char *h = row->fields[c->col[1]], *d = row->fields[c->col[2]],
               *m = row->fields[c->col[3]];
    c->hours[c->n] = *h ? atof(h) : NAN;
    c->days[c->n] = *d ? atof(d) : NAN;
    c->mfu[c->n] = *m ? atof(m) : NAN;
    c->n++;
    return GP_OK;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

typedef struct tables {
    gp_model_table *presets, *extra;
    gp_accel_table *accels;
} tables;

static double num(const char *s)
{
    return *s ? atof(s) : 0;
}

/* Estimates one run; returns the predicted figure (NAN on failure). */
static double predict(const tables *t, const run *r, const gp_job_constants *k,
                      gp_estimate *e, char *why, size_t cap)
{
    const gp_model *m = gp_model_find(t->extra, r->f[2]);
    if (!m)
        m = gp_model_find(t->presets, r->f[2]);
    if (!m) {
        snprintf(why, cap, "unknown model %s", r->f[2]);
        return NAN;
    }
    gp_model model = *m;
    if (*r->f[7])
        model.seq_len = atoi(r->f[7]);
    gp_job job;
    gp_job_init(&job);
    job.model = &model;
    job.tokens = *r->f[3] ? atof(r->f[3]) : 1e12; /* throughput rows: any */
    job.accel = gp_accel_find(t->accels, r->f[4]);
    if (!job.accel) {
        snprintf(why, cap, "unknown accelerator %s", r->f[4]);
        return NAN;
    }
    job.gpus = (int)num(r->f[5]);
    if (*r->f[6])
        job.precision = gp_precision_parse(r->f[6]);
    job.global_batch_tokens = num(r->f[8]);
    job.micro_batch = (int)num(r->f[9]);
    job.tp = (int)num(r->f[10]);
    job.pp = (int)num(r->f[11]);
    if (*r->f[12])
        job.zero = atoi(r->f[12]);
    if (*r->f[13])
        job.recompute = (gp_recompute)gp_recompute_parse(r->f[13]);
    gp_error err;
    gp_error_clear(&err);
    if (gp_job_estimate_with(&job, k, e, &err) != GP_OK) {
        snprintf(why, cap, "%s", err.message);
        return NAN;
    }
    if (!e->fits) {
        snprintf(why, cap, "does not fit");
        return NAN;
    }
    const char *metric = r->f[14];
    if (!strcmp(metric, "gpu_hours"))
        return e->gpu_hours;
    if (!strcmp(metric, "wall_days"))
        return e->wall_days;
    if (!strcmp(metric, "mfu"))
        return e->mfu;
    if (!strcmp(metric, "hfu"))
        return e->hfu;
    if (!strcmp(metric, "tflops_per_gpu"))
        return e->tokens_per_second_per_gpu * e->model_flops_per_token / 1e12;
    snprintf(why, cap, "unknown metric %s", metric);
    return NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    if (n == 0)
        return NAN;
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Median and max absolute error over one set; *failed counts rows that
 * could not be estimated. */
static double last_mean; /* mean |error| of the last score() */

static void score(const tables *t, const runs *rs, const char *set,
                  const gp_job_constants *k, double *med, double *max, int *n,
                  int *failed)
{
    double errs[MAX_RUNS];
    int m = 0;
    double sum = 0;
    *failed = 0;
    *max = 0;
    for (int i = 0; i < rs->n; i++) {
        if (strcmp(rs->r[i].f[1], set))
            continue;
        gp_estimate e;
        char why[256];
        double p = predict(t, &rs->r[i], k, &e, why, sizeof(why));
        if (isnan(p)) {
            (*failed)++;
            continue;
        }
        double err = fabs(p / atof(rs->r[i].f[15]) - 1);
        errs[m++] = err;
        sum += err;
        if (err > *max)
            *max = err;
    }
    *n = m;
    last_mean = m ? sum / m : NAN;
    *med = median(errs, m);
}

static void fit(const tables *t, const runs *rs)
{
    gp_job_constants k = *gp_job_constants_default();
    double best_mean = INFINITY, best_med = 0, best_max = 0, bs = 0, bp = 0;
    printf("grid: software efficiency 0.60-1.00, production efficiency 0.50-1.00 "
           "(calibration rows only; ranked by mean absolute error)\n");
    for (int si = 60; si <= 100; si += 2) {
        for (int pi = 50; pi <= 100; pi += 2) {
            k.software_efficiency = si / 100.0;
            k.production_efficiency = pi / 100.0;
            double med, max;
            int n, failed;
            score(t, rs, "calibration", &k, &med, &max, &n, &failed);
            if (failed)
                continue;
            if (last_mean < best_mean) {
                best_mean = last_mean;
                best_med = med;
                best_max = max;
                bs = k.software_efficiency;
                bp = k.production_efficiency;
            }
        }
    }
    printf("best: software_efficiency %.2f, production_efficiency %.2f: mean %.1f%%, "
           "median %.1f%%, max %.1f%%\n", bs, bp, 100 * best_mean, 100 * best_med,
           100 * best_max);
}

int main(int argc, char **argv)
{
    const char *dir = GP_BENCH_DATA;
    int do_fit = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--fit"))
            do_fit = 1;
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: accuracy [--data DIR] [--fit]\n");
            return 2;
        }
    }
    tables t = {0};
    gp_error err;
    gp_error_clear(&err);
    char path[1024];
    size_t len;
    char *text;
    if (gp_model_table_load_default(&t.presets, &err) ||
        gp_accel_table_load_default(&t.accels, &err)) {
        fprintf(stderr, "accuracy: %s\n", err.message);
        return 1;
    }
    snprintf(path, sizeof(path), "%s/models-extra.csv", dir);
    if (!(text = slurp(path, &len)) ||
        gp_model_table_load_buffer(path, text, len, &t.extra, &err)) {
        fprintf(stderr, "accuracy: %s: %s\n", path, err.message[0] ? err.message : "unreadable");
        return 1;
    }
    free(text);
    static runs rs;
    snprintf(path, sizeof(path), "%s/runs.csv", dir);
    if (!(text = slurp(path, &len)) ||
        gp_csv_parse(path, text, len, on_run, &rs, &err) != GP_OK) {
        fprintf(stderr, "accuracy: %s: %s\n", path, err.message[0] ? err.message : "unreadable");
        return 1;
    }
    free(text);

    /* The calibration rows must carry the shared file's figures. */
    static calib cal;
    snprintf(path, sizeof(path), "%s/calibration.csv", dir);
    if (!(text = slurp(path, &len)) ||
        gp_csv_parse(path, text, len, on_calib, &cal, &err) != GP_OK) {
        fprintf(stderr, "accuracy: %s: unreadable\n", path);
        return 1;
    }
    free(text);
    int bad = 0, checked = 0;
    for (int i = 0; i < rs.n; i++) {
        const run *r = &rs.r[i];
        if (strcmp(r->f[1], "calibration"))
            continue;
        int j = 0;
        while (j < cal.n && strcmp(cal.id[j], r->f[0]))
            j++;
        double want = j == cal.n ? NAN
                      : !strcmp(r->f[14], "gpu_hours") ? cal.hours[j]
                      : !strcmp(r->f[14], "wall_days") ? cal.days[j]
                                                       : cal.mfu[j];
        if (isnan(want) || fabs(want - atof(r->f[15])) > 1e-9 * fabs(want)) {
            fprintf(stderr, "accuracy: runs.csv:%ld: %s does not match calibration.csv\n",
                    r->line, r->f[0]);
            bad = 1;
        }
        checked++;
    }
    if (bad)
        return 1;

    if (do_fit) {
        fit(&t, &rs);
        return 0;
    }

    const gp_job_constants *k = gp_job_constants_default();
    printf("%-30s %-11s %-14s %12s %12s %8s  %s\n", "RUN", "SET", "METRIC", "REPORTED",
           "ESTIMATE", "ERROR", "LAYOUT (GPUS TPxPPxDP ZeRO recompute)");
    for (int i = 0; i < rs.n; i++) {
        const run *r = &rs.r[i];
        gp_estimate e;
        char why[256] = "";
        double p = predict(&t, r, k, &e, why, sizeof(why));
        double rep = atof(r->f[15]);
        if (isnan(p)) {
            printf("%-30s %-11s %-14s %12.4g %12s %8s  %s\n", r->f[0], r->f[1], r->f[14],
                   rep, "-", "-", why);
            continue;
        }
        printf("%-30s %-11s %-14s %12.4g %12.4g %+7.1f%%  %d %dx%dx%d Z%d %s\n", r->f[0],
               r->f[1], r->f[14], rep, p, 100 * (p / rep - 1), e.gpus, e.layout.tp,
               e.layout.pp, e.layout.dp, e.layout.zero,
               gp_recompute_name(e.layout.recompute));
    }
    printf("\n(calibration figures checked against calibration.csv: %d rows)\n", checked);
    static const char *const sets[] = {"calibration", "validation"};
    for (int s = 0; s < 2; s++) {
        double med, max;
        int n, failed;
        score(&t, &rs, sets[s], k, &med, &max, &n, &failed);
        printf("%-11s rows %2d  median |error| %5.1f%%  mean %5.1f%%  max %5.1f%%  "
               "not estimated %d\n", sets[s], n, 100 * med, 100 * last_mean, 100 * max,
               failed);
    }
    gp_model_table_free(t.presets);
    gp_model_table_free(t.extra);
    gp_accel_table_free(t.accels);
    return 0;
}
