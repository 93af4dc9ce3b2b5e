/* Price distributions from the catalog, the hyperscaler premium, and the
 * market claims checked against them (docs/market.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/numparse.h"
#include "core/fail.h"
#include "market/market_internal.h"
#include "gpuplan/stats.h"

void gp_price_stats_of(double *v, size_t n, gp_price_stats *out)
{
    out->n = n;
    if (n == 0) {
        out->min = out->median = out->p90 = out->max = NAN;
        return;
    }
    gp_sort_doubles(v, n);
    out->min = v[0];
    out->max = v[n - 1];
    out->median = gp_quantile_sorted(v, n, 0.5);
    out->p90 = gp_quantile_sorted(v, n, 0.9);
}

typedef gp_price_point point;

gp_status gp_price_points(const gp_catalog *cat, const gp_offer_filter *base, int spot,
                          gp_price_point **out, size_t *n, gp_error *err)
{
    gp_offer_filter f;
    if (base)
        f = *base;
    else
        gp_offer_filter_init(&f);
    f.spot_only = spot;
    f.priced_only = !spot;
    gp_offer_row *rows = NULL;
    size_t nrows = 0;
    gp_status st = gp_offer_select(cat, &f, spot ? GP_SORT_SPOT_PRICE : GP_SORT_GPU_PRICE,
                                   GP_GROUP_INSTANCE, &rows, &nrows, err);
    if (st != GP_OK)
        return st;
    point *p = malloc((nrows ? nrows : 1) * sizeof(*p));
    if (!p) {
        free(rows);
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < nrows; i++) {
        const gp_offer *o = rows[i].offer;
        double usd = spot ? gp_offer_spot_usd_per_gpu_hour(o) : gp_offer_usd_per_gpu_hour(o);
        if (!o->accel || !(usd > 0))
            continue;
        p[k++] = (point){o, o->accel->name, o->provider, (int)o->kind, usd};
    }
    free(rows);
    *out = p;
    *n = k;
    return GP_OK;
}

static int cmp_points(const void *a, const void *b)
{
    const point *x = a, *y = b;
    int c = strcmp(x->gpu, y->gpu);
    if (c)
        return c;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return strcmp(x->provider, y->provider);
}

/* Same group: same accelerator and kind (or provider). */
static int same_group(const point *a, const point *b, int by_provider)
{
    return !strcmp(a->gpu, b->gpu) &&
           (by_provider ? !strcmp(a->provider, b->provider) : a->kind == b->kind);
}

static int cmp_groups(const void *a, const void *b)
{
    const gp_price_group *x = a, *y = b;
    int c = strcmp(x->gpu, y->gpu);
    if (c)
        return c;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return strcmp(x->provider ? x->provider : "", y->provider ? y->provider : "");
}

static gp_price_group *find_group(gp_price_group *g, size_t n, const point *p, int by_provider)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(g[i].gpu, p->gpu) &&
            (by_provider ? !strcmp(g[i].provider, p->provider) : g[i].kind == p->kind))
            return &g[i];
    return NULL;
}

gp_status gp_price_groups(const gp_catalog *cat, const gp_offer_filter *f, int by_provider,
                          gp_price_group **out, size_t *nout, gp_error *err)
{
    *out = NULL;
    *nout = 0;
    point *od = NULL, *sp = NULL;
    size_t nod = 0, nsp = 0;
    gp_status st = gp_price_points(cat, f, 0, &od, &nod, err);
    if (st == GP_OK)
        st = gp_price_points(cat, f, 1, &sp, &nsp, err);
    gp_price_group *g = NULL;
    double *buf = NULL;
    if (st != GP_OK)
        goto out;
    g = calloc(nod + nsp + 1, sizeof(*g));
    buf = malloc((nod + nsp + 1) * sizeof(*buf));
    if (!g || !buf) {
        st = gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
        goto out;
    }
    qsort(od, nod, sizeof(*od), cmp_points);
    qsort(sp, nsp, sizeof(*sp), cmp_points);
    size_t ng = 0;
    for (int term = 0; term < 2; term++) {
        point *p = term ? sp : od;
        size_t n = term ? nsp : nod;
        for (size_t i = 0; i < n;) {
            size_t j = i, k = 0;
            while (j < n && same_group(&p[i], &p[j], by_provider))
                buf[k++] = p[j++].usd;
            gp_price_group *grp = find_group(g, ng, &p[i], by_provider);
            if (!grp) {
                grp = &g[ng++];
                grp->gpu = p[i].gpu;
                grp->kind = by_provider ? -1 : p[i].kind;
                grp->provider = by_provider ? p[i].provider : NULL;
                gp_price_stats_of(NULL, 0, &grp->on_demand);
                gp_price_stats_of(NULL, 0, &grp->spot);
            }
            gp_price_stats_of(buf, k, term ? &grp->spot : &grp->on_demand);
            i = j;
        }
    }
    qsort(g, ng, sizeof(*g), cmp_groups);
    *out = g;
    *nout = ng;
    g = NULL;
out:
    free(g);
    free(buf);
    free(od);
    free(sp);
    return st;
}

double gp_price_premium(const gp_price_group *g, size_t n, const char *gpu)
{
    double hyper = NAN, neo = NAN;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(g[i].gpu, gpu) || g[i].provider)
            continue;
        if (g[i].kind == GP_KIND_HYPERSCALER)
            hyper = g[i].on_demand.median;
        else if (g[i].kind == GP_KIND_NEOCLOUD)
            neo = g[i].on_demand.median;
    }
    return hyper / neo;
}

const char *gp_verdict_name(gp_verdict v)
{
    switch (v) {
    case GP_VERDICT_HOLDS: return "holds";
    case GP_VERDICT_PARTLY: return "partly";
    case GP_VERDICT_DOES_NOT_HOLD: return "does not hold";
    case GP_VERDICT_NO_DATA: return "no data";
    }
    return "?";
}

/* ---- claims ------------------------------------------------------------- */

/* A price-band claim: the share of instance types inside [lo, hi]. */
static void band_claim(gp_claim *c, const point *p, size_t n, int kind,
                       const char *const *gpus, const char *what, double lo, double hi)
{
    double v[4096];
    size_t k = 0, in = 0;
    for (size_t i = 0; i < n && k < 4096; i++) {
        if (p[i].kind != kind)
            continue;
        int match = 0;
        for (size_t g = 0; gpus[g]; g++)
            match |= !strcmp(p[i].gpu, gpus[g]);
        if (!match)
            continue;
        v[k++] = p[i].usd;
        in += p[i].usd >= lo && p[i].usd <= hi;
    }
    if (k == 0) {
        c->verdict = GP_VERDICT_NO_DATA;
        gp_snprintf_c(c->evidence, GP_EVIDENCE_LEN, "no %s offer in the catalog", what);
        return;
    }
    gp_price_stats s;
    gp_price_stats_of(v, k, &s);
    double share = (double)in / (double)k;
    c->verdict = share >= 0.75   ? GP_VERDICT_HOLDS
                 : share >= 0.25 ? GP_VERDICT_PARTLY
                                 : GP_VERDICT_DOES_NOT_HOLD;
    gp_snprintf_c(c->evidence, GP_EVIDENCE_LEN,
             "%zu of %zu %s instance types (%.0f%%) price in $%g-%g per GPU-hour; "
             "min $%.2f, median $%.2f, P90 $%.2f, max $%.2f",
             in, k, what, 100 * share, lo, hi, s.min, s.median, s.p90, s.max);
}

gp_status gp_price_claims(const gp_catalog *cat, gp_claim c[GP_CLAIMS], gp_error *err)
{
    memset(c, 0, GP_CLAIMS * sizeof(*c));
    point *od = NULL, *sp = NULL;
    size_t nod = 0, nsp = 0;
    gp_status st = gp_price_points(cat, NULL, 0, &od, &nod, err);
    if (st == GP_OK)
        st = gp_price_points(cat, NULL, 1, &sp, &nsp, err);
    if (st != GP_OK) {
        free(od);
        free(sp);
        return st;
    }
    /* Where each claim is written down: the market note's 2025 market
     * picture, as recorded in data/market-neoclouds.csv (by metric). */
    static const char NOTE[] = "the 2025 market picture (market note)";

    c[0] = (gp_claim){"hyperscaler-h100", "hyperscaler H100 about $4-10 per GPU-hour",
                      "market note (2025): data/market-neoclouds.csv, h100_price_per_gpu_hour",
                      "holds when 75% of hyperscaler H100 instance types price inside the "
                      "band, partly when 25%", 0, ""};
    static const char *const H100[] = {"H100", NULL};
    band_claim(&c[0], od, nod, GP_KIND_HYPERSCALER, H100, "hyperscaler H100", 4, 10);

    c[1] = (gp_claim){"neocloud-a100", "neocloud A100 about $1-3 per GPU-hour",
                      "market note (2025), said of Lambda/CoreWeave: data/market-neoclouds.csv, "
                      "a100_price_per_gpu_hour",
                      "holds when 75% of neocloud A100 instance types (40 and 80 GB, SXM and "
                      "PCIe) price inside the band, partly when 25%", 0, ""};
    static const char *const A100[] = {"A100", "A100-80GB", "A100-80GB-PCIe", NULL};
    band_claim(&c[1], od, nod, GP_KIND_NEOCLOUD, A100, "neocloud A100", 1, 3);

    /* Spot discounts, per instance type with both prices. */
    c[2] = (gp_claim){"spot-90", "spot up to 90% off",
                      "market note (2025): data/market-neoclouds.csv, spot_discount_max",
                      "holds when the deepest spot discount in the catalog lies in 85-95%; "
                      "partly when it is 70-85% or above 95%", 0, ""};
    {
        gp_offer_filter f;
        gp_offer_filter_init(&f);
        f.spot_only = 1;
        gp_offer_row *rows = NULL;
        size_t n = 0;
        st = gp_offer_select(cat, &f, GP_SORT_SPOT_PRICE, GP_GROUP_INSTANCE, &rows, &n, err);
        if (st != GP_OK) {
            free(od);
            free(sp);
            return st;
        }
        double best = -INFINITY, sum = 0;
        size_t k = 0;
        const gp_offer *deepest = NULL;
        for (size_t i = 0; i < n; i++) {
            double d = gp_offer_spot_discount(rows[i].offer);
            if (isnan(d))
                continue;
            k++;
            sum += d;
            if (d > best) {
                best = d;
                deepest = rows[i].offer;
            }
        }
        if (k == 0) {
            c[2].verdict = GP_VERDICT_NO_DATA;
            gp_snprintf_c(c[2].evidence, GP_EVIDENCE_LEN, "no offer has both a spot and an "
                                                     "on-demand price");
        } else {
            c[2].verdict = best >= 0.85 && best <= 0.95 ? GP_VERDICT_HOLDS
                           : best >= 0.70               ? GP_VERDICT_PARTLY
                                                        : GP_VERDICT_DOES_NOT_HOLD;
            gp_snprintf_c(c[2].evidence, GP_EVIDENCE_LEN,
                     "deepest spot discount %.0f%% (%s %s); mean over %zu instance type(s) with "
                     "both prices %.0f%%",
                     100 * best, deepest->provider, deepest->instance_type, k, 100 * sum / (double)k);
        }
        free(rows);
    }

    /* Neoclouds cheaper, accelerator by accelerator. */
    c[3] = (gp_claim){"neocloud-cheaper", "neoclouds cheaper than hyperscalers for the same GPU",
                      NOTE,
                      "per accelerator both kinds offer, compare median on-demand $/GPU-hour; "
                      "holds when neoclouds are cheaper for 80% of them, partly for 50%", 0,
                      ""};
    {
        gp_price_group *g = NULL;
        size_t ng = 0;
        st = gp_price_groups(cat, NULL, 0, &g, &ng, err);
        if (st != GP_OK) {
            free(od);
            free(sp);
            return st;
        }
        size_t both = 0, cheaper = 0;
        char examples[200] = "";
        for (size_t i = 0; i < ng; i++) {
            if (g[i].kind != GP_KIND_HYPERSCALER)
                continue;
            double prem = gp_price_premium(g, ng, g[i].gpu);
            if (isnan(prem))
                continue;
            both++;
            cheaper += prem > 1;
            size_t len = strlen(examples);
            if (len < 150)
                gp_snprintf_c(examples + len, sizeof(examples) - len, "%s%s %.1fx", len ? ", " : "",
                         g[i].gpu, prem);
        }
        free(g);
        if (both == 0) {
            c[3].verdict = GP_VERDICT_NO_DATA;
            gp_snprintf_c(c[3].evidence, GP_EVIDENCE_LEN,
                     "no accelerator is offered by both a hyperscaler and a neocloud");
        } else {
            double share = (double)cheaper / (double)both;
            c[3].verdict = share >= 0.8   ? GP_VERDICT_HOLDS
                           : share >= 0.5 ? GP_VERDICT_PARTLY
                                          : GP_VERDICT_DOES_NOT_HOLD;
            gp_snprintf_c(c[3].evidence, GP_EVIDENCE_LEN,
                     "neocloud median cheaper for %zu of %zu accelerators both kinds offer "
                     "(hyperscaler/neocloud median: %s)",
                     cheaper, both, examples);
        }
    }

    /* Stock: the catalog lists prices, not capacity. */
    c[4] = (gp_claim){"h100-stock", "Lambda and CoreWeave have better stock of H100", NOTE,
                      "needs availability or capacity data, which the catalog does not have",
                      GP_VERDICT_NO_DATA, ""};
    {
        size_t lam = 0, cw = 0;
        for (size_t i = 0; i < nod; i++) {
            if (strcmp(od[i].gpu, "H100"))
                continue;
            lam += !strcmp(od[i].provider, "lambda");
            cw += !strcmp(od[i].provider, "coreweave");
        }
        gp_snprintf_c(c[4].evidence, GP_EVIDENCE_LEN,
                 "the catalog records prices, not capacity or waiting times; it lists %zu "
                 "Lambda and %zu CoreWeave H100 instance types, which says nothing about "
                 "stock",
                 lam, cw);
    }
    free(od);
    free(sp);
    return GP_OK;
}

/* ---- groups as a view shows them ---------------------------------------- */

static int same_group_key(const gp_price_group *a, const gp_price_group *b)
{
    return strcmp(a->gpu, b->gpu) == 0 && a->kind == b->kind &&
           strcmp(a->provider ? a->provider : "", b->provider ? b->provider : "") == 0;
}

gp_status gp_price_groups_for(const gp_catalog *cat, const gp_offer_filter *base,
                              const gp_gpu_match *gpus, size_t ngpus, int by_provider,
                              gp_price_group **out, size_t *n, gp_error *err)
{
    *out = NULL;
    *n = 0;
    if (ngpus == 0)
        return gp_price_groups(cat, base, by_provider, out, n, err);
    gp_offer_filter f;
    if (base)
        f = *base;
    else
        gp_offer_filter_init(&f);
    for (size_t i = 0; i < ngpus; i++) {
        f.gpu = &gpus[i];
        gp_price_group *g = NULL;
        size_t ng = 0;
        gp_status st = gp_price_groups(cat, &f, by_provider, &g, &ng, err);
        if (st != GP_OK) {
            free(*out);
            *out = NULL;
            *n = 0;
            return st;
        }
        gp_price_group *grown = realloc(*out, (*n + ng + 1) * sizeof(*grown));
        if (!grown) {
            free(g);
            free(*out);
            *out = NULL;
            *n = 0;
            return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
        }
        *out = grown;
        /* Two names may match one accelerator ("H100", "H100*"): each
         * group once. */
        for (size_t k = 0; k < ng; k++) {
            size_t j = 0;
            while (j < *n && !same_group_key(&grown[j], &g[k]))
                j++;
            if (j == *n)
                grown[(*n)++] = g[k];
        }
        free(g);
    }
    return GP_OK;
}

const char *gp_price_group_name(const gp_price_group *g)
{
    return g->provider ? g->provider : gp_kind_name((gp_kind)g->kind);
}

size_t gp_price_group_gpus(const gp_price_group *g, size_t n, const char **out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((k == 0 || strcmp(out[k - 1], g[i].gpu)) && k < cap)
            out[k++] = g[i].gpu;
    return k;
}

double gp_price_kind_median(const gp_price_group *g, size_t n, const char *gpu, int kind)
{
    double median = NAN;
    for (size_t i = 0; i < n; i++)
        if (strcmp(g[i].gpu, gpu) == 0 && !g[i].provider && g[i].kind == kind)
            median = g[i].on_demand.median;
    return median;
}

size_t gp_price_group_values(const gp_price_group *g, const gp_price_point *p, size_t np,
                             double *out, size_t cap)
{
    /* Never more than the group counted: the points may be a wider
     * selection than the one that made the group. */
    size_t k = 0, most = g->on_demand.n < cap ? g->on_demand.n : cap;
    for (size_t j = 0; j < np && k < most; j++)
        if (strcmp(p[j].gpu, g->gpu) == 0 &&
            (g->provider ? strcmp(p[j].provider, g->provider) == 0 : p[j].kind == g->kind))
            out[k++] = p[j].usd;
    return k;
}
