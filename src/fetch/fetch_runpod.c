/* RunPod's GPU types over GraphQL (POST <base>/graphql, with a key:
 * "Authorization: Bearer $RUNPOD_API_KEY"; read from the environment
 * only, never from the command line, never stored). The query asks, per
 * GPU type, for the fields RunPod's schema names (as gpuhunt's and
 * SkyPilot's RunPod fetchers and RunPod's own Python client read them):
 * id, displayName, memoryInGb, securePrice, communityPrice,
 * secureSpotPrice, communitySpotPrice, oneMonthPrice, threeMonthPrice,
 * sixMonthPrice, and lowestPrice(input: {gpuCount: 1, secureCloud})
 * {stockStatus} twice under the aliases secureLowest and communityLowest.
 * Prices are US dollars per GPU-hour, the same everywhere (no region). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "fetch/fetcher.h"
#include "fetch/parsers.h"

static const char QUERY[] =
    "{\"query\": \"query GpuTypes { gpuTypes { id displayName memoryInGb "
    "securePrice communityPrice secureSpotPrice communitySpotPrice "
    "oneMonthPrice threeMonthPrice sixMonthPrice "
    "secureLowest: lowestPrice(input: {gpuCount: 1, secureCloud: true}) "
    "{ stockStatus } "
    "communityLowest: lowestPrice(input: {gpuCount: 1, secureCloud: false}) "
    "{ stockStatus } } }\"}";

/* A RunPod display name as one catalog word (gp_fetch_gpu_word: "H100
 * SXM" -> "H100-SXM", "RTX 4090" -> "RTX4090", "A100 PCIe" ->
 * "A100-PCIe"). Not SkyPilot's renaming (its fetch_runpod.py
 * format_gpu_name maps "A100 PCIe" to A100-80GB and "H100 PCIe" to H100):
 * the catalog's accelerator names resolve the word with the GPU's memory
 * (A100-PCIe at 80 GB is A100-80GB-PCIe, H100-SXM is H100), which keeps
 * PCIe and SXM apart. */
static void gpu_name(const char *display, char *out, size_t cap)
{
    gp_fetch_gpu_word(display, strlen(display), 0, out, cap);
}

/* "stock:<level>" of a lowestPrice object; "" when it gives none. */
static const char *stock_kind(json_t *lowest)
{
    if (!json_is_object(lowest))
        return "";
    json_t *s = json_object_get(lowest, "stockStatus");
    if (!s)
        return "";
    if (json_is_null(s))
        return "stock:none";
    const char *v = json_is_string(s) ? json_string_value(s) : "";
    return !strcasecmp(v, "high")     ? "stock:high"
           : !strcasecmp(v, "medium") ? "stock:medium"
           : !strcasecmp(v, "low")    ? "stock:low"
           : !strcasecmp(v, "none")   ? "stock:none"
                                      : "";
}

typedef struct sigs {
    gp_refresh_signal *v;
    size_t n, cap;
    int oom;
} sigs;

static void sig_add(sigs *s, const char *type, const char *kind)
{
    if (!kind[0] || s->oom)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        gp_refresh_signal *v = realloc(s->v, cap * sizeof(*v));
        if (!v) {
            s->oom = 1;
            return;
        }
        s->v = v;
        s->cap = cap;
    }
    gp_refresh_signal *g = &s->v[s->n++];
    snprintf(g->instance_type, sizeof(g->instance_type), "%s", type);
    g->region[0] = '\0';
    snprintf(g->kind, sizeof(g->kind), "%s", kind);
}

gp_status gp_runpod_csv(const char *url, const char *body, size_t len,
                        char **csv, size_t *csvlen, gp_refresh_signal **sig,
                        size_t *nsig, gp_error *err)
{
    *csv = NULL;
    *csvlen = 0;
    *sig = NULL;
    *nsig = 0;
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je);
    if (!root)
        return gp_fail(err, GP_EDATA, url, je.line,
                       "not a whole JSON document (%s): truncated, or not "
                       "RunPod's GraphQL answer",
                       je.text);
    json_t *errors = json_object_get(root, "errors");
    if (json_is_array(errors) && json_array_size(errors) > 0) {
        json_t *m = json_object_get(json_array_get(errors, 0), "message");
        gp_status st = gp_fail(err, GP_EDATA, url, 0, "RunPod answered with an error: %.200s",
                               json_is_string(m) ? json_string_value(m) : "(no message)");
        json_decref(root);
        return st;
    }
    json_t *types = json_object_get(json_object_get(root, "data"), "gpuTypes");
    if (!json_is_array(types)) {
        json_decref(root);
        return gp_fail(err, GP_EDATA, url, 0, "no data.gpuTypes array");
    }
    FILE *f = open_memstream(csv, csvlen);
    if (!f) {
        json_decref(root);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    fputs("provider,instance_type,region,gpu,gpu_count,gpu_mem_gb,usd_per_hour,"
          "spot_usd_per_hour,source,notes\n", f);
    gp_status st = GP_OK;
    sigs s = {0};
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t)
    {
        json_t *dn = json_object_get(t, "displayName");
        json_t *id = json_object_get(t, "id");
        const char *display = json_is_string(dn)   ? json_string_value(dn)
                              : json_is_string(id) ? json_string_value(id)
                                                   : "";
        char gpu[80];
        gpu_name(display, gpu, sizeof(gpu));
        if (!gpu[0] || !strcasecmp(gpu, "unknown"))
            continue;
        const char *fields[] = {"securePrice", "communityPrice", "secureSpotPrice",
                                "communitySpotPrice", "oneMonthPrice",
                                "threeMonthPrice", "sixMonthPrice"};
        double p[7];
        for (size_t k = 0; k < 7; k++) {
            p[k] = gp_fetch_json_number(t, fields[k]);
            if (p[k] < 0) {
                st = gp_fail(err, GP_EDATA, url, 0, "%s: %s is negative", display,
                             fields[k]);
                break;
            }
            if (!(p[k] > 0))
                p[k] = NAN; /* null or 0: RunPod's "not offered" */
        }
        if (st != GP_OK)
            break;
        double mem = gp_fetch_json_number(t, "memoryInGb");
        if (!(mem > 0))
            mem = NAN;
        for (int cloud = 0; cloud < 2; cloud++) {
            double od = p[cloud], spot = p[2 + cloud];
            if (isnan(od) && isnan(spot))
                continue;
            char type[120], notes[300] = "";
            snprintf(type, sizeof(type), "1x_%s_%s", gpu, cloud ? "COMMUNITY" : "SECURE");
            if (!cloud) {
                size_t nn = 0;
                const char *term[] = {"1 month", "3 months", "6 months"};
                for (int k = 0; k < 3; k++)
                    if (!isnan(p[4 + k]) && nn < sizeof(notes))
                        nn += (size_t)snprintf(notes + nn, sizeof(notes) - nn,
                                               "%scommitted %s $%.4f/GPU-h",
                                               nn ? "; " : "", term[k], p[4 + k]);
            }
            fputs("runpod,", f);
            gp_fetch_csv_quoted(f, type);
            fputs(",\"\",", f);
            gp_fetch_csv_quoted(f, gpu);
            gp_fetch_csv_number(f, 1);
            gp_fetch_csv_number(f, mem);
            gp_fetch_csv_number(f, od);
            gp_fetch_csv_number(f, spot);
            fputc(',', f);
            gp_fetch_csv_quoted(f, url);
            fputc(',', f);
            gp_fetch_csv_quoted(f, notes);
            fputc('\n', f);
            json_t *lowest = json_object_get(t, cloud ? "communityLowest" : "secureLowest");
            if (!lowest)
                lowest = json_object_get(t, "lowestPrice");
            sig_add(&s, type, stock_kind(lowest));
        }
    }
    json_decref(root);
    if (fclose(f) != 0 && st == GP_OK)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if (st == GP_OK && s.oom)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if (st != GP_OK) {
        free(*csv);
        free(s.v);
        *csv = NULL;
        *csvlen = 0;
        return st;
    }
    *sig = s.v;
    *nsig = s.n;
    return GP_OK;
}

static gp_status fetch(gp_fetch_ctx *ctx, gp_error *err)
{
    if (gp_url_rebase(ctx->base, "", "/graphql", ctx->first_url,
                      sizeof(ctx->first_url)) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "endpoint too long: %s", ctx->base);
    char auth[600];
    gp_status kst =
        gp_fetch_key_header(ctx, "Authorization: Bearer ", "RUNPOD_API_KEY", auth, sizeof(auth),
                            err);
    if (kst != GP_OK)
        return kst;
    const char *headers[] = {auth, "Content-Type: application/json",
                             "Accept: application/json", NULL};
    gp_http_response r;
    gp_status st = gp_http_post(ctx->http, ctx->first_url, headers, QUERY, &r, err);
    memset(auth, 0, sizeof(auth));
    if (st != GP_OK)
        return st;
    char *csv = NULL;
    size_t len = 0, nsig = 0;
    gp_refresh_signal *sig = NULL;
    st = gp_runpod_csv(ctx->first_url, r.body, r.len, &csv, &len, &sig, &nsig, err);
    gp_http_response_free(&r);
    if (st == GP_OK)
        st = gp_fetch_add_rows(ctx, csv, len, err);
    for (size_t i = 0; st == GP_OK && i < nsig; i++)
        st = gp_fetch_signal(ctx, sig[i].instance_type, sig[i].region, sig[i].kind, err);
    free(csv);
    free(sig);
    return st;
}

static const char *const PROVIDERS[] = {"runpod", NULL};

const gp_fetcher gp_fetcher_runpod = {
    "runpod",
    "https://api.runpod.io",
    "RUNPOD_API_KEY",
    PROVIDERS,
    "RunPod GraphQL API, with the user's own key (RunPod's terms of service)",
    0,
    0,
    fetch,
};
