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
#include "core/numparse.h"

#include <jansson.h>

typedef struct storage_row { const char *provider; double usd; } storage_row;
typedef struct egress_row { const char *provider; double from, to, usd; } egress_row;
typedef struct reserved_row { const char *provider; gp_reserved_term term; } reserved_row;
typedef struct spot_row { const char *provider, *gpu, *source; double monthly; } spot_row;
typedef struct limit_row { const char *provider, *pattern, *source; int max_gpus; } limit_row;

typedef struct band_row { int band; const char *label, *source; double expected, p90; } band_row;
typedef struct assume_row { const char *kind, *source; double expected, p90; } assume_row;
typedef struct host_row { const char *gpu; int chips; } host_row;

struct gp_terms {
    gp_spot_advisor_entry *advisor; size_t nadvisor;
    band_row *bands; size_t nbands;
    assume_row *assume; size_t nassume;
    host_row *hosts; size_t nhosts;
    gp_arena arena;
    storage_row *storage; size_t nstorage;
    egress_row *egress; size_t negress;
    reserved_row *reserved; size_t nreserved;
    spot_row *spot; size_t nspot;
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

static gp_status reserved_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double months, pct;
    gp_status st = number(r, line, "term_months", v[1], 1, &months, err);
    if (st == GP_OK) st = number(r, line, "discount_pct", v[2], 0, &pct, err);
    if (st != GP_OK)
        return st;
    if (pct >= 100)
        return gp_fail(err, GP_EDATA, r->file, line, "discount_pct must be below 100");
    reserved_row *x = push((void **)&r->t->reserved, &r->t->nreserved, sizeof(*x));
    if (!x)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *x = (reserved_row){v[0], {pct / 100.0, isnan(months) ? 0 : months, v[3]}};
    return GP_OK;
}

static gp_status spot_row_fn(reader *r, const char *const *v, long line, gp_error *err)
{
    double pct;
    gp_status st = number(r, line, "monthly_interruption_pct", v[2], 0, &pct, err);
    if (st != GP_OK)
        return st;
    if (pct >= 100)
        return gp_fail(err, GP_EDATA, r->file, line, "monthly_interruption_pct must be below 100");
    spot_row *s = push((void **)&r->t->spot, &r->t->nspot, sizeof(*s));
    if (!s)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *s = (spot_row){v[0], v[1], v[3], pct / 100.0};
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
    double band, expected, p90;
    gp_status st = number(r, line, "band", v[0], 0, &band, err);
    if (st == GP_OK) st = number(r, line, "expected_pct", v[2], 0, &expected, err);
    if (st == GP_OK) st = number(r, line, "p90_pct", v[3], 0, &p90, err);
    if (st != GP_OK)
        return st;
    if (band != floor(band) || band > 9 || expected >= 100 || p90 >= 100 || p90 < expected)
        return gp_fail(err, GP_EDATA, r->file, line,
                       "a band needs a whole index and 0 <= expected <= p90 < 100");
    band_row *b = push((void **)&r->t->bands, &r->t->nbands, sizeof(*b));
    if (!b)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *b = (band_row){(int)band, v[1], v[4], expected / 100, p90 / 100};
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

static int cmp_advisor(const void *a, const void *b)
{
    const gp_spot_advisor_entry *x = a, *y = b;
    int c = strcmp(x->region, y->region);
    return c ? c : strcmp(x->type, y->type);
}

gp_status gp_spot_advisor_parse(const char *name, const char *data, size_t len,
                                gp_arena *arena, gp_spot_advisor_entry **out, size_t *nout,
                                gp_error *err)
{
    *out = NULL;
    *nout = 0;
    json_error_t jerr;
    json_t *root = json_loadb(data, len, 0, &jerr);
    if (!root)
        return gp_fail(err, GP_EDATA, name, jerr.line > 0 ? jerr.line : 0, "not JSON: %s",
                       jerr.text);
    gp_status st = GP_OK;
    gp_spot_advisor_entry *rows = NULL;
    size_t n = 0, cap = 0;
    json_t *sa = json_object_get(root, "spot_advisor");
    if (!json_is_object(sa)) {
        st = gp_fail(err, GP_EDATA, name, 0, "no 'spot_advisor' object");
        goto out;
    }
    const char *region;
    json_t *per_os;
    json_object_foreach(sa, region, per_os) {
        json_t *linux_types = json_object_get(per_os, "Linux");
        if (!json_is_object(linux_types))
            continue; /* a region without Linux figures says nothing */
        const char *type;
        json_t *fig;
        json_object_foreach(linux_types, type, fig) {
            json_t *band = json_object_get(fig, "r");
            if (!json_is_integer(band) || json_integer_value(band) < 0 ||
                json_integer_value(band) > 9) {
                st = gp_fail(err, GP_EDATA, name, 0, "%s %s: 'r' is not a band index 0-9",
                             region, type);
                goto out;
            }
            if (n == cap) {
                size_t c2 = cap ? cap * 2 : 1024;
                gp_spot_advisor_entry *p = realloc(rows, c2 * sizeof(*p));
                if (!p) {
                    st = gp_fail(err, GP_ENOMEM, name, 0, "out of memory");
                    goto out;
                }
                rows = p;
                cap = c2;
            }
            const char *r2 = gp_arena_strdup(arena, region), *t2 = gp_arena_strdup(arena, type);
            if (!r2 || !t2) {
                st = gp_fail(err, GP_ENOMEM, name, 0, "out of memory");
                goto out;
            }
            rows[n++] = (gp_spot_advisor_entry){r2, t2, (int)json_integer_value(band)};
        }
    }
out:
    json_decref(root);
    if (st != GP_OK) {
        free(rows);
        return st;
    }
    if (n > 1)
        qsort(rows, n, sizeof(*rows), cmp_advisor);
    *out = rows;
    *nout = n;
    return GP_OK;
}

static gp_status read_advisor(gp_terms *t, gp_error *err)
{
    const char *file = "spot-advisor-data.json";
    const gp_embedded_file *f = gp_embedded_find(file);
    if (!f)
        return gp_fail(err, GP_EIO, file, 0, "not compiled into this build");
    return gp_spot_advisor_parse("embedded:spot-advisor-data.json", f->data, f->len, &t->arena,
                                 &t->advisor, &t->nadvisor, err);
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
    static const char *const RESERVED[] = {"provider", "term_months", "discount_pct", "source"};
    static const char *const SPOT[] = {"provider", "gpu", "monthly_interruption_pct", "source"};
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
    if (st == GP_OK) st = read_file(t, "reserved-terms.csv", RESERVED, 4, reserved_row_fn, err);
    if (st == GP_OK) st = read_file(t, "spot-rates.csv", SPOT, 4, spot_row_fn, err);
    if (st == GP_OK) st = read_file(t, "cluster-limits.csv", LIMITS, 4, limit_row_fn, err);
    if (st == GP_OK) st = read_file(t, "providers.csv", FACTS, 16, facts_row_fn, err);
    static const char *const BANDS[] = {"band", "label", "expected_pct", "p90_pct", "source"};
    static const char *const ASSUME[] = {"kind", "expected_pct", "p90_pct", "basis"};
    static const char *const HOSTS[] = {"gpu", "chips_per_host"};
    if (st == GP_OK) st = read_file(t, "spot-bands.csv", BANDS, 5, band_row_fn, err);
    if (st == GP_OK) st = read_file(t, "spot-assumptions.csv", ASSUME, 4, assume_row_fn, err);
    if (st == GP_OK) st = read_file(t, "tpu-hosts.csv", HOSTS, 2, host_row_fn, err);
    if (st == GP_OK) st = read_advisor(t, err);
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
    free(t->spot);
    free(t->limits);
    free(t->facts);
    free(t->advisor);
    free(t->bands);
    free(t->assume);
    free(t->hosts);
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

int gp_terms_reserved(const gp_terms *t, const char *provider, gp_reserved_term *out)
{
    for (size_t i = 0; t && provider && i < t->nreserved; i++)
        if (strcasecmp(t->reserved[i].provider, provider) == 0) {
            *out = t->reserved[i].term;
            return 1;
        }
    return 0;
}

static const spot_row *find_spot(const gp_terms *t, const char *provider, const char *gpu)
{
    for (size_t i = 0; i < t->nspot; i++)
        if (strcasecmp(t->spot[i].provider, provider) == 0 &&
            strcasecmp(t->spot[i].gpu, gpu) == 0)
            return &t->spot[i];
    return NULL;
}

double gp_terms_spot_rate_per_node_hour(const gp_terms *t, const char *provider,
                                        const char *gpu, gp_spot_basis *basis,
                                        const char **source)
{
    *basis = GP_SPOT_EXACT;
    if (!t || !provider || !gpu)
        return NAN;
    const spot_row *s = find_spot(t, provider, gpu);
    if (!s && (s = find_spot(t, provider, "*")))
        *basis = GP_SPOT_PROVIDER_ANY;
    if (!s && (s = find_spot(t, "aws", gpu)))
        *basis = GP_SPOT_PROXY;
    if (!s && (s = find_spot(t, "aws", "*")))
        *basis = GP_SPOT_PROXY_ANY;
    if (!s)
        return NAN;
    if (source)
        *source = s->source;
    /* A month of 730 hours; a share p interrupted in a month is a Poisson
     * rate of -ln(1 - p) per month. */
    return -log1p(-s->monthly) / 730.0;
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

const gp_provider_facts *gp_terms_provider(const gp_terms *t, const char *provider)
{
    for (size_t i = 0; t && provider && i < t->nfacts; i++)
        if (strcasecmp(t->facts[i].provider, provider) == 0)
            return &t->facts[i];
    return NULL;
}

static double rate_of(double monthly)
{
    /* A month of 730 hours; a share p interrupted in a month is a Poisson
     * rate of -ln(1 - p) per month. */
    return -log1p(-monthly) / 730.0;
}

int gp_terms_spot_risk(const gp_terms *t, const char *provider, const char *kind,
                       const char *instance_type, const char *region, gp_spot_risk *out)
{
    memset(out, 0, sizeof(*out));
    out->band = -1;
    out->band_label = "";
    if (!t || !provider)
        return 0;
    if (strcasecmp(provider, "aws") == 0 && instance_type && region && t->nadvisor) {
        gp_spot_advisor_entry key = {region, instance_type, 0};
        const gp_spot_advisor_entry *e =
            bsearch(&key, t->advisor, t->nadvisor, sizeof(*e), cmp_advisor);
        for (size_t i = 0; e && i < t->nbands; i++)
            if (t->bands[i].band == e->band) {
                const band_row *b = &t->bands[i];
                out->basis = GP_SPOT_RISK_ADVISOR;
                out->band = b->band;
                out->band_label = b->label;
                out->monthly = b->expected;
                out->monthly_p90 = b->p90;
                out->rate_per_node_hour = rate_of(b->expected);
                out->p90_rate_per_node_hour = rate_of(b->p90);
                out->source = b->source;
                return 1;
            }
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
    out->rate_per_node_hour = rate_of(a->expected);
    out->p90_rate_per_node_hour = rate_of(a->p90);
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
