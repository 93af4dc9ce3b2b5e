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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/loaders.h"
#include "catalog/push.h"
#include "core/arena.h"
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
    if (gp_grow((void **)&r->v, &r->cap, r->n, sizeof(*r->v)) != 0)
        return -1;
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
        int again = c->col[k] >= 0 ? gp_csv_column_again(row, c->col[k]) : -1;
        if (again >= 0)
            return gp_fail(err, GP_EDATA, c->fname, row->line,
                           "column %s appears twice (fields %d and %d)",
                           COLUMN_NAMES[k], c->col[k] + 1, again + 1);
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

/* The push rules (negative prices, accelerator count) for a GCP row that
 * waits for the host + accelerator join. Returns 1 to keep the row; 0 with
 * *st GP_EDATA (stop) or GP_OK (skipped with --skip-bad-rows). */
static int held_row_ok(ctx *c, const gp_csv_row *row, double count,
                       double price, double spot, gp_status *st)
{
    gp_raw_offer r;
    gp_raw_offer_init(&r);
    r.gpu_count = count;
    r.usd_per_hour = price;
    r.spot_usd_per_hour = spot;
    int ok = 1;
    *st = gp_catalog_check_raw(c->cat, c->si, (unsigned)row->line, &r, c->opts,
                               &ok, c->err);
    return *st == GP_OK && ok;
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
            /* Held back for the join: checked now, at its own line. */
            if (!held_row_ok(c, row, NAN, price, spot, &st))
                goto out;
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
    /* Under 1 GiB is no accelerator's memory: SkyPilot's v8 RunPod file
     * writes GB figures in its MiB fields ('SizeInMiB': 80 for an 80 GB
     * A100; skypilot-catalog catalogs/v8/runpod/vms.csv at 46062acb).
     * The figure is not guessed at: it is ignored (the accelerator's own
     * memory is used) and the row is listed by `catalog check`. */
    if (isfinite(mem_gb) && info.memory_mib < 1024) {
        st = gp_catalog_diag_add(cat, GP_DIAG_BAD_GPUINFO, c->si, (unsigned)row->line,
                                 "GpuInfo memory %g MiB is under 1 GiB, no accelerator's "
                                 "(a GB figure in a MiB field?); memory ignored",
                                 info.memory_mib);
        if (st != GP_OK)
            goto out;
        mem_gb = NAN;
    }
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
        if (!held_row_ok(c, row, count, price, spot, &st))
            goto out;
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
    return gp_catalog_push(cat, c->si, (unsigned)row->line, &r, c->opts, err);
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

/* At most this many host machine types join one GCP accelerator row
 * (accelerator, count, zone). The embedded v7 snapshot has at most 3 (8 x
 * H100: a3-highgpu-8g, a3-edgegpu-8g, a3-edgegpu-8g-nolssd); a file far
 * beyond this is not a GCP catalog but a fabricated or corrupted one, and
 * its join would multiply rows. docs/catalog-format.md states the limit. */
#define GCP_HOSTS_PER_ACCELERATOR_MAX 64

/* A GCP row as the join sorts it: interned strings compare by address. */
typedef struct join_key {
    const char *region, *zone;
    const char *name;      /* host: accelerator its family carries */
    double gpus;
    size_t index;          /* the row's place in its list: ties keep order */
} join_key;

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return (x > y) - (x < y);
}

/* Place, then accelerator (case-insensitive, as the family table is
 * matched), then count, then input order. */
static int cmp_join(const join_key *a, const join_key *b, int with_index)
{
    int d = cmp_ptr(a->region, b->region);
    if (!d)
        d = cmp_ptr(a->zone, b->zone);
    if (!d)
        d = strcasecmp(a->name, b->name);
    if (!d)
        d = (a->gpus > b->gpus) - (a->gpus < b->gpus);
    if (!d && with_index)
        d = (a->index > b->index) - (a->index < b->index);
    return d;
}

static int cmp_join_qsort(const void *a, const void *b)
{
    return cmp_join(a, b, 1);
}

/* Marks v[i].used on every row but the first of each (place, name, count):
 * a repeated row is the same listing and joins once. Keys use the row's
 * own name (host machine type or accelerator). */
static gp_status mark_repeats(rows *r, unsigned char *repeat)
{
    join_key *k = malloc((r->n ? r->n : 1) * sizeof(*k));
    if (!k)
        return GP_ENOMEM;
    for (size_t i = 0; i < r->n; i++)
        k[i] = (join_key){r->v[i].region, r->v[i].zone, r->v[i].name,
                          r->v[i].count, i};
    if (r->n > 1)
        qsort(k, r->n, sizeof(*k), cmp_join_qsort);
    for (size_t i = 0; i < r->n; i++)
        repeat[k[i].index] = i > 0 && cmp_join(&k[i - 1], &k[i], 0) == 0;
    free(k);
    return GP_OK;
}

static int cmp_name_then_index(const void *a, const void *b)
{
    const join_key *x = a, *y = b;
    int d = cmp_ptr(x->name, y->name);
    return d ? d : (x->index > y->index) - (x->index < y->index);
}

static int cmp_index(const void *a, const void *b)
{
    const join_key *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Accelerators with no host row: attachable GPUs (T4, V100, L4 ...) whose
 * host VMs are not in this catalog. One line per accelerator name, at its
 * first row, in input order; grouping by sort keeps many distinct names
 * O(n log n). */
static gp_status note_hostless(ctx *c, gp_error *err)
{
    rows *accs = c->accs;
    join_key *k = malloc((accs->n ? accs->n : 1) * sizeof(*k));
    if (!k)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    size_t n = 0;
    for (size_t a = 0; a < accs->n; a++)
        if (!accs->v[a].used)
            k[n++] = (join_key){NULL, NULL, accs->v[a].name, 0, a};
    if (n > 1)
        qsort(k, n, sizeof(*k), cmp_name_then_index);
    /* Collapse each name to its first row, carrying the row count. */
    size_t groups = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && k[j].name == k[i].name)
            j++;
        k[groups] = k[i];
        k[groups].gpus = (double)(j - i);
        groups++;
        i = j;
    }
    if (groups > 1)
        qsort(k, groups, sizeof(*k), cmp_index);
    gp_status st = GP_OK;
    for (size_t g = 0; st == GP_OK && g < groups; g++) {
        const gcp_row *acc = &accs->v[k[g].index];
        if (gp_catalog_diag_add(c->cat, GP_DIAG_NO_HOST, acc->si, acc->line,
                                "gcp %s: %zu accelerator row(s) without a "
                                "matching host-VM row in this catalog; their "
                                "VM price is unknown, so they are not offered",
                                acc->name, (size_t)k[g].gpus) != GP_OK)
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    free(k);
    return st;
}

/* Joins GCP accelerator rows with the host-VM rows of the same zone whose
 * machine family carries that accelerator in that number. Each distinct
 * (accelerator, count, zone) joins each distinct (host machine type, zone)
 * once: repeated rows are ignored (the first wins), so the output grows
 * with the input, never with its square. Sorting the hosts by what they
 * carry keeps the join O(n log n) however many rows share a zone. */
static gp_status gcp_compose(ctx *c, gp_error *err)
{
    gp_catalog *cat = c->cat;
    rows *hosts = c->hosts, *accs = c->accs;
    gp_status st = GP_OK;
    unsigned char *host_repeat = calloc(hosts->n ? hosts->n : 1, 1);
    unsigned char *acc_repeat = calloc(accs->n ? accs->n : 1, 1);
    join_key *carry = malloc((hosts->n ? hosts->n : 1) * sizeof(*carry));
    size_t ncarry = 0;
    if (!host_repeat || !acc_repeat || !carry ||
        mark_repeats(hosts, host_repeat) != GP_OK ||
        mark_repeats(accs, acc_repeat) != GP_OK) {
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (size_t h = 0; h < hosts->n; h++) {
        const gcp_row *host = &hosts->v[h];
        const char *fam = host_repeat[h] ? NULL : gcp_family_accel(cat, host->name);
        double gpus = fam ? gcp_machine_gpus(host->name) : NAN;
        if (fam && !isnan(gpus))
            carry[ncarry++] = (join_key){host->region, host->zone, fam, gpus, h};
    }
    if (ncarry > 1)
        qsort(carry, ncarry, sizeof(*carry), cmp_join_qsort);
    for (size_t a = 0; a < accs->n; a++) {
        gcp_row *acc = &accs->v[a];
        if (acc_repeat[a]) {
            acc->used = 1; /* its first row speaks for it */
            continue;
        }
        join_key want = {acc->region, acc->zone, acc->name, acc->count, 0};
        size_t lo = 0, hi = ncarry; /* first host key >= want */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_join(&carry[mid], &want, 0) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t end = lo;
        while (end < ncarry && cmp_join(&carry[end], &want, 0) == 0)
            end++;
        if (end - lo > GCP_HOSTS_PER_ACCELERATOR_MAX) {
            acc->used = 1;
            st = gp_catalog_bad_row(cat, acc->si, c->opts, err, acc->line,
                                    "gcp %g x %s in %s: %zu host machine types "
                                    "join this accelerator row; more than %d "
                                    "is not a GCP catalog",
                                    acc->count, acc->name, acc->zone, end - lo,
                                    GCP_HOSTS_PER_ACCELERATOR_MAX);
            if (st != GP_OK)
                goto out;
            continue;
        }
        for (size_t j = lo; j < end; j++) {
            gcp_row *host = &hosts->v[carry[j].index];
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
            st = gp_catalog_push(cat, acc->si, acc->line, &r, c->opts, err);
            if (st != GP_OK)
                goto out;
        }
    }
    st = note_hostless(c, err);
out:
    free(host_repeat);
    free(acc_repeat);
    free(carry);
    return st;
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
                                .opts = opts, .hosts = &hosts, .accs = &accs},
                         err);
    free(hosts.v);
    free(accs.v);
    return st;
}
