/* Catalog anomalies that need more than one row to see. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "core/fail.h"
#include "gpuplan/query.h"
#include "gpuplan/stats.h"

/* An outlier is more than this factor above or below the median. */
#define OUTLIER_FACTOR 3.0
#define OUTLIER_MIN_OFFERS 5
/* No instance holds more accelerators than this (GCP's a2-megagpu-16g
 * holds 16); larger numbers in a name are something else. */
#define MAX_STATED_GPUS 64

static int is_sep(char c) { return c == '_' || c == '-'; }

double gp_instance_stated_gpus(const char *s)
{
    double found = NAN;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]) || (i > 0 && isdigit((unsigned char)s[i - 1])))
            continue;
        size_t j = i;
        long v = 0;
        while (j < len && isdigit((unsigned char)s[j]) && v < 100000)
            v = v * 10 + (s[j++] - '0');
        if (v <= 0)
            continue;
        char before = i > 0 ? s[i - 1] : '\0';
        char before2 = i > 1 ? s[i - 2] : '\0';
        char after = j < len ? s[j] : '\0';
        char after2 = j + 1 < len ? s[j + 1] : '\0';
        double n = NAN;
        /* "8x_h100", "gpu_2x_a6000", "1x-H100" at a word start */
        if ((i == 0 || is_sep(before)) && (after == 'x' || after == 'X') &&
            (is_sep(after2) || isalpha((unsigned char)after2)) &&
            strncmp(s + j + 1, "large", 5) != 0)
            n = (double)v;
        /* "H100x8", "sxm5x8-NVLINK" at a word end (a digit before the x, so
         * "RTX4090" is not read as 4090 GPUs) */
        else if ((before == 'x' || before == 'X') && i > 1 &&
                 isdigit((unsigned char)before2) && (after == '\0' || is_sep(after)))
            n = (double)v;
        /* "_8gpu" (nebius) */
        else if (is_sep(before) && strncmp(s + j, "gpu", 3) == 0)
            n = (double)v;
        /* "a3-highgpu-8g", "a3-ultragpu-8g-nolssd" (GCP) */
        else if (before == '-' && after == 'g' && (after2 == '\0' || after2 == '-'))
            n = (double)v;
        /* "H100_PCIE_80GB::8" (fluidstack) */
        else if (before == ':' && before2 == ':' && after == '\0')
            n = (double)v;
        if (isnan(n) || n > MAX_STATED_GPUS)
            continue;
        if (!isnan(found) && found != n)
            return NAN; /* two different counts: not a statement we trust */
        found = n;
    }
    return found;
}

/* Marks every offer of the instance type of offers[at] with the newest
 * diagnostic, so a plan on any of its regions can name it. */
static void mark_finding(gp_catalog *cat, size_t at)
{
    const gp_offer *o = &cat->offers[at];
    unsigned finding = (unsigned)cat->ndiags; /* 1 + the newest index */
    for (size_t i = 0; i < cat->count; i++) {
        gp_offer *p = &cat->offers[i];
        if (p->provider == o->provider && p->instance_type == o->instance_type &&
            p->finding == 0)
            p->finding = finding;
    }
}

static gp_status count_mismatches(gp_catalog *cat)
{
    const char *last_instance = NULL, *last_provider = NULL;
    for (size_t i = 0; i < cat->count; i++) {
        const gp_offer *o = &cat->offers[i];
        if (o->instance_type == last_instance && o->provider == last_provider)
            continue; /* one line per instance type (rows come grouped) */
        if (o->flags & GP_OFFER_PER_GPU_LISTING)
            continue;
        if (strncmp(o->gpu, "TPU-", 4) == 0)
            continue; /* a slice name counts TensorCores, not chips */
        double stated = gp_instance_stated_gpus(o->instance_type);
        if (isnan(stated) || stated == o->gpu_count)
            continue;
        last_instance = o->instance_type;
        last_provider = o->provider;
        if (gp_catalog_diag_add(cat, GP_DIAG_COUNT_MISMATCH, o->source_index,
                                o->line,
                                "%s %s: the name says %g GPUs, the catalog "
                                "says %g x %s",
                                o->provider, o->instance_type, stated,
                                o->gpu_count, o->gpu) != GP_OK)
            return GP_ENOMEM;
        mark_finding(cat, i);
    }
    return GP_OK;
}

static int cmp_by_gpu(const void *a, const void *b)
{
    const gp_offer *x = ((const gp_offer_row *)a)->offer;
    const gp_offer *y = ((const gp_offer_row *)b)->offer;
    return strcmp(x->gpu, y->gpu);
}

static gp_status price_outliers(gp_catalog *cat, gp_error *err)
{
    gp_offer_filter f;
    gp_offer_filter_init(&f);
    f.priced_only = 1;
    gp_offer_row *rows = NULL;
    /* Auction floors are not prices to compare (data/pricing-kinds.csv). */
    size_t n = 0;
    gp_status st = gp_offer_select(cat, &f, GP_SORT_GPU_PRICE,
                                   GP_GROUP_INSTANCE, &rows, &n, err);
    if (st != GP_OK)
        return st;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!(rows[i].offer->flags & GP_OFFER_PRICE_FLOOR))
            rows[kept++] = rows[i];
    n = kept;
    if (n > 1)
        qsort(rows, n, sizeof(*rows), cmp_by_gpu);
    double *prices = malloc((n ? n : 1) * sizeof(*prices));
    if (!prices) {
        free(rows);
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n && st == GP_OK;) {
        size_t j = i;
        while (j < n && strcmp(rows[j].offer->gpu, rows[i].offer->gpu) == 0)
            j++;
        size_t m = j - i;
        if (m >= OUTLIER_MIN_OFFERS) {
            for (size_t k = 0; k < m; k++)
                prices[k] = gp_offer_usd_per_gpu_hour(rows[i + k].offer);
            gp_sort_doubles(prices, m);
            double median = gp_median_sorted(prices, m);
            for (size_t k = i; k < j && st == GP_OK; k++) {
                const gp_offer *o = rows[k].offer;
                double p = gp_offer_usd_per_gpu_hour(o);
                double ratio = p / median;
                if (ratio > OUTLIER_FACTOR || ratio < 1.0 / OUTLIER_FACTOR)
                    st = gp_catalog_diag_add(
                        cat, GP_DIAG_PRICE_OUTLIER, o->source_index, o->line,
                        "%s %s: $%.2f per %s-hour is %.2fx the median $%.2f "
                        "of %zu %s offers",
                        o->provider, o->instance_type, p, o->gpu, ratio,
                        median, m, o->gpu);
                if (st == GP_OK && (ratio > OUTLIER_FACTOR || ratio < 1.0 / OUTLIER_FACTOR))
                    mark_finding(cat, (size_t)(o - cat->offers));
            }
        }
        i = j;
    }
    free(prices);
    free(rows);
    if (st == GP_ENOMEM)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    return st;
}

gp_status gp_catalog_check(gp_catalog *cat, gp_error *err)
{
    if (cat->checked)
        return GP_OK;
    if (count_mismatches(cat) != GP_OK)
        return gp_fail(err, GP_ENOMEM, NULL, 0, "out of memory");
    gp_status st = price_outliers(cat, err);
    if (st == GP_OK)
        cat->checked = 1;
    return st;
}
