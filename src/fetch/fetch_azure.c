/* Azure Retail Prices API (public, no key; docs: learn.microsoft.com
 * /rest/api/cost-management/retail-prices/azure-retail-prices).
 *
 * GET <base>/api/retail/prices?api-version=2023-01-01-preview&$filter=
 * serviceName eq 'Virtual Machines' answers {"Items": [...], "NextPageLink":
 * URL or null, "Count": n}, up to 1,000 items a page; each NextPageLink is
 * rebased onto the configured endpoint. Per item we read armSkuName,
 * armRegionName, productName (a name ending in "Windows" is a Windows
 * meter: left out), meterName/skuName ("Spot", "Low Priority"), type
 * ("Consumption", "Reservation"; "DevTestConsumption" left out),
 * retailPrice, currencyCode (USD only), unitOfMeasure, reservationTerm
 * ("1 Year", "3 Years": the price is for the whole term, divided here by
 * the term's hours), savingsPlan [{retailPrice, term}] (per hour) and
 * effectiveStartDate. The price API says nothing of GPUs: GPU model, count
 * and memory come from the catalog's own Azure instance types (the
 * embedded SkyPilot rows); a SKU the catalog does not know is left out.
 * The rows are handed to the catalog's gpuplan-CSV loader. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/fail.h"
#include "fetch/parsers.h"
#include "fetch/fetcher.h"

#define HOURS_PER_YEAR 8760.0   /* 365 days x 24 h, the 1-year term */
#define MAX_PAGES 2000

typedef struct sku_price {
    const gp_offer *spec;       /* from the catalog's instance types */
    char region[64];
    double od, spot, lowpri, r1, r3, sp1, sp3;
    char effective[16];
} sku_price;

struct gp_azure {
    const gp_offer **specs;
    size_t nspecs;
    sku_price *rows;
    size_t n, cap;
};
typedef struct gp_azure azure;

static const gp_offer *spec_of(const azure *a, const char *sku)
{
    for (size_t i = 0; i < a->nspecs; i++)
        if (strcasecmp(a->specs[i]->instance_type, sku) == 0)
            return a->specs[i];
    return NULL;
}

static sku_price *row_for(azure *a, const gp_offer *spec, const char *region)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->rows[i].spec == spec && strcmp(a->rows[i].region, region) == 0)
            return &a->rows[i];
    if (gp_grow((void **)&a->rows, &a->cap, a->n, sizeof(*a->rows)) != 0)
        return NULL;
    sku_price *r = &a->rows[a->n++];
    memset(r, 0, sizeof(*r));
    r->spec = spec;
    snprintf(r->region, sizeof(r->region), "%s", region);
    r->od = r->spot = r->lowpri = r->r1 = r->r3 = r->sp1 = r->sp3 = NAN;
    return r;
}

static const char *str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcasecmp(s + n - t, tail) == 0;
}

static double term_years(const char *term)
{
    if (strcmp(term, "1 Year") == 0)
        return 1;
    if (strcmp(term, "3 Years") == 0)
        return 3;
    return NAN;
}

static void keep_min(double *slot, double v)
{
    if (isnan(*slot) || v < *slot)
        *slot = v;
}

static gp_status item(azure *a, json_t *it, const char *url, gp_error *err)
{
    if (!json_is_object(it))
        return gp_fail(err, GP_EDATA, url, 0, "an item of Items is not an object");
    const char *sku = str(it, "armSkuName"), *region = str(it, "armRegionName");
    if (!*sku || !*region || strcmp(str(it, "currencyCode"), "USD") != 0)
        return GP_OK;
    if (ends_with(str(it, "productName"), "Windows"))
        return GP_OK;
    const gp_offer *spec = spec_of(a, sku);
    if (!spec)
        return GP_OK;
    const char *type = str(it, "type");
    const char *meter = str(it, "meterName");
    double price = gp_fetch_json_number(it, "retailPrice");
    if (isnan(price))
        return gp_fail(err, GP_EDATA, url, 0, "item %s %s has no retailPrice",
                       sku, region);
    if (price < 0)
        return gp_fail(err, GP_EDATA, url, 0, "item %s %s: negative retailPrice",
                       sku, region);
    sku_price *r = row_for(a, spec, region);
    if (!r)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    char eff[16];
    gp_fetch_date(str(it, "effectiveStartDate"), eff, sizeof(eff));
    if (eff[0] && strcmp(eff, r->effective) > 0)
        snprintf(r->effective, sizeof(r->effective), "%s", eff);
    if (strcmp(type, "Reservation") == 0) {
        double y = term_years(str(it, "reservationTerm"));
        if (!isnan(y))
            keep_min(y == 1 ? &r->r1 : &r->r3, price / (y * HOURS_PER_YEAR));
        return GP_OK;
    }
    if (strcmp(type, "Consumption") != 0 ||
        strcmp(str(it, "unitOfMeasure"), "1 Hour") != 0)
        return GP_OK;
    if (strstr(meter, "Spot") || strstr(str(it, "skuName"), "Spot")) {
        keep_min(&r->spot, price);
        return GP_OK;
    }
    if (strstr(meter, "Low Priority") || strstr(str(it, "skuName"), "Low Priority")) {
        keep_min(&r->lowpri, price);
        return GP_OK;
    }
    /* An on-demand price of 0 is kept as 0 so that the checks refuse it
     * by name instead of it vanishing. */
    if (isnan(r->od) || price < r->od)
        r->od = price;
    json_t *sp = json_object_get(it, "savingsPlan");
    size_t i;
    json_t *p;
    if (json_is_array(sp))
        json_array_foreach(sp, i, p)
        {
            double y = term_years(str(p, "term"));
            double v = gp_fetch_json_number(p, "retailPrice");
            if (!isnan(y) && v > 0)
                keep_min(y == 1 ? &r->sp1 : &r->sp3, v);
        }
    return GP_OK;
}

gp_status gp_azure_new(gp_azure **out, const gp_catalog *specs, gp_error *err)
{
    *out = NULL;
    azure *a = calloc(1, sizeof(*a));
    if (!a)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    size_t n = specs ? gp_catalog_offer_count(specs) : 0;
    const gp_offer *o = specs ? gp_catalog_offers(specs) : NULL;
    a->specs = calloc(n ? n : 1, sizeof(*a->specs));
    if (!a->specs) {
        free(a);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(o[i].provider, "azure") != 0 || !(o[i].gpu_count > 0))
            continue;
        if (spec_of(a, o[i].instance_type))
            continue;
        a->specs[a->nspecs++] = &o[i];
    }
    *out = a;
    return GP_OK;
}

void gp_azure_free(gp_azure *a)
{
    if (!a)
        return;
    free(a->specs);
    free(a->rows);
    free(a);
}

gp_status gp_azure_page(gp_azure *a, const char *url, const char *body,
                        size_t len, const char *base, char *next, size_t cap,
                        gp_error *err)
{
    next[0] = '\0';
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je);
    if (!root)
        return gp_fail(err, GP_EDATA, url, je.line,
                       "not a whole JSON document (%s): truncated, or not the "
                       "Retail Prices API",
                       je.text);
    gp_status st = GP_OK;
    json_t *items = json_object_get(root, "Items");
    if (!json_is_array(items)) {
        st = gp_fail(err, GP_EDATA, url, 0, "no Items array");
        goto out;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if ((st = item(a, it, url, err)) != GP_OK)
            goto out;
    }
    json_t *nl = json_object_get(root, "NextPageLink");
    if (json_is_string(nl) && json_string_length(nl) > 0 &&
        gp_url_rebase(base, "", json_string_value(nl), next, cap) != 0)
        st = gp_fail(err, GP_EDATA, url, 0, "NextPageLink too long or unusable");
out:
    json_decref(root);
    return st;
}

static void add_term(char *notes, size_t cap, const char *what, double v)
{
    if (isnan(v))
        return;
    size_t n = strlen(notes);
    snprintf(notes + n, cap - n, "%s%s $%.4f/h", n ? "; " : "", what, v);
}

static void csv_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.10g", v);
}

gp_status gp_azure_csv(gp_azure *a, const char *source, char **out,
                       size_t *len, char *effective, size_t ecap,
                       gp_error *err)
{
    *out = NULL;
    *len = 0;
    effective[0] = '\0';
    FILE *f = open_memstream(out, len);
    if (!f)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    fputs("provider,instance_type,region,gpu,gpu_count,gpu_mem_gb,vcpus,ram_gb,"
          "usd_per_hour,spot_usd_per_hour,source,as_of,notes\n", f);
    for (size_t i = 0; i < a->n; i++) {
        const sku_price *r = &a->rows[i];
        if (isnan(r->od) && isnan(r->spot) && isnan(r->lowpri))
            continue; /* reservations only: no hourly price to offer */
        double spot = !isnan(r->spot) ? r->spot : r->lowpri;
        char notes[400] = "";
        if (isnan(r->spot) && !isnan(r->lowpri))
            add_term(notes, sizeof(notes), "spot column is the low-priority meter", r->lowpri);
        add_term(notes, sizeof(notes), "reserved 1y", r->r1);
        add_term(notes, sizeof(notes), "reserved 3y", r->r3);
        add_term(notes, sizeof(notes), "savings plan 1y", r->sp1);
        add_term(notes, sizeof(notes), "savings plan 3y", r->sp3);
        if (r->effective[0] && strcmp(r->effective, effective) > 0)
            snprintf(effective, ecap, "%s", r->effective);
        fprintf(f, "azure,%s,%s,%s", r->spec->instance_type, r->region, r->spec->gpu);
        csv_num(f, r->spec->gpu_count);
        csv_num(f, r->spec->gpu_mem_gb);
        csv_num(f, r->spec->vcpus);
        csv_num(f, r->spec->ram_gb);
        csv_num(f, r->od);
        csv_num(f, spot);
        fprintf(f, ",\"%s\",%s,\"%s\"\n", source, r->effective, notes);
    }
    if (fclose(f) != 0) {
        free(*out);
        *out = NULL;
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    return GP_OK;
}

static gp_status fetch(gp_fetch_ctx *ctx, gp_error *err)
{
    static const char FIRST[] =
        "/api/retail/prices?api-version=2023-01-01-preview&$filter=serviceName "
        "eq 'Virtual Machines'";
    if (gp_url_rebase(ctx->base, "", FIRST, ctx->first_url,
                      sizeof(ctx->first_url)) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "endpoint too long: %s", ctx->base);
    azure *a = NULL;
    gp_status st = gp_azure_new(&a, ctx->specs, err);
    if (st != GP_OK)
        return st;
    char url[4096], next[4096];
    snprintf(url, sizeof(url), "%s", ctx->first_url);
    for (int page = 0; st == GP_OK; page++) {
        if (page >= MAX_PAGES) {
            st = gp_fail(err, GP_EDATA, url, 0, "more than %d pages", MAX_PAGES);
            break;
        }
        gp_http_response r;
        st = gp_http_get(ctx->http, url, NULL, &r, err);
        if (st != GP_OK)
            break;
        st = gp_azure_page(a, url, r.body, r.len, ctx->base, next, sizeof(next), err);
        gp_http_response_free(&r);
        if (st != GP_OK || !next[0])
            break;
        if (strcmp(next, url) == 0) {
            st = gp_fail(err, GP_EDATA, url, 0, "NextPageLink points to itself");
            break;
        }
        snprintf(url, sizeof(url), "%s", next);
    }
    char *csv = NULL;
    size_t len = 0;
    if (st == GP_OK)
        st = gp_azure_csv(a, ctx->first_url, &csv, &len, ctx->effective,
                          sizeof(ctx->effective), err);
    if (st == GP_OK)
        st = gp_fetch_add_rows(ctx, csv, len, err);
    free(csv);
    gp_azure_free(a);
    return st;
}

static const char *const PROVIDERS[] = {"azure", NULL};

const gp_fetcher gp_fetcher_azure = {
    "azure",
    "https://prices.azure.com",
    NULL,
    PROVIDERS,
    "Microsoft Azure Retail Prices API, public and unauthenticated",
    1,
    0,
    fetch,
};
