/* Provider pricing terms: storage, egress tiers, reserved commitments, spot
 * interruption rates and cluster limits (data/ CSV files, each row sourced). */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "plan/plan_internal.h"
#include "plan/spot_advisor.h"
#include "plan/spot_rules.h"
#include "core/numparse.h"

typedef struct storage_row { const char *provider; double usd; } storage_row;
typedef struct egress_row { const char *provider; double from, to, usd; } egress_row;
typedef struct limit_row { const char *provider, *pattern, *source; int max_gpus; } limit_row;

typedef struct band_row {
    int band, lower_bound;
    const char *label, *source;
    double expected, p90;
} band_row;
typedef struct assume_row { const char *kind, *source; double expected, p90; } assume_row;
typedef struct host_row { const char *gpu; int chips; } host_row;
typedef struct capacity_row {
    const char *provider, *pattern, *term, *source;
    int multinode, max_gpus, fabric_max_gpus;
} capacity_row;

struct gp_terms {
    gp_spot_rules *spot_rules; /* storage throughput, GCP rules */
    const gp_spot_advisor_table *advisor; /* AWS's bands: compiled or refreshed */
    band_row *bands; size_t nbands;
    assume_row *assume; size_t nassume;
    host_row *hosts; size_t nhosts;
    capacity_row *capacity; size_t ncapacity;
    gp_arena arena;
    storage_row *storage; size_t nstorage;
    egress_row *egress; size_t negress;
    gp_term_offer *reserved; size_t nreserved;
    limit_row *limits; size_t nlimits;
    gp_provider_facts *facts; size_t nfacts;
};

/* One small file being read: its name and row handler. */
typedef struct reader {
    gp_terms *t;
    const char *file;
    gp_status (*row)(struct reader *r, const char *const *v, long line, gp_error *err);
} reader;

static gp_status dispatch(void *ctx, const char *const *v, long line, gp_error *err)
{
    reader *r = ctx;
    return r->row(r, v, line, err);
}

/* Grows an array by one element; NULL when out of memory. */
static void *push(void **arr, size_t *n, size_t size)
{
    char *p = realloc(*arr, (*n + 1) * size);
    if (!p)
        return NULL;
    *arr = p;
    return p + (*n)++ * size;
}

static gp_status number(reader *r, long line, const char *name, const char *text,
                        int allow_empty, double *out, gp_error *err)
{
    if (gp_parse_plain_number(text, out) != 0 || (!allow_empty && isnan(*out)) ||
        (!isnan(*out) && *out < 0))
        return gp_fail(err, GP_EDATA, r->file, line, "%s is not a non-negative number: '%s'",
                       name, text);
    return GP_OK;
}

static gp_status storage_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double usd;
    gp_status st = number(r, line, "block_storage_usd_per_gb_month", v[1], 1, &usd, err);
    if (st != GP_OK || isnan(usd))
        return st;
    storage_row *s = push((void **)&r->t->storage, &r->t->nstorage, sizeof(*s));
    if (!s)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *s = (storage_row){v[0], usd};
    return GP_OK;
}

static gp_status egress_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double from, to, usd;
    gp_status st = number(r, line, "from_gb", v[1], 0, &from, err);
    if (st == GP_OK) st = number(r, line, "to_gb", v[2], 1, &to, err);
    if (st == GP_OK) st = number(r, line, "usd_per_gb", v[3], 0, &usd, err);
    if (st != GP_OK)
        return st;
    if (isnan(to))
        to = INFINITY;
    if (!(to > from))
        return gp_fail(err, GP_EDATA, r->file, line, "to_gb must exceed from_gb");
    egress_row *e = push((void **)&r->t->egress, &r->t->negress, sizeof(*e));
    if (!e)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *e = (egress_row){v[0], from, to, usd};
    return GP_OK;
}

/* A whole number in [lo, hi], or 0 when empty (and `allow_empty`). */
static gp_status whole(reader *r, long line, const char *name, const char *text, int lo,
                       int hi, int *out, gp_error *err)
{
    double v;
    gp_status st = number(r, line, name, text, 1, &v, err);
    if (st != GP_OK)
        return st;
    if (isnan(v)) {
        *out = 0;
        return GP_OK;
    }
    if (v < lo || v > hi || v != floor(v))
        return gp_fail(err, GP_EDATA, r->file, line, "%s must be a whole number from %d to %d",
                       name, lo, hi);
    *out = (int)v;
    return GP_OK;
}

static gp_status reserved_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    /* provider,instance_pattern,region,kind,name,term_months,min_days,
     * max_days,max_instances,usd_per_instance_hour,discount_pct,as_of,source */
    gp_term_offer o = {.provider = v[0], .pattern = v[1], .region = v[2], .name = v[4],
                       .as_of = v[11], .source = v[12]};
    if (strcmp(v[3], "savings-plan") == 0)
        o.kind = GP_TERM_KIND_SAVINGS_PLAN;
    else if (strcmp(v[3], "capacity-block") == 0)
        o.kind = GP_TERM_KIND_CAPACITY_BLOCK;
    else if (strcmp(v[3], "committed") == 0)
        o.kind = GP_TERM_KIND_COMMITTED;
    else
        return gp_fail(err, GP_EDATA, r->file, line,
                       "kind must be savings-plan, capacity-block or committed, not '%s'", v[3]);
    if (!v[0][0] || !v[1][0] || !v[2][0])
        return gp_fail(err, GP_EDATA, r->file, line,
                       "provider, instance_pattern and region are required ('*' for any)");
    double months, pct;
    gp_status st = number(r, line, "term_months", v[5], 1, &months, err);
    if (st == GP_OK) st = whole(r, line, "min_days", v[6], 1, 3650, &o.min_days, err);
    if (st == GP_OK) st = whole(r, line, "max_days", v[7], 1, 3650, &o.max_days, err);
    if (st == GP_OK) st = whole(r, line, "max_instances", v[8], 1, 100000, &o.max_instances, err);
    if (st == GP_OK)
        st = number(r, line, "usd_per_instance_hour", v[9], 1, &o.usd_per_instance_hour, err);
    if (st == GP_OK) st = number(r, line, "discount_pct", v[10], 1, &pct, err);
    if (st != GP_OK)
        return st;
    if (!isnan(months) && !(months > 0 && months <= 120))
        return gp_fail(err, GP_EDATA, r->file, line, "term_months must be above 0, at most 120");
    if (!isnan(pct) && pct >= 100)
        return gp_fail(err, GP_EDATA, r->file, line, "discount_pct must be below 100");
    if (o.usd_per_instance_hour == 0)
        return gp_fail(err, GP_EDATA, r->file, line, "usd_per_instance_hour must be above 0");
    o.term_months = isnan(months) ? 0 : months;
    o.discount = isnan(pct) ? NAN : pct / 100.0;
    if (o.kind == GP_TERM_KIND_SAVINGS_PLAN && o.term_months == 0)
        return gp_fail(err, GP_EDATA, r->file, line, "a savings plan needs its term_months");
    if (o.kind == GP_TERM_KIND_CAPACITY_BLOCK &&
        (o.min_days == 0 || o.max_days < o.min_days || o.max_instances == 0))
        return gp_fail(err, GP_EDATA, r->file, line,
                       "a capacity block needs min_days <= max_days and max_instances");
    gp_term_offer *x = push((void **)&r->t->reserved, &r->t->nreserved, sizeof(*x));
    if (!x)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *x = o;
    return GP_OK;
}

static gp_status limit_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double max;
    gp_status st = number(r, line, "max_gpus", v[2], 0, &max, err);
    if (st != GP_OK)
        return st;
    if (max < 1 || max > 1e7 || max != floor(max))
        return gp_fail(err, GP_EDATA, r->file, line, "max_gpus must be a whole number");
    limit_row *l = push((void **)&r->t->limits, &r->t->nlimits, sizeof(*l));
    if (!l)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *l = (limit_row){v[0], v[1], v[3], (int)max};
    return GP_OK;
}

static gp_status facts_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    gp_provider_facts *f = push((void **)&r->t->facts, &r->t->nfacts, sizeof(*f));
    if (!f)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *f = (gp_provider_facts){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                             v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]};
    return GP_OK;
}

static gp_status band_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double band, hi, expected, p90;
    gp_status st = number(r, line, "band", v[0], 0, &band, err);
    if (st == GP_OK) st = number(r, line, "hi_pct", v[2], 1, &hi, err);
    if (st == GP_OK) st = number(r, line, "expected_pct", v[3], 0, &expected, err);
    if (st == GP_OK) st = number(r, line, "p90_pct", v[4], 0, &p90, err);
    if (st != GP_OK)
        return st;
    if (band != floor(band) || band > 9 || expected >= 100 || p90 >= 100 || p90 < expected)
        return gp_fail(err, GP_EDATA, r->file, line,
                       "a band needs a whole index and 0 <= expected <= p90 < 100");
    band_row *b = push((void **)&r->t->bands, &r->t->nbands, sizeof(*b));
    if (!b)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    /* No upper edge (">20%"): both figures are lower bounds, and said. */
    *b = (band_row){(int)band, isnan(hi), v[1], v[5], expected / 100, p90 / 100};
    return GP_OK;
}

/* Every band of a feed has a row in spot-bands.csv, under the feed's own
 * label: a compiled feed with a new band fails the build's tests, not a
 * plan; a refreshed one is refused (gp_terms_use_spot_advisor()). */
static gp_status check_bands(const gp_terms *t, const gp_spot_advisor_table *a, gp_error *err)
{
    for (size_t i = 0; i < a->nlabels; i++) {
        const band_row *b = NULL;
        for (size_t j = 0; j < t->nbands && !b; j++)
            if (t->bands[j].band == (int)i)
                b = &t->bands[j];
        if (!b)
            return gp_fail(err, GP_EDATA, "embedded:spot-bands.csv", 0,
                           "no row for band %zu ('%s') of the Spot Advisor feed (%s)", i,
                           a->labels[i], a->source ? a->source : "");
        if (strcmp(b->label, a->labels[i]) != 0)
            return gp_fail(err, GP_EDATA, "embedded:spot-bands.csv", 0,
                           "band %zu is labelled '%s'; the Spot Advisor feed (%s) says '%s'",
                           i, b->label, a->source ? a->source : "", a->labels[i]);
    }
    return GP_OK;
}

static gp_status assume_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double expected, p90;
    gp_status st = number(r, line, "expected_pct", v[1], 0, &expected, err);
    if (st == GP_OK) st = number(r, line, "p90_pct", v[2], 0, &p90, err);
    if (st != GP_OK)
        return st;
    if (expected >= 100 || p90 >= 100 || p90 < expected)
        return gp_fail(err, GP_EDATA, r->file, line, "needs 0 <= expected <= p90 < 100");
    assume_row *a = push((void **)&r->t->assume, &r->t->nassume, sizeof(*a));
    if (!a)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *a = (assume_row){v[0], v[3], expected / 100, p90 / 100};
    return GP_OK;
}

static gp_status capacity_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double max, fabric;
    gp_status st = number(r, line, "max_gpus", v[4], 1, &max, err);
    if (st == GP_OK) st = number(r, line, "fabric_max_gpus", v[5], 1, &fabric, err);
    if (st != GP_OK)
        return st;
    if (strcmp(v[2], "any") != 0 && strcmp(v[2], "spot") != 0 && strcmp(v[2], "on-demand") != 0)
        return gp_fail(err, GP_EDATA, r->file, line,
                       "term must be any, spot or on-demand, not '%s'", v[2]);
    if (strcmp(v[3], "yes") != 0 && strcmp(v[3], "no") != 0)
        return gp_fail(err, GP_EDATA, r->file, line, "multinode must be yes or no");
    if ((!isnan(max) && (max < 1 || max > 1e7 || max != floor(max))) ||
        (!isnan(fabric) && (fabric < 1 || fabric > 1e7 || fabric != floor(fabric))) ||
        (!isnan(max) && !isnan(fabric) && fabric < max))
        return gp_fail(err, GP_EDATA, r->file, line,
                       "max_gpus and fabric_max_gpus are whole numbers, max <= fabric");
    capacity_row *c = push((void **)&r->t->capacity, &r->t->ncapacity, sizeof(*c));
    if (!c)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *c = (capacity_row){v[0], v[1], v[2], v[6], strcmp(v[3], "yes") == 0,
                        isnan(max) ? 0 : (int)max, isnan(fabric) ? 0 : (int)fabric};
    return GP_OK;
}

static gp_status host_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double chips;
    gp_status st = number(r, line, "chips_per_host", v[1], 0, &chips, err);
    if (st != GP_OK)
        return st;
    if (chips < 1 || chips > 64 || chips != floor(chips))
        return gp_fail(err, GP_EDATA, r->file, line, "chips_per_host must be 1 to 64");
    host_row *h = push((void **)&r->t->hosts, &r->t->nhosts, sizeof(*h));
    if (!h)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *h = (host_row){v[0], (int)chips};
    return GP_OK;
}

static gp_status read_file(gp_terms *t, const char *file, const char *const *columns,
                           int ncols,
                           gp_status (*fn)(reader *, const char *const *, long, gp_error *),
                           gp_error *err)
{
    const gp_embedded_file *f = gp_embedded_find(file);
    if (!f)
        return gp_fail(err, GP_EIO, file, 0, "not compiled into this build");
    char name[96];
    snprintf(name, sizeof(name), "embedded:%s", file);
    reader r = {.t = t, .file = name, .row = fn};
    return gp_csv_parse_named(name, f->data, f->len, columns, ncols, &t->arena, dispatch, &r,
                              err);
}

gp_status gp_terms_load_default(gp_terms **out, gp_error *err)
{
    static const char *const STORAGE[] = {"provider", "block_storage_usd_per_gb_month"};
    static const char *const EGRESS[] = {"provider", "from_gb", "to_gb", "usd_per_gb"};
    static const char *const RESERVED[] = {
        "provider", "instance_pattern", "region", "kind", "name", "term_months", "min_days",
        "max_days", "max_instances", "usd_per_instance_hour", "discount_pct", "as_of", "source"};
    static const char *const LIMITS[] = {"provider", "instance_pattern", "max_gpus", "source"};
    static const char *const FACTS[] = {
        "provider", "kind", "spot_available", "spot_max_discount_pct", "spot_notice",
        "reserved_commitment_options", "reserved_max_discount_pct", "sustained_use_discount",
        "egress_usd_per_gb_first_tier", "egress_notes", "block_storage_usd_per_gb_month",
        "managed_ml", "tpus", "free_tier_credits", "multinode_interconnect", "sources"};
    *out = NULL;
    gp_terms *t = calloc(1, sizeof(*t));
    if (!t)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    gp_arena_init(&t->arena);
    gp_status st = read_file(t, "providers.csv", STORAGE, 2, storage_row_fn, err);
    if (st == GP_OK) st = read_file(t, "egress.csv", EGRESS, 4, egress_row_fn, err);
    if (st == GP_OK) st = read_file(t, "reserved-terms.csv", RESERVED, 13, reserved_row_fn, err);
    if (st == GP_OK) st = read_file(t, "cluster-limits.csv", LIMITS, 4, limit_row_fn, err);
    if (st == GP_OK) st = read_file(t, "providers.csv", FACTS, 16, facts_row_fn, err);
    static const char *const BANDS[] = {"band", "label", "hi_pct", "expected_pct", "p90_pct",
                                         "source"};
    static const char *const ASSUME[] = {"kind", "expected_pct", "p90_pct", "basis"};
    static const char *const HOSTS[] = {"gpu", "chips_per_host"};
    if (st == GP_OK) st = read_file(t, "spot-bands.csv", BANDS, 6, band_row_fn, err);
    if (st == GP_OK) st = read_file(t, "spot-assumptions.csv", ASSUME, 4, assume_row_fn, err);
    if (st == GP_OK) st = read_file(t, "tpu-hosts.csv", HOSTS, 2, host_row_fn, err);
    static const char *const CAPACITY[] = {"provider", "instance_pattern", "term", "multinode",
                                           "max_gpus", "fabric_max_gpus", "source"};
    if (st == GP_OK) st = read_file(t, "capacity.csv", CAPACITY, 7, capacity_row_fn, err);
    t->advisor = &gp_spot_advisor;
    if (st == GP_OK) st = check_bands(t, t->advisor, err);
    if (st == GP_OK) st = gp_spot_rules_load_default(&t->spot_rules, err);
    if (st != GP_OK) {
        gp_terms_free(t);
        return st;
    }
    *out = t;
    return GP_OK;
}

void gp_terms_free(gp_terms *t)
{
    if (!t)
        return;
    free(t->storage);
    free(t->egress);
    free(t->reserved);
    free(t->limits);
    free(t->facts);
    free(t->bands);
    free(t->assume);
    free(t->hosts);
    free(t->capacity);
    gp_spot_rules_free(t->spot_rules);
    gp_arena_free(&t->arena);
    free(t);
}

double gp_terms_storage_usd_per_gb_month(const gp_terms *t, const char *provider)
{
    for (size_t i = 0; t && provider && i < t->nstorage; i++)
        if (strcasecmp(t->storage[i].provider, provider) == 0)
            return t->storage[i].usd;
    return NAN;
}

double gp_terms_egress_usd(const gp_terms *t, const char *provider, double gb, int *known)
{
    *known = 0;
    if (!t || !provider || !(gb >= 0))
        return NAN;
    double usd = 0, covered = 0;
    int any = 0;
    for (size_t i = 0; i < t->negress; i++) {
        const egress_row *e = &t->egress[i];
        if (strcasecmp(e->provider, provider) != 0)
            continue;
        any = 1;
        double lo = e->from, hi = fmin(e->to, gb);
        if (hi > lo) {
            usd += (hi - lo) * e->usd;
            covered += hi - lo;
        }
    }
    /* The tiers must cover the whole volume (OCI's data stops at 10 TB). */
    if (!any || covered < gb - 1e-9)
        return NAN;
    *known = 1;
    return usd;
}

const char *gp_term_kind_name(gp_term_kind k)
{
    switch (k) {
    case GP_TERM_KIND_SAVINGS_PLAN: return "savings-plan";
    case GP_TERM_KIND_CAPACITY_BLOCK: return "capacity-block";
    case GP_TERM_KIND_COMMITTED: return "committed";
    }
    return "?";
}

size_t gp_terms_reserved(const gp_terms *t, const char *provider, const char *instance_type,
                         const char *region, const gp_term_offer **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; t && provider && instance_type && i < t->nreserved; i++) {
        const gp_term_offer *o = &t->reserved[i];
        if (strcasecmp(o->provider, provider) != 0 || fnmatch(o->pattern, instance_type, 0) != 0)
            continue;
        int any_region = strcmp(o->region, "*") == 0;
        if (o->kind != GP_TERM_KIND_CAPACITY_BLOCK && !any_region &&
            !(region && strcasecmp(o->region, region) == 0))
            continue;
        /* The first row of a kind (and, for a savings plan, a length) wins;
         * a capacity block keeps one row per region. */
        int dup = 0;
        for (size_t j = 0; j < n && !dup; j++)
            dup = out[j]->kind == o->kind && out[j]->term_months == o->term_months &&
                  (o->kind != GP_TERM_KIND_CAPACITY_BLOCK ||
                   strcasecmp(out[j]->region, o->region) == 0 || any_region);
        if (dup)
            continue;
        if (n < max)
            out[n] = o;
        n++;
    }
    return n < max ? n : max;
}

double gp_term_rate(const gp_term_offer *o, double od_usd_per_instance_hour)
{
    double rate = o->usd_per_instance_hour;
    int has_length = o->kind != GP_TERM_KIND_COMMITTED || o->term_months > 0 || o->min_days > 0;
    if (isnan(rate) && !isnan(o->discount) && has_length)
        rate = od_usd_per_instance_hour * (1.0 - o->discount);
    return rate > 0 ? rate : NAN;
}

int gp_term_price(const gp_term_offer *o, double od_usd_per_instance_hour, int instances,
                  double hours, double reuse, double assume_term_hours, gp_term_charge *out,
                  const char **why)
{
    memset(out, 0, sizeof(*out));
    *why = "";
    if (!(hours > 0) || !isfinite(hours) || instances < 1) {
        *why = "the job has no finite length";
        return 0;
    }
    double rate = o->usd_per_instance_hour;
    if (isnan(rate) && !isnan(o->discount) && od_usd_per_instance_hour > 0)
        rate = od_usd_per_instance_hour * (1 - o->discount);
    if (!(rate > 0)) {
        *why = o->kind == GP_TERM_KIND_CAPACITY_BLOCK ? "capacity block price not in data"
                                                       : "no published rate";
        return 0;
    }
    double term_hours;
    switch (o->kind) {
    case GP_TERM_KIND_CAPACITY_BLOCK: {
        if (o->max_instances > 0 && instances > o->max_instances) {
            *why = "more instances than one block holds";
            return 0;
        }
        /* Days in 1-day steps to 14, then 7-day steps (AWS's rule). */
        double d = ceil(hours / 24.0 - 1e-9);
        if (d < o->min_days)
            d = o->min_days;
        if (d > 14)
            d = 7 * ceil(d / 7.0 - 1e-9);
        if (d > o->max_days) {
            *why = "the job is longer than the longest block";
            return 0;
        }
        out->days = (int)d;
        term_hours = d * 24.0;
        break;
    }
    case GP_TERM_KIND_SAVINGS_PLAN: {
        double len = o->term_months * 730.0;
        term_hours = len * fmax(1.0, ceil(hours / len - 1e-9));
        break;
    }
    case GP_TERM_KIND_COMMITTED:
    default: {
        double min = o->term_months > 0 ? o->term_months * 730.0 : o->min_days * 24.0;
        if (!(min > 0)) {
            if (!(assume_term_hours > 0)) {
                *why = "no published minimum term";
                return 0;
            }
            min = assume_term_hours;
            out->assumed = 1;
        }
        term_hours = fmax(min, hours);
        break;
    }
    }
    out->usd_per_instance_hour = rate;
    out->term_hours = term_hours;
    out->committed_usd = rate * instances * term_hours;
    out->unused_hours = fmax(0.0, term_hours - hours);
    out->credit_usd = reuse * out->unused_hours * rate * instances;
    return 1;
}

int gp_terms_max_gpus(const gp_terms *t, const char *provider, const char *instance_type,
                      const char **source)
{
    for (size_t i = 0; t && provider && i < t->nlimits; i++) {
        const limit_row *l = &t->limits[i];
        if (strcasecmp(l->provider, provider) == 0 &&
            fnmatch(l->pattern, instance_type ? instance_type : "", 0) == 0) {
            if (source)
                *source = l->source;
            return l->max_gpus;
        }
    }
    return 0;
}

gp_status gp_terms_use_spot_advisor(gp_terms *t, const gp_spot_advisor_table *a,
                                    gp_error *err)
{
    if (!t)
        return gp_fail(err, GP_EINVAL, NULL, 0, "no terms");
    if (!a) {
        t->advisor = &gp_spot_advisor;
        return GP_OK;
    }
    const char *src = a->source ? a->source : "the Spot Advisor feed";
    if (!a->nlabels || (a->ntypes && !a->types) || (a->nregions && !a->regions) ||
        (a->ntypes && a->nregions && !a->bands) || !a->labels)
        return gp_fail(err, GP_EDATA, src, 0, "an empty or incomplete band table");
    for (size_t i = 1; i < a->ntypes; i++)
        if (strcmp(a->types[i - 1], a->types[i]) >= 0)
            return gp_fail(err, GP_EDATA, src, 0, "instance types not sorted");
    for (size_t i = 1; i < a->nregions; i++)
        if (strcmp(a->regions[i - 1], a->regions[i]) >= 0)
            return gp_fail(err, GP_EDATA, src, 0, "regions not sorted");
    gp_status st = check_bands(t, a, err);
    if (st != GP_OK)
        return st;
    t->advisor = a;
    return GP_OK;
}

const gp_provider_facts *gp_terms_provider(const gp_terms *t, const char *provider)
{
    for (size_t i = 0; t && provider && i < t->nfacts; i++)
        if (strcasecmp(t->facts[i].provider, provider) == 0)
            return &t->facts[i];
    return NULL;
}

double gp_spot_monthly_to_rate(double monthly)
{
    /* A month is 730 hours. A node interrupted with probability p over a
     * month of a Poisson process has a rate of -ln(1 - p) per month. */
    if (!(monthly >= 0 && monthly < 1))
        return NAN;
    return -log1p(-monthly) / 730.0;
}

int gp_terms_spot_risk(const gp_terms *t, const char *provider, const char *kind,
                       const char *instance_type, const char *region, gp_spot_risk *out)
{
    memset(out, 0, sizeof(*out));
    out->band = -1;
    out->band_label = "";
    out->feed = "";
    out->feed_as_of = "";
    if (!t || !provider)
        return 0;
    /* The feed is AWS's: only AWS offers are looked up in it, by their own
     * instance type and region; nothing is borrowed for anyone else. */
    int band = strcasecmp(provider, "aws") == 0 && instance_type && region
                   ? gp_spot_advisor_band(t->advisor, instance_type, region)
                   : -1;
    for (size_t i = 0; band >= 0 && i < t->nbands; i++)
        if (t->bands[i].band == band) {
            const band_row *b = &t->bands[i];
            out->basis = GP_SPOT_RISK_ADVISOR;
            out->band = b->band;
            out->band_label = b->label;
            out->lower_bound = b->lower_bound;
            out->monthly = b->expected;
            out->monthly_p90 = b->p90;
            out->rate_per_node_hour = gp_spot_monthly_to_rate(b->expected);
            out->p90_rate_per_node_hour = gp_spot_monthly_to_rate(b->p90);
            out->source = b->source;
            out->feed = t->advisor->feed ? t->advisor->feed : "";
            out->feed_as_of = t->advisor->as_of ? t->advisor->as_of : "";
            return 1;
        }
    const assume_row *a = NULL;
    for (size_t i = 0; i < t->nassume && !a; i++)
        if (kind && strcasecmp(t->assume[i].kind, kind) == 0)
            a = &t->assume[i];
    for (size_t i = 0; i < t->nassume && !a; i++)
        if (strcasecmp(t->assume[i].kind, "unknown") == 0)
            a = &t->assume[i];
    if (!a)
        return 0;
    out->basis = GP_SPOT_RISK_ASSUMED;
    out->monthly = a->expected;
    out->monthly_p90 = a->p90;
    out->rate_per_node_hour = gp_spot_monthly_to_rate(a->expected);
    out->p90_rate_per_node_hour = gp_spot_monthly_to_rate(a->p90);
    out->source = a->source;
    return 1;
}

int gp_terms_hosts_per_listing(const gp_terms *t, const char *gpu, int chips)
{
    for (size_t i = 0; t && gpu && i < t->nhosts; i++)
        if (strcasecmp(t->hosts[i].gpu, gpu) == 0) {
            int hosts = (chips + t->hosts[i].chips - 1) / t->hosts[i].chips;
            return hosts > 0 ? hosts : 1;
        }
    return 1;
}

double gp_terms_storage_gbps(const gp_terms *t, const char *provider, double stored_gb,
                             gp_storage_bound *out)
{
    return gp_spot_rules_storage_gbps(t ? t->spot_rules : NULL, provider, stored_gb, out);
}

int gp_terms_gcp_rule(const gp_terms *t, const char *provider, const char *instance_type,
                      gp_gcp_provisioning model, gp_gcp_rule *out)
{
    return gp_spot_rules_gcp(t ? t->spot_rules : NULL, provider, instance_type, model, out);
}

const char *gp_capacity_name(gp_capacity_status s)
{
    switch (s) {
    case GP_CAPACITY_OK: return "ok";
    case GP_CAPACITY_RISK: return "risk";
    case GP_CAPACITY_UNKNOWN: return "unknown";
    case GP_CAPACITY_EXCEEDS: return "exceeds";
    }
    return "unknown";
}

static const capacity_row *find_capacity(const gp_terms *t, const char *provider,
                                         const char *instance_type, int spot)
{
    for (size_t i = 0; t && provider && instance_type && i < t->ncapacity; i++) {
        const capacity_row *c = &t->capacity[i];
        int term_ok = strcmp(c->term, "any") == 0 ||
                      strcmp(c->term, spot ? "spot" : "on-demand") == 0;
        if (term_ok && strcasecmp(c->provider, provider) == 0 &&
            fnmatch(c->pattern, instance_type, 0) == 0)
            return c;
    }
    return NULL;
}

int gp_terms_capacity_max_gpus(const gp_terms *t, const char *provider,
                               const char *instance_type, int spot, int ok_only)
{
    const capacity_row *c = find_capacity(t, provider, instance_type, spot);
    if (!c || !c->multinode)
        return 0;
    /* The sold size says nothing about a spot pool unless the row is for
     * spot (gp_terms_capacity: such plans are unknown, not ok). */
    int sized = !spot || strcmp(c->term, "spot") == 0;
    if (ok_only && sized && c->max_gpus > 0)
        return c->max_gpus;
    return c->fabric_max_gpus > 0 ? c->fabric_max_gpus : 0;
}

void gp_terms_capacity(const gp_terms *t, const char *provider, const char *instance_type,
                       int spot, int gpus_per_instance, int per_gpu_listing, int instances,
                       int hosts, gp_capacity *out)
{
    int gpus = instances * gpus_per_instance;
    const capacity_row *c = find_capacity(t, provider, instance_type, spot);
    out->max_gpus = c ? c->max_gpus : 0;
    /* A spot TPU slice of many hosts is a multi-node spot job too. */
    if (instances <= 1 && !(spot && hosts > 1)) {
        out->status = GP_CAPACITY_OK;
        out->source = "one listed instance";
        return;
    }
    if (c && !c->multinode && instances > 1) {
        out->status = GP_CAPACITY_EXCEEDS;
        out->source = c->source;
        return;
    }
    if (!c && gpus_per_instance == 1 && !per_gpu_listing) {
        out->status = GP_CAPACITY_EXCEEDS;
        out->source = "several single-GPU VMs are not a cluster anyone sells (no fabric "
                      "between them; gpuplan rule, issue 9 section 1)";
        return;
    }
    /* A Capacity Block or a sold cluster is not a spot pool: only a row
     * for spot says how large one is, and none does. */
    if (spot && (!c || strcmp(c->term, "spot") != 0)) {
        out->status = GP_CAPACITY_UNKNOWN;
        out->max_gpus = 0;
        out->source = "no source gives the size of this provider's spot pool";
        return;
    }
    if (!c) {
        out->status = GP_CAPACITY_UNKNOWN;
        out->source = "no published cluster size for this provider and instance type";
        return;
    }
    out->source = c->source;
    if (c->max_gpus > 0 && gpus <= c->max_gpus)
        out->status = GP_CAPACITY_OK;
    else if (c->fabric_max_gpus > 0 && gpus > c->fabric_max_gpus)
        out->status = GP_CAPACITY_EXCEEDS;
    else
        out->status = GP_CAPACITY_RISK;
}
