/* Lambda's instance types (GET <base>/api/v1/instance-types, with a key:
 * "Authorization: Bearer $LAMBDA_API_KEY"; read from the environment only,
 * never from the command line, never stored). The answer, as SkyPilot's
 * and gpuhunt's Lambda fetchers read it: {"data": {NAME: {"instance_type":
 * {"name", "description", "gpu_description", "price_cents_per_hour",
 * "specs": {"vcpus", "memory_gib", "storage_gib", "gpus"}},
 * "regions_with_capacity_available": [{"name", "description"}]}}}.
 * The price is in US cents per instance-hour, the same in every region;
 * the regions listed are those with capacity when fetched. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "core/numparse.h"
#include "fetch/fetcher.h"
#include "fetch/parsers.h"

static const gp_offer *spec_of(const gp_catalog *specs, const char *name)
{
    if (!specs)
        return NULL;
    const gp_offer *o = gp_catalog_offers(specs);
    for (size_t i = 0; i < gp_catalog_offer_count(specs); i++)
        if (strcmp(o[i].provider, "lambda") == 0 &&
            strcmp(o[i].instance_type, name) == 0)
            return &o[i];
    return NULL;
}

/* The accelerator word and memory of a gpu_description, for a type the
 * catalog does not know: "H100 (80 GB SXM5)" -> "H100", 80; "A100 (40 GB
 * SXM4)" -> "A100", 40 (the memory keeps A100-80GB apart); "RTX A6000 (48
 * GB)" -> "RTXA6000"; "Tesla V100 (16 GB)" -> "V100" and "Quadro RTX 6000
 * (24 GB)" -> "RTX6000" (brand words dropped); "NVIDIA ..." likewise. The
 * catalog's accelerator names then resolve the word with the memory. ""
 * when there is no word; *mem_gb NAN when no "(N GB" is given. */
static void gpu_name(const char *desc, char *out, size_t cap, double *mem_gb)
{
    size_t end = strcspn(desc, "(");
    *mem_gb = NAN;
    gp_fetch_gpu_word(desc, end, 1, out, cap);
    if (desc[end] != '(')
        return;
    char *after = NULL;
    double gb = gp_strtod_c(desc + end + 1, &after); /* locale-free */
    while (after && *after == ' ')
        after++;
    if (after && after != desc + end + 1 && !strncmp(after, "GB", 2) && gb > 0 && gb < 10000)
        *mem_gb = gb;
}

static void row(FILE *f, const char *name, const char *region, const char *gpu,
                double count, double mem, double vcpus, double ram, double usd,
                const char *url, const char *notes)
{
    fputs("lambda,", f);
    gp_fetch_csv_quoted(f, name);
    fputc(',', f);
    gp_fetch_csv_quoted(f, region);
    fputc(',', f);
    gp_fetch_csv_quoted(f, gpu);
    gp_fetch_csv_number(f, count);
    gp_fetch_csv_number(f, mem);
    gp_fetch_csv_number(f, vcpus);
    gp_fetch_csv_number(f, ram);
    gp_fetch_csv_number(f, usd);
    fputc(',', f);
    gp_fetch_csv_quoted(f, url);
    fputc(',', f);
    gp_fetch_csv_quoted(f, notes);
    fputc('\n', f);
}

/* Lambda's instance-types answer: the document (the caller decrefs it)
 * and its "data" object, or GP_EDATA naming what is wrong. */
static gp_status load_answer(const char *url, const char *body, size_t len, json_t **root,
                             json_t **data, gp_error *err)
{
    json_error_t je;
    *root = json_loadb(body, len, 0, &je);
    *data = NULL;
    if (!*root)
        return gp_fail(err, GP_EDATA, url, je.line,
                       "not a whole JSON document (%s): truncated, or not "
                       "Lambda's instance-types answer",
                       je.text);
    *data = json_object_get(*root, "data");
    if (!json_is_object(*data)) {
        json_decref(*root);
        *root = NULL;
        return gp_fail(err, GP_EDATA, url, 0, "no \"data\" object");
    }
    return GP_OK;
}

gp_status gp_lambda_csv(const char *url, const char *body, size_t len,
                        const gp_catalog *specs, char **out, size_t *outlen,
                        gp_error *err)
{
    *out = NULL;
    *outlen = 0;
    json_t *root, *data;
    gp_status lst = load_answer(url, body, len, &root, &data, err);
    if (lst != GP_OK)
        return lst;
    FILE *f = open_memstream(out, outlen);
    if (!f) {
        json_decref(root);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    fputs("provider,instance_type,region,gpu,gpu_count,gpu_mem_gb,vcpus,ram_gb,"
          "usd_per_hour,source,notes\n", f);
    gp_status st = GP_OK;
    const char *key;
    json_t *v;
    json_object_foreach(data, key, v)
    {
        json_t *it = json_object_get(v, "instance_type");
        if (!json_is_object(it)) {
            st = gp_fail(err, GP_EDATA, url, 0, "%s: no instance_type object", key);
            break;
        }
        json_t *nm = json_object_get(it, "name");
        const char *name = json_is_string(nm) ? json_string_value(nm) : key;
        double cents = gp_fetch_json_number(it, "price_cents_per_hour");
        if (isnan(cents) || cents < 0) {
            st = gp_fail(err, GP_EDATA, url, 0,
                         "%s: price_cents_per_hour missing or negative", name);
            break;
        }
        json_t *sp = json_object_get(it, "specs");
        double gpus = gp_fetch_json_number(sp, "gpus"), vcpus = gp_fetch_json_number(sp, "vcpus"),
               ram = gp_fetch_json_number(sp, "memory_gib");
        if (!(gpus > 0))
            continue; /* CPU-only instance types */
        const gp_offer *spec = spec_of(specs, name);
        char gpu[64];
        double mem = NAN;
        if (spec) {
            snprintf(gpu, sizeof(gpu), "%s", spec->gpu);
            mem = spec->gpu_mem_gb;
        } else {
            json_t *gd = json_object_get(it, "gpu_description");
            gpu_name(json_is_string(gd) ? json_string_value(gd) : "", gpu, sizeof(gpu),
                     &mem);
        }
        if (!gpu[0])
            continue;
        json_t *regions = json_object_get(v, "regions_with_capacity_available");
        size_t nreg = json_is_array(regions) ? json_array_size(regions) : 0;
        double usd = cents / 100.0;
        if (nreg == 0)
            row(f, name, "", gpu, gpus, mem, vcpus, ram, usd, url,
                "no region had capacity when fetched");
        for (size_t i = 0; i < nreg; i++) {
            json_t *rn = json_object_get(json_array_get(regions, i), "name");
            if (!json_is_string(rn))
                continue;
            row(f, name, json_string_value(rn), gpu, gpus, mem, vcpus, ram, usd,
                url, "capacity available when fetched");
        }
    }
    json_decref(root);
    if (fclose(f) != 0 && st == GP_OK)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if (st != GP_OK) {
        free(*out);
        *out = NULL;
        *outlen = 0;
    }
    return st;
}

/* ---- availability ------------------------------------------------------ */

typedef struct sigs {
    gp_refresh_signal *v;
    size_t n, cap;
} sigs;

static int sig_add(sigs *s, const char *type, const char *region, const char *kind)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].instance_type, type) && !strcmp(s->v[i].region, region))
            return 0; /* one signal per type and region */
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        gp_refresh_signal *v = realloc(s->v, cap * sizeof(*v));
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    gp_refresh_signal *g = &s->v[s->n++];
    snprintf(g->instance_type, sizeof(g->instance_type), "%s", type);
    snprintf(g->region, sizeof(g->region), "%s", region);
    snprintf(g->kind, sizeof(g->kind), "%s", kind);
    return 0;
}

static int listed(json_t *regions, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach(regions, i, r)
    {
        json_t *n = json_object_get(r, "name");
        if (json_is_string(n) && !strcmp(json_string_value(n), name))
            return 1;
    }
    return 0;
}

gp_status gp_lambda_signals(const char *url, const char *body, size_t len,
                            const gp_catalog *specs, gp_refresh_signal **out,
                            size_t *n, gp_error *err)
{
    *out = NULL;
    *n = 0;
    json_t *root, *data;
    gp_status lst = load_answer(url, body, len, &root, &data, err);
    if (lst != GP_OK)
        return lst;
    /* Every region the answer names, for any type. */
    json_t *all = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(data, key, v)
    {
        size_t i;
        json_t *r;
        json_t *regions = json_object_get(v, "regions_with_capacity_available");
        json_array_foreach(regions, i, r)
        {
            json_t *nm = json_object_get(r, "name");
            if (json_is_string(nm) && !listed(all, json_string_value(nm)))
                json_array_append_new(all, json_pack("{sO}", "name", nm));
        }
    }
    sigs s = {0};
    int oom = !all;
    json_object_foreach(data, key, v)
    {
        if (oom)
            break;
        json_t *it = json_object_get(v, "instance_type");
        if (!json_is_object(it))
            continue;
        json_t *nm = json_object_get(it, "name");
        const char *name = json_is_string(nm) ? json_string_value(nm) : key;
        if (!(gp_fetch_json_number(json_object_get(it, "specs"), "gpus") > 0))
            continue;
        json_t *regions = json_object_get(v, "regions_with_capacity_available");
        size_t before = s.n, i;
        json_t *r;
        json_array_foreach(regions, i, r)
        {
            json_t *rn = json_object_get(r, "name");
            if (json_is_string(rn) &&
                sig_add(&s, name, json_string_value(rn), "capacity-available") != 0)
                oom = 1;
        }
        json_array_foreach(all, i, r)
        {
            const char *rn = json_string_value(json_object_get(r, "name"));
            if (!listed(regions, rn) &&
                sig_add(&s, name, rn, "capacity-unavailable") != 0)
                oom = 1;
        }
        const gp_offer *o = specs ? gp_catalog_offers(specs) : NULL;
        for (size_t k = 0; o && k < gp_catalog_offer_count(specs); k++)
            if (!strcmp(o[k].provider, "lambda") && !strcmp(o[k].instance_type, name) &&
                o[k].region[0] && !listed(regions, o[k].region) &&
                sig_add(&s, name, o[k].region, "capacity-unavailable") != 0)
                oom = 1;
        if (s.n == before && sig_add(&s, name, "", "capacity-unavailable") != 0)
            oom = 1;
    }
    json_decref(all);
    json_decref(root);
    if (oom) {
        free(s.v);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    *out = s.v;
    *n = s.n;
    return GP_OK;
}

static gp_status fetch(gp_fetch_ctx *ctx, gp_error *err)
{
    if (gp_url_rebase(ctx->base, "", "/api/v1/instance-types", ctx->first_url,
                      sizeof(ctx->first_url)) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "endpoint too long: %s", ctx->base);
    char auth[600];
    gp_status kst =
        gp_fetch_key_header(ctx, "Authorization: Bearer ", "LAMBDA_API_KEY", auth, sizeof(auth),
                            err);
    if (kst != GP_OK)
        return kst;
    const char *headers[] = {auth, "Accept: application/json", NULL};
    gp_http_response r;
    gp_status st = gp_http_get(ctx->http, ctx->first_url, headers, &r, err);
    memset(auth, 0, sizeof(auth));
    if (st != GP_OK)
        return st;
    char *csv = NULL;
    size_t len = 0;
    st = gp_lambda_csv(ctx->first_url, r.body, r.len, ctx->specs, &csv, &len, err);
    if (st == GP_OK)
        st = gp_fetch_add_rows(ctx, csv, len, err);
    free(csv);
    gp_refresh_signal *sig = NULL;
    size_t nsig = 0;
    if (st == GP_OK)
        st = gp_lambda_signals(ctx->first_url, r.body, r.len, ctx->specs, &sig, &nsig, err);
    for (size_t i = 0; st == GP_OK && i < nsig; i++)
        st = gp_fetch_signal(ctx, sig[i].instance_type, sig[i].region, sig[i].kind, err);
    free(sig);
    gp_http_response_free(&r);
    return st;
}

static const char *const PROVIDERS[] = {"lambda", NULL};

const gp_fetcher gp_fetcher_lambda = {
    "lambda",
    "https://cloud.lambdalabs.com",
    "LAMBDA_API_KEY",
    PROVIDERS,
    "Lambda Cloud API, with the user's own key (Lambda's terms of service)",
    1,
    0,
    fetch,
};
