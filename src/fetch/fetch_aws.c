/* AWS's Price List bulk files (public, no key; docs: "Using the bulk API"
 * of the AWS Price List, docs.aws.amazon.com/awsaccountbilling/latest/
 * aboutv2/using-the-aws-price-list-bulk-api.html). Three steps, every URL
 * relative to the host and rebased onto the endpoint:
 *   1. <base>/offers/v1.0/aws/index.json: offers.AmazonEC2
 *      .currentRegionIndexUrl;
 *   2. that region index: regions.<code>.currentVersionUrl (the region's
 *      file, .json; the same path ending in .csv is its CSV form);
 *   3. each region's file, streamed, in the form GPUPLAN_AWS_FORMAT names
 *      (csv, the default, or json; the body's first byte decides which
 *      reader gets it). CSV: a few metadata rows ("Publication Date"), a
 *      header row starting with "SKU", then one row per price term. JSON:
 *      products and terms joined by SKU (aws_json.c). A region file is
 *      hundreds of megabytes: it is parsed as it arrives and never held.
 * Kept, by one row builder for both forms: TermType OnDemand (and
 * Reserved, No Upfront, standard, 1yr/3yr: in the notes), Unit Hrs,
 * Currency USD, Tenancy Shared, Operating System Linux, Pre Installed S/W
 * NA or empty, CapacityStatus Used, MarketOption OnDemand where given
 * (the filters gpuhunt's AWS provider applies). The files have no GPU
 * model: instance types come from the catalog's own AWS rows (GPU, count,
 * memory); others are left out. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/fail.h"
#include "core/numparse.h"
#include "fetch/aws_json.h"
#include "fetch/fetcher.h"
#include "fetch/parsers.h"

#define MAX_RECORD_BYTES ((size_t)1 << 20)
#define MAX_FIELDS 512
#define MAX_REGIONS 64

enum {
    C_TERM, C_UNIT, C_PRICE, C_CURRENCY, C_LEASE, C_PURCHASE, C_CLASS, C_TYPE,
    C_TENANCY, C_OS, C_CAPACITY, C_SW, C_MARKET, C_REGION, C_EFFECTIVE, NCOLS
};
static const char *const COLS[NCOLS] = {
    "TermType", "Unit", "PricePerUnit", "Currency", "LeaseContractLength",
    "PurchaseOption", "OfferingClass", "Instance Type", "Tenancy",
    "Operating System", "CapacityStatus", "Pre Installed S/W", "MarketOption",
    "Region Code", "EffectiveDate"};

typedef struct aws_row {
    const gp_offer *spec;
    char region[32];
    double od, r1, r3;
} aws_row;

struct gp_aws {
    const gp_offer **specs;  /* sorted by instance type */
    size_t nspecs;
    aws_row *rows;
    size_t n, cap;
    aws_row *last;
    /* the record being read */
    char *rec;
    size_t len, rcap;
    size_t start[MAX_FIELDS];
    size_t nfields;
    int state;               /* 0 field start, 1 unquoted, 2 quoted, 3 quote in quoted */
    long line;               /* record number in the current file */
    int col[NCOLS];
    int have_header;
    char region_file[32];
    char effective[16];
    size_t kept;
};

static int cmp_spec(const void *a, const void *b)
{
    return strcmp((*(const gp_offer *const *)a)->instance_type,
                  (*(const gp_offer *const *)b)->instance_type);
}

gp_status gp_aws_new(gp_aws **out, const gp_catalog *specs, gp_error *err)
{
    *out = NULL;
    gp_aws *a = calloc(1, sizeof(*a));
    size_t n = specs ? gp_catalog_offer_count(specs) : 0;
    if (a)
        a->specs = calloc(n ? n : 1, sizeof(*a->specs));
    if (!a || !a->specs) {
        free(a);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    const gp_offer *o = specs ? gp_catalog_offers(specs) : NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(o[i].provider, "aws") == 0 && o[i].gpu_count > 0)
            a->specs[a->nspecs++] = &o[i];
    qsort(a->specs, a->nspecs, sizeof(*a->specs), cmp_spec);
    size_t w = 0; /* one spec per instance type */
    for (size_t i = 0; i < a->nspecs; i++)
        if (!w || strcmp(a->specs[w - 1]->instance_type, a->specs[i]->instance_type) != 0)
            a->specs[w++] = a->specs[i];
    a->nspecs = w;
    *out = a;
    return GP_OK;
}

void gp_aws_free(gp_aws *a)
{
    if (!a)
        return;
    free(a->specs);
    free(a->rows);
    free(a->rec);
    free(a);
}

static const gp_offer *spec_of(const gp_aws *a, const char *type)
{
    size_t lo = 0, hi = a->nspecs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(a->specs[mid]->instance_type, type);
        if (!c)
            return a->specs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char *field(const gp_aws *a, int c)
{
    int i = a->col[c];
    return i >= 0 && (size_t)i < a->nfields ? a->rec + a->start[i] : "";
}

static aws_row *row_for(gp_aws *a, const gp_offer *spec, const char *region)
{
    if (a->last && a->last->spec == spec && strcmp(a->last->region, region) == 0)
        return a->last;
    for (size_t i = 0; i < a->n; i++)
        if (a->rows[i].spec == spec && strcmp(a->rows[i].region, region) == 0)
            return a->last = &a->rows[i];
    if (gp_grow((void **)&a->rows, &a->cap, a->n, sizeof(*a->rows)) != 0)
        return NULL;
    aws_row *r = &a->rows[a->n++];
    memset(r, 0, sizeof(*r));
    r->spec = spec;
    snprintf(r->region, sizeof(r->region), "%s", region);
    r->od = r->r1 = r->r3 = NAN;
    return a->last = r;
}

static void keep_min(double *slot, double v)
{
    if (isnan(*slot) || v < *slot)
        *slot = v;
}

/* ---- the row builder both forms feed (aws_json.h) --------------------- */

const gp_offer *gp_aws_product_spec(const gp_aws *a, const gp_aws_product *p,
                                    const char *file_region, const char **region)
{
    *region = *p->region ? p->region : file_region;
    if (strcmp(p->tenancy, "Shared") != 0 || strcmp(p->os, "Linux") != 0)
        return NULL;
    if ((*p->sw && strcmp(p->sw, "NA") != 0) || (*p->capacity && strcmp(p->capacity, "Used") != 0) ||
        (*p->market && strcmp(p->market, "OnDemand") != 0))
        return NULL;
    if (!**region || strlen(*region) >= sizeof(((aws_row *)0)->region))
        return NULL;
    return spec_of(a, p->instance_type);
}

int gp_aws_price_slot(const gp_aws_price *p, gp_aws_slot *slot, double *usd_per_hour)
{
    *slot = GP_AWS_NONE;
    *usd_per_hour = NAN;
    int od = strcmp(p->term, "OnDemand") == 0;
    if (!od && strcmp(p->term, "Reserved") != 0)
        return 0;
    if (strcmp(p->unit, "Hrs") != 0 || strcmp(p->currency, "USD") != 0)
        return 0;
    double price;
    if (gp_parse_plain_number(p->price, &price) != 0 || !(price >= 0))
        return -1;
    if (od) {
        *slot = GP_AWS_ON_DEMAND;
    } else {
        if (strcmp(p->purchase, "No Upfront") != 0 || strcasecmp(p->offering_class, "standard") != 0)
            return 0;
        if (strcmp(p->lease, "1yr") == 0)
            *slot = GP_AWS_RESERVED_1Y;
        else if (strcmp(p->lease, "3yr") == 0)
            *slot = GP_AWS_RESERVED_3Y;
        else
            return 0;
    }
    *usd_per_hour = price;
    return 0;
}

gp_status gp_aws_keep(gp_aws *a, const gp_offer *spec, const char *region, gp_aws_slot slot,
                      double usd_per_hour, gp_error *err)
{
    if (slot == GP_AWS_NONE)
        return GP_OK;
    aws_row *r = row_for(a, spec, region);
    if (!r)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    a->kept++;
    keep_min(slot == GP_AWS_ON_DEMAND    ? &r->od
             : slot == GP_AWS_RESERVED_1Y ? &r->r1
                                          : &r->r3,
             usd_per_hour);
    return GP_OK;
}

void gp_aws_publication(gp_aws *a, const char *text)
{
    char d[16];
    gp_fetch_date(text, d, sizeof(d));
    if (strcmp(d, a->effective) > 0)
        snprintf(a->effective, sizeof(a->effective), "%s", d);
}

/* ---- the CSV form ------------------------------------------------------ */

static gp_status on_record(gp_aws *a, const char *name, gp_error *err)
{
    a->line++;
    const char *f0 = a->nfields ? a->rec + a->start[0] : "";
    if (!a->have_header) {
        if (a->nfields >= 2 && strcmp(f0, "Publication Date") == 0)
            gp_aws_publication(a, a->rec + a->start[1]);
        if (strcmp(f0, "SKU") != 0) {
            if (a->line > 20)
                return gp_fail(err, GP_EDATA, name, a->line,
                               "no header row (\"SKU\", ...) in the first 20 "
                               "rows: not an AWS Price List CSV");
            return GP_OK;
        }
        for (int c = 0; c < NCOLS; c++) {
            a->col[c] = -1;
            for (size_t i = 0; i < a->nfields; i++)
                if (strcmp(a->rec + a->start[i], COLS[c]) == 0) {
                    a->col[c] = (int)i;
                    break;
                }
            if (a->col[c] < 0 && c != C_MARKET && c != C_REGION && c != C_EFFECTIVE &&
                c != C_CAPACITY && c != C_SW && c != C_CLASS)
                return gp_fail(err, GP_EDATA, name, a->line, "no column %s", COLS[c]);
        }
        a->have_header = 1;
        return GP_OK;
    }
    gp_aws_product p = {field(a, C_TYPE),     field(a, C_TENANCY), field(a, C_OS),
                        field(a, C_CAPACITY), field(a, C_SW),      field(a, C_MARKET),
                        field(a, C_REGION)};
    const char *region;
    const gp_offer *spec = gp_aws_product_spec(a, &p, a->region_file, &region);
    if (!spec)
        return GP_OK;
    gp_aws_price t = {field(a, C_TERM),  field(a, C_UNIT),     field(a, C_CURRENCY),
                      field(a, C_PRICE), field(a, C_LEASE),    field(a, C_PURCHASE),
                      field(a, C_CLASS)};
    gp_aws_slot slot;
    double usd;
    if (gp_aws_price_slot(&t, &slot, &usd) != 0)
        return gp_fail(err, GP_EDATA, name, a->line, "PricePerUnit '%.40s' is not a price",
                       t.price);
    return gp_aws_keep(a, spec, region, slot, usd, err);
}

static gp_status push_char(gp_aws *a, char c, gp_error *err)
{
    if (a->len + 2 > a->rcap) {
        if (a->rcap >= MAX_RECORD_BYTES)
            return gp_fail(err, GP_EDATA, NULL, a->line + 1,
                           "a CSV record longer than %zu bytes", MAX_RECORD_BYTES);
        size_t next = a->rcap ? a->rcap * 2 : 4096;
        char *b = realloc(a->rec, next);
        if (!b)
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        a->rec = b;
        a->rcap = next;
    }
    a->rec[a->len++] = c;
    return GP_OK;
}

static gp_status end_field(gp_aws *a, gp_error *err)
{
    /* an unquoted field loses a trailing CR (CRLF files) */
    if (a->state == 1 && a->len && a->rec[a->len - 1] == '\r' &&
        a->len > a->start[a->nfields])
        a->len--;
    gp_status st = push_char(a, '\0', err);
    if (st != GP_OK)
        return st;
    if (a->nfields + 1 >= MAX_FIELDS)
        return gp_fail(err, GP_EDATA, NULL, a->line + 1, "more than %d fields",
                       MAX_FIELDS - 1);
    a->nfields++;
    a->start[a->nfields] = a->len;
    a->state = 0;
    return GP_OK;
}

gp_status gp_aws_begin(gp_aws *a, const char *region)
{
    a->len = 0;
    a->nfields = 0;
    a->start[0] = 0;
    a->state = 0;
    a->line = 0;
    a->have_header = 0;
    snprintf(a->region_file, sizeof(a->region_file), "%s", region ? region : "");
    return GP_OK;
}

gp_status gp_aws_feed(gp_aws *a, const char *name, const char *data, size_t len,
                      gp_error *err)
{
    gp_status st = GP_OK;
    for (size_t i = 0; i < len && st == GP_OK; i++) {
        char c = data[i];
        switch (a->state) {
        case 0:
        case 1:
            if (c == '"' && a->state == 0 && a->len == a->start[a->nfields]) {
                a->state = 2;
            } else if (c == ',') {
                st = end_field(a, err);
            } else if (c == '\n') {
                st = end_field(a, err);
                if (st == GP_OK && !(a->nfields == 1 && a->rec[0] == '\0'))
                    st = on_record(a, name, err);
                a->len = 0;
                a->nfields = 0;
                a->start[0] = 0;
            } else {
                a->state = 1;
                st = push_char(a, c, err);
            }
            break;
        case 2:
            if (c == '"')
                a->state = 3;
            else
                st = push_char(a, c, err);
            break;
        case 3:
            if (c == '"') {
                a->state = 2;
                st = push_char(a, '"', err);
            } else {
                a->state = 1; /* the field goes on unquoted (lenient) */
                i--;
            }
            break;
        }
    }
    if (st != GP_OK && err && !err->file[0])
        snprintf(err->file, sizeof(err->file), "%s", name);
    return st;
}

gp_status gp_aws_end(gp_aws *a, const char *name, gp_error *err)
{
    if (a->state == 2)
        return gp_fail(err, GP_EDATA, name, a->line + 1,
                       "the file ends inside a quoted field: truncated");
    if (a->len > 0 || a->nfields > 0) {
        gp_status st = gp_aws_feed(a, name, "\n", 1, err);
        if (st != GP_OK)
            return st;
    }
    if (!a->have_header)
        return gp_fail(err, GP_EDATA, name, 0,
                       "no header row: not an AWS Price List CSV, or empty");
    return GP_OK;
}

gp_status gp_aws_csv(gp_aws *a, const char *source, char **out, size_t *len,
                     char *effective, size_t ecap, gp_error *err)
{
    *out = NULL;
    *len = 0;
    snprintf(effective, ecap, "%s", a->effective);
    FILE *f = open_memstream(out, len);
    if (!f)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    fputs("provider,instance_type,region,gpu,gpu_count,gpu_mem_gb,vcpus,ram_gb,"
          "usd_per_hour,source,as_of,notes\n", f);
    for (size_t i = 0; i < a->n; i++) {
        const aws_row *r = &a->rows[i];
        if (isnan(r->od))
            continue;
        char notes[200] = "";
        if (!isnan(r->r1))
            snprintf(notes, sizeof(notes), "reserved 1y no-upfront $%.4f/h", r->r1);
        if (!isnan(r->r3)) {
            size_t n = strlen(notes);
            snprintf(notes + n, sizeof(notes) - n, "%sreserved 3y no-upfront $%.4f/h",
                     n ? "; " : "", r->r3);
        }
        const gp_offer *s = r->spec;
        fprintf(f, "aws,%s,%s,%s", s->instance_type, r->region, s->gpu);
        double v[4] = {s->gpu_count, s->gpu_mem_gb, s->vcpus, s->ram_gb};
        for (int k = 0; k < 4; k++)
            isnan(v[k]) ? (void)fputs(",", f) : (void)fprintf(f, ",%.10g", v[k]);
        fprintf(f, ",%.10g,\"%s\",%s,\"%s\"\n", r->od, source, a->effective, notes);
    }
    if (fclose(f) != 0) {
        free(*out);
        *out = NULL;
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    return GP_OK;
}

/* ---- the three steps --------------------------------------------------- */

static gp_status get_json(gp_fetch_ctx *ctx, const char *url, json_t **out,
                          gp_error *err)
{
    gp_http_response r;
    gp_status st = gp_http_get(ctx->http, url, NULL, &r, err);
    if (st != GP_OK)
        return st;
    json_error_t je;
    *out = json_loadb(r.body, r.len, 0, &je);
    gp_http_response_free(&r);
    if (!*out)
        return gp_fail(err, GP_EDATA, url, je.line,
                       "not a whole JSON document (%s)", je.text);
    return GP_OK;
}

/* One region file on its way in. Its first byte that is not blank tells
 * the form: "{" the JSON form (aws_json.c), anything else the CSV form,
 * whichever URL was asked for (a mirror may serve either). */
typedef struct stream {
    gp_aws *a;
    gp_aws_json *json;
    const char *url, *region;
    gp_error *err;
    int form;        /* 0 not yet known, 1 CSV, 2 JSON */
    char lead[256];  /* the blanks before the first other byte */
    size_t nlead;
} stream;

static gp_status stream_feed(stream *s, const char *data, size_t len)
{
    if (s->form == 1)
        return gp_aws_feed(s->a, s->url, data, len, s->err);
    if (s->form == 2)
        return gp_aws_json_feed(s->json, s->url, data, len, s->err);
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", data[i]) && data[i] && s->nlead < sizeof(s->lead))
        s->lead[s->nlead++] = data[i++];
    if (i == len)
        return GP_OK;
    s->form = data[i] == '{' ? 2 : 1;
    if (s->form == 2) {
        gp_status st = gp_aws_json_new(&s->json, s->a, s->region, s->err);
        if (st != GP_OK)
            return st;
    }
    gp_status st = stream_feed(s, s->lead, s->nlead);
    return st == GP_OK ? stream_feed(s, data, len) : st;
}

static int on_chunk(void *ctx, const char *data, size_t len)
{
    return stream_feed(ctx, data, len) != GP_OK;
}

static gp_status stream_end(stream *s)
{
    if (s->form == 2)
        return gp_aws_json_end(s->json, s->url, s->err);
    if (s->form == 0)
        s->form = 1; /* empty or blank: the CSV reader says so */
    return gp_aws_end(s->a, s->url, s->err);
}

/* Which form of the region files to ask for: GPUPLAN_AWS_FORMAT "csv"
 * (the default: the form gpuhunt and SkyPilot read; each record stands
 * alone) or "json" (the region index's currentVersionUrl as given). */
static gp_status aws_format(int *json, gp_error *err)
{
    const char *v = getenv("GPUPLAN_AWS_FORMAT");
    *json = 0;
    if (!v || !*v || strcmp(v, "csv") == 0)
        return GP_OK;
    if (strcmp(v, "json") == 0) {
        *json = 1;
        return GP_OK;
    }
    return gp_fail(err, GP_EINVAL, NULL, 0,
                   "GPUPLAN_AWS_FORMAT is '%.40s': use csv or json", v);
}

static gp_status fetch(gp_fetch_ctx *ctx, gp_error *err)
{
    if (gp_url_rebase(ctx->base, "", "/offers/v1.0/aws/index.json", ctx->first_url,
                      sizeof(ctx->first_url)) != 0)
        return gp_fail(err, GP_EINVAL, NULL, 0, "endpoint too long: %s", ctx->base);
    json_t *index = NULL, *regions = NULL;
    int json_form;
    gp_status st = aws_format(&json_form, err);
    if (st == GP_OK)
        st = get_json(ctx, ctx->first_url, &index, err);
    const char *ri = NULL;
    if (st == GP_OK) {
        json_t *u = json_object_get(json_object_get(json_object_get(index, "offers"),
                                                    "AmazonEC2"),
                                    "currentRegionIndexUrl");
        ri = json_is_string(u) ? json_string_value(u) : NULL;
        if (!ri)
            st = gp_fail(err, GP_EDATA, ctx->first_url, 0,
                         "no offers.AmazonEC2.currentRegionIndexUrl");
    }
    char url[4096];
    if (st == GP_OK && gp_url_rebase(ctx->base, "", ri, url, sizeof(url)) != 0)
        st = gp_fail(err, GP_EDATA, ctx->first_url, 0, "unusable region index URL");
    if (st == GP_OK)
        st = get_json(ctx, url, &regions, err);
    json_t *map = regions ? json_object_get(regions, "regions") : NULL;
    if (st == GP_OK && !json_is_object(map))
        st = gp_fail(err, GP_EDATA, url, 0, "no regions object");
    gp_aws *a = NULL;
    if (st == GP_OK)
        st = gp_aws_new(&a, ctx->specs, err);
    size_t nreg = 0;
    const char *code;
    json_t *rv;
    if (st == GP_OK)
        json_object_foreach(map, code, rv)
        {
            if (++nreg > MAX_REGIONS) {
                st = gp_fail(err, GP_EDATA, url, 0, "more than %d regions", MAX_REGIONS);
                break;
            }
            json_t *cv = json_object_get(rv, "currentVersionUrl");
            if (!json_is_string(cv)) {
                st = gp_fail(err, GP_EDATA, url, 0, "region %s: no currentVersionUrl", code);
                break;
            }
            char path[2048], rurl[4096];
            snprintf(path, sizeof(path), "%s", json_string_value(cv));
            size_t pl = strlen(path);
            if (!json_form && pl > 5 && strcmp(path + pl - 5, ".json") == 0)
                memcpy(path + pl - 5, ".csv", 5);
            if (gp_url_rebase(ctx->base, "", path, rurl, sizeof(rurl)) != 0) {
                st = gp_fail(err, GP_EDATA, url, 0, "region %s: unusable URL", code);
                break;
            }
            gp_aws_begin(a, code);
            stream s = {.a = a, .url = rurl, .region = code, .err = err};
            gp_http_response r;
            st = gp_http_get_stream(ctx->http, rurl, NULL, on_chunk, &s, &r, err);
            if (st == GP_OK)
                st = stream_end(&s);
            gp_aws_json_free(s.json);
            if (st != GP_OK)
                break;
        }
    char *csv = NULL;
    size_t len = 0;
    if (st == GP_OK)
        st = gp_aws_csv(a, ctx->first_url, &csv, &len, ctx->effective,
                        sizeof(ctx->effective), err);
    if (st == GP_OK)
        st = gp_fetch_add_rows(ctx, csv, len, err);
    free(csv);
    gp_aws_free(a);
    json_decref(index);
    json_decref(regions);
    return st;
}

static const char *const PROVIDERS[] = {"aws", NULL};

const gp_fetcher gp_fetcher_aws = {
    "aws",
    "https://pricing.us-east-1.amazonaws.com",
    NULL,
    PROVIDERS,
    "AWS Price List bulk API, public (AWS Site Terms)",
    1,
    1,
    fetch,
};
