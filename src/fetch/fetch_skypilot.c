/* SkyPilot's hosted catalog: one vms.csv per cloud, schema v8, at
 * <base>/v8/<cloud>/vms.csv (sky/catalog/constants.py:
 * HOSTED_CATALOG_DIR_URL and CATALOG_SCHEMA_VERSION). Public, Apache-2.0.
 * Parsed by the catalog's own SkyPilot loader. */
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "fetch/fetcher.h"

/* The clouds of the embedded SkyPilot snapshots (data/sources.csv) that
 * skypilot-catalog publishes at schema v7 or later, plus the v6-only ones
 * SkyPilot still lists (docs/refresh.md says which remain to confirm). */
/* The clouds gpuplan knows that skypilot-catalog publishes at schema v8
 * (its catalogs/v8/ folder as stored 2026: aws, cudo, gcp, hyperbolic,
 * lambda, mithril, nebius, oci, primeintellect, runpod, seeweb, shadeform,
 * vast, and azure). simplepod (last at v7), fluidstack, paperspace and do
 * (last at v6) are not fetched: they would 404, and an older schema's
 * folder is no longer regenerated, so its prices would be stale ones
 * dated as fresh; their embedded snapshots stay in use. */
static const char *const CLOUDS[] = {
    "aws",        "azure",      "gcp",       "lambda",  "runpod",
    "nebius",     "hyperbolic", "shadeform", "cudo",    "primeintellect",
    "mithril",    "seeweb",     "oci",       "vast",    NULL};

static gp_status fetch(gp_fetch_ctx *ctx, gp_error *err)
{
    char path[128];
    snprintf(path, sizeof(path), "/v8/%s/vms.csv", ctx->provider);
    if (gp_url_rebase(ctx->base, "", path, ctx->first_url,
                      sizeof(ctx->first_url)) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "endpoint too long: %s",
                       ctx->base);
    gp_http_response r;
    gp_status st = gp_http_get(ctx->http, ctx->first_url, NULL, &r, err);
    if (st != GP_OK)
        return st;
    gp_fetch_date(r.last_modified, ctx->effective, sizeof(ctx->effective));
    gp_load_opts lo = {1, ctx->provider};
    st = gp_catalog_add_skypilot_buffer(ctx->cat, ctx->first_url, ctx->provider,
                                        r.body, r.len, &lo, err);
    gp_http_response_free(&r);
    return st;
}

const gp_fetcher gp_fetcher_skypilot = {
    "skypilot",
    "https://raw.githubusercontent.com/skypilot-org/skypilot-catalog/master/catalogs",
    NULL,
    CLOUDS,
    "Apache-2.0 (skypilot-org/skypilot-catalog)",
    0,
    0,
    fetch,
};
