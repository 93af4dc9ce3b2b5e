/* bench/accuracy: the job model against published training runs.
 *
 * Two sets in two files, chosen before fitting (bench/README.md says how a
 * run may move between them):
 *   data/runs-calibration.csv  the rows the model's choices may be tuned on
 *   data/runs-validation.csv   rows never used to choose anything
 * Each row is estimated three ways:
 *   preset    the model preset (data/models.csv or data/models-extra.csv)
 *             with the configuration the source states (batch, TP, PP ...);
 *             the template when the run has no preset
 *   template  what a user types: --params N [--active-params N] --tokens D
 *             --gpu G [--gpus N] [--precision P]; everything else derived
 *   rule      6 x N_active x D at 30% of the dense 16-bit peak
 * and scored by the median |error| = exp(median |ln ratio|) - 1, the share
 * within 2x and within 25% (ratio in [0.8, 1.25]), and the median ratio
 * (bias), for each set, by accelerator generation and by size.
 *
 *   accuracy [--data DIR] [--rows] [--fit]
 *
 * --rows prints every row; --fit searches the two calibrated constants
 * over a grid on the calibration rows (preset inputs) only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csvread.h"
#include "gpuplan/gpuplan.h"

enum { MAX_RUNS = 200, F = 20 };

enum field {
    R_ID, R_MODEL, R_PARAMS, R_ACTIVE, R_TOKENS, R_GPU, R_GPUS, R_PREC, R_SEQ,
    R_BATCH, R_MICRO, R_TP, R_PP, R_ZERO, R_RECOMPUTE, R_EP_OVERLAP, R_METRIC, R_REPORTED,
    R_SOURCE, R_NOTE
};

static const char *const COLS[F] = {
    "id", "model", "params", "active_params", "tokens", "gpu", "gpus", "precision",
    "seq_len", "global_batch_tokens", "micro_batch", "tp", "pp", "zero", "recompute",
    "ep_overlap", "metric", "reported", "source", "note"};

enum mode { M_PRESET, M_TEMPLATE, M_RULE, M_COUNT };
static const char *const MODE_NAMES[M_COUNT] = {"preset", "template", "30% rule"};

typedef struct run {
    char f[F][256];
    long line;
    int set; /* 0 calibration, 1 validation */
} run;

typedef struct runs {
    run r[MAX_RUNS];
    int n;
    int col[F];
    int header;
    int set;
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
    r->set = rs->set;
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

static const gp_model *preset_of(const tables *t, const run *r)
{
    if (!*r->f[R_MODEL])
        return NULL;
    const gp_model *m = gp_model_find(t->extra, r->f[R_MODEL]);
    return m ? m : gp_model_find(t->presets, r->f[R_MODEL]);
}

/* The parameter counts a user would type: the row's, else the preset's. */
static int counts_of(const tables *t, const run *r, double *total, double *active)
{
    const gp_model *m = preset_of(t, r);
    *total = *r->f[R_PARAMS] ? atof(r->f[R_PARAMS]) : m ? m->params_total : NAN;
    *active = *r->f[R_ACTIVE] ? atof(r->f[R_ACTIVE])
              : *r->f[R_PARAMS] ? *total
              : m               ? m->params_active
                                : NAN;
    return !isnan(*total) && !isnan(*active);
}

static double metric_of(const run *r, const gp_estimate *e)
{
    const char *metric = r->f[R_METRIC];
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
    return NAN;
}

/* 6 N D at 30% of the dense 16-bit peak. MFU against the run's own
 * precision's peak; HFU is the same 30% (the rule knows no recomputation). */
static double rule(const tables *t, const run *r, char *why, size_t cap)
{
    const gp_accel *a = gp_accel_find(t->accels, r->f[R_GPU]);
    double total, active;
    if (!a || !counts_of(t, r, &total, &active)) {
        snprintf(why, cap, "unknown model or accelerator");
        return NAN;
    }
    double p16 = a->tflops[GP_PREC_BF16] > 0 ? a->tflops[GP_PREC_BF16] : a->tflops[GP_PREC_FP16];
    int prec = *r->f[R_PREC] ? gp_precision_parse(r->f[R_PREC]) : GP_PREC_BF16;
    double pp = prec >= 0 && a->tflops[prec] > 0 ? a->tflops[prec] : p16;
    const char *metric = r->f[R_METRIC];
    double tokens = num(r->f[R_TOKENS]);
    double hours = 6.0 * active * tokens / (0.30 * p16 * 1e12) / 3600.0;
    if (!strcmp(metric, "gpu_hours"))
        return hours;
    if (!strcmp(metric, "wall_days"))
        return num(r->f[R_GPUS]) > 0 ? hours / num(r->f[R_GPUS]) / 24.0 : NAN;
    if (!strcmp(metric, "mfu"))
        return 0.30 * p16 / pp;
    if (!strcmp(metric, "hfu"))
        return 0.30 * p16 / pp;
    if (!strcmp(metric, "tflops_per_gpu"))
        return 0.30 * p16;
    snprintf(why, cap, "unknown metric %s", metric);
    return NAN;
}

/* Estimates one run in one mode; returns the predicted figure (NAN on
 * failure, with the reason in why). */
static double predict(const tables *t, const run *r, enum mode mode,
                      const gp_job_constants *k, gp_estimate *e, char *why, size_t cap)
{
    if (mode == M_RULE)
        return rule(t, r, why, cap);
    const gp_model *m = preset_of(t, r);
    if (*r->f[R_MODEL] && !m) {
        snprintf(why, cap, "unknown model %s", r->f[R_MODEL]);
        return NAN;
    }
    gp_model model;
    gp_error err;
    gp_error_clear(&err);
    int template = mode == M_TEMPLATE || !m;
    if (template) {
        gp_model_spec spec = {0};
        double total, active;
        if (!counts_of(t, r, &total, &active)) {
            snprintf(why, cap, "no parameter count");
            return NAN;
        }
        spec.params = total;
        spec.active_params = active < total ? active : 0;
        if (gp_model_derive(&spec, &model, &err) != GP_OK) {
            snprintf(why, cap, "%s", err.message);
            return NAN;
        }
    } else {
        model = *m;
        if (*r->f[R_SEQ])
            model.seq_len = atoi(r->f[R_SEQ]);
    }
    gp_job job;
    gp_job_init(&job);
    job.model = &model;
    job.tokens = *r->f[R_TOKENS] ? atof(r->f[R_TOKENS]) : 1e12; /* throughput rows: any */
    job.accel = gp_accel_find(t->accels, r->f[R_GPU]);
    if (!job.accel) {
        snprintf(why, cap, "unknown accelerator %s", r->f[R_GPU]);
        return NAN;
    }
    job.gpus = (int)num(r->f[R_GPUS]);
    if (*r->f[R_PREC])
        job.precision = gp_precision_parse(r->f[R_PREC]);
    if (!template) {
        job.global_batch_tokens = num(r->f[R_BATCH]);
        job.micro_batch = (int)num(r->f[R_MICRO]);
        job.tp = (int)num(r->f[R_TP]);
        job.pp = (int)num(r->f[R_PP]);
        if (*r->f[R_ZERO])
            job.zero = atoi(r->f[R_ZERO]);
        if (*r->f[R_RECOMPUTE])
            job.recompute = (gp_recompute)gp_recompute_parse(r->f[R_RECOMPUTE]);
        if (*r->f[R_EP_OVERLAP])
            job.ep_overlap = atof(r->f[R_EP_OVERLAP]);
    }
    job.no_assumptions = 1;
    if (gp_job_estimate_with(&job, k, e, &err) != GP_OK) {
        snprintf(why, cap, "%s", err.message);
        return NAN;
    }
    if (!e->fits) {
        snprintf(why, cap, "does not fit");
        return NAN;
    }
    double p = metric_of(r, e);
    if (isnan(p))
        snprintf(why, cap, "unknown metric %s", r->f[R_METRIC]);
    return p;
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

/* ln(estimate / reported) per row and mode; NAN when not estimated. */
static double lnr[M_COUNT][MAX_RUNS];

static const char *generation(const run *r)
{
    const char *g = r->f[R_GPU];
    if (!strncasecmp(g, "A100", 4))
        return "A100";
    if (!strncasecmp(g, "H100", 4) || !strncasecmp(g, "H800", 4) ||
        !strncasecmp(g, "H200", 4) || !strncasecmp(g, "GH200", 5))
        return "H100/H800/H200";
    if (!strncasecmp(g, "B200", 4) || !strncasecmp(g, "GB200", 5))
        return "B200/GB200";
    if (!strncasecmp(g, "TPU", 3))
        return "TPU";
    return "other";
}

static const char *size_class(const tables *t, const run *r)
{
    double total, active;
    if (!counts_of(t, r, &total, &active))
        return "?";
    if (active < total)
        return "MoE";
    return total < 2e9 ? "< 2B" : total < 20e9 ? "2-20B" : total < 100e9 ? "20-100B"
                                                                          : ">= 100B";
}

typedef struct score_t {
    int n, failed;
    double med, within2, within25, bias;
} score_t;

/* Scores mode `mode` over the rows of set `set` whose group matches
 * (group NULL: all). */
static score_t score(const tables *t, const runs *rs, int set, enum mode mode,
                     const char *(*group_of)(const tables *, const run *),
                     const char *group)
{
    double abs_l[MAX_RUNS], l[MAX_RUNS];
    score_t s = {0};
    int w2 = 0, w25 = 0;
    for (int i = 0; i < rs->n; i++) {
        if (rs->r[i].set != set)
            continue;
        if (group && strcmp(group_of(t, &rs->r[i]), group))
            continue;
        double v = lnr[mode][i];
        if (isnan(v)) {
            s.failed++;
            continue;
        }
        abs_l[s.n] = fabs(v);
        l[s.n] = v;
        w2 += fabs(v) <= log(2.0) + 1e-12;
        w25 += v <= log(1.25) + 1e-12 && v >= log(0.8) - 1e-12;
        s.n++;
    }
    s.med = exp(median(abs_l, s.n)) - 1;
    s.bias = exp(median(l, s.n));
    s.within2 = s.n ? (double)w2 / s.n : NAN;
    s.within25 = s.n ? (double)w25 / s.n : NAN;
    return s;
}

static const char *gen_of(const tables *t, const run *r)
{
    (void)t;
    return generation(r);
}

static void fill(const tables *t, const runs *rs, const gp_job_constants *k, int only_set)
{
    for (int i = 0; i < rs->n; i++)
        for (int mo = 0; mo < M_COUNT; mo++) {
            if (only_set >= 0 && rs->r[i].set != only_set) {
                lnr[mo][i] = NAN;
                continue;
            }
            gp_estimate e;
            char why[256];
            double p = predict(t, &rs->r[i], (enum mode)mo, k, &e, why, sizeof(why));
            double rep = atof(rs->r[i].f[R_REPORTED]);
            lnr[mo][i] = isnan(p) || !(p > 0) || !(rep > 0) ? NAN : log(p / rep);
        }
}

static void fit(const tables *t, const runs *rs)
{
    gp_job_constants k = *gp_job_constants_default();
    double best = INFINITY, bs = 0, bp = 0;
    printf("grid: residual steady-state efficiency 0.60-1.00, production efficiency "
           "0.50-1.00 (calibration rows, preset inputs; ranked by median |ln ratio|)\n");
    for (int si = 60; si <= 100; si += 2) {
        for (int pi = 50; pi <= 100; pi += 2) {
            k.software_efficiency = si / 100.0;
            k.production_efficiency = pi / 100.0;
            fill(t, rs, &k, 0);
            score_t s = score(t, rs, 0, M_PRESET, NULL, NULL);
            if (s.failed == 0 && s.med < best - 1e-9) {
                best = s.med;
                bs = k.software_efficiency;
                bp = k.production_efficiency;
            }
        }
    }
    printf("best: software_efficiency %.2f, production_efficiency %.2f: median %.1f%%\n",
           bs, bp, 100 * best);
}

static int load_runs(const char *dir, const char *file, int set, runs *rs)
{
    char path[1024];
    size_t len;
    gp_error err;
    gp_error_clear(&err);
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    char *text = slurp(path, &len);
    rs->header = 0;
    rs->set = set;
    if (!text || gp_csv_parse(path, text, len, on_run, rs, &err) != GP_OK) {
        fprintf(stderr, "accuracy: %s: %s\n", path, err.message[0] ? err.message : "unreadable");
        free(text);
        return 1;
    }
    free(text);
    return 0;
}

static void print_score_line(const char *label, const score_t *s)
{
    if (s->n == 0) {
        printf("  %-22s %4d rows\n", label, 0);
        return;
    }
    printf("  %-22s %4d rows  median |error| %6.1f%%  within 2x %5.1f%%  within 25%% %5.1f%%  "
           "median ratio %.2f%s\n",
           label, s->n, 100 * s->med, 100 * s->within2, 100 * s->within25, s->bias,
           s->failed ? "  (some not estimated)" : "");
}

int main(int argc, char **argv)
{
    const char *dir = GP_BENCH_DATA;
    int do_fit = 0, rows = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--fit"))
            do_fit = 1;
        else if (!strcmp(argv[i], "--rows"))
            rows = 1;
        else if (!strcmp(argv[i], "--data") && i + 1 < argc)
            dir = argv[++i];
        else {
            fprintf(stderr, "usage: accuracy [--data DIR] [--rows] [--fit]\n");
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
    if (load_runs(dir, "runs-calibration.csv", 0, &rs) ||
        load_runs(dir, "runs-validation.csv", 1, &rs))
        return 1;

    /* The calibration rows that come from the shared calibration file must
     * carry its figures. */
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
        if (strcmp(r->f[R_SOURCE], "calibration.csv"))
            continue;
        int j = 0;
        while (j < cal.n && strcmp(cal.id[j], r->f[R_ID]))
            j++;
        double want = j == cal.n ? NAN
                      : !strcmp(r->f[R_METRIC], "gpu_hours") ? cal.hours[j]
                      : !strcmp(r->f[R_METRIC], "wall_days") ? cal.days[j]
                                                             : cal.mfu[j];
        if (isnan(want) || fabs(want - atof(r->f[R_REPORTED])) > 1e-9 * fabs(want)) {
            fprintf(stderr, "accuracy: line %ld: %s does not match calibration.csv\n",
                    r->line, r->f[R_ID]);
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
    printf("fitted on the calibration rows (--fit): software_efficiency %.2f (residual), "
           "production_efficiency %.2f; assumed: restart %.0f min, %.0f us per kernel\n",
           k->software_efficiency, k->production_efficiency, 60 * k->restart_hours,
           1e6 * k->kernel_overhead_s);
    fill(&t, &rs, k, -1);
    static const char *const SETS[2] = {"calibration", "validation"};
    if (rows) {
        printf("%-30s %-4s %-14s %11s %9s %9s %9s  %s\n", "RUN", "SET", "METRIC",
               "REPORTED", "PRESET", "TEMPLATE", "RULE", "PRESET LAYOUT (GPUS TPxPPxDP ZeRO recompute)");
        for (int i = 0; i < rs.n; i++) {
            const run *r = &rs.r[i];
            char cell[M_COUNT][16];
            for (int mo = 0; mo < M_COUNT; mo++) {
                if (isnan(lnr[mo][i]))
                    snprintf(cell[mo], sizeof(cell[mo]), "-");
                else
                    snprintf(cell[mo], sizeof(cell[mo]), "%+.0f%%", 100 * (exp(lnr[mo][i]) - 1));
            }
            gp_estimate e;
            char why[256] = "";
            double p = predict(&t, r, M_PRESET, k, &e, why, sizeof(why));
            char lay[96];
            if (isnan(p))
                snprintf(lay, sizeof(lay), "%s", why);
            else
                snprintf(lay, sizeof(lay), "%d %dx%dx%d Z%d %s", e.gpus, e.layout.tp,
                         e.layout.pp, e.layout.dp, e.layout.zero,
                         gp_recompute_name(e.layout.recompute));
            printf("%-30s %-4.4s %-14s %11.4g %9s %9s %9s  %s\n", r->f[R_ID], SETS[r->set],
                   r->f[R_METRIC], atof(r->f[R_REPORTED]), cell[0], cell[1], cell[2], lay);
        }
        printf("\n");
    }
    printf("(%d calibration figures checked against calibration.csv)\n", checked);
    static const char *const GENS[] = {"A100", "H100/H800/H200", "B200/GB200", "TPU", "other"};
    static const char *const SIZES[] = {"< 2B", "2-20B", "20-100B", ">= 100B", "MoE"};
    for (int set = 0; set < 2; set++) {
        printf("\n%s\n", SETS[set]);
        for (int mo = 0; mo < M_COUNT; mo++) {
            score_t s = score(&t, &rs, set, (enum mode)mo, NULL, NULL);
            char label[64];
            snprintf(label, sizeof(label), "%s", MODE_NAMES[mo]);
            print_score_line(label, &s);
        }
        for (int mo = 0; mo < M_COUNT; mo++) {
            printf(" %s, by accelerator and size:\n", MODE_NAMES[mo]);
            for (size_t g = 0; g < sizeof(GENS) / sizeof(GENS[0]); g++) {
                score_t s = score(&t, &rs, set, (enum mode)mo, gen_of, GENS[g]);
                if (s.n || s.failed)
                    print_score_line(GENS[g], &s);
            }
            for (size_t z = 0; z < sizeof(SIZES) / sizeof(SIZES[0]); z++) {
                score_t s = score(&t, &rs, set, (enum mode)mo, size_class, SIZES[z]);
                if (s.n || s.failed)
                    print_score_line(SIZES[z], &s);
            }
        }
        for (int mo = 0; mo < M_COUNT; mo++) {
            score_t s = score(&t, &rs, set, (enum mode)mo, NULL, NULL);
            if (s.failed)
                printf("  %s: %d rows not estimated\n", MODE_NAMES[mo], s.failed);
        }
    }
    gp_model_table_free(t.presets);
    gp_model_table_free(t.extra);
    gp_accel_table_free(t.accels);
    return 0;
}
