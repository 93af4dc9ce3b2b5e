/* Loader for SkyPilot catalog files (schemas v5-v8, <cloud>/vms.csv).
 *
 * Columns are found by header name: their order and number differ per
 * cloud and per schema version. Rows without an AcceleratorName are CPU-only
 * VMs, except on GCP, where they are host VMs whose price is added to the
 * accelerator rows' price (SkyPilot keeps the two apart; a GPU VM costs
 * host + accelerators, see skypilot-org/skypilot-catalog issue #31). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/loaders.h"
#include "catalog/push.h"
#include "core/csvread.h"
#include "core/fail.h"
#include "core/numparse.h"

enum col {
    C_INSTANCE, C_ACCEL, C_COUNT, C_VCPUS, C_MEMORY, C_GPUINFO, C_PRICE,
    C_SPOT, C_REGION, C_ZONE, C_NCOLS
};

static const char *const COLUMN_NAMES[C_NCOLS] = {
    "InstanceType", "AcceleratorName", "AcceleratorCount", "vCPUs",
    "MemoryGiB", "GpuInfo", "Price", "SpotPrice", "Region",
    "AvailabilityZone"};

static const int REQUIRED[C_NCOLS] = {1, 1, 1, 0, 0, 0, 1, 0, 1, 0};

/* GCP's "unavailable" marker for TPU prices (PROVENANCE: 39 TPU rows carry
 * Price 700.0 and SpotPrice 700.0). */
#define GCP_TPU_PLACEHOLDER_USD 700.0

/* A GCP row kept for composition: a host VM or an accelerator. */
typedef struct gcp_row {
    const char *name;      /* host machine type or accelerator name */
    const char *region, *zone;
    double count, price, spot, vcpus, ram_gb, mem_gb;
    unsigned si, line;
    int used;
} gcp_row;

typedef struct rows {
    gcp_row *v;
    size_t n, cap;
} rows;

typedef struct ctx {
    gp_catalog *cat;
    const char *provider;
    const char *fname;
    unsigned si;
    const gp_load_opts *opts;
    gp_error *err;
    int col[C_NCOLS];
    size_t ncols;
    int have_header;
    int is_gcp;
    rows *hosts, *accs;
    /* The last row's GpuInfo and what it parsed to: consecutive rows of
     * one instance type repeat it, and it is the longest field. */
    char *last_info;
    size_t last_info_len, last_info_cap;
    gp_gpuinfo last_parsed;
    gp_status last_status;
    char last_message[GP_ERROR_MESSAGE_MAX];
    char last_num_text[C_NCOLS][24];
    size_t last_num_len[C_NCOLS];   /* (size_t)-1: none yet */
    double last_num[C_NCOLS];
} ctx;

/* Parses GpuInfo, reusing the last row's result when the text repeats. */
static gp_status gpuinfo(ctx *c, const char *text, size_t len, gp_gpuinfo *out,
                         gp_error *err)
{
    if (c->last_info && len == c->last_info_len &&
        memcmp(text, c->last_info, len) == 0) {
        *out = c->last_parsed;
        if (c->last_status != GP_OK)
            snprintf(err->message, sizeof(err->message), "%s", c->last_message);
        err->status = c->last_status;
        return c->last_status;
    }
    gp_error_clear(err);
    gp_status st = gp_catalog_gpuinfo(c->cat, text, len, out, err);
    if (st == GP_ENOMEM)
        return st;
    if (len + 1 > c->last_info_cap) {
        char *b = realloc(c->last_info, len + 1);
        if (!b)
            return st;
        c->last_info = b;
        c->last_info_cap = len + 1;
    }
    memcpy(c->last_info, text, len);
    c->last_info_len = len;
    c->last_parsed = *out;
    c->last_status = st;
    snprintf(c->last_message, sizeof(c->last_message), "%s", err->message);
    return st;
}

#define bad_row(c, line, ...)                                                  \
    gp_catalog_bad_row((c)->cat, (c)->si, (c)->opts, (c)->err, (line), __VA_ARGS__)

static const char *field(const gp_csv_row *row, const ctx *c, enum col k)
{
    int i = c->col[k];
    return (i >= 0 && (size_t)i < row->nfields) ? row->fields[i] : "";
}

static int push_row(rows *r, const gcp_row *g)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        gcp_row *v = realloc(r->v, cap * sizeof(*v));
        if (!v)
            return -1;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = *g;
    return 0;
}

static gp_status on_header(ctx *c, const gp_csv_row *row, gp_error *err)
{
    for (int k = 0; k < C_NCOLS; k++) {
        c->col[k] = gp_csv_column(row, COLUMN_NAMES[k]);
        if (REQUIRED[k] && c->col[k] < 0)
            return gp_fail(err, GP_EDATA, c->fname, row->line,
                           "not a SkyPilot vms.csv: no %s column",
                           COLUMN_NAMES[k]);
    }
    c->ncols = row->nfields;
    c->have_header = 1;
    return GP_OK;
}

/* Parses a numeric column; reports a bad row when it is not a number.
 * Counts, vCPUs and memory repeat on consecutive rows of one instance
 * type: the last text and value of each column are kept. */
static int num(ctx *c, const gp_csv_row *row, enum col k, double *out,
               gp_status *st)
{
    const char *text = field(row, c, k);
    size_t len = strlen(text);
    if (len < sizeof(c->last_num_text[0]) && c->last_num_len[k] == len &&
        memcmp(c->last_num_text[k], text, len) == 0) {
        *out = c->last_num[k];
        return 0;
    }
    if (gp_parse_plain_number(text, out) == 0) {
        if (len < sizeof(c->last_num_text[0])) {
            memcpy(c->last_num_text[k], text, len);
            c->last_num_len[k] = len;
            c->last_num[k] = *out;
        }
        return 0;
    }
    *st = bad_row(c, row->line, "%s '%s' is not a number", COLUMN_NAMES[k],
                  text);
    return -1;
}

static gp_status on_row(const gp_csv_row *row, void *vctx, gp_error *err)
{
    ctx *c = vctx;
    gp_catalog *cat = c->cat;
    if (!c->have_header)
        return on_header(c, row, err);
    gp_source *src = gp_catalog_source_counts(cat, c->si);
    src->rows++;
    gp_status st = GP_OK;
    if (row->nfields != c->ncols) {
        st = bad_row(c, row->line, "row has %zu fields; the header has %zu",
                     row->nfields, c->ncols);
        goto out;
    }
    const char *instance = field(row, c, C_INSTANCE);
    const char *accel = field(row, c, C_ACCEL);
    double price, spot = NAN, vcpus = NAN, ram = NAN, count = NAN;
    if (num(c, row, C_PRICE, &price, &st) || num(c, row, C_SPOT, &spot, &st) ||
        num(c, row, C_VCPUS, &vcpus, &st) || num(c, row, C_MEMORY, &ram, &st))
        goto out;
    if (!accel[0]) {
        if (c->is_gcp && instance[0]) {
            gcp_row g = {gp_catalog_intern(cat, instance),
                         gp_catalog_intern(cat, field(row, c, C_REGION)),
                         gp_catalog_intern(cat, field(row, c, C_ZONE)),
                         NAN, price, spot, vcpus, ram, NAN, c->si,
                         (unsigned)row->line, 0};
            if (!g.name || !g.region || !g.zone || push_row(c->hosts, &g))
                st = GP_ENOMEM;
        }
        src->other_rows++;
        goto out;
    }
    if (num(c, row, C_COUNT, &count, &st))
        goto out;
    if (isnan(count) || count <= 0) {
        st = bad_row(c, row->line, "AcceleratorCount '%s' is not a positive "
                     "number", field(row, c, C_COUNT));
        goto out;
    }
    const char *info_text = field(row, c, C_GPUINFO);
    gp_gpuinfo info;
    gp_error info_err;
    if (gpuinfo(c, info_text, strlen(info_text), &info, &info_err) != GP_OK) {
        if (info_err.status == GP_ENOMEM) {
            st = GP_ENOMEM;
            goto out;
        }
        st = gp_catalog_diag_add(cat, GP_DIAG_BAD_GPUINFO, c->si,
                                 (unsigned)row->line, "%s; GpuInfo ignored",
                                 info_err.message);
        if (st != GP_OK)
            goto out;
    }
    double mem_gb = (isfinite(info.memory_mib) && info.memory_mib > 0)
                        ? info.memory_mib / 1024.0
                        : NAN;
    int is_tpu = strncasecmp(accel, "tpu-", 4) == 0;
    if (c->is_gcp && is_tpu && price == GCP_TPU_PLACEHOLDER_USD) {
        src->no_price++;
        st = gp_catalog_diag_add(cat, GP_DIAG_NO_PRICE, c->si,
                                 (unsigned)row->line,
                                 "gcp %s %s: price 700.0 is GCP's "
                                 "'unavailable' placeholder; not offered",
                                 accel, field(row, c, C_ZONE));
        goto out;
    }
    if (c->is_gcp && !instance[0] && !is_tpu) {
        gcp_row g = {gp_catalog_intern(cat, accel),
                     gp_catalog_intern(cat, field(row, c, C_REGION)),
                     gp_catalog_intern(cat, field(row, c, C_ZONE)),
                     count, price, spot, NAN, NAN, mem_gb, c->si,
                     (unsigned)row->line, 0};
        if (!g.name || !g.region || !g.zone || push_row(c->accs, &g))
            st = GP_ENOMEM;
        goto out;
    }
    gp_raw_offer r;
    gp_raw_offer_init(&r);
    r.provider = c->provider;
    r.instance_type = instance[0] ? instance : accel; /* GCP TPU slices */
    r.region = field(row, c, C_REGION);
    r.zone = field(row, c, C_ZONE);
    r.gpu = accel;
    r.gpu_count = count;
    r.gpu_mem_gb = mem_gb;
    r.vcpus = vcpus;
    r.ram_gb = ram;
    r.usd_per_hour = price;
    r.spot_usd_per_hour = spot;
    r.skypilot_names = 1;
    return gp_catalog_push(cat, c->si, (unsigned)row->line, &r, err);
out:
    if (st == GP_ENOMEM)
        return gp_fail(err, GP_ENOMEM, c->fname, row->line, "out of memory");
    return st; /* GP_OK, or GP_EDATA already described by bad_row() */
}

/* The number of GPUs a GCP machine type carries, from its "-<n>g" part:
 * a3-highgpu-8g -> 8, a2-ultragpu-1g -> 1, a3-ultragpu-8g-nolssd -> 8. */
static double gcp_machine_gpus(const char *name)
{
    const char *p = strrchr(name, '-');
    while (p) {
        char *end = NULL;
        long n = strtol(p + 1, &end, 10);
        if (end != p + 1 && *end == 'g' && (end[1] == '\0' || end[1] == '-') &&
            n > 0)
            return (double)n;
        if (p == name)
            break;
        const char *q = p - 1;
        while (q > name && *q != '-')
            q--;
        p = (*q == '-') ? q : NULL;
    }
    return NAN;
}

static const char *gcp_family_accel(const gp_catalog *cat, const char *host)
{
    for (size_t i = 0, n = gp_catalog_gcp_family_count(cat); i < n; i++) {
        const gp_gcp_family *f = gp_catalog_gcp_family(cat, i);
        if (strncmp(host, f->prefix, strlen(f->prefix)) == 0)
            return f->accelerator;
    }
    return NULL;
}

static double sum_or_nan(double a, double b)
{
    return (isnan(a) || isnan(b)) ? NAN : a + b;
}

/* Joins GCP accelerator rows with the host-VM rows of the same zone whose
 * machine family carries that accelerator in that number. */
static gp_status gcp_compose(ctx *c, gp_error *err)
{
    gp_catalog *cat = c->cat;
    for (size_t a = 0; a < c->accs->n; a++) {
        gcp_row *acc = &c->accs->v[a];
        for (size_t h = 0; h < c->hosts->n; h++) {
            gcp_row *host = &c->hosts->v[h];
            if (host->zone != acc->zone || host->region != acc->region)
                continue;
            const char *fam = gcp_family_accel(cat, host->name);
            if (!fam || strcasecmp(fam, acc->name) != 0 ||
                gcp_machine_gpus(host->name) != acc->count)
                continue;
            acc->used = host->used = 1;
            gp_raw_offer r;
            gp_raw_offer_init(&r);
            r.provider = c->provider;
            r.instance_type = host->name;
            r.region = acc->region;
            r.zone = acc->zone;
            r.gpu = acc->name;
            r.gpu_count = acc->count;
            r.gpu_mem_gb = acc->mem_gb;
            r.vcpus = host->vcpus;
            r.ram_gb = host->ram_gb;
            r.usd_per_hour = sum_or_nan(host->price, acc->price);
            r.spot_usd_per_hour = sum_or_nan(host->spot, acc->spot);
            r.flags = GP_OFFER_COMPOSED_PRICE;
            r.skypilot_names = 1;
            char note[200];
            snprintf(note, sizeof(note),
                     "price = host VM %s (line %u of %s) + %g x %s",
                     host->name, host->line, gp_catalog_source_at(cat, host->si)->name,
                     acc->count, acc->name);
            r.notes = note;
            gp_status st = gp_catalog_push(cat, acc->si, acc->line, &r, err);
            if (st != GP_OK)
                return st;
        }
    }
    /* Accelerators with no host row: attachable GPUs (T4, V100, L4 ...)
     * whose host VMs are not in this catalog. One line per accelerator. */
    for (size_t a = 0; a < c->accs->n; a++) {
        gcp_row *acc = &c->accs->v[a];
        if (acc->used)
            continue;
        size_t n = 0;
        for (size_t b = a; b < c->accs->n; b++) {
            if (!c->accs->v[b].used && c->accs->v[b].name == acc->name) {
                c->accs->v[b].used = 1;
                n++;
            }
        }
        if (gp_catalog_diag_add(cat, GP_DIAG_NO_HOST, acc->si, acc->line,
                                "gcp %s: %zu accelerator row(s) without a "
                                "matching host-VM row in this catalog; their "
                                "VM price is unknown, so they are not offered",
                                acc->name, n) != GP_OK)
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    return GP_OK;
}

gp_status gp_load_skypilot_group(gp_catalog *cat, const char *provider,
                                 const gp_skypilot_file *files, size_t nfiles,
                                 const gp_load_opts *opts, gp_error *err)
{
    rows hosts = {0}, accs = {0};
    gp_status st = GP_OK;
    for (size_t i = 0; st == GP_OK && i < nfiles; i++) {
        const gp_skypilot_file *f = &files[i];
        gp_source meta = f->meta;
        meta.name = f->name;
        meta.provider = provider;
        meta.format = "skypilot";
        unsigned si = 0;
        st = gp_catalog_add_source(cat, &meta, &si, err);
        if (st != GP_OK)
            break;
        ctx c = {0};
        c.cat = cat;
        c.provider = provider;
        c.fname = gp_catalog_source_at(cat, si)->name;
        c.si = si;
        c.opts = opts;
        c.err = err;
        c.is_gcp = strcasecmp(provider, "gcp") == 0;
        for (int k = 0; k < C_NCOLS; k++)
            c.last_num_len[k] = (size_t)-1;
        c.hosts = &hosts;
        c.accs = &accs;
        st = f->data ? gp_csv_parse(f->name, f->data, f->len, on_row, &c, err)
                     : gp_csv_parse_file(f->path, on_row, &c, err);
        free(c.last_info);
        if (st == GP_OK && !c.have_header)
            st = gp_fail(err, GP_EDATA, f->name, 1, "empty file: no header");
    }
    if (st == GP_OK && (hosts.n || accs.n))
        st = gcp_compose(&(ctx){.cat = cat, .provider = provider,
                                .hosts = &hosts, .accs = &accs},
                         err);
    free(hosts.v);
    free(accs.v);
    return st;
}
