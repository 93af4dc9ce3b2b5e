/* Spot rules: shared checkpoint storage throughput per provider and GCP's
 * provisioning rules (src/plan/spot_rules.h). */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "core/numparse.h"
#include "plan/spot_rules.h"

typedef struct storage_rule {
    const char *provider, *service, *source;
    double mb_per_s_per_tib, min_tib;
} storage_rule;

typedef struct gcp_rule_row {
    const char *provider, *pattern, *source;
    gp_gcp_provisioning model;
    int supported;
    double max_runtime_hours; /* NAN: none */
} gcp_rule_row;

struct gp_spot_rules {
    gp_arena arena;
    storage_rule *storage;
    size_t nstorage;
    gcp_rule_row *gcp;
    size_t ngcp;
};

typedef struct reader {
    gp_spot_rules *r;
    const char *file;
} reader;

static gp_status num(const reader *rd, long line, const char *name, const char *text,
                     int allow_empty, double *out, gp_error *err)
{
    if (gp_parse_plain_number(text, out) != 0 || (!allow_empty && isnan(*out)) ||
        (!isnan(*out) && !(*out >= 0 && *out < 1e9)))
        return gp_fail(err, GP_EDATA, rd->file, line, "%s is not a non-negative number: '%s'",
                       name, text);
    return GP_OK;
}

static void *grow(void **arr, size_t *n, size_t size)
{
    if (*n > 100000)
        return NULL;
    char *p = realloc(*arr, (*n + 1) * size);
    if (!p)
        return NULL;
    *arr = p;
    return p + (*n)++ * size;
}

static gp_status storage_row(void *ctx, const char *const *v, long line, gp_error *err)
{
    reader *rd = ctx;
    double per_tib, min_tib;
    gp_status st = num(rd, line, "mb_per_s_per_tib", v[2], 0, &per_tib, err);
    if (st == GP_OK)
        st = num(rd, line, "min_tib", v[3], 0, &min_tib, err);
    if (st != GP_OK)
        return st;
    if (!(per_tib > 0) || !v[0][0] || !v[4][0])
        return gp_fail(err, GP_EDATA, rd->file, line,
                       "a storage row needs a provider, a positive MB/s per TiB and a source");
    storage_rule *s = grow((void **)&rd->r->storage, &rd->r->nstorage, sizeof(*s));
    if (!s)
        return gp_fail(err, GP_ENOMEM, rd->file, line, "out of memory");
    *s = (storage_rule){v[0], v[1], v[4], per_tib, min_tib};
    return GP_OK;
}

static gp_status gcp_row(void *ctx, const char *const *v, long line, gp_error *err)
{
    reader *rd = ctx;
    gp_gcp_provisioning model;
    if (strcmp(v[2], "spot") == 0)
        model = GP_GCP_SPOT;
    else if (strcmp(v[2], "preemptible") == 0)
        model = GP_GCP_PREEMPTIBLE;
    else
        return gp_fail(err, GP_EDATA, rd->file, line,
                       "provisioning must be spot or preemptible, not '%s'", v[2]);
    if (strcmp(v[3], "yes") != 0 && strcmp(v[3], "no") != 0)
        return gp_fail(err, GP_EDATA, rd->file, line, "supported must be yes or no");
    double hours;
    gp_status st = num(rd, line, "max_runtime_hours", v[4], 1, &hours, err);
    if (st != GP_OK)
        return st;
    if ((!isnan(hours) && !(hours > 0)) || !v[0][0] || !v[1][0] || !v[5][0])
        return gp_fail(err, GP_EDATA, rd->file, line,
                       "a rule needs a provider, a pattern, a source and a positive runtime "
                       "(or none)");
    gcp_rule_row *g = grow((void **)&rd->r->gcp, &rd->r->ngcp, sizeof(*g));
    if (!g)
        return gp_fail(err, GP_ENOMEM, rd->file, line, "out of memory");
    *g = (gcp_rule_row){v[0], v[1], v[5], model, strcmp(v[3], "yes") == 0, hours};
    return GP_OK;
}

gp_status gp_spot_rules_parse(const char *storage_name, const char *storage, size_t storage_len,
                              const char *gcp_name, const char *gcp, size_t gcp_len,
                              gp_spot_rules **out, gp_error *err)
{
    static const char *const STORAGE[] = {"provider", "service", "mb_per_s_per_tib", "min_tib",
                                          "source"};
    static const char *const GCP[] = {"provider",  "instance_pattern",  "provisioning",
                                      "supported", "max_runtime_hours", "source"};
    *out = NULL;
    gp_spot_rules *r = calloc(1, sizeof(*r));
    if (!r)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    gp_arena_init(&r->arena);
    reader a = {r, storage_name}, b = {r, gcp_name};
    gp_status st = gp_csv_parse_named(storage_name, storage, storage_len, STORAGE, 5, &r->arena,
                                      storage_row, &a, err);
    if (st == GP_OK)
        st = gp_csv_parse_named(gcp_name, gcp, gcp_len, GCP, 6, &r->arena, gcp_row, &b, err);
    if (st != GP_OK) {
        gp_spot_rules_free(r);
        return st;
    }
    *out = r;
    return GP_OK;
}

gp_status gp_spot_rules_load_default(gp_spot_rules **out, gp_error *err)
{
    const gp_embedded_file *s = gp_embedded_find("ckpt-storage.csv");
    const gp_embedded_file *g = gp_embedded_find("gcp-spot-rules.csv");
    *out = NULL;
    if (!s || !g)
        return gp_fail(err, GP_EIO, s ? "gcp-spot-rules.csv" : "ckpt-storage.csv", 0,
                       "not compiled into this build");
    return gp_spot_rules_parse("embedded:ckpt-storage.csv", s->data, s->len,
                               "embedded:gcp-spot-rules.csv", g->data, g->len, out, err);
}

void gp_spot_rules_free(gp_spot_rules *r)
{
    if (!r)
        return;
    free(r->storage);
    free(r->gcp);
    gp_arena_free(&r->arena);
    free(r);
}

double gp_spot_rules_storage_gbps(const gp_spot_rules *r, const char *provider, double stored_gb,
                                  gp_storage_bound *out)
{
    memset(out, 0, sizeof(*out));
    out->gbps = NAN;
    for (size_t i = 0; r && provider && i < r->nstorage; i++) {
        const storage_rule *s = &r->storage[i];
        if (strcasecmp(s->provider, provider) != 0)
            continue;
        /* Sized to what the run stores, at least the service's smallest
         * file system; throughput grows with the capacity provisioned. */
        double tib = (stored_gb > 0 ? stored_gb : 0) * 1e9 / 1099511627776.0;
        if (tib < s->min_tib)
            tib = s->min_tib;
        out->tib = tib;
        out->mb_per_s_per_tib = s->mb_per_s_per_tib;
        out->service = s->service;
        out->source = s->source;
        out->gbps = tib * s->mb_per_s_per_tib * 8e-3; /* MB/s -> Gb/s */
        return out->gbps;
    }
    return NAN;
}

int gp_spot_rules_gcp(const gp_spot_rules *r, const char *provider, const char *instance_type,
                      gp_gcp_provisioning model, gp_gcp_rule *out)
{
    memset(out, 0, sizeof(*out));
    out->max_runtime_hours = NAN;
    for (size_t i = 0; r && provider && instance_type && i < r->ngcp; i++) {
        const gcp_rule_row *g = &r->gcp[i];
        if (g->model != model || strcasecmp(g->provider, provider) != 0 ||
            fnmatch(g->pattern, instance_type, 0) != 0)
            continue;
        out->supported = g->supported;
        out->max_runtime_hours = g->max_runtime_hours;
        out->source = g->source;
        return 1;
    }
    return 0;
}
