/* The catalog provider by provider: how much it offers and its cheapest
 * H100 and A100 and deepest spot discount, for comparing providers
 * (docs/market.md, "providers"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/numparse.h"
#include "core/fail.h"
#include "market/market_internal.h"

/* Whether a space-separated list holds `word` as a whole word ("H100" is
 * not in "H100-PCIe"). */
static int has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p++)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

static int cmp_by_instance(const void *a, const void *b)
{
    const gp_offer *x = *(const gp_offer *const *)a, *y = *(const gp_offer *const *)b;
    int c = strcmp(x->provider, y->provider);
    return c ? c : strcmp(x->instance_type, y->instance_type);
}

static int cmp_by_region(const void *a, const void *b)
{
    const gp_offer *x = *(const gp_offer *const *)a, *y = *(const gp_offer *const *)b;
    int c = strcmp(x->provider, y->provider);
    return c ? c : strcmp(x->region, y->region);
}

static gp_provider_summary *row_of(gp_provider_summary *rows, size_t n, const char *provider)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(rows[k].provider, provider))
            return &rows[k];
    return NULL;
}

/* Distinct instance types and named regions per provider: sort once by
 * each key and count the changes. */
static int count_distinct(const gp_offer *o, size_t n, gp_provider_summary *rows, size_t nr)
{
    const gp_offer **p = malloc((n ? n : 1) * sizeof(*p));
    if (!p)
        return -1;
    for (size_t i = 0; i < n; i++)
        p[i] = &o[i];
    qsort(p, n, sizeof(*p), cmp_by_instance);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || cmp_by_instance(&p[i - 1], &p[i]) != 0) {
            gp_provider_summary *r = row_of(rows, nr, p[i]->provider);
            if (r)
                r->instance_types++;
        }
    qsort(p, n, sizeof(*p), cmp_by_region);
    for (size_t i = 0; i < n; i++)
        if (p[i]->region[0] && (i == 0 || cmp_by_region(&p[i - 1], &p[i]) != 0)) {
            gp_provider_summary *r = row_of(rows, nr, p[i]->provider);
            if (r)
                r->regions++;
        }
    free(p);
    return 0;
}

/* Any variant of the family: "H100" takes in H100-PCIe and H100-NVL. */
static int family(const gp_offer *o, const char *prefix)
{
    return o->accel && strncmp(o->accel->name, prefix, strlen(prefix)) == 0;
}

static void cheaper(const gp_offer **best, const gp_offer *o)
{
    double usd = gp_offer_usd_per_gpu_hour(o);
    if (usd > 0 && (!*best || usd < gp_offer_usd_per_gpu_hour(*best)))
        *best = o;
}

static int cmp_summaries(const void *a, const void *b)
{
    const gp_provider_summary *x = a, *y = b;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return strcmp(x->provider, y->provider);
}

gp_status gp_price_provider_summaries(const gp_catalog *cat, gp_provider_summary **out,
                                      size_t *nout, gp_error *err)
{
    *out = NULL;
    *nout = 0;
    const gp_offer *o = gp_catalog_offers(cat);
    size_t n = gp_catalog_offer_count(cat), nr = 0, cap = 16;
    gp_provider_summary *rows = malloc(cap * sizeof(*rows));
    if (!rows)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        gp_provider_summary *r = row_of(rows, nr, o[i].provider);
        if (!r) {
            if (gp_grow((void **)&rows, &cap, nr, sizeof(*rows)) != 0) {
                free(rows);
                return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
            }
            r = &rows[nr++];
            memset(r, 0, sizeof(*r));
            r->provider = o[i].provider;
            r->kind = o[i].kind;
            r->spot_max_discount = NAN;
        }
        r->offers++;
        const char *gpu = o[i].accel ? o[i].accel->name : o[i].gpu;
        if (gpu[0] && !has_word(r->accelerators, gpu)) {
            size_t used = strlen(r->accelerators);
            r->accelerator_count++;
            gp_snprintf_c(r->accelerators + used, sizeof(r->accelerators) - used, "%s%s",
                     used ? " " : "", gpu);
        }
        if (family(&o[i], "H100"))
            cheaper(&r->cheapest_h100, &o[i]);
        if (family(&o[i], "A100"))
            cheaper(&r->cheapest_a100, &o[i]);
        double d = gp_offer_spot_discount(&o[i]);
        if (!isnan(o[i].spot_usd_per_hour))
            r->spot_offers++;
        if (!isnan(d) && (isnan(r->spot_max_discount) || d > r->spot_max_discount))
            r->spot_max_discount = d;
    }
    if (count_distinct(o, n, rows, nr) != 0) {
        free(rows);
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    }
    qsort(rows, nr, sizeof(*rows), cmp_summaries);
    *out = rows;
    *nout = nr;
    return GP_OK;
}
