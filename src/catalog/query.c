/* Selecting offers: accelerator matching, filters, grouping, ordering. */
#include "gpuplan/query.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"

static const char *const SORT_NAMES[] = {"gpu-price", "price", "spot-price",
                                         "pflop-price"};

int gp_offer_sort_parse(const char *name)
{
    for (int i = 0; name && i < 4; i++)
        if (strcasecmp(name, SORT_NAMES[i]) == 0)
            return i;
    return -1;
}

const char *gp_offer_sort_name(gp_offer_sort sort)
{
    return (unsigned)sort < 4 ? SORT_NAMES[sort] : "?";
}

size_t gp_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63)
        la = 63;
    if (lb > 63)
        lb = 63;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) ==
                                  tolower((unsigned char)b[j - 1])
                              ? 0
                              : 1;
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            cur[j] = best;
        }
        memcpy(prev, cur, (lb + 1) * sizeof(size_t));
    }
    return prev[lb];
}

static void lower_copy(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

static int glob_match(const char *pattern_lower, const char *name)
{
    char lname[128];
    lower_copy(lname, sizeof(lname), name);
    return fnmatch(pattern_lower, lname, 0) == 0;
}

int gp_gpu_match_offer(const gp_gpu_match *m, const gp_offer *o)
{
    if (m->accel)
        return o->accel == m->accel;
    if (m->glob[0])
        return glob_match(m->glob, o->gpu);
    if (m->model_key[0] && !o->accel) {
        char key[48];
        gp_accel_model_key(o->gpu, key, sizeof(key));
        return strcmp(key, m->model_key) == 0;
    }
    return 0;
}

typedef struct suggestion {
    const char *name;
    size_t distance;
} suggestion;

static void consider(suggestion *best, size_t nbest, const char *name,
                     const char *query)
{
    for (size_t i = 0; i < nbest; i++)
        if (best[i].name && strcasecmp(best[i].name, name) == 0)
            return;
    size_t d = gp_edit_distance(query, name);
    char qk[48], nk[48];
    gp_accel_model_key(query, qk, sizeof(qk));
    gp_accel_model_key(name, nk, sizeof(nk));
    if (qk[0] && nk[0]) {
        size_t dk = gp_edit_distance(qk, nk);
        if (dk < d)
            d = dk;
    }
    for (size_t i = 0; i < nbest; i++) {
        if (!best[i].name || d < best[i].distance) {
            memmove(&best[i + 1], &best[i], (nbest - i - 1) * sizeof(*best));
            best[i] = (suggestion){name, d};
            return;
        }
    }
}

gp_status gp_gpu_match_resolve(const gp_catalog *cat, const char *name,
                               gp_gpu_match *out, gp_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!name || !*name)
        return gp_fail(err, GP_EINVAL, NULL, 0, "empty GPU name");
    const gp_offer *offers = gp_catalog_offers(cat);
    size_t n = gp_catalog_offer_count(cat);
    if (strpbrk(name, "*?[")) {
        lower_copy(out->glob, sizeof(out->glob), name);
        for (size_t i = 0; i < n; i++)
            if (glob_match(out->glob, offers[i].gpu))
                return GP_OK;
        const gp_accel_table *t = gp_catalog_accels(cat);
        for (size_t i = 0; i < gp_accel_table_count(t); i++)
            if (glob_match(out->glob, gp_accel_table_at(t, i)->name))
                return GP_OK;
        return gp_fail(err, GP_ENOTFOUND, NULL, 0,
                       "no GPU name matches '%s' (`gpuplan gpus --all` lists "
                       "them)",
                       name);
    }
    out->accel = gp_accel_resolve(gp_catalog_accels(cat), name, NULL, NAN, NULL);
    if (out->accel)
        return GP_OK;
    gp_accel_model_key(name, out->model_key, sizeof(out->model_key));
    for (size_t i = 0; out->model_key[0] && i < n; i++)
        if (gp_gpu_match_offer(out, &offers[i]))
            return GP_OK;
    out->model_key[0] = '\0';
    suggestion best[3] = {{0}};
    const gp_accel_table *t = gp_catalog_accels(cat);
    for (size_t i = 0; i < gp_accel_table_count(t); i++)
        consider(best, 3, gp_accel_table_at(t, i)->name, name);
    const char *last = NULL;
    for (size_t i = 0; i < n; i++) {
        if (offers[i].accel || offers[i].gpu == last)
            continue;
        last = offers[i].gpu;
        consider(best, 3, offers[i].gpu, name);
    }
    char list[200] = "";
    size_t limit = strlen(name) / 2 + 2;
    for (size_t i = 0; i < 3; i++) {
        if (!best[i].name || best[i].distance > limit)
            continue;
        size_t used = strlen(list);
        snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
                 best[i].name);
    }
    if (list[0])
        return gp_fail(err, GP_ENOTFOUND, NULL, 0,
                       "unknown GPU '%s'; did you mean %s?", name, list);
    return gp_fail(err, GP_ENOTFOUND, NULL, 0,
                   "unknown GPU '%s' (`gpuplan gpus --all` lists the names)",
                   name);
}

void gp_offer_filter_init(gp_offer_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->min_gpus_per_instance = NAN;
    f->kind = -1;
    f->max_usd_per_gpu_hour = NAN;
    f->min_gpu_mem_gb = NAN;
}

static int in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(list[i], s) == 0)
            return 1;
    return 0;
}

int gp_offer_filter_pass(const gp_offer_filter *f, const gp_offer *o)
{
    if (f->gpu && !gp_gpu_match_offer(f->gpu, o))
        return 0;
    if (!isnan(f->min_gpus_per_instance) &&
        !(o->gpu_count >= f->min_gpus_per_instance))
        return 0;
    if (f->nproviders && !in_list(f->providers, f->nproviders, o->provider))
        return 0;
    if (f->nexclude && in_list(f->exclude, f->nexclude, o->provider))
        return 0;
    if (f->kind >= 0 && (int)o->kind != f->kind)
        return 0;
    if (f->region_glob && fnmatch(f->region_glob, o->region, 0) != 0 &&
        fnmatch(f->region_glob, o->zone, 0) != 0)
        return 0;
    if (f->spot_only && !gp_offer_has_spot(o))
        return 0;
    if (f->priced_only && isnan(o->usd_per_hour))
        return 0;
    if (!isnan(f->max_usd_per_gpu_hour)) {
        double p = f->spot_only ? gp_offer_spot_usd_per_gpu_hour(o)
                                : gp_offer_usd_per_gpu_hour(o);
        if (!(p <= f->max_usd_per_gpu_hour))
            return 0;
    }
    if (!isnan(f->min_gpu_mem_gb) && !(o->gpu_mem_gb >= f->min_gpu_mem_gb))
        return 0;
    return 1;
}

double gp_offer_sort_key(const gp_offer *o, gp_offer_sort sort)
{
    switch (sort) {
    case GP_SORT_GPU_PRICE: return gp_offer_usd_per_gpu_hour(o);
    case GP_SORT_PRICE: return o->usd_per_hour;
    case GP_SORT_SPOT_PRICE: return gp_offer_spot_usd_per_gpu_hour(o);
    case GP_SORT_PFLOP_PRICE: return gp_offer_usd_per_pflop_hour(o);
    }
    return NAN;
}

typedef struct keyed {
    gp_offer_row row;
    double key;
    int floor; /* the key is an auction floor: after every real price */
} keyed;

/* Orders by key (NAN last), then by names, so output never depends on
 * load order. */
static int cmp_keyed(const keyed *a, const keyed *b)
{
    int an = isnan(a->key), bn = isnan(b->key);
    if (an != bn)
        return an - bn;
    if (a->floor != b->floor)
        return a->floor - b->floor;
    if (!an && a->key != b->key)
        return a->key < b->key ? -1 : 1;
    const gp_offer *x = a->row.offer, *y = b->row.offer;
    int c = strcmp(x->provider, y->provider);
    if (!c)
        c = strcmp(x->instance_type, y->instance_type);
    if (!c)
        c = strcmp(x->region, y->region);
    if (!c)
        c = strcmp(x->zone, y->zone);
    if (!c)
        c = (x->line > y->line) - (x->line < y->line);
    return c;
}

static int cmp_keyed_qsort(const void *a, const void *b)
{
    return cmp_keyed(a, b);
}

static uint64_t group_hash(const gp_offer *o, gp_offer_group g)
{
    uintptr_t a = (uintptr_t)o->provider;
    uintptr_t b = g == GP_GROUP_INSTANCE ? (uintptr_t)o->instance_type : 0;
    uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)b + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
    return h;
}

static int same_group(const gp_offer *x, const gp_offer *y, gp_offer_group g)
{
    return x->provider == y->provider &&
           (g != GP_GROUP_INSTANCE || x->instance_type == y->instance_type);
}

gp_status gp_offer_select(const gp_catalog *cat, const gp_offer_filter *f,
                          gp_offer_sort sort, gp_offer_group group,
                          gp_offer_row **out, size_t *nout, gp_error *err)
{
    *out = NULL;
    *nout = 0;
    const gp_offer *offers = gp_catalog_offers(cat);
    size_t n = gp_catalog_offer_count(cat);
    keyed *items = malloc((n ? n : 1) * sizeof(*items));
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    size_t *slots = group != GP_GROUP_NONE ? malloc(cap * sizeof(*slots)) : NULL;
    if (!items || (group != GP_GROUP_NONE && !slots)) {
        free(items);
        free(slots);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    if (slots)
        memset(slots, 0xff, cap * sizeof(*slots));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const gp_offer *o = &offers[i];
        if (!gp_offer_filter_pass(f, o))
            continue;
        int floor = sort == GP_SORT_SPOT_PRICE ? (o->flags & GP_OFFER_SPOT_FLOOR) != 0
                                               : (o->flags & GP_OFFER_PRICE_FLOOR) != 0;
        keyed k = {{o, 1}, gp_offer_sort_key(o, sort), floor};
        if (group == GP_GROUP_NONE) {
            items[m++] = k;
            continue;
        }
        size_t j = group_hash(o, group) & (cap - 1);
        while (slots[j] != (size_t)-1 &&
               !same_group(items[slots[j]].row.offer, o, group))
            j = (j + 1) & (cap - 1);
        if (slots[j] == (size_t)-1) {
            slots[j] = m;
            items[m++] = k;
            continue;
        }
        keyed *cur = &items[slots[j]];
        size_t rows = cur->row.rows + 1;
        if (cmp_keyed(&k, cur) < 0)
            *cur = k;
        cur->row.rows = rows;
    }
    free(slots);
    if (m > 1)
        qsort(items, m, sizeof(*items), cmp_keyed_qsort);
    gp_offer_row *rows = malloc((m ? m : 1) * sizeof(*rows));
    if (!rows) {
        free(items);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < m; i++)
        rows[i] = items[i].row;
    free(items);
    if (m == 0) {
        free(rows);
        rows = NULL;
    }
    *out = rows;
    *nout = m;
    return GP_OK;
}
