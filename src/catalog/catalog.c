/* The catalog: offers, sources, diagnostics, and how fresher data replaces
 * older data. This is the catalog core: it owns the push interface
 * (catalog/push.h) that the loaders fill in, and never calls a loader.
 * Which loader reads which path is decided above both, in catalog_load.c;
 * provider facts are in facts.c. */
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

#include "catalog/catalog_internal.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"

/* A price at or above this many dollars per hour is a placeholder, not a
 * price (primeintellect writes 99999999 for "no spot"). */
#define PLACEHOLDER_USD_PER_HOUR 1e6

static const char *const DIAG_NAMES[GP_DIAG_KIND_COUNT] = {
    "no-price", "spot-placeholder", "spot-above-on-demand",
    "spot-equals-on-demand", "no-specs", "memory-mismatch", "no-host",
    "bad-row", "bad-gpuinfo", "count-mismatch", "price-outlier", "refused"};

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
    free(cat->pricing_rules);
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


gp_status gp_catalog_add_source(gp_catalog *cat, const gp_source *src,
                                unsigned *index, gp_error *err)
{
    if (gp_grow((void **)&cat->sources, &cat->sources_cap, cat->nsources,
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
    if (gp_grow((void **)&cat->diags, &cat->diags_cap, cat->ndiags,
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
    if (gp_grow((void **)&cat->diags, &cat->diags_cap, cat->ndiags,
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

static gp_status bad_count(gp_catalog *cat, unsigned si, unsigned line,
                           const gp_load_opts *opts, int *ok, gp_error *err,
                           const char *what, double count)
{
    *ok = 0;
    return gp_catalog_bad_row(cat, si, opts, err, line,
                              "%s %.17g is more accelerators than one listing "
                              "may have (%d)",
                              what, count, GP_OFFER_MAX_GPUS);
}

gp_status gp_catalog_check_raw(gp_catalog *cat, unsigned si, unsigned line,
                               const gp_raw_offer *raw,
                               const gp_load_opts *opts, int *ok,
                               gp_error *err)
{
    *ok = 1;
    /* A negative price used to mean "no price" in SkyPilot files and an
     * error in gpuplan files; one rule now: it is bad data. */
    const struct {
        double usd;
        const char *what;
    } prices[4] = {{raw->usd_per_hour, "on-demand price per hour"},
                   {raw->usd_per_gpu_hour, "on-demand price per GPU-hour"},
                   {raw->spot_usd_per_hour, "spot price per hour"},
                   {raw->spot_usd_per_gpu_hour, "spot price per GPU-hour"}};
    for (int i = 0; i < 4; i++) {
        if (prices[i].usd < 0) {
            *ok = 0;
            return gp_catalog_bad_row(cat, si, opts, err, line,
                                      "%s %g is negative", prices[i].what,
                                      prices[i].usd);
        }
    }
    if (raw->gpu_count > GP_OFFER_MAX_GPUS)
        return bad_count(cat, si, line, opts, ok, err, "accelerator count",
                         raw->gpu_count);
    return GP_OK;
}

gp_status gp_catalog_push(gp_catalog *cat, unsigned si, unsigned line,
                          const gp_raw_offer *raw, const gp_load_opts *opts,
                          gp_error *err)
{
    gp_source *src = &cat->sources[si];
    int ok = 1;
    gp_status checked = gp_catalog_check_raw(cat, si, line, raw, opts, &ok, err);
    if (checked != GP_OK || !ok)
        return checked;
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
    /* What the prices mean (data/pricing-kinds.csv): some catalogs put an
     * auction floor or a minimum bid where an on-demand or spot price goes. */
    for (size_t i = 0; i < cat->npricing_rules; i++) {
        const gp_pricing_rule *pr = &cat->pricing_rules[i];
        if (strcmp(pr->provider, lower) != 0 ||
            (strcmp(pr->format, "*") != 0 && strcmp(pr->format, src->format) != 0) ||
            pr->kind != GP_PRICING_AUCTION_FLOOR)
            continue;
        flags |= pr->column == 0 ? GP_OFFER_PRICE_FLOOR : GP_OFFER_SPOT_FLOOR;
    }

    if (gp_grow((void **)&cat->offers, &cat->cap, cat->count,
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
    /* A TPU slice's size comes from its name (tpu-v4-6144), not the count
     * column: the same limit holds. */
    if (count > GP_OFFER_MAX_GPUS)
        return bad_count(cat, si, line, opts, &ok, err, "accelerator count",
                         count);
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

/* Drops the offers marked replaced (2) while replacements were deferred,
 * keeping the order; returns how many went. */
static size_t drop_deferred(gp_catalog *cat)
{
    size_t gone = cat->deferred_gone;
    if (!gone)
        return 0;
    size_t w = 0, run = 0;
    for (size_t i = 0; i < cat->count; i++) {
        if (cat->embedded_offer[i] != 2)
            continue;
        if (w != run) {
            memmove(&cat->offers[w], &cat->offers[run], (i - run) * sizeof(*cat->offers));
            memmove(&cat->embedded_offer[w], &cat->embedded_offer[run], i - run);
        }
        w += i - run;
        run = i + 1;
    }
    if (w != run) {
        memmove(&cat->offers[w], &cat->offers[run], (cat->count - run) * sizeof(*cat->offers));
        memmove(&cat->embedded_offer[w], &cat->embedded_offer[run], cat->count - run);
    }
    cat->count = w + (cat->count - run);
    cat->deferred_gone = 0;
    return gone;
}

void gp_catalog_defer_replacements(gp_catalog *cat, int on)
{
    cat->defer_replace = on != 0;
    if (!on)
        drop_deferred(cat);
}

/* Offers [first, count) are new; drop older offers they replace. A
 * per-GPU listing of a product replaces that product at any node size. */
static gp_status replace_older(gp_catalog *cat, size_t first, gp_replace mode,
                               gp_error *err)
{
    if (mode == GP_REPLACE_NONE || first == 0)
        return GP_OK;
    /* By provider (a refreshed or user file): the new offers name a few
     * providers, mostly one; interned, so a pointer identifies each. The
     * same result as the hashed keys below, without hashing every offer. */
    const char *few[8];
    size_t nfew = 0;
    for (size_t i = first; mode == GP_REPLACE_PROVIDER && i < cat->count; i++) {
        const char *p = cat->offers[i].provider;
        size_t k = 0;
        while (k < nfew && few[k] != p)
            k++;
        if (k < nfew)
            continue;
        if (nfew == sizeof(few) / sizeof(few[0])) {
            nfew = 0; /* many providers: the hashed keys */
            break;
        }
        few[nfew++] = p;
    }
    if (nfew && cat->defer_replace) {
        /* Marked now, dropped in one pass by gp_catalog_defer_replacements. */
        for (size_t i = 0; i < first; i++) {
            const gp_offer *o = &cat->offers[i];
            int gone = 0;
            for (size_t k = 0; cat->embedded_offer[i] == 1 && k < nfew && !gone; k++)
                gone = o->provider == few[k];
            if (gone) {
                cat->embedded_offer[i] = 2;
                cat->deferred_gone++;
                cat->sources[o->source_index].replaced++;
            }
        }
        return GP_OK;
    }
    if (nfew) {
        first -= drop_deferred(cat); /* every marked offer is older than the new ones */
        /* Marked, then dropped in one pass that keeps the order. */
        for (size_t i = 0; i < first; i++) {
            const gp_offer *o = &cat->offers[i];
            int gone = 0;
            for (size_t k = 0; cat->embedded_offer[i] && k < nfew && !gone; k++)
                gone = o->provider == few[k];
            if (!gone)
                continue;
            cat->sources[o->source_index].replaced++;
            cat->embedded_offer[i] = 2;
            cat->deferred_gone++;
        }
        drop_deferred(cat);
        return GP_OK;
    }
    rset set;
    if (rset_init(&set, cat->count - first) != 0) {
        rset_free(&set);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    first -= drop_deferred(cat); /* every marked offer is older than the new ones */
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
            if (gp_grow((void **)&v, &cap, n, sizeof(*v)) != 0) {
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

gp_catalog_mark gp_catalog_group_begin(const gp_catalog *cat)
{
    gp_catalog_mark m = {cat->count, cat->nsources, cat->ndiags};
    return m;
}

gp_status gp_catalog_group_end(gp_catalog *cat, const gp_catalog_mark *mark,
                               gp_status st, int embedded, gp_replace mode,
                               gp_error *err)
{
    if (st == GP_OK && note_no_specs(cat, mark->offers) != GP_OK)
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if (st == GP_OK)
        st = gp_catalog_mark_embedded(cat, mark->offers, embedded, err);
    if (st == GP_OK)
        st = replace_older(cat, mark->offers, mode, err);
    if (st != GP_OK) {
        cat->count = mark->offers;
        cat->nsources = mark->sources;
        cat->ndiags = mark->diags;
    }
    return st;
}

gp_source *gp_catalog_source_counts(gp_catalog *cat, unsigned source_index)
{
    return &cat->sources[source_index];
}

const gp_source *gp_catalog_source_at(const gp_catalog *cat, unsigned source_index)
{
    return &cat->sources[source_index];
}

size_t gp_catalog_gcp_family_count(const gp_catalog *cat) { return cat->ngcp_families; }

const gp_gcp_family *gp_catalog_gcp_family(const gp_catalog *cat, size_t i)
{
    return &cat->gcp_families[i];
}
