/* Loader for gpuplan's own catalog CSV (docs/catalog-format.md).
 *
 * One row per offer. Columns are found by header name; unknown columns are
 * ignored so newer files still load. A price may be given per instance
 * (usd_per_hour) or per GPU (usd_per_gpu_hour); a row without gpu_count is
 * a per-GPU listing whose node size the source does not state. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalog/loaders.h"
#include "catalog/push.h"
#include "core/csvread.h"
#include "core/fail.h"
#include "core/numparse.h"
#include "gpuplan/units.h"

enum col {
    C_PROVIDER, C_KIND, C_INSTANCE, C_REGION, C_ZONE, C_GPU, C_COUNT,
    C_GPU_MEM, C_VCPUS, C_RAM, C_USD_H, C_USD_GPU_H, C_SPOT_H, C_SPOT_GPU_H,
    C_FABRIC, C_FABRIC_GBPS, C_SOURCE, C_AS_OF, C_NOTES, C_NCOLS
};

static const char *const COLUMN_NAMES[C_NCOLS] = {
    "provider", "kind", "instance_type", "region", "zone", "gpu",
    "gpu_count", "gpu_mem_gb", "vcpus", "ram_gb", "usd_per_hour",
    "usd_per_gpu_hour", "spot_usd_per_hour", "spot_usd_per_gpu_hour",
    "fabric", "fabric_gbps", "source", "as_of", "notes"};

typedef struct ctx {
    gp_catalog *cat;
    const char *fname;
    unsigned si;
    const gp_load_opts *opts;
    gp_error *err;
    int col[C_NCOLS];
    size_t ncols;
    int have_header;
    /* The last kind, fabric and good as_of seen: rows of a file mostly
     * repeat them, and a strcmp is cheaper than parsing again. */
    char last_kind[24], last_fabric[24], last_as_of[16];
    int last_kind_v, last_fabric_v;
} ctx;

/* parse(s), remembered for the last s that fits in memo. */
static int parse_memo(const char *s, char *memo, size_t cap, int *value,
                      int (*parse)(const char *))
{
    if (memo[0] && strcmp(s, memo) == 0)
        return *value;
    int v = parse(s);
    if (strlen(s) < cap) {
        memcpy(memo, s, strlen(s) + 1);
        *value = v;
    }
    return v;
}

static int is_price(enum col k)
{
    return k == C_USD_H || k == C_USD_GPU_H || k == C_SPOT_H || k == C_SPOT_GPU_H;
}

#define bad_row(c, line, ...)                                                  \
    gp_catalog_bad_row((c)->cat, (c)->si, (c)->opts, (c)->err, (line), __VA_ARGS__)

static const char *field(const gp_csv_row *row, const ctx *c, enum col k)
{
    int i = c->col[k];
    return (i >= 0 && (size_t)i < row->nfields) ? row->fields[i] : "";
}

static int valid_date(const char *s)
{
    return gp_parse_iso_date(s, NULL, NULL, NULL, NULL) == GP_OK; /* day fits its month */
}

static gp_status on_row(const gp_csv_row *row, void *vctx, gp_error *err)
{
    ctx *c = vctx;
    if (!c->have_header) {
        for (int k = 0; k < C_NCOLS; k++) {
            c->col[k] = gp_csv_column(row, COLUMN_NAMES[k]);
            int again = c->col[k] >= 0 ? gp_csv_column_again(row, c->col[k]) : -1;
            if (again >= 0)
                return gp_fail(err, GP_EDATA, c->fname, row->line,
                               "column %s appears twice (fields %d and %d)",
                               COLUMN_NAMES[k], c->col[k] + 1, again + 1);
        }
        const enum col required[] = {C_PROVIDER, C_INSTANCE, C_GPU};
        for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
            if (c->col[required[i]] < 0)
                return gp_fail(err, GP_EDATA, c->fname, row->line,
                               "not a gpuplan catalog: no %s column",
                               COLUMN_NAMES[required[i]]);
        if (c->col[C_USD_H] < 0 && c->col[C_USD_GPU_H] < 0 &&
            c->col[C_SPOT_H] < 0 && c->col[C_SPOT_GPU_H] < 0)
            return gp_fail(err, GP_EDATA, c->fname, row->line,
                           "no price column (usd_per_hour, usd_per_gpu_hour, "
                           "spot_usd_per_hour or spot_usd_per_gpu_hour)");
        c->ncols = row->nfields;
        c->have_header = 1;
        return GP_OK;
    }
    gp_catalog_source_counts(c->cat, c->si)->rows++;
    if (row->nfields != c->ncols)
        return bad_row(c, row->line, "row has %zu fields; the header has %zu",
                       row->nfields, c->ncols);
    gp_raw_offer r;
    gp_raw_offer_init(&r);
    r.provider = field(row, c, C_PROVIDER);
    r.instance_type = field(row, c, C_INSTANCE);
    r.gpu = field(row, c, C_GPU);
    if (!r.provider[0] || !r.instance_type[0] || !r.gpu[0])
        return bad_row(c, row->line,
                       "provider, instance_type and gpu must not be empty");
    r.region = field(row, c, C_REGION);
    r.zone = field(row, c, C_ZONE);
    const char *kind = field(row, c, C_KIND);
    if (kind[0] &&
        (r.kind = parse_memo(kind, c->last_kind, sizeof(c->last_kind), &c->last_kind_v,
                             gp_kind_parse)) < 0)
        return bad_row(c, row->line,
                       "kind '%s' is not hyperscaler, neocloud or marketplace",
                       kind);
    const char *fabric = field(row, c, C_FABRIC);
    if (fabric[0] &&
        (r.fabric = parse_memo(fabric, c->last_fabric, sizeof(c->last_fabric),
                               &c->last_fabric_v, gp_fabric_parse)) < 0)
        return bad_row(c, row->line, "fabric '%s' is not a known fabric",
                       fabric);
    struct {
        enum col k;
        double *dst;
    } nums[] = {{C_COUNT, &r.gpu_count},
                {C_GPU_MEM, &r.gpu_mem_gb},
                {C_VCPUS, &r.vcpus},
                {C_RAM, &r.ram_gb},
                {C_USD_H, &r.usd_per_hour},
                {C_USD_GPU_H, &r.usd_per_gpu_hour},
                {C_SPOT_H, &r.spot_usd_per_hour},
                {C_SPOT_GPU_H, &r.spot_usd_per_gpu_hour},
                {C_FABRIC_GBPS, &r.fabric_gbps}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        const char *text = field(row, c, nums[i].k);
        if (gp_parse_plain_number(text, nums[i].dst) != 0)
            return bad_row(c, row->line, "%s '%s' is not a number",
                           COLUMN_NAMES[nums[i].k], text);
        /* Prices are checked by the push rules (gp_catalog_check_raw), the
         * same for every format. */
        if (*nums[i].dst < 0 && !is_price(nums[i].k))
            return bad_row(c, row->line, "%s '%s' is negative",
                           COLUMN_NAMES[nums[i].k], text);
    }
    if (!isnan(r.gpu_count) && r.gpu_count <= 0)
        return bad_row(c, row->line, "gpu_count must be positive");
    /* The push rules before the price cross-check, so a negative price or
     * an absurd count is named as such. */
    int ok = 1;
    gp_status st = gp_catalog_check_raw(c->cat, c->si, (unsigned)row->line, &r,
                                        c->opts, &ok, err);
    if (st != GP_OK || !ok)
        return st;
    double pairs[2][2] = {{r.usd_per_hour, r.usd_per_gpu_hour},
                          {r.spot_usd_per_hour, r.spot_usd_per_gpu_hour}};
    for (int i = 0; i < 2; i++) {
        double per_node = pairs[i][0], per_gpu = pairs[i][1];
        if (!isnan(per_node) && !isnan(per_gpu) && !isnan(r.gpu_count) &&
            fabs(per_node - per_gpu * r.gpu_count) > 0.005 * per_node + 1e-9)
            return bad_row(c, row->line,
                           "%s %g disagrees with %s %g x gpu_count %g",
                           COLUMN_NAMES[i ? C_SPOT_H : C_USD_H], per_node,
                           COLUMN_NAMES[i ? C_SPOT_GPU_H : C_USD_GPU_H],
                           per_gpu, r.gpu_count);
    }
    const char *as_of = field(row, c, C_AS_OF);
    if (as_of[0] && strcmp(as_of, c->last_as_of) != 0) {
        if (!valid_date(as_of))
            return bad_row(c, row->line, "as_of '%s' is not a date (YYYY-MM-DD)",
                           as_of);
        if (strlen(as_of) < sizeof(c->last_as_of))
            memcpy(c->last_as_of, as_of, strlen(as_of) + 1);
    }
    const char *source = field(row, c, C_SOURCE);
    if (source[0])
        r.source = source;
    if (c->col[C_AS_OF] >= 0)
        r.as_of = as_of;
    r.notes = field(row, c, C_NOTES);
    return gp_catalog_push(c->cat, c->si, (unsigned)row->line, &r, c->opts, err);
}

gp_status gp_load_gpuplan(gp_catalog *cat, const gp_skypilot_file *f,
                          const gp_load_opts *opts, gp_error *err)
{
    gp_source meta = f->meta;
    meta.name = f->name;
    meta.provider = "";
    meta.format = "gpuplan";
    unsigned si = 0;
    gp_status st = gp_catalog_add_source(cat, &meta, &si, err);
    if (st != GP_OK)
        return st;
    ctx c = {0};
    c.cat = cat;
    c.fname = gp_catalog_source_at(cat, si)->name;
    c.si = si;
    c.opts = opts;
    c.err = err;
    st = f->data ? gp_csv_parse(f->name, f->data, f->len, on_row, &c, err)
                 : gp_csv_parse_file(f->path, on_row, &c, err);
    if (st == GP_OK && !c.have_header)
        st = gp_fail(err, GP_EDATA, f->name, 1, "empty file: no header");
    return st;
}
