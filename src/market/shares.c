/* The share rows as a user of the market data looks at them: which
 * series and periods exist, a selection by period, series and provider,
 * the order of a period's table, and where the series disagree.
 * docs/market.md documents each rule. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/numparse.h"
#include "core/fail.h"
#include "market/market_internal.h"

/* In order of precedence: where two series give a provider's share for
 * one quarter, the chart takes the first (Synergy publishes the most
 * complete history, the market note the least sourced figures). */
static const char *const SERIES[GP_SHARE_SERIES] = {"synergy", "canalys", "canalys-revised",
                                                    "canalys-original", "note"};

const char *const *gp_share_series_names(size_t *n)
{
    if (n)
        *n = GP_SHARE_SERIES;
    return SERIES;
}

static int has_name(const char *const *set, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(set[i], name) == 0)
            return 1;
    return 0;
}

int gp_share_series_expand(const char *name, const char **set, size_t *n, size_t cap)
{
    if (!has_name(SERIES, GP_SHARE_SERIES, name))
        return -1;
    /* "canalys" is a series of its own and stands for all three. */
    int all_canalys = strcasecmp(name, "canalys") == 0;
    for (size_t k = 0; k < GP_SHARE_SERIES; k++) {
        if (strcasecmp(name, SERIES[k]) != 0 &&
            !(all_canalys && strncmp(SERIES[k], "canalys", 7) == 0))
            continue;
        size_t i = 0;
        while (i < *n && strcmp(set[i], SERIES[k]) != 0)
            i++;
        if (i == *n && *n < cap)
            set[(*n)++] = SERIES[k];
    }
    return 0;
}

/* ---- periods ------------------------------------------------------------ */

static int cmp_period(const void *a, const void *b)
{
    return gp_period_cmp(*(const gp_period *)a, *(const gp_period *)b);
}

size_t gp_market_periods(const gp_market *m, gp_period *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < gp_market_share_count(m); i++) {
        const gp_share_row *r = gp_market_share(m, i);
        size_t k = 0;
        while (k < n && gp_period_cmp(out[k], r->period) != 0)
            k++;
        if (k == n && n < cap)
            out[n++] = r->period;
    }
    qsort(out, n, sizeof(*out), cmp_period);
    return n;
}

int gp_market_latest_quarter(const gp_market *m, gp_period *out)
{
    gp_period all[GP_MARKET_MAX_PERIODS];
    size_t n = gp_market_periods(m, all, GP_MARKET_MAX_PERIODS);
    for (size_t i = n; i-- > 0;)
        if (all[i].quarter) {
            *out = all[i];
            return 1;
        }
    return 0;
}

size_t gp_market_period_range(const gp_market *m, const gp_period *from, const gp_period *to,
                              gp_period *out, size_t cap)
{
    gp_period all[GP_MARKET_MAX_PERIODS];
    size_t nall = gp_market_periods(m, all, GP_MARKET_MAX_PERIODS), n = 0;
    if (nall == 0)
        return 0;
    gp_period lo = from ? *from : all[0], hi = to ? *to : all[nall - 1];
    /* A bare year as the start means its Q1 (else it would sort after its
     * Q4 and leave the year's quarters out); as the end it already takes
     * in its Q4 and the full year. */
    if (from && lo.quarter == 0)
        lo.quarter = 1;
    for (size_t i = 0; i < nall && n < cap; i++)
        if (gp_period_cmp(all[i], lo) >= 0 && gp_period_cmp(all[i], hi) <= 0)
            out[n++] = all[i];
    return n;
}

/* ---- selection ---------------------------------------------------------- */

static int period_in(const gp_share_filter *f, gp_period p)
{
    for (size_t k = 0; k < f->nperiods; k++)
        if (gp_period_cmp(f->periods[k], p) == 0)
            return 1;
    return 0;
}

static int series_wanted(const gp_share_filter *f, const char *series)
{
    return !f->series || has_name(f->series, f->nseries, series);
}

static int provider_wanted(const gp_share_filter *f, const char *provider)
{
    return !f->providers || has_name(f->providers, f->nproviders, provider);
}

int gp_share_filter_match(const gp_share_filter *f, const gp_share_row *r)
{
    return period_in(f, r->period) && series_wanted(f, r->series) &&
           (r->kind == GP_SHARE_TOTAL || provider_wanted(f, r->provider));
}

int gp_share_row_cmp(const gp_share_row *x, const gp_share_row *y)
{
    int c = gp_period_cmp(x->period, y->period);
    if (c)
        return c;
    if (x->public_only != y->public_only)
        return x->public_only - y->public_only;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    if (x->high_pct != y->high_pct)
        return x->high_pct < y->high_pct ? 1 : -1;
    c = strcmp(x->provider, y->provider);
    return c ? c : strcmp(x->series, y->series);
}

static int cmp_rows(const void *a, const void *b)
{
    return gp_share_row_cmp(*(const gp_share_row *const *)a, *(const gp_share_row *const *)b);
}

gp_status gp_market_share_select(const gp_market *m, const gp_share_filter *f, int table_order,
                                 const gp_share_row ***out, size_t *nout, gp_error *err)
{
    *out = NULL;
    *nout = 0;
    size_t n = gp_market_share_count(m), k = 0;
    const gp_share_row **rows = malloc((n ? n : 1) * sizeof(*rows));
    if (!rows)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    if (table_order) {
        for (size_t i = 0; i < n; i++)
            if (gp_share_filter_match(f, gp_market_share(m, i)))
                rows[k++] = gp_market_share(m, i);
        qsort(rows, k, sizeof(*rows), cmp_rows);
    } else {
        /* Period by period in the filter's order, each in file order. */
        for (size_t p = 0; p < f->nperiods; p++)
            for (size_t i = 0; i < n; i++) {
                const gp_share_row *r = gp_market_share(m, i);
                if (gp_period_cmp(r->period, f->periods[p]) == 0 && gp_share_filter_match(f, r))
                    rows[k++] = r;
            }
    }
    *out = rows;
    *nout = k;
    return GP_OK;
}

size_t gp_market_share_names(const gp_market *m, int providers_only, const char **out,
                             size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < gp_market_share_count(m); i++) {
        const gp_share_row *r = gp_market_share(m, i);
        if (providers_only ? r->kind != GP_SHARE_PROVIDER || r->public_only
                           : r->kind == GP_SHARE_TOTAL)
            continue;
        size_t k = 0;
        while (k < n && strcmp(out[k], r->provider) != 0)
            k++;
        if (k == n && n < cap)
            out[n++] = r->provider;
    }
    return n;
}

/* ---- summaries and disagreements --------------------------------------- */

size_t gp_market_share_summaries(const gp_market *m, const gp_share_filter *f,
                                 gp_share_summary *out, size_t cap)
{
    size_t n = 0;
    for (size_t p = 0; p < f->nperiods; p++)
        for (size_t k = 0; k < GP_SHARE_SERIES && n < cap; k++)
            if (series_wanted(f, SERIES[k]) &&
                gp_market_share_summary(m, f->periods[p], SERIES[k], &out[n]))
                n++;
    return n;
}

const char *gp_share_text(const gp_share_row *r, char *buf, size_t cap)
{
    if (r->kind == GP_SHARE_TOTAL)
        gp_snprintf_c(buf, cap, "$%gB", r->market_usd_b);
    else if (isnan(r->low_pct))
        gp_snprintf_c(buf, cap, "<%g%%", r->high_pct);
    else if (r->low_pct == r->high_pct)
        gp_snprintf_c(buf, cap, "%g%%", r->high_pct);
    else
        gp_snprintf_c(buf, cap, "%g-%g%%", r->low_pct, r->high_pct);
    return buf;
}

/* A headline provider row of period p that the filter keeps. */
static int headline(const gp_share_filter *f, const gp_share_row *r, gp_period p)
{
    return gp_period_cmp(r->period, p) == 0 && r->kind == GP_SHARE_PROVIDER && !r->public_only &&
           series_wanted(f, r->series);
}

size_t gp_market_share_disagreements(const gp_market *m, const gp_share_filter *f, gp_period p,
                                     char *buf, size_t cap)
{
    if (cap)
        buf[0] = '\0';
    const char *names[64];
    size_t nnames = 0, found = 0;
    for (size_t i = 0; i < gp_market_share_count(m); i++) {
        const gp_share_row *r = gp_market_share(m, i);
        if (!headline(f, r, p) || !provider_wanted(f, r->provider))
            continue;
        size_t k = 0;
        while (k < nnames && strcmp(names[k], r->provider) != 0)
            k++;
        if (k == nnames && nnames < 64)
            names[nnames++] = r->provider;
    }
    for (size_t k = 0; k < nnames; k++) {
        char line[256] = "";
        double min_high = INFINITY, max_low = -INFINITY;
        const char *series_seen[8];
        size_t nseen = 0;
        for (size_t i = 0; i < gp_market_share_count(m); i++) {
            const gp_share_row *r = gp_market_share(m, i);
            if (!headline(f, r, p) || strcmp(r->provider, names[k]) != 0)
                continue;
            /* "Under X%" spans 0..X. */
            double low = isnan(r->low_pct) ? 0 : r->low_pct;
            min_high = fmin(min_high, r->high_pct);
            max_low = fmax(max_low, low);
            char fig[32];
            size_t used = strlen(line);
            gp_snprintf_c(line + used, sizeof(line) - used, "%s%s %s", used ? ", " : "", r->series,
                     gp_share_text(r, fig, sizeof(fig)));
            size_t j = 0;
            while (j < nseen && strcmp(series_seen[j], r->series) != 0)
                j++;
            if (j == nseen && nseen < 8)
                series_seen[nseen++] = r->series;
        }
        /* Disagree: two series whose ranges do not overlap (some low end
         * above some high end). Two quotes within one series are the
         * summary's conflicting_quotes, not a disagreement. */
        if (nseen > 1 && max_low > min_high) {
            size_t used = strlen(buf);
            if (used < cap)
                gp_snprintf_c(buf + used, cap - used, "%s%s: %s", used ? "; " : "", names[k], line);
            found++;
        }
    }
    return found;
}

const char *gp_share_summary_note(const gp_share_summary *s, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    buf[0] = '\0';
    const char *parts[3];
    size_t n = 0;
    if (s->disagreement)
        parts[n++] = "other series differ";
    if (s->conflicting_quotes)
        parts[n++] = "outlets quote it differently (range covers both)";
    /* With fewer than three named the HHI bounds say little. */
    if (s->providers < 3 && s->providers > 0)
        parts[n++] = "too few providers named for an HHI";
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        gp_snprintf_c(buf + used, cap - used, "%s%s", i ? "; " : "", parts[i]);
    }
    return buf;
}

int gp_market_share_point(const gp_market *m, const char *provider, gp_period p, double *low,
                          double *high)
{
    *low = *high = NAN;
    for (size_t k = 0; k < GP_SHARE_SERIES; k++)
        for (size_t i = 0; i < gp_market_share_count(m); i++) {
            const gp_share_row *r = gp_market_share(m, i);
            /* "Under X%" bounds a share without placing it: no point. */
            if (r->kind == GP_SHARE_PROVIDER && !r->public_only && !isnan(r->low_pct) &&
                strcmp(r->provider, provider) == 0 && strcmp(r->series, SERIES[k]) == 0 &&
                gp_period_cmp(r->period, p) == 0) {
                *low = r->low_pct;
                *high = r->high_pct;
                return 1;
            }
        }
    return 0;
}
