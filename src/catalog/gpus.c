#include "core/numparse.h"
#include "gpuplan/gpus.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "gpuplan/query.h"
#include "gpuplan/stats.h"

/* Offers of accelerators without specs are grouped by what their name
 * says (model and memory), so "V100-32G" and "V100-32GB", or "RTXA4000" and
 * "A4000", count as one accelerator. */
typedef struct keyed_row {
    gp_offer_row row;
    char key[64];
} keyed_row;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed_row *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->row.offer->gpu, y->row.offer->gpu);
}

static void group_key(const gp_offer *o, char *key, size_t cap)
{
    if (o->accel) {
        gp_snprintf_c(key, cap, "%s", o->accel->name);
        return;
    }
    gp_accel_name n;
    gp_accel_name_parse(o->gpu, &n);
    if (!n.model[0])
        gp_snprintf_c(key, cap, "~%s", o->gpu);
    else if (isnan(n.memory_gb))
        gp_snprintf_c(key, cap, "~%s", n.model);
    else
        gp_snprintf_c(key, cap, "~%s@%g", n.model, n.memory_gb);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fills counts and on-demand prices of s from rows[0..n) (one group). */
static void summarise(gp_gpu_summary *s, const gp_offer_row *rows, size_t n,
                      double *scratch, const char **names)
{
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        double p = gp_offer_usd_per_gpu_hour(rows[i].offer);
        if (!isnan(p))
            scratch[np++] = p;
        names[i] = rows[i].offer->provider;
    }
    gp_sort_doubles(scratch, np);
    s->min_usd_per_gpu_hour = np ? scratch[0] : NAN;
    s->median_usd_per_gpu_hour = gp_median_sorted(scratch, np);
    s->offers = n;
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_str);
    s->providers = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
            s->providers++;
}

/* Spot prices of s from the spot selection (each instance type at its
 * cheapest spot region), restricted to the group key. */
static void summarise_spot(gp_gpu_summary *s, const keyed_row *spot, size_t n,
                           const char *key, double *scratch)
{
    size_t ns = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(spot[i].key, key) == 0)
            scratch[ns++] = gp_offer_spot_usd_per_gpu_hour(spot[i].row.offer);
    gp_sort_doubles(scratch, ns);
    s->spot_offers = ns;
    s->min_spot_usd_per_gpu_hour = ns ? scratch[0] : NAN;
    s->median_spot_usd_per_gpu_hour = gp_median_sorted(scratch, ns);
}

/* The offers grouped per (provider, instance type) under `sort`, each with
 * its group key, sorted by key. */
static gp_status keyed_select(const gp_catalog *cat, int spot, keyed_row **out,
                              size_t *nout, gp_error *err)
{
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    f.spot_only = spot;
    gp_offer_row *rows = NULL;
    size_t n = 0;
    gp_status st = gp_offer_select(cat, &f,
                                   spot ? GP_SORT_SPOT_PRICE : GP_SORT_GPU_PRICE,
                                   GP_GROUP_INSTANCE, &rows, &n, err);
    if (st != GP_OK)
        return st;
    keyed_row *kr = malloc((n + 1) * sizeof(*kr));
    if (!kr) {
        free(rows);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        kr[i].row = rows[i];
        group_key(rows[i].offer, kr[i].key, sizeof(kr[i].key));
    }
    free(rows);
    qsort(kr, n, sizeof(*kr), cmp_keyed);
    *out = kr;
    *nout = n;
    return GP_OK;
}

gp_status gp_gpu_summaries(const gp_catalog *cat, gp_gpu_summary **out,
                           size_t *nout, gp_error *err)
{
    *out = NULL;
    *nout = 0;
    keyed_row *kr = NULL, *spot = NULL;
    size_t n = 0, nspot = 0;
    gp_status st = keyed_select(cat, 0, &kr, &n, err);
    if (st == GP_OK)
        st = keyed_select(cat, 1, &spot, &nspot, err);
    const gp_accel_table *t = gp_catalog_accels(cat);
    size_t naccel = gp_accel_table_count(t);
    gp_gpu_summary *sums = calloc(naccel + n + 1, sizeof(*sums));
    gp_offer_row *rows = malloc((n + 1) * sizeof(*rows));
    double *scratch = malloc((n + nspot + 1) * sizeof(*scratch));
    const char **names = malloc((n + 1) * sizeof(*names));
    if (st == GP_OK && (!sums || !rows || !scratch || !names))
        st = gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    if (st != GP_OK) {
        free(kr);
        free(spot);
        free(sums);
        free(rows);
        free(scratch);
        free(names);
        return st;
    }
    for (size_t i = 0; i < n; i++)
        rows[i] = kr[i].row;
    size_t m = 0;
    for (size_t a = 0; a < naccel; a++) {
        gp_gpu_summary *s = &sums[m++];
        s->accel = gp_accel_table_at(t, a);
        s->gpu = s->accel->name;
        size_t i = 0;
        while (i < n && rows[i].offer->accel != s->accel)
            i++;
        size_t j = i;
        while (j < n && rows[j].offer->accel == s->accel)
            j++;
        summarise(s, rows + i, j - i, scratch, names);
        summarise_spot(s, spot, nspot, s->accel->name, scratch);
    }
    /* Names without specs, one summary per group, named by the spelling
     * most offers use. */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(kr[j].key, kr[i].key) == 0)
            j++;
        if (!rows[i].offer->accel) {
            gp_gpu_summary *s = &sums[m++];
            size_t best = i, best_n = 0;
            for (size_t k = i; k < j;) {
                size_t l = k + 1;
                while (l < j && strcmp(rows[l].offer->gpu, rows[k].offer->gpu) == 0)
                    l++;
                if (l - k > best_n) {
                    best = k;
                    best_n = l - k;
                }
                k = l;
            }
            s->gpu = rows[best].offer->gpu;
            summarise(s, rows + i, j - i, scratch, names);
            summarise_spot(s, spot, nspot, kr[i].key, scratch);
        }
        i = j;
    }
    free(kr);
    free(spot);
    free(rows);
    free(scratch);
    free(names);
    *out = sums;
    *nout = m;
    return GP_OK;
}
