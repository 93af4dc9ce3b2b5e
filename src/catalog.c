/* The catalog: offers, sources, diagnostics, and how fresher data replaces
 * older data. Loaders live in load_skypilot.c and load_gpuplan.c; provider
 * facts in facts.c. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "catalog_internal.h"
#include "csvread.h"
#include "embedded.h"
#include "fail.h"

/* A price at or above this many dollars per hour is a placeholder, not a
 * price (primeintellect writes 99999999 for "no spot"). */
#define PLACEHOLDER_USD_PER_HOUR 1e6

static const char *const DIAG_NAMES[GP_DIAG_KIND_COUNT] = {
    "no-price", "spot-placeholder", "spot-above-on-demand",
    "spot-equals-on-demand", "no-specs", "memory-mismatch", "no-host",
    "bad-row", "bad-gpuinfo", "count-mismatch", "price-outlier"};

const char *gp_diag_kind_name(gp_diag_kind kind)
{
    return (unsigned)kind < GP_DIAG_KIND_COUNT ? DIAG_NAMES[kind] : "?";
}

void gp_raw_offer_init(gp_raw_offer *r)
{
    memset(r, 0, sizeof(*r));
    r->provider = r->instance_type = r->region = r->zone = r->gpu = "";
    r->notes = "";
    r->gpu_count = r->gpu_mem_gb = r->vcpus = r->ram_gb = NAN;
    r->usd_per_hour = r->usd_per_gpu_hour = NAN;
    r->spot_usd_per_hour = r->spot_usd_per_gpu_hour = NAN;
    r->fabric_gbps = NAN;
    r->kind = -1;
    r->fabric = -1;
}

const char *gp_catalog_intern(gp_catalog *cat, const char *s)
{
    return gp_strtab_add(&cat->strings, s ? s : "");
}

gp_status gp_catalog_new(gp_catalog **out, gp_error *err)
{
    *out = NULL;
    gp_catalog *cat = calloc(1, sizeof(*cat));
    if (!cat)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    gp_arena_init(&cat->arena);
    gp_strtab_init(&cat->strings, &cat->arena);
    gp_status st = gp_accel_table_load_default(&cat->accels, err);
    if (st == GP_OK)
        st = gp_facts_load(cat, err);
    if (st != GP_OK) {
        gp_catalog_free(cat);
        return st;
    }
    *out = cat;
    return GP_OK;
}

void gp_catalog_free(gp_catalog *cat)
{
    if (!cat)
        return;
    gp_accel_table_free(cat->accels);
    free(cat->offers);
    free(cat->embedded_offer);
    free(cat->sources);
    free(cat->diags);
    free(cat->fabric_rules);
    free(cat->name_rules);
    free(cat->kinds);
    free(cat->gcp_families);
    free(cat->corrections);
    free(cat->resolved);
    free(cat->gpuinfo_keys);
    free(cat->gpuinfo_vals);
    gp_strtab_free(&cat->strings);
    gp_arena_free(&cat->arena);
    free(cat);
}

size_t gp_catalog_offer_count(const gp_catalog *cat) { return cat->count; }
const gp_offer *gp_catalog_offers(const gp_catalog *cat) { return cat->offers; }
size_t gp_catalog_source_count(const gp_catalog *cat) { return cat->nsources; }
const gp_source *gp_catalog_source(const gp_catalog *cat, size_t i)
{
    return i < cat->nsources ? &cat->sources[i] : NULL;
}
size_t gp_catalog_diag_count(const gp_catalog *cat) { return cat->ndiags; }
static void describe_price(char *buf, size_t cap, double usd)
{
    if (isnan(usd))
        snprintf(buf, cap, "empty");
    else
        snprintf(buf, cap, "%g", usd);
}

/* Formats a lazy diagnostic's message into the arena. */
static const char *format_diag(gp_catalog *cat, const gp_diag_rec *d)
{
    char a[32], b[32];
    switch (d->tmpl) {
    case GP_TMPL_TEXT: return d->pub.message;
    case GP_TMPL_NO_PRICE:
        describe_price(a, sizeof(a), d->d1);
        describe_price(b, sizeof(b), d->d2);
        return gp_arena_printf(&cat->arena,
                               "%s %s: no usable price (on-demand %s, spot %s); "
                               "not offered",
                               d->s1, d->s2, a, b);
    case GP_TMPL_SPOT_ONLY:
        describe_price(a, sizeof(a), d->d1);
        return gp_arena_printf(&cat->arena,
                               "%s %s: no on-demand price (%s); offered as spot only",
                               d->s1, d->s2, a);
    case GP_TMPL_SPOT_PLACEHOLDER:
        return gp_arena_printf(&cat->arena,
                               "%s %s: spot price %g is a placeholder; treated "
                               "as no spot price",
                               d->s1, d->s2, d->d2);
    case GP_TMPL_SPOT_ABOVE:
        return gp_arena_printf(&cat->arena,
                               "%s %s %s: spot $%g/h is above on-demand $%g/h",
                               d->s1, d->s2, d->s3, d->d2, d->d1);
    case GP_TMPL_SPOT_EQUALS:
        return gp_arena_printf(&cat->arena,
                               "%s %s %s: spot price equals on-demand ($%g/h)",
                               d->s1, d->s2, d->s3, d->d1);
    }
    return "";
}

const gp_diag *gp_catalog_diag(const gp_catalog *cat, size_t i)
{
    if (i >= cat->ndiags)
        return NULL;
    /* Formatting on first read changes no observable state: the catalog
     * stays logically const. */
    gp_diag_rec *d = &((gp_catalog *)cat)->diags[i];
    if (!d->pub.message) {
        const char *m = format_diag((gp_catalog *)cat, d);
        d->pub.message = m ? m : "(out of memory)";
    }
    return &d->pub;
}
const gp_accel_table *gp_catalog_accels(const gp_catalog *cat)
{
    return cat->accels;
}

gp_kind gp_catalog_provider_kind(const gp_catalog *cat, const char *provider)
{
    for (size_t i = 0; provider && i < cat->nkinds; i++)
        if (strcasecmp(cat->kinds[i].provider, provider) == 0)
            return cat->kinds[i].kind;
    return GP_KIND_UNKNOWN;
}

/* Grows *arr (of element size `size`) to hold one more than *count. */
static int grow(void **arr, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, ncap * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

gp_status gp_catalog_add_source(gp_catalog *cat, const gp_source *src,
                                unsigned *index, gp_error *err)
{
    if (grow((void **)&cat->sources, &cat->sources_cap, cat->nsources,
             sizeof(*cat->sources)) != 0)
        return gp_fail(err, GP_ENOMEM, src->name, 0, "out of memory");
    gp_source *s = &cat->sources[cat->nsources];
    *s = *src;
    s->name = gp_catalog_intern(cat, src->name);
    s->provider = gp_catalog_intern(cat, src->provider);
    s->format = gp_catalog_intern(cat, src->format);
    s->as_of = gp_catalog_intern(cat, src->as_of);
    s->snapshot = gp_catalog_intern(cat, src->snapshot);
    s->licence = gp_catalog_intern(cat, src->licence);
    if (!s->name || !s->provider || !s->format || !s->as_of || !s->snapshot ||
        !s->licence)
        return gp_fail(err, GP_ENOMEM, src->name, 0, "out of memory");
    *index = (unsigned)cat->nsources++;
    return GP_OK;
}

gp_status gp_catalog_diag_add(gp_catalog *cat, gp_diag_kind kind,
                              unsigned source_index, unsigned line,
                              const char *fmt, ...)
{
    if (grow((void **)&cat->diags, &cat->diags_cap, cat->ndiags,
             sizeof(*cat->diags)) != 0)
        return GP_ENOMEM;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    const char *msg = gp_arena_strdup(&cat->arena, buf);
    if (!msg)
        return GP_ENOMEM;
    gp_diag_rec *d = &cat->diags[cat->ndiags++];
    memset(d, 0, sizeof(*d));
    d->pub = (gp_diag){kind, source_index, line, msg};
    return GP_OK;
}

gp_status gp_catalog_diag_lazy(gp_catalog *cat, gp_diag_kind kind,
                               unsigned source_index, unsigned line,
                               gp_diag_tmpl tmpl, const char *s1,
                               const char *s2, const char *s3, double d1,
                               double d2)
{
    if (grow((void **)&cat->diags, &cat->diags_cap, cat->ndiags,
             sizeof(*cat->diags)) != 0)
        return GP_ENOMEM;
    gp_diag_rec *d = &cat->diags[cat->ndiags++];
    d->pub = (gp_diag){kind, source_index, line, NULL};
    d->tmpl = tmpl;
    d->s1 = s1;
    d->s2 = s2;
    d->s3 = s3;
    d->d1 = d1;
    d->d2 = d2;
    return GP_OK;
}

gp_status gp_catalog_bad_row(gp_catalog *cat, unsigned si,
                             const gp_load_opts *opts, gp_error *err, long line,
                             const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const char *file = cat->sources[si].name;
    if (opts && opts->skip_bad_rows) {
        cat->sources[si].bad_rows++;
        if (gp_catalog_diag_add(cat, GP_DIAG_BAD_ROW, si, (unsigned)line,
                                "%s; row skipped", msg) != GP_OK)
            return gp_fail(err, GP_ENOMEM, file, line, "out of memory");
        return GP_OK;
    }
    return gp_fail(err, GP_EDATA, file, line, "%s", msg);
}

gp_status gp_catalog_gpuinfo(gp_catalog *cat, const char *text, size_t len,
                             gp_gpuinfo *out, gp_error *err)
{
    const char *key = gp_strtab_add_n(&cat->strings, text, len);
    if (!key)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if ((cat->gpuinfo_count + 1) * 2 > cat->gpuinfo_cap) {
        size_t cap = cat->gpuinfo_cap ? cat->gpuinfo_cap * 2 : 256;
        const char **keys = calloc(cap, sizeof(*keys));
        gp_gpuinfo *vals = calloc(cap, sizeof(*vals));
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        }
        for (size_t i = 0; i < cat->gpuinfo_cap; i++) {
            if (!cat->gpuinfo_keys[i])
                continue;
            size_t j = ((uintptr_t)cat->gpuinfo_keys[i] >> 4) & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = cat->gpuinfo_keys[i];
            vals[j] = cat->gpuinfo_vals[i];
        }
        free(cat->gpuinfo_keys);
        free(cat->gpuinfo_vals);
        cat->gpuinfo_keys = keys;
        cat->gpuinfo_vals = vals;
        cat->gpuinfo_cap = cap;
    }
    size_t j = ((uintptr_t)key >> 4) & (cat->gpuinfo_cap - 1);
    while (cat->gpuinfo_keys[j]) {
        if (cat->gpuinfo_keys[j] == key) {
            *out = cat->gpuinfo_vals[j];
            return out->name[0] == '\x01' ? GP_EDATA : GP_OK;
        }
        j = (j + 1) & (cat->gpuinfo_cap - 1);
    }
    gp_status st = gp_gpuinfo_parse(text, len, out, err);
    cat->gpuinfo_keys[j] = key;
    cat->gpuinfo_vals[j] = *out;
    if (st != GP_OK) {
        /* Remember the failure too; \x01 cannot start a parsed name. */
        cat->gpuinfo_vals[j].name[0] = '\x01';
        cat->gpuinfo_vals[j].name[1] = '\0';
        memset(out, 0, sizeof(*out));
        out->count = out->memory_mib = out->total_memory_mib = NAN;
    }
    cat->gpuinfo_count++;
    return st;
}

/* ---- accelerator resolution, cached ---------------------------------- */

static const char *name_convention(const gp_catalog *cat, const char *provider,
                                   const char *name)
{
    for (size_t i = 0; i < cat->nname_rules; i++) {
        const gp_name_rule *r = &cat->name_rules[i];
        if (strcasecmp(r->provider, provider) == 0 &&
            strcmp(r->name, name) == 0)
            return r->means;
    }
    return name;
}

static gp_fabric fabric_for(const gp_catalog *cat, const char *provider,
                            const char *instance, double *gbps)
{
    for (size_t i = 0; i < cat->nfabric_rules; i++) {
        const gp_fabric_rule *r = &cat->fabric_rules[i];
        if (strcasecmp(r->provider, provider) == 0 &&
            fnmatch(r->pattern, instance, 0) == 0) {
            *gbps = r->gbps;
            return r->fabric;
        }
    }
    *gbps = NAN;
    return GP_FABRIC_UNKNOWN;
}

static uint32_t resolved_hash(const gp_resolved *r)
{
    const void *ptrs[3] = {r->provider, r->raw, r->instance};
    uint32_t h = gp_hash_bytes(ptrs, sizeof(ptrs), GP_HASH_SEED);
    double nums[3] = {r->memory_gb, r->count, (double)r->skypilot_names};
    return gp_hash_bytes(nums, sizeof(nums), h);
}

static int resolved_grow(gp_catalog *cat)
{
    size_t cap = cat->resolved_cap ? cat->resolved_cap * 2 : 256;
    gp_resolved *t = calloc(cap, sizeof(*t));
    if (!t)
        return -1;
    for (size_t i = 0; i < cat->resolved_cap; i++) {
        gp_resolved *r = &cat->resolved[i];
        if (!r->used)
            continue;
        size_t j = resolved_hash(r) & (cap - 1);
        while (t[j].used)
            j = (j + 1) & (cap - 1);
        t[j] = *r;
    }
    free(cat->resolved);
    cat->resolved = t;
    cat->resolved_cap = cap;
    return 0;
}

/* Fills r (whose key fields are set) the slow way. */
static void resolve_uncached(gp_catalog *cat, gp_resolved *r)
{
    char tpu_name[32];
    double chips = 0;
    double mem = r->memory_gb < 0 ? NAN : r->memory_gb;
    const char *name =
        r->skypilot_names ? name_convention(cat, r->provider, r->raw) : r->raw;
    r->per_gpu_memory_gb = mem;
    if (gp_accel_tpu_slice(name, tpu_name, sizeof(tpu_name), &chips)) {
        r->tpu_chips = chips;
        r->accel = gp_accel_find(cat->accels, tpu_name);
        r->gpu = r->accel ? r->accel->name : gp_catalog_intern(cat, tpu_name);
    } else {
        r->accel = gp_accel_resolve(cat->accels, name, r->instance, mem,
                                    &r->memory_ignored);
        /* Some catalogs put the memory of all GPUs in the per-GPU field
         * (primeintellect: 163840 MiB for 2 x A100 80GB). When the figure
         * contradicts the specs but its share per GPU fits, use that. */
        if (r->memory_ignored && r->count > 1) {
            int again = 0;
            const gp_accel *a = gp_accel_resolve(
                cat->accels, name, r->instance, mem / r->count, &again);
            if (a && !again) {
                r->accel = a;
                r->memory_ignored = 0;
                r->per_gpu_memory_gb = mem / r->count;
            }
        }
        r->gpu = r->accel ? r->accel->name : r->raw;
    }
    r->kind = gp_catalog_provider_kind(cat, r->provider);
    r->fabric_gbps = NAN;
    r->fabric = r->tpu_chips > 0
                    ? GP_FABRIC_ICI
                    : fabric_for(cat, r->provider, r->instance, &r->fabric_gbps);
}

/* provider, raw and instance are interned, so addresses identify them. */
static const gp_resolved *resolve(gp_catalog *cat, const char *provider,
                                  const char *raw, const char *instance,
                                  double memory_gb, double count,
                                  int skypilot_names)
{
    if ((cat->resolved_count + 1) * 2 > cat->resolved_cap &&
        resolved_grow(cat) != 0)
        return NULL;
    gp_resolved key;
    memset(&key, 0, sizeof(key));
    key.provider = provider;
    key.raw = raw;
    key.instance = instance;
    key.memory_gb = isnan(memory_gb) ? -1.0 : memory_gb;
    key.count = count;
    key.skypilot_names = skypilot_names;
    size_t j = resolved_hash(&key) & (cat->resolved_cap - 1);
    while (cat->resolved[j].used) {
        gp_resolved *r = &cat->resolved[j];
        if (r->raw == raw && r->provider == provider && r->instance == instance &&
            r->memory_gb == key.memory_gb && r->count == count &&
            r->skypilot_names == skypilot_names)
            return r;
        j = (j + 1) & (cat->resolved_cap - 1);
    }
    gp_resolved *r = &cat->resolved[j];
    *r = key;
    r->used = 1;
    resolve_uncached(cat, r);
    cat->resolved_count++;
    return r->gpu ? r : NULL;
}

/* ---- the one place every offer is normalised ------------------------- */

/* Interns s, first checking the string the same field had on the last
 * row: consecutive rows mostly repeat instance type, accelerator and
 * region, and a strcmp is cheaper than a hash. */
static const char *intern_recent(gp_catalog *cat, int field, const char *s)
{
    if (!s)
        s = "";
    const char *last = cat->recent[field];
    if (last && strcmp(last, s) == 0)
        return last;
    const char *p = gp_catalog_intern(cat, s);
    if (p)
        cat->recent[field] = p;
    return p;
}

static double valid_price(double usd)
{
    return (isnan(usd) || usd <= 0 || usd >= PLACEHOLDER_USD_PER_HOUR) ? NAN
                                                                       : usd;
}

gp_status gp_catalog_push(gp_catalog *cat, unsigned si, unsigned line,
                          const gp_raw_offer *raw, gp_error *err)
{
    gp_source *src = &cat->sources[si];
    if (!cat->last_provider_raw || strcmp(cat->last_provider_raw, raw->provider)) {
        char lower[128];
        snprintf(lower, sizeof(lower), "%s", raw->provider);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        cat->last_provider_raw = gp_catalog_intern(cat, raw->provider);
        cat->last_provider = gp_catalog_intern(cat, lower);
        if (!cat->last_provider_raw || !cat->last_provider)
            return gp_fail(err, GP_ENOMEM, src->name, line, "out of memory");
    }
    const char *lower = cat->last_provider;

    unsigned flags = raw->flags;
    double count = raw->gpu_count;
    if (isnan(count)) {
        flags |= GP_OFFER_PER_GPU_LISTING;
        count = 1;
    }
    for (size_t i = 0; i < cat->ncorrections; i++) {
        const gp_correction *c = &cat->corrections[i];
        if (strcmp(c->provider, lower) == 0 &&
            strcmp(c->instance_type, raw->instance_type) == 0 &&
            c->gpu_count != count) {
            if (gp_catalog_diag_add(cat, GP_DIAG_COUNT_MISMATCH, si, line,
                                    "%s %s: the catalog says %g accelerators; "
                                    "corrected to %g (data/corrections.csv)",
                                    lower, raw->instance_type, count,
                                    c->gpu_count) != GP_OK)
                return gp_fail(err, GP_ENOMEM, src->name, line, "out of memory");
            count = c->gpu_count;
        }
    }
    double od = raw->usd_per_hour, spot = raw->spot_usd_per_hour;
    if (isnan(od) && !isnan(raw->usd_per_gpu_hour))
        od = raw->usd_per_gpu_hour * count;
    if (isnan(spot) && !isnan(raw->spot_usd_per_gpu_hour))
        spot = raw->spot_usd_per_gpu_hour * count;
    double od_ok = valid_price(od), spot_ok = valid_price(spot);
    const char *instance = intern_recent(cat, 0, raw->instance_type);
    const char *region = intern_recent(cat, 1, raw->region);
    const char *zone = intern_recent(cat, 2, raw->zone);
    if (!instance || !region || !zone)
        return gp_fail(err, GP_ENOMEM, src->name, line, "out of memory");
    const char *place = zone[0] ? zone : region;
    gp_status st = GP_OK;
    if (isnan(od_ok) && isnan(spot_ok)) {
        src->no_price++;
        st = gp_catalog_diag_lazy(cat, GP_DIAG_NO_PRICE, si, line,
                                  GP_TMPL_NO_PRICE, lower, instance, NULL, od,
                                  spot);
        return st == GP_OK ? GP_OK
                           : gp_fail(err, st, src->name, line, "out of memory");
    }
    if (isnan(od_ok))
        st = gp_catalog_diag_lazy(cat, GP_DIAG_NO_PRICE, si, line,
                                  GP_TMPL_SPOT_ONLY, lower, instance, NULL, od,
                                  NAN);
    if (st == GP_OK && !isnan(spot) && isnan(spot_ok) && spot != 0)
        st = gp_catalog_diag_lazy(cat, GP_DIAG_SPOT_PLACEHOLDER, si, line,
                                  GP_TMPL_SPOT_PLACEHOLDER, lower, instance, NULL,
                                  od, spot);
    if (st == GP_OK && !isnan(od_ok) && !isnan(spot_ok)) {
        if (spot_ok > od_ok * (1 + 1e-9)) {
            flags |= GP_OFFER_SPOT_ABOVE_ON_DEMAND;
            st = gp_catalog_diag_lazy(cat, GP_DIAG_SPOT_ABOVE_ON_DEMAND, si, line,
                                      GP_TMPL_SPOT_ABOVE, lower, instance, place,
                                      od_ok, spot_ok);
        } else if (fabs(spot_ok - od_ok) <= od_ok * 1e-9) {
            st = gp_catalog_diag_lazy(cat, GP_DIAG_SPOT_EQUALS_ON_DEMAND, si, line,
                                      GP_TMPL_SPOT_EQUALS, lower, instance, place,
                                      od_ok, spot_ok);
        }
    }
    if (st != GP_OK)
        return gp_fail(err, st, src->name, line, "out of memory");

    if (grow((void **)&cat->offers, &cat->cap, cat->count,
             sizeof(*cat->offers)) != 0)
        return gp_fail(err, GP_ENOMEM, src->name, line, "out of memory");
    gp_offer *o = &cat->offers[cat->count];
    memset(o, 0, sizeof(*o));
    o->provider = lower;
    o->instance_type = instance;
    o->region = region;
    o->zone = zone;
    o->gpu_raw = intern_recent(cat, 3, raw->gpu);
    o->source = raw->source ? intern_recent(cat, 4, raw->source)
                : src->snapshot[0] ? src->snapshot
                                   : src->name;
    o->as_of = raw->as_of ? intern_recent(cat, 5, raw->as_of) : src->as_of;
    o->notes = intern_recent(cat, 6, raw->notes);
    if (!o->provider || !o->instance_type || !o->region || !o->zone ||
        !o->gpu_raw || !o->source || !o->as_of || !o->notes)
        return gp_fail(err, GP_ENOMEM, src->name, line, "out of memory");

    const gp_resolved *r =
        resolve(cat, o->provider, o->gpu_raw, o->instance_type, raw->gpu_mem_gb,
                count, raw->skypilot_names);
    if (!r)
        return gp_fail(err, GP_ENOMEM, src->name, line, "out of memory");
    o->gpu = r->gpu;
    o->accel = r->accel;
    if (r->tpu_chips > 0)
        count = r->tpu_chips;
    o->gpu_count = count;
    o->gpu_mem_gb = r->per_gpu_memory_gb;
    if (o->accel && (isnan(o->gpu_mem_gb) || r->memory_ignored)) {
        if (r->memory_ignored &&
            gp_catalog_diag_add(cat, GP_DIAG_MEMORY_MISMATCH, si, line,
                                "%s %s: catalog says %g GB per %s, specs say "
                                "%g GB; using the specs",
                                o->provider, o->instance_type, raw->gpu_mem_gb,
                                o->gpu, o->accel->memory_gb) != GP_OK)
            return gp_fail(err, GP_ENOMEM, src->name, line, "out of memory");
        o->gpu_mem_gb = o->accel->memory_gb;
        flags |= GP_OFFER_MEM_FROM_SPECS;
    }
    o->vcpus = raw->vcpus;
    o->ram_gb = raw->ram_gb;
    o->usd_per_hour = od_ok;
    o->spot_usd_per_hour = spot_ok;
    o->kind = raw->kind >= 0 ? (gp_kind)raw->kind : r->kind;
    o->fabric = raw->fabric >= 0 ? (gp_fabric)raw->fabric : r->fabric;
    o->fabric_gbps = !isnan(raw->fabric_gbps) ? raw->fabric_gbps
                     : raw->fabric >= 0        ? NAN
                                               : r->fabric_gbps;
    o->source_index = si;
    o->line = line;
    o->flags = flags;
    cat->count++;
    src->offers++;
    return GP_OK;
}

/* ---- replacement: fresher data wins ---------------------------------- */

/* A replacement key: interned pointers (and a count), so equal keys are
 * equal bit for bit. */
typedef struct rkey {
    const char *a, *b;
    double count; /* NAN: any count */
} rkey;

typedef struct rset {
    rkey *slots;
    unsigned char *used;
    size_t cap;
} rset;

static uint32_t rkey_hash(const rkey *k)
{
    return gp_hash_bytes(k, sizeof(*k), GP_HASH_SEED);
}

static int rkey_eq(const rkey *x, const rkey *y)
{
    return x->a == y->a && x->b == y->b &&
           ((isnan(x->count) && isnan(y->count)) || x->count == y->count);
}

static int rset_init(rset *s, size_t n)
{
    s->cap = 16;
    while (s->cap < 2 * n + 2)
        s->cap *= 2;
    s->slots = calloc(s->cap, sizeof(*s->slots));
    s->used = calloc(s->cap, 1);
    return (s->slots && s->used) ? 0 : -1;
}

static void rset_free(rset *s)
{
    free(s->slots);
    free(s->used);
}

/* Inserts k; returns 1 when it was already present. */
static int rset_put(rset *s, const rkey *k, int insert)
{
    size_t j = rkey_hash(k) & (s->cap - 1);
    while (s->used[j]) {
        if (rkey_eq(&s->slots[j], k))
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    if (insert) {
        s->slots[j] = *k;
        s->used[j] = 1;
    }
    return 0;
}

static rkey make_key(const gp_offer *o, gp_replace mode, int any_count)
{
    rkey k;
    memset(&k, 0, sizeof(k)); /* padding too: keys are hashed as bytes */
    k.a = o->provider;
    k.count = NAN;
    if (mode == GP_REPLACE_INSTANCE_TYPE) {
        k.b = o->instance_type;
    } else if (mode == GP_REPLACE_PRODUCT) {
        k.b = o->gpu;
        if (!any_count)
            k.count = o->gpu_count;
    }
    return k;
}

/* Offers [first, count) are new; drop older offers they replace. A
 * per-GPU listing of a product replaces that product at any node size. */
static gp_status replace_older(gp_catalog *cat, size_t first, gp_replace mode,
                               gp_error *err)
{
    if (mode == GP_REPLACE_NONE || first == 0)
        return GP_OK;
    rset set;
    if (rset_init(&set, cat->count - first) != 0) {
        rset_free(&set);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = first; i < cat->count; i++) {
        const gp_offer *o = &cat->offers[i];
        int any = (o->flags & GP_OFFER_PER_GPU_LISTING) != 0;
        rkey k = make_key(o, mode, any);
        rset_put(&set, &k, 1);
    }
    size_t w = 0;
    for (size_t i = 0; i < cat->count; i++) {
        const gp_offer *o = &cat->offers[i];
        int gone = 0;
        if (i < first && (mode != GP_REPLACE_PROVIDER || cat->embedded_offer[i])) {
            rkey k = make_key(o, mode, 0);
            gone = rset_put(&set, &k, 0);
            if (!gone && mode == GP_REPLACE_PRODUCT) {
                k = make_key(o, mode, 1);
                gone = rset_put(&set, &k, 0);
            }
        }
        if (gone) {
            cat->sources[o->source_index].replaced++;
            continue;
        }
        cat->offers[w] = cat->offers[i];
        cat->embedded_offer[w] = cat->embedded_offer[i];
        w++;
    }
    cat->count = w;
    rset_free(&set);
    return GP_OK;
}

gp_status gp_catalog_mark_embedded(gp_catalog *cat, size_t first, int embedded,
                                   gp_error *err)
{
    unsigned char *e = realloc(cat->embedded_offer, cat->cap ? cat->cap : 1);
    if (!e)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    cat->embedded_offer = e;
    for (size_t i = first; i < cat->count; i++)
        e[i] = (unsigned char)(embedded != 0);
    return GP_OK;
}

/* Loads one group of sources with rollback on failure, then applies
 * replacement. */
typedef struct group {
    const char *provider;          /* skypilot groups */
    const gp_skypilot_file *files;
    size_t nfiles;
    int gpuplan;                   /* 1: one gpuplan-format file */
    gp_replace replace;
    int embedded;
} group;

/* One diagnostic per (source, accelerator name) without specs, with how
 * many rows use it: the names are kept as given, never dropped. */
static gp_status note_no_specs(gp_catalog *cat, size_t first)
{
    typedef struct seen {
        unsigned si, line;
        const char *gpu;
        size_t rows;
    } seen;
    seen *v = NULL;
    size_t n = 0, cap = 0;
    gp_status st = GP_OK;
    for (size_t i = first; i < cat->count; i++) {
        const gp_offer *o = &cat->offers[i];
        if (o->accel)
            continue;
        size_t k = 0;
        while (k < n && !(v[k].gpu == o->gpu && v[k].si == o->source_index))
            k++;
        if (k == n) {
            if (grow((void **)&v, &cap, n, sizeof(*v)) != 0) {
                free(v);
                return GP_ENOMEM;
            }
            v[n++] = (seen){o->source_index, o->line, o->gpu, 0};
        }
        v[k].rows++;
    }
    for (size_t k = 0; k < n && st == GP_OK; k++)
        st = gp_catalog_diag_add(cat, GP_DIAG_NO_SPECS, v[k].si, v[k].line,
                                 "%s %s: no specs for this accelerator (%zu "
                                 "row%s); kept under its own name",
                                 cat->sources[v[k].si].provider[0]
                                     ? cat->sources[v[k].si].provider
                                     : cat->offers[first].provider,
                                 v[k].gpu, v[k].rows, v[k].rows == 1 ? "" : "s");
    free(v);
    return st;
}

static gp_status load_group(gp_catalog *cat, const group *g,
                            const gp_load_opts *opts, gp_error *err)
{
    size_t first = cat->count, nsources = cat->nsources, ndiags = cat->ndiags;
    gp_status st = g->gpuplan
                       ? gp_load_gpuplan(cat, &g->files[0], opts, err)
                       : gp_load_skypilot_group(cat, g->provider, g->files,
                                                g->nfiles, opts, err);
    if (st == GP_OK && note_no_specs(cat, first) != GP_OK)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if (st == GP_OK)
        st = gp_catalog_mark_embedded(cat, first, g->embedded, err);
    if (st == GP_OK)
        st = replace_older(cat, first, g->replace, err);
    if (st != GP_OK) {
        cat->count = first;
        cat->nsources = nsources;
        cat->ndiags = ndiags;
    }
    return st;
}

/* ---- the data folder: sources.csv and the files it lists --------------- */

typedef struct manifest_row {
    const char *file, *provider, *format, *group, *as_of, *snapshot, *licence;
    gp_replace replace;
} manifest_row;

typedef struct manifest {
    gp_catalog *cat;
    const char *name;
    manifest_row *rows;
    size_t n, cap;
    int col[8];
    int have_header;
} manifest;

static gp_status manifest_row_cb(const gp_csv_row *row, void *ctx,
                                 gp_error *err)
{
    static const char *const COLS[8] = {"file", "provider", "format", "group",
                                        "as_of", "snapshot", "licence",
                                        "replaces"};
    manifest *m = ctx;
    if (!m->have_header) {
        for (int i = 0; i < 8; i++)
            if ((m->col[i] = gp_csv_column(row, COLS[i])) < 0)
                return gp_fail(err, GP_EDATA, m->name, row->line,
                               "missing column %s", COLS[i]);
        m->have_header = 1;
        return GP_OK;
    }
    if (grow((void **)&m->rows, &m->cap, m->n, sizeof(*m->rows)) != 0)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    const char *v[8];
    for (int i = 0; i < 8; i++) {
        v[i] = (size_t)m->col[i] < row->nfields ? row->fields[m->col[i]] : "";
        if (!(v[i] = gp_catalog_intern(m->cat, v[i])))
            return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    if (!v[0][0] || !v[3][0] ||
        (strcmp(v[2], "skypilot") != 0 && strcmp(v[2], "gpuplan") != 0))
        return gp_fail(err, GP_EDATA, m->name, row->line,
                       "file and group must be set and format must be "
                       "skypilot or gpuplan");
    manifest_row *r = &m->rows[m->n++];
    *r = (manifest_row){v[0], v[1], v[2], v[3], v[4], v[5], v[6],
                        GP_REPLACE_NONE};
    if (strcmp(v[7], "instance-type") == 0)
        r->replace = GP_REPLACE_INSTANCE_TYPE;
    else if (strcmp(v[7], "product") == 0)
        r->replace = GP_REPLACE_PRODUCT;
    else if (strcmp(v[7], "none") != 0 && v[7][0])
        return gp_fail(err, GP_EDATA, m->name, row->line,
                       "unknown replaces value '%s'", v[7]);
    return GP_OK;
}

gp_status gp_catalog_add_manifest(gp_catalog *cat, const char *dir,
                                  const char *name_prefix, gp_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/sources.csv", dir);
    manifest m = {.cat = cat, .name = path};
    gp_status st = gp_csv_parse_file(path, manifest_row_cb, &m, err);
    gp_skypilot_file *files = calloc(m.n ? m.n : 1, sizeof(*files));
    if (st == GP_OK && !files)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; st == GP_OK && i < m.n;) {
        size_t j = i, nf = 0;
        while (st == GP_OK && j < m.n &&
               strcmp(m.rows[j].group, m.rows[i].group) == 0) {
            const manifest_row *r = &m.rows[j++];
            gp_skypilot_file *f = &files[nf++];
            memset(f, 0, sizeof(*f));
            f->name = gp_arena_printf(&cat->arena, "%s%s", name_prefix, r->file);
            f->path = gp_arena_printf(&cat->arena, "%s/%s", dir, r->file);
            f->meta.provider = r->provider;
            f->meta.as_of = r->as_of;
            f->meta.snapshot = r->snapshot;
            f->meta.licence = r->licence;
            f->meta.embedded = 1;
            if (!f->name || !f->path)
                st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        }
        if (st != GP_OK)
            break;
        group g = {m.rows[i].provider, files, nf,
                   strcmp(m.rows[i].format, "gpuplan") == 0, m.rows[i].replace,
                   1};
        gp_load_opts opts = {0, NULL};
        st = load_group(cat, &g, &opts, err);
        i = j;
    }
    free(files);
    free(m.rows);
    return st;
}

gp_status gp_catalog_add_data_dir(gp_catalog *cat, const char *dir,
                                  gp_error *err)
{
    char prefix[4096];
    snprintf(prefix, sizeof(prefix), "%s/", dir);
    return gp_catalog_add_manifest(cat, dir, prefix, err);
}

/* ---- user sources ------------------------------------------------------ */

static const char *base_name(const char *path, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    const char *slash = strrchr(buf, '/');
    return slash ? slash + 1 : buf;
}

static void file_date(const char *path, char *buf, size_t cap)
{
    struct stat sb;
    buf[0] = '\0';
    if (stat(path, &sb) != 0)
        return;
    struct tm tm;
    if (gmtime_r(&sb.st_mtime, &tm))
        strftime(buf, cap, "%Y-%m-%d", &tm);
}

static int is_vms_file(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "vms", 3) == 0 && n > 4 &&
           strcmp(name + n - 4, ".csv") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of entries in dir that pass `want` (NULL: subfolders). */
static gp_status list_dir(const char *dir, int (*want)(const char *),
                          char ***out, size_t *nout, gp_error *err)
{
    *out = NULL;
    *nout = 0;
    DIR *d = opendir(dir);
    if (!d)
        return gp_fail(err, GP_EIO, dir, 0, "cannot open folder: %s",
                       strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    gp_status st = GP_OK;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0)
            continue;
        int ok = want ? (S_ISREG(sb.st_mode) && want(de->d_name))
                      : S_ISDIR(sb.st_mode);
        if (!ok)
            continue;
        if (grow((void **)&names, &cap, n, sizeof(*names)) != 0 ||
            !(names[n] = strdup(de->d_name))) {
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (st != GP_OK) {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return st;
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    *out = names;
    *nout = n;
    return GP_OK;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* One <cloud>/ folder: every vms*.csv in it is one group. */
static gp_status add_cloud_dir(gp_catalog *cat, const char *dir,
                               const char *provider, char **vms, size_t nvms,
                               const gp_load_opts *opts, gp_error *err)
{
    gp_skypilot_file *files = calloc(nvms, sizeof(*files));
    char **paths = calloc(nvms, sizeof(*paths));
    char date[16];
    gp_status st = GP_OK;
    if (!files || !paths) {
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nvms; i++) {
        size_t len = strlen(dir) + strlen(vms[i]) + 2;
        if (!(paths[i] = malloc(len))) {
            st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
            goto out;
        }
        snprintf(paths[i], len, "%s/%s", dir, vms[i]);
        files[i].name = paths[i];
        files[i].path = paths[i];
        file_date(paths[i], date, sizeof(date));
        files[i].meta.as_of = gp_catalog_intern(cat, date);
        files[i].meta.snapshot = "";
        files[i].meta.licence = "";
    }
    group g = {provider, files, nvms, 0, GP_REPLACE_PROVIDER, 0};
    st = load_group(cat, &g, opts, err);
out:
    for (size_t i = 0; paths && i < nvms; i++)
        free(paths[i]);
    free(paths);
    free(files);
    return st;
}

static gp_status add_dir(gp_catalog *cat, const char *dir,
                         const gp_load_opts *opts, gp_error *err)
{
    char **vms = NULL, **subs = NULL;
    size_t nvms = 0, nsubs = 0;
    gp_status st = list_dir(dir, is_vms_file, &vms, &nvms, err);
    if (st != GP_OK)
        return st;
    if (nvms > 0) {
        char buf[4096];
        const char *provider = opts && opts->provider
                                   ? opts->provider
                                   : base_name(dir, buf, sizeof(buf));
        st = add_cloud_dir(cat, dir, provider, vms, nvms, opts, err);
        free_names(vms, nvms);
        return st;
    }
    free_names(vms, nvms);
    st = list_dir(dir, NULL, &subs, &nsubs, err);
    size_t clouds = 0;
    int has_versions = 0;
    for (size_t i = 0; st == GP_OK && i < nsubs; i++) {
        if (strcmp(subs[i], "common") == 0)
            continue;
        if (subs[i][0] == 'v' && isdigit((unsigned char)subs[i][1]))
            has_versions = 1;
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", dir, subs[i]);
        st = list_dir(sub, is_vms_file, &vms, &nvms, err);
        if (st == GP_OK && nvms > 0) {
            st = add_cloud_dir(cat, sub, subs[i], vms, nvms, opts, err);
            clouds++;
        }
        free_names(vms, nvms);
        vms = NULL;
        nvms = 0;
    }
    free_names(subs, nsubs);
    if (st == GP_OK && clouds == 0) {
        if (has_versions)
            return gp_fail(err, GP_EIO, dir, 0,
                           "holds SkyPilot catalog versions, not a catalog: "
                           "pass one version folder, e.g. %s/v8",
                           dir);
        return gp_fail(err, GP_EIO, dir, 0,
                       "no SkyPilot vms.csv files found (expected "
                       "%s/<cloud>/vms.csv)",
                       dir);
    }
    return st;
}

typedef enum file_kind { FK_UNKNOWN, FK_SKYPILOT, FK_GPUPLAN } file_kind;

static gp_status header_kind(const char *name, const char *data, size_t len,
                             file_kind *kind, gp_error *err)
{
    size_t n = 0;
    while (n < len && data[n] != '\n')
        n++;
    char header[4096];
    size_t copy = n < sizeof(header) - 1 ? n : sizeof(header) - 1;
    memcpy(header, data, copy);
    header[copy] = '\0';
    /* Column names never need quoting, so a plain scan is enough. */
    int has[5] = {0};
    static const char *const WANT[5] = {"InstanceType", "AcceleratorName",
                                        "provider", "instance_type", "gpu"};
    char *save = NULL;
    for (char *tok = strtok_r(header, ",\r", &save); tok;
         tok = strtok_r(NULL, ",\r", &save)) {
        while (*tok == ' ' || *tok == '"')
            tok++;
        size_t tl = strlen(tok);
        while (tl && (tok[tl - 1] == ' ' || tok[tl - 1] == '"'))
            tok[--tl] = '\0';
        for (int i = 0; i < 5; i++)
            if (strcasecmp(tok, WANT[i]) == 0)
                has[i] = 1;
    }
    if (has[0] && has[1])
        *kind = FK_SKYPILOT;
    else if (has[2] && has[3] && has[4])
        *kind = FK_GPUPLAN;
    else
        return gp_fail(err, GP_EDATA, name, 1,
                       "not a SkyPilot vms.csv (no InstanceType and "
                       "AcceleratorName columns) nor a gpuplan catalog (no "
                       "provider, instance_type and gpu columns)");
    return GP_OK;
}

static gp_status add_file(gp_catalog *cat, const char *path,
                          const gp_load_opts *opts, gp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gp_fail(err, GP_EIO, path, 0, "cannot open: %s", strerror(errno));
    char head[4096];
    size_t n = fread(head, 1, sizeof(head), f);
    int read_error = ferror(f);
    fclose(f);
    if (read_error)
        return gp_fail(err, GP_EIO, path, 0, "read error");
    size_t skip = (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
    file_kind kind = FK_UNKNOWN;
    gp_status st = header_kind(path, head + skip, n - skip, &kind, err);
    if (st != GP_OK)
        return st;
    char date[16];
    file_date(path, date, sizeof(date));
    gp_skypilot_file file = {0};
    file.name = path;
    file.path = path;
    file.meta.as_of = date;
    file.meta.snapshot = "";
    file.meta.licence = "";
    if (kind == FK_GPUPLAN) {
        group g = {"", &file, 1, 1, GP_REPLACE_PROVIDER, 0};
        return load_group(cat, &g, opts, err);
    }
    char dirbuf[4096], base[4096];
    snprintf(dirbuf, sizeof(dirbuf), "%s", path);
    char *slash = strrchr(dirbuf, '/');
    const char *provider = opts ? opts->provider : NULL;
    if (!provider && slash && slash != dirbuf) {
        *slash = '\0';
        provider = base_name(dirbuf, base, sizeof(base));
        if (strcmp(provider, ".") == 0 || strcmp(provider, "..") == 0)
            provider = NULL;
    }
    if (!provider || !*provider)
        return gp_fail(err, GP_EINVAL, path, 0,
                       "cannot tell which provider this SkyPilot file is "
                       "for: keep it as <provider>/vms.csv, or name it as "
                       "PROVIDER=%s",
                       path);
    group g = {provider, &file, 1, 0, GP_REPLACE_PROVIDER, 0};
    return load_group(cat, &g, opts, err);
}

gp_status gp_catalog_add_path(gp_catalog *cat, const char *path,
                              const gp_load_opts *opts, gp_error *err)
{
    struct stat sb;
    if (!path || !*path)
        return gp_fail(err, GP_EIO, "", 0, "empty catalog path");
    if (stat(path, &sb) != 0)
        return gp_fail(err, GP_EIO, path, 0, "no such file or folder");
    if (S_ISDIR(sb.st_mode))
        return add_dir(cat, path, opts, err);
    return add_file(cat, path, opts, err);
}

/* A text buffer as a user source of either format. */
static gp_status add_buffer(gp_catalog *cat, const char *name, const char *provider,
                            int gpuplan, const char *data, size_t len,
                            const gp_load_opts *opts, gp_error *err)
{
    gp_skypilot_file file = {0};
    file.name = name;
    file.data = data;
    file.len = len;
    file.meta.as_of = "";
    file.meta.snapshot = "";
    file.meta.licence = "";
    group g = {provider, &file, 1, gpuplan, GP_REPLACE_PROVIDER, 0};
    return load_group(cat, &g, opts, err);
}

gp_status gp_catalog_add_skypilot_buffer(gp_catalog *cat, const char *name,
                                         const char *provider,
                                         const char *data, size_t len,
                                         const gp_load_opts *opts,
                                         gp_error *err)
{
    return add_buffer(cat, name, provider, 0, data, len, opts, err);
}

gp_status gp_catalog_add_gpuplan_buffer(gp_catalog *cat, const char *name,
                                        const char *data, size_t len,
                                        const gp_load_opts *opts,
                                        gp_error *err)
{
    return add_buffer(cat, name, "", 1, data, len, opts, err);
}
