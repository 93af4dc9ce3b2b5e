/* gpuplan market share|forecast|prices|claims|neoclouds|providers: the
 * market around the offers. This file holds the dispatch, the shared
 * options and the views of data/market-*.csv (share, forecast,
 * neoclouds); market_prices.c holds the views of the catalog. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "gpuplan/market.h"
#include "load.h"
#include "market.h"
#include "out.h"
#include "svg.h"

static const gp_opt OPTS[] = {
    {"period", 0, OPT_STRING, OPT_REPEAT, "PERIOD", NULL,
     "share: only this quarter or year (2025Q1, Q1-2025, FY2024); repeatable"},
    {"from", 0, OPT_STRING, 0, "WHEN", NULL,
     "share: from this period on; forecast: first year of the projection "
     "(default 2025)"},
    {"to", 0, OPT_STRING, 0, "WHEN", NULL,
     "share: up to this period; forecast: last year of the projection "
     "(default 2034)"},
    {"source", 's', OPT_STRING, OPT_REPEAT, "SERIES", NULL,
     "share: only this series: synergy, canalys (every Canalys figure), "
     "canalys-revised, canalys-original or note (the market note); repeatable"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "NAME", NULL,
     "share, neoclouds, prices, providers: only this provider (repeatable, "
     "comma lists)"},
    {"summary", 0, OPT_FLAG, 0, NULL, NULL,
     "share: only the per-period lines (top-3, HHI, market size)"},
    {"scope", 0, OPT_STRING, OPT_REPEAT, "SCOPE", NULL,
     "forecast: only gpuaas, gpu-cloud, gpu-rental or neocloud forecasts"},
    {"metric", 'm', OPT_STRING, OPT_REPEAT, "NAME", NULL,
     "neoclouds: only this metric (gpu_count, revenue, data_centers, ...)"},
    {"gpu", 'g', OPT_STRING, OPT_REPEAT, "NAME", NULL,
     "prices: only this accelerator (repeatable)"},
    {"kind", 'k', OPT_CHOICE, 0, "KIND", "hyperscaler|neocloud|marketplace",
     "prices, providers: only providers of this kind"},
    {"by", 0, OPT_CHOICE, 0, "GROUP", "kind|provider",
     "prices: one row per provider kind (default) or per provider"},
    {"svg", 0, OPT_STRING, 0, "FILE", NULL,
     "share, forecast, prices: also draw the chart to FILE"},
    {"format", 'f', OPT_CHOICE, 0, "FMT", "table|csv|json|md",
     "output format: table (default), csv, json or md"},
    {"wide", 'w', OPT_FLAG, 0, NULL, NULL,
     "do not shorten or drop columns to fit the terminal"},
    GP_CATALOG_OPTIONS,
};

/* Which views each option applies to; the rest apply to all. */
static const struct {
    const char *opt, *views;
} APPLIES[] = {
    {"period", "share"},
    {"from", "share forecast"},
    {"to", "share forecast"},
    {"source", "share"},
    {"provider", "share neoclouds prices providers"},
    {"summary", "share"},
    {"scope", "forecast"},
    {"metric", "neoclouds"},
    {"gpu", "prices"},
    {"kind", "prices providers"},
    {"by", "prices"},
    {"svg", "share forecast prices"},
    {"catalog", "prices claims providers"},
    {"no-embedded", "prices claims providers"},
    {"skip-bad-rows", "prices claims providers"},
};

static int applies_to(const char *views, const char *view)
{
    size_t n = strlen(view);
    for (const char *p = views; (p = strstr(p, view)) != NULL; p += n)
        if ((p == views || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return 1;
    return 0;
}

void gp_market_bar(char *buf, size_t bufsize, double low, double high, double per_char,
                   size_t cap)
{
    buf[0] = '\0';
    if (isnan(high) || high <= 0 || bufsize < 2)
        return;
    if (isnan(low))
        low = 0;
    size_t full = (size_t)(low / per_char + 0.5), all = (size_t)(high / per_char + 0.5);
    if (all > cap)
        all = cap;
    if (full > all)
        full = all;
    if (all >= bufsize)
        all = bufsize - 1;
    for (size_t i = 0; i < all; i++)
        buf[i] = i < full ? '#' : '-';
    buf[all] = '\0';
}

/* "a, b, c" of up to n names into buf. */
static const char *join(char *buf, size_t cap, const char *const *names, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
    }
    return buf;
}

/* Adds name to a set of distinct names (case-sensitive). */
static void add_name(const char **set, size_t *n, size_t cap, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(set[i], name) == 0)
            return;
    if (*n < cap)
        set[(*n)++] = name;
}

static int has_name(const char *const *set, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(set[i], name) == 0)
            return 1;
    return 0;
}

/* Every wanted name must be one of the known; else a usage error naming
 * what exists. */
static int check_names(const char *flag, const char *const *want, size_t nwant,
                       const char *const *known, size_t nknown, const char *what)
{
    for (size_t i = 0; i < nwant; i++) {
        if (has_name(known, nknown, want[i]))
            continue;
        char list[1024];
        join(list, sizeof(list), known, nknown);
        if (strlen(list) <= 240)
            return gp_usage_error("market", "--%s: no %s '%s'; the data has: %s", flag, what,
                                  want[i], list);
        /* Too many to list: the closest, and where to see them all. */
        char hint[200];
        gp_suggest(want[i], known, nknown, hint, sizeof(hint));
        return gp_usage_error("market", "--%s: no %s '%s'%s%s%s (%zu in the data; --format "
                              "csv lists them)",
                              flag, what, want[i], hint[0] ? "; did you mean " : "", hint,
                              hint[0] ? "?" : "", nknown);
    }
    return 0;
}

static int load_market(gp_market **m)
{
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_market_load_default(m, &err);
    return st == GP_OK ? 0 : gp_report("market", st, &err);
}

/* ---- share ---------------------------------------------------------------- */

static const char *const SERIES[] = {"synergy", "canalys", "canalys-revised",
                                     "canalys-original", "note"};
enum { NSERIES = 5 };

static const char HHI_METHOD[] =
    "HHI is the sum of squared shares in percent (0-10,000). Where a source gives "
    "ranges or names only some providers, gpuplan shows bounds: the low end squares "
    "each named provider's low share and treats the unnamed rest as many small "
    "firms (adding ~0); the high end squares the high shares and counts the "
    "unnamed rest as one firm.";

typedef struct share_sel {
    gp_period periods[64];
    size_t nperiods;
    const char **series;   /* --source, expanded; NULL: all */
    size_t nseries;
    const char **providers;
    size_t nproviders;
    char *pbuf, *sbuf;
    const char *expanded[NSERIES * 4];
} share_sel;

static int series_wanted(const share_sel *s, const char *series)
{
    return !s->series || has_name(s->series, s->nseries, series);
}

static int provider_wanted(const share_sel *s, const char *provider)
{
    return !s->providers || has_name(s->providers, s->nproviders, provider);
}

static int cmp_period(const void *a, const void *b)
{
    return gp_period_cmp(*(const gp_period *)a, *(const gp_period *)b);
}

static int parse_period_opt(const char *flag, const char *text, gp_period *out)
{
    if (gp_period_parse(text, out) == 0)
        return 0;
    return gp_usage_error("market", "--%s: '%s' is not a period; write 2025Q1, Q1-2025 "
                          "or FY2024", flag, text);
}

/* Every period the share file has a row for, in order. */
static size_t data_periods(const gp_market *m, gp_period *out, size_t cap)
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

static int list_periods(const gp_period *p, size_t n, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char one[16];
        gp_period_format(p[i], one, sizeof(one));
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", one);
    }
    return 0;
}

static int select_shares(const gp_market *m, const gp_args *args, share_sel *s)
{
    gp_period all[64];
    size_t nall = data_periods(m, all, 64);
    char list[1024];
    const gp_opt_value *pv = gp_arg(args, "period");
    int ranged = gp_arg_set(args, "from") || gp_arg_set(args, "to");
    if (pv->set && ranged)
        return gp_usage_error("market", "give --period or --from/--to, not both");
    if (pv->set) {
        for (size_t i = 0; i < pv->nlist; i++) {
            gp_period p;
            if (parse_period_opt("period", pv->list[i], &p))
                return GP_EXIT_USAGE;
            size_t k = 0;
            while (k < nall && gp_period_cmp(all[k], p) != 0)
                k++;
            if (k == nall) {
                list_periods(all, nall, list, sizeof(list));
                return gp_usage_error("market", "--period: no figures for '%s'; the data "
                                      "has: %s", pv->list[i], list);
            }
            size_t j = 0;
            while (j < s->nperiods && gp_period_cmp(s->periods[j], p) != 0)
                j++;
            if (j == s->nperiods && s->nperiods < 64)
                s->periods[s->nperiods++] = p;
        }
        qsort(s->periods, s->nperiods, sizeof(gp_period), cmp_period);
    } else if (ranged) {
        gp_period from = all[0], to = all[nall - 1];
        if (gp_arg_set(args, "from") &&
            parse_period_opt("from", gp_arg_text(args, "from", ""), &from))
            return GP_EXIT_USAGE;
        if (gp_arg_set(args, "from") && from.quarter == 0)
            from.quarter = 1; /* a bare year as --from starts at its Q1 */
        if (gp_arg_set(args, "to") && parse_period_opt("to", gp_arg_text(args, "to", ""), &to))
            return GP_EXIT_USAGE;
        /* A bare year as --to means through its Q4 and the full year. */
        for (size_t i = 0; i < nall; i++)
            if (gp_period_cmp(all[i], from) >= 0 && gp_period_cmp(all[i], to) <= 0)
                s->periods[s->nperiods++] = all[i];
        if (s->nperiods == 0) {
            char a[16], b[16];
            gp_period_format(all[0], a, sizeof(a));
            gp_period_format(all[nall - 1], b, sizeof(b));
            return gp_usage_error("market", "--from/--to: no period in that range; the "
                                  "data covers %s to %s", a, b);
        }
    } else {
        /* The latest quarter with provider figures. */
        for (size_t i = nall; i-- > 0;) {
            if (all[i].quarter == 0)
                continue;
            s->periods[s->nperiods++] = all[i];
            break;
        }
    }
    /* --source: series names; "canalys" stands for every Canalys series. */
    const char **src = gp_cli_split_lists(gp_arg(args, "source"), &s->nseries, &s->sbuf);
    if (src) {
        size_t n = 0;
        for (size_t i = 0; i < s->nseries; i++) {
            if (!has_name(SERIES, NSERIES, src[i])) {
                char known[256];
                int rc = gp_usage_error("market", "--source: no series '%s'; the data has: %s",
                                        src[i], join(known, sizeof(known), SERIES, NSERIES));
                free(src);
                return rc;
            }
            /* "canalys" is a series of its own and stands for all three. */
            int all_canalys = strcasecmp(src[i], "canalys") == 0;
            for (int k = 0; k < NSERIES; k++)
                if (strcasecmp(src[i], SERIES[k]) == 0 ||
                    (all_canalys && strncmp(SERIES[k], "canalys", 7) == 0))
                    add_name(s->expanded, &n, sizeof(s->expanded) / sizeof(s->expanded[0]),
                             SERIES[k]);
        }
        free(src);
        s->series = s->expanded;
        s->nseries = n;
    }
    s->providers = gp_cli_split_lists(gp_arg(args, "provider"), &s->nproviders, &s->pbuf);
    if (s->providers) {
        const char *known[128];
        size_t nknown = 0;
        for (size_t i = 0; i < gp_market_share_count(m); i++) {
            const gp_share_row *r = gp_market_share(m, i);
            if (r->kind != GP_SHARE_TOTAL)
                add_name(known, &nknown, 128, r->provider);
        }
        int rc = check_names("provider", s->providers, s->nproviders, known, nknown,
                             "provider");
        if (rc)
            return rc;
    }
    return 0;
}

static void share_sel_free(share_sel *s)
{
    free(s->providers);
    free(s->pbuf);
    free(s->sbuf);
}

static int row_selected(const share_sel *s, const gp_share_row *r)
{
    size_t k = 0;
    while (k < s->nperiods && gp_period_cmp(s->periods[k], r->period) != 0)
        k++;
    return k < s->nperiods && series_wanted(s, r->series) &&
           (r->kind == GP_SHARE_TOTAL || provider_wanted(s, r->provider));
}

static const char *share_text(char *buf, size_t cap, const gp_share_row *r)
{
    if (r->kind == GP_SHARE_TOTAL)
        snprintf(buf, cap, "$%gB", r->market_usd_b);
    else if (isnan(r->low_pct))
        snprintf(buf, cap, "<%g%%", r->high_pct);
    else if (r->low_pct == r->high_pct)
        snprintf(buf, cap, "%g%%", r->high_pct);
    else
        snprintf(buf, cap, "%g-%g%%", r->low_pct, r->high_pct);
    return buf;
}

static const char *range_text(char *buf, size_t cap, double lo, double hi, int decimals)
{
    if (isnan(hi))
        snprintf(buf, cap, "-");
    else if (isnan(lo) || fabs(lo - hi) < 0.5 * pow(10, -decimals))
        snprintf(buf, cap, "%.*f", decimals, hi);
    else
        snprintf(buf, cap, "%.*f-%.*f", decimals, lo, decimals, hi);
    return buf;
}

static const char *hhi_text(char *buf, size_t cap, const gp_share_summary *s)
{
    if (isnan(s->hhi_high))
        return strcpy(buf, "-");
    char a[16], b[16];
    gp_fmt_int(a, sizeof(a), s->hhi_low);
    gp_fmt_int(b, sizeof(b), s->hhi_high);
    if (strcmp(a, b) == 0)
        snprintf(buf, cap, "%s", a);
    else
        snprintf(buf, cap, "%s-%s", a, b);
    return buf;
}

/* The summaries of the selected periods and series. */
static size_t summaries(const gp_market *m, const share_sel *s, gp_share_summary *out,
                        size_t cap)
{
    size_t n = 0;
    for (size_t p = 0; p < s->nperiods; p++)
        for (int k = 0; k < NSERIES && n < cap; k++)
            if (series_wanted(s, SERIES[k]) &&
                gp_market_share_summary(m, s->periods[p], SERIES[k], &out[n]))
                n++;
    return n;
}

/* Writes "AWS: synergy 29%, canalys 31%" for every provider the period's
 * series give different figures for; returns how many. */
static size_t disagreements(const gp_market *m, const share_sel *s, gp_period p,
                            char *buf, size_t cap)
{
    buf[0] = '\0';
    const char *names[64];
    size_t nnames = 0, found = 0;
    for (size_t i = 0; i < gp_market_share_count(m); i++) {
        const gp_share_row *r = gp_market_share(m, i);
        if (gp_period_cmp(r->period, p) == 0 && r->kind == GP_SHARE_PROVIDER &&
            !r->public_only && series_wanted(s, r->series) && provider_wanted(s, r->provider))
            add_name(names, &nnames, 64, r->provider);
    }
    for (size_t k = 0; k < nnames; k++) {
        char line[256] = "";
        double min_high = INFINITY, max_low = -INFINITY;
        const char *series_seen[8];
        size_t nseen = 0;
        for (size_t i = 0; i < gp_market_share_count(m); i++) {
            const gp_share_row *r = gp_market_share(m, i);
            if (gp_period_cmp(r->period, p) || r->kind != GP_SHARE_PROVIDER || r->public_only ||
                strcmp(r->provider, names[k]) || !series_wanted(s, r->series))
                continue;
            double l = isnan(r->low_pct) ? 0 : r->low_pct;
            min_high = fmin(min_high, r->high_pct);
            max_low = fmax(max_low, l);
            char fig[32];
            size_t used = strlen(line);
            snprintf(line + used, sizeof(line) - used, "%s%s %s", used ? ", " : "",
                     r->series, share_text(fig, sizeof(fig), r));
            add_name(series_seen, &nseen, 8, r->series);
        }
        /* Disagree: two series whose ranges do not overlap (some low end
         * above some high end). */
        if (nseen > 1 && max_low > min_high) {
            size_t used = strlen(buf);
            snprintf(buf + used, cap - used, "%s%s: %s", used ? "; " : "", names[k], line);
            found++;
        }
    }
    return found;
}

static json_t *share_json(const gp_market *m, const share_sel *s,
                          const gp_share_summary *sum, size_t nsum)
{
    json_t *root = json_object(), *periods = json_array();
    for (size_t p = 0; p < s->nperiods; p++) {
        char name[16], dis[2048];
        gp_period_format(s->periods[p], name, sizeof(name));
        json_t *jp = json_object(), *rows = json_array(), *js = json_array();
        json_object_set_new(jp, "period", json_string(name));
        for (size_t i = 0; i < gp_market_share_count(m); i++) {
            const gp_share_row *r = gp_market_share(m, i);
            if (gp_period_cmp(r->period, s->periods[p]) || !row_selected(s, r))
                continue;
            static const char *const KINDS[] = {"provider", "combined", "others", "total"};
            json_t *j = json_object();
            json_object_set_new(j, "provider", json_string(r->provider));
            json_object_set_new(j, "series", json_string(r->series));
            json_object_set_new(j, "kind", json_string(KINDS[r->kind]));
            json_object_set_new(j, "public_iaas_paas_only", json_boolean(r->public_only));
            json_object_set_new(j, "share_pct_low", gp_json_num(r->low_pct));
            json_object_set_new(j, "share_pct_high", gp_json_num(r->high_pct));
            json_object_set_new(j, "market_usd_b", gp_json_num(r->market_usd_b));
            json_object_set_new(j, "source", json_string(r->source));
            json_object_set_new(j, "quote", json_string(r->quote));
            json_object_set_new(j, "line", json_integer(r->line));
            json_array_append_new(rows, j);
        }
        for (size_t i = 0; i < nsum; i++) {
            const gp_share_summary *x = &sum[i];
            if (gp_period_cmp(x->period, s->periods[p]))
                continue;
            json_t *j = json_object();
            json_object_set_new(j, "series", json_string(x->series));
            json_object_set_new(j, "providers_named", json_integer((json_int_t)x->providers));
            json_object_set_new(j, "top3_pct_low", gp_json_num(x->top3_low));
            json_object_set_new(j, "top3_pct_high", gp_json_num(x->top3_high));
            json_object_set_new(j, "top3_given", json_boolean(x->top3_given));
            json_object_set_new(j, "named_pct_low", gp_json_num(x->named_low));
            json_object_set_new(j, "named_pct_high", gp_json_num(x->named_high));
            json_object_set_new(j, "hhi_low", gp_json_num(x->hhi_low));
            json_object_set_new(j, "hhi_high", gp_json_num(x->hhi_high));
            json_object_set_new(j, "market_usd_b", gp_json_num(x->market_usd_b));
            json_object_set_new(j, "conflicting_quotes", json_boolean(x->conflicting_quotes));
            json_array_append_new(js, j);
        }
        json_object_set_new(jp, "shares", rows);
        json_object_set_new(jp, "summaries", js);
        disagreements(m, s, s->periods[p], dis, sizeof(dis));
        json_object_set_new(jp, "sources_disagree", gp_json_str(dis));
        json_array_append_new(periods, jp);
    }
    json_object_set_new(root, "hhi_method", json_string(HHI_METHOD));
    json_object_set_new(root, "data", json_string("data/market-cloud-share.csv"));
    json_object_set_new(root, "periods", periods);
    return root;
}

static void share_csv(const gp_market *m, const share_sel *s, const gp_share_summary *sum,
                      size_t nsum, int summary_only)
{
    if (summary_only) {
        fputs("period,series,providers_named,top3_pct_low,top3_pct_high,top3_given,"
              "hhi_low,hhi_high,market_usd_b\n", stdout);
        for (size_t i = 0; i < nsum; i++) {
            char name[16];
            gp_period_format(sum[i].period, name, sizeof(name));
            gp_csv_cell(stdout, name, 1);
            gp_csv_cell(stdout, sum[i].series, 0);
            gp_csv_num(stdout, (double)sum[i].providers, 0);
            gp_csv_num(stdout, sum[i].top3_low, 0);
            gp_csv_num(stdout, sum[i].top3_high, 0);
            gp_csv_num(stdout, sum[i].top3_given, 0);
            gp_csv_num(stdout, sum[i].hhi_low, 0);
            gp_csv_num(stdout, sum[i].hhi_high, 0);
            gp_csv_num(stdout, sum[i].market_usd_b, 0);
            gp_csv_end(stdout);
        }
        return;
    }
    fputs("period,provider,series,public_iaas_paas_only,share_pct_low,share_pct_high,"
          "market_usd_b,source,quote,line\n", stdout);
    for (size_t p = 0; p < s->nperiods; p++)
        for (size_t i = 0; i < gp_market_share_count(m); i++) {
            const gp_share_row *r = gp_market_share(m, i);
            if (gp_period_cmp(r->period, s->periods[p]) || !row_selected(s, r))
                continue;
            char name[16];
            gp_period_format(r->period, name, sizeof(name));
            gp_csv_cell(stdout, name, 1);
            gp_csv_cell(stdout, r->provider, 0);
            gp_csv_cell(stdout, r->series, 0);
            gp_csv_num(stdout, r->public_only, 0);
            gp_csv_num(stdout, r->low_pct, 0);
            gp_csv_num(stdout, r->high_pct, 0);
            gp_csv_num(stdout, r->market_usd_b, 0);
            gp_csv_cell(stdout, r->source, 0);
            gp_csv_cell(stdout, r->quote, 0);
            gp_csv_num(stdout, (double)r->line, 0);
            gp_csv_end(stdout);
        }
}

/* Shares in a period's table: providers first by share, then combined
 * rows, the rest and the market size. */
static int cmp_rows(const void *a, const void *b)
{
    const gp_share_row *x = *(const gp_share_row *const *)a, *y = *(const gp_share_row *const *)b;
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

static int share_table(const gp_market *m, const share_sel *s, const gp_share_summary *sum,
                       size_t nsum, gp_format fmt, int wide, int summary_only)
{
    if (!summary_only) {
        const gp_col cols[] = {
            {"PERIOD", 0, 0, 0, 0}, {"PROVIDER", 0, 24, 12, 0}, {"SERIES", 0, 0, 0, 0},
            {"SHARE", 1, 0, 0, 0},  {"", 0, 0, 0, 2},           {"SOURCE", 0, 24, 16, 1},
        };
        gp_table *t = gp_table_new(cols, 6);
        size_t n = gp_market_share_count(m), k = 0;
        const gp_share_row **rows = malloc((n ? n : 1) * sizeof(*rows));
        if (!t || !rows) {
            gp_table_free(t);
            free(rows);
            return GP_EXIT_FAIL;
        }
        for (size_t i = 0; i < n; i++)
            if (row_selected(s, gp_market_share(m, i)))
                rows[k++] = gp_market_share(m, i);
        qsort(rows, k, sizeof(*rows), cmp_rows);
        for (size_t i = 0; i < k; i++) {
            const gp_share_row *r = rows[i];
            char period[16], share[32], bar[64], name[96];
            gp_period_format(r->period, period, sizeof(period));
            snprintf(name, sizeof(name), "%s%s", r->provider,
                     r->public_only ? " (public IaaS+PaaS)" : "");
            bar[0] = '\0';
            if (r->kind == GP_SHARE_PROVIDER) /* combined rows would dwarf them */
                gp_market_bar(bar, sizeof(bar), r->low_pct, r->high_pct, 2.0, 40);
            const char *cells[] = {period, name, r->series, share_text(share, sizeof(share), r),
                                   bar, r->source};
            gp_table_add(t, cells);
        }
        free(rows);
        gp_table_show(t, fmt, wide);
        gp_table_free(t);
        if (fmt != FMT_MD)
            gp_note("Bars: # = 2 points of a provider's share; - marks the span of a range. "
                    "SOURCE: --wide or --format json for the whole citation and quote.");
        putchar('\n');
    }
    const gp_col cols[] = {{"PERIOD", 0, 0, 0, 0}, {"SERIES", 0, 0, 0, 0},
                           {"NAMED", 1, 0, 0, 2},  {"TOP-3 %", 1, 0, 0, 0},
                           {"HHI", 1, 0, 0, 0},    {"MARKET $B", 1, 0, 0, 0},
                           {"NOTE", 0, 48, 16, 1}};
    gp_table *t = gp_table_new(cols, 7);
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < nsum; i++) {
        const gp_share_summary *x = &sum[i];
        char period[16], named[16], top3[32], hhi[48], market[32], note[128] = "";
        gp_period_format(x->period, period, sizeof(period));
        snprintf(named, sizeof(named), "%zu", x->providers);
        range_text(top3, sizeof(top3), x->top3_low, x->top3_high, 0);
        if (!isnan(x->top3_high) && !x->top3_given)
            strcat(top3, "*");
        hhi_text(hhi, sizeof(hhi), x);
        gp_fmt_num(market, sizeof(market), x->market_usd_b, 1);
        if (x->disagreement)
            strcat(note, "other series differ; ");
        if (x->conflicting_quotes)
            strcat(note, "outlets quote it differently (range covers both); ");
        if (x->providers < 3 && x->providers > 0)
            strcat(note, "too few providers named for an HHI; ");
        size_t len = strlen(note);
        if (len >= 2)
            note[len - 2] = '\0';
        const char *cells[] = {period, x->series, named, top3, hhi, market, note};
        gp_table_add(t, cells);
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    /* Where the series disagree, both figures side by side. */
    for (size_t p = 0; p < s->nperiods; p++) {
        char dis[2048], name[16];
        if (disagreements(m, s, s->periods[p], dis, sizeof(dis)) == 0)
            continue;
        gp_period_format(s->periods[p], name, sizeof(name));
        char line[2200];
        snprintf(line, sizeof(line), "%s: sources disagree: %s", name, dis);
        if (fmt == FMT_MD)
            printf("\n%s\n", line);
        else
            gp_wrap(line, 0, 4, gp_terminal_width());
    }
    if (fmt != FMT_MD) {
        gp_note("TOP-3: * = the three largest named shares added up (else the source's own "
               "combined figure). NAMED: providers with a share.");
        gp_note("%s", HHI_METHOD);
        gp_note("Sources: data/market-cloud-share.csv (see data/MARKET-SOURCES.md); "
               "--format json gives every quote.");
    } else {
        printf("\n%s\n", HHI_METHOD);
    }
    return GP_EXIT_OK;
}

/* Share over time: one line (and band for ranges) per provider, from the
 * first selected series that has the provider in a period. */
static int share_svg(const gp_market *m, const char *path)
{
    gp_period all[64];
    size_t nall = data_periods(m, all, 64), nq = 0;
    gp_period q[64];
    for (size_t i = 0; i < nall; i++)
        if (all[i].quarter)
            q[nq++] = all[i];
    const char *names[32];
    size_t nnames = 0;
    for (size_t i = 0; i < gp_market_share_count(m); i++) {
        const gp_share_row *r = gp_market_share(m, i);
        if (r->kind == GP_SHARE_PROVIDER && !r->public_only)
            add_name(names, &nnames, 32, r->provider);
    }
    double *lo = malloc(nnames * nq * sizeof(double) + 1);
    double *hi = malloc(nnames * nq * sizeof(double) + 1);
    gp_svg_series *ser = calloc(nnames + 1, sizeof(*ser));
    char labels[64][16];
    const char *xl[64];
    if (!lo || !hi || !ser) {
        free(lo);
        free(hi);
        free(ser);
        return GP_EXIT_FAIL;
    }
    for (size_t k = 0; k < nq; k++) {
        gp_period_format(q[k], labels[k], sizeof(labels[k]));
        xl[k] = labels[k];
    }
    size_t ns = 0;
    for (size_t p = 0; p < nnames; p++) {
        double *l = lo + ns * nq, *h = hi + ns * nq;
        size_t points = 0;
        for (size_t k = 0; k < nq; k++) {
            l[k] = h[k] = NAN;
            for (int sidx = 0; sidx < NSERIES && isnan(h[k]); sidx++)
                for (size_t i = 0; i < gp_market_share_count(m); i++) {
                    const gp_share_row *r = gp_market_share(m, i);
                    /* "Under X%" bounds a share without placing it: no point. */
                    if (r->kind == GP_SHARE_PROVIDER && !r->public_only && !isnan(r->low_pct) &&
                        !strcmp(r->provider, names[p]) && !strcmp(r->series, SERIES[sidx]) &&
                        gp_period_cmp(r->period, q[k]) == 0) {
                        l[k] = r->low_pct;
                        h[k] = r->high_pct;
                        break;
                    }
                }
            if (!isnan(h[k]))
                points++;
        }
        if (points == 0)
            continue;
        ser[ns++] = (gp_svg_series){names[p], l, h};
    }
    int rc = gp_svg_lines(path, "Cloud infrastructure market share by quarter "
                               "(Synergy first, then Canalys, then the market note)",
                          "share, %", xl, nq, ser, ns, 0);
    free(lo);
    free(hi);
    free(ser);
    return rc ? GP_EXIT_FAIL : GP_EXIT_OK;
}

static int view_share(const gp_market_view *v)
{
    gp_market *m = NULL;
    int rc = load_market(&m);
    if (rc)
        return rc;
    share_sel s;
    memset(&s, 0, sizeof(s));
    gp_share_summary sum[256];
    rc = select_shares(m, v->args, &s);
    if (rc)
        goto out;
    size_t nsum = summaries(m, &s, sum, 256);
    int summary_only = gp_arg_set(v->args, "summary");
    if (v->svg && (rc = share_svg(m, v->svg)))
        goto out;
    if (v->fmt == FMT_JSON)
        rc = gp_json_print(share_json(m, &s, sum, nsum)) ? GP_EXIT_FAIL : GP_EXIT_OK;
    else if (v->fmt == FMT_CSV)
        share_csv(m, &s, sum, nsum, summary_only);
    else
        rc = share_table(m, &s, sum, nsum, v->fmt, v->wide, summary_only);
out:
    share_sel_free(&s);
    gp_market_free(m);
    return rc;
}

/* ---- forecast ------------------------------------------------------------- */

static const char *const SCOPES[] = {"gpuaas", "gpu-cloud", "gpu-rental", "neocloud"};
enum { NSCOPES = 4, MAX_YEARS = 40 };

static int year_opt(const gp_args *args, const char *flag, int fallback, int *out)
{
    *out = fallback;
    if (!gp_arg_set(args, flag))
        return 0;
    const char *t = gp_arg_text(args, flag, "");
    char *end = NULL;
    long y = strtol(t, &end, 10);
    if (end == t || *end || y < 2000 || y > 2100)
        return gp_usage_error("market", "--%s: '%s' is not a year (2000-2100)", flag, t);
    *out = (int)y;
    return 0;
}

typedef struct spread {
    const char *scope;
    double low[MAX_YEARS], high[MAX_YEARS], median[MAX_YEARS];
    size_t n[MAX_YEARS];
} spread;

static double median_of(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n == 0 ? NAN : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void spreads(const gp_market *m, const int *wanted, int from, int years, spread *out,
                    size_t *nout)
{
    *nout = 0;
    for (int s = 0; s < NSCOPES; s++) {
        spread sp = {SCOPES[s], {0}, {0}, {0}, {0}};
        int any = 0;
        for (int y = 0; y < years; y++) {
            double v[128];
            size_t k = 0;
            for (size_t i = 0; i < gp_market_forecast_count(m) && k < 128; i++) {
                const gp_forecast_row *f = gp_market_forecast(m, i);
                if (!wanted[i] || strcmp(f->scope, SCOPES[s]))
                    continue;
                double x = gp_forecast_value(f, from + y);
                if (!isnan(x))
                    v[k++] = x;
            }
            sp.n[y] = k;
            sp.low[y] = sp.high[y] = sp.median[y] = NAN;
            if (k >= 2) {
                sp.median[y] = median_of(v, k);
                sp.low[y] = v[0];
                sp.high[y] = v[k - 1];
                any = 1;
            }
        }
        if (any)
            out[(*nout)++] = sp;
    }
}

static const char *cagr_text(char *buf, size_t cap, const gp_forecast_row *f)
{
    if (isnan(f->cagr))
        return strcpy(buf, "-");
    snprintf(buf, cap, "%.1f%%%s", 100 * f->cagr, f->cagr_computed ? "*" : "");
    return buf;
}

static const char *point_text(char *buf, size_t cap, int year, double usd_b)
{
    if (!year && isnan(usd_b))
        return strcpy(buf, "-");
    if (isnan(usd_b))
        snprintf(buf, cap, "%d: -", year);
    else if (!year)
        snprintf(buf, cap, "$%gB", usd_b);
    else
        snprintf(buf, cap, "%d: $%gB", year, usd_b);
    return buf;
}

static int forecast_svg(const gp_market *m, const int *wanted, int from, int years,
                        const char *path)
{
    size_t n = gp_market_forecast_count(m), ns = 0;
    double *vals = malloc((n + 1) * (size_t)years * sizeof(double));
    gp_svg_series *ser = calloc(n + 1, sizeof(*ser));
    char(*names)[96] = calloc(n + 1, sizeof(*names));
    char labels[MAX_YEARS][8];
    const char *xl[MAX_YEARS];
    if (!vals || !ser || !names) {
        free(vals);
        free(ser);
        free(names);
        return GP_EXIT_FAIL;
    }
    for (int y = 0; y < years; y++) {
        snprintf(labels[y], sizeof(labels[y]), "%d", from + y);
        xl[y] = labels[y];
    }
    for (size_t i = 0; i < n; i++) {
        const gp_forecast_row *f = gp_market_forecast(m, i);
        if (!wanted[i])
            continue;
        double *v = vals + ns * (size_t)years;
        size_t points = 0;
        for (int y = 0; y < years; y++)
            if (!isnan(v[y] = gp_forecast_value(f, from + y)))
                points++;
        if (points < 2)
            continue;
        /* Short enough for the legend; the table has the full name. */
        snprintf(names[ns], sizeof(names[ns]), "%zu. %.26s%s (%s)", i + 1, f->publisher,
                 strlen(f->publisher) > 26 ? "..." : "", f->scope);
        ser[ns] = (gp_svg_series){names[ns], NULL, v};
        ns++;
    }
    int rc = gp_svg_lines(path, "GPU-as-a-Service and neighbouring market forecasts",
                          "$ billion (log scale)", xl, (size_t)years, ser, ns, 1);
    free(vals);
    free(ser);
    free(names);
    return rc ? GP_EXIT_FAIL : GP_EXIT_OK;
}

static json_t *forecast_json(const gp_market *m, const int *wanted, int from, int years,
                             const spread *sp, size_t nsp)
{
    json_t *root = json_object(), *rows = json_array(), *jsp = json_array();
    for (size_t i = 0; i < gp_market_forecast_count(m); i++) {
        const gp_forecast_row *f = gp_market_forecast(m, i);
        if (!wanted[i])
            continue;
        json_t *j = json_object(), *proj = json_object();
        json_object_set_new(j, "publisher", json_string(f->publisher));
        json_object_set_new(j, "scope", json_string(f->scope));
        json_object_set_new(j, "base_year", f->base_year ? json_integer(f->base_year) : json_null());
        json_object_set_new(j, "base_usd_b", gp_json_num(f->base_usd_b));
        json_object_set_new(j, "forecast_year",
                            f->forecast_year ? json_integer(f->forecast_year) : json_null());
        json_object_set_new(j, "forecast_usd_b", gp_json_num(f->forecast_usd_b));
        json_object_set_new(j, "cagr", gp_json_num(f->cagr));
        json_object_set_new(j, "cagr_computed", json_boolean(f->cagr_computed));
        json_object_set_new(j, "cagr_implied_by_values", gp_json_num(f->cagr_implied));
        for (int y = 0; y < years; y++) {
            char key[8];
            snprintf(key, sizeof(key), "%d", from + y);
            json_object_set_new(proj, key, gp_json_num(gp_forecast_value(f, from + y)));
        }
        json_object_set_new(j, "projection_usd_b", proj);
        json_object_set_new(j, "source", json_string(f->source));
        json_object_set_new(j, "quote", json_string(f->quote));
        json_object_set_new(j, "line", json_integer(f->line));
        json_array_append_new(rows, j);
    }
    for (size_t s = 0; s < nsp; s++) {
        json_t *j = json_object(), *by = json_array();
        json_object_set_new(j, "scope", json_string(sp[s].scope));
        for (int y = 0; y < years; y++) {
            if (sp[s].n[y] < 2)
                continue;
            json_t *e = json_object();
            json_object_set_new(e, "year", json_integer(from + y));
            json_object_set_new(e, "forecasts", json_integer((json_int_t)sp[s].n[y]));
            json_object_set_new(e, "low_usd_b", json_real(sp[s].low[y]));
            json_object_set_new(e, "median_usd_b", json_real(sp[s].median[y]));
            json_object_set_new(e, "high_usd_b", json_real(sp[s].high[y]));
            json_object_set_new(e, "high_over_low", json_real(sp[s].high[y] / sp[s].low[y]));
            json_array_append_new(by, e);
        }
        json_object_set_new(j, "years", by);
        json_array_append_new(jsp, j);
    }
    json_object_set_new(root, "data", json_string("data/market-forecasts.csv"));
    json_object_set_new(root, "forecasts", rows);
    json_object_set_new(root, "spread", jsp);
    return root;
}

static void forecast_csv(const gp_market *m, const int *wanted, int from, int years)
{
    fputs("publisher,scope,base_year,base_usd_b,forecast_year,forecast_usd_b,cagr,"
          "cagr_computed", stdout);
    for (int y = 0; y < years; y++)
        printf(",usd_b_%d", from + y);
    fputs(",source,line\n", stdout);
    for (size_t i = 0; i < gp_market_forecast_count(m); i++) {
        const gp_forecast_row *f = gp_market_forecast(m, i);
        if (!wanted[i])
            continue;
        gp_csv_cell(stdout, f->publisher, 1);
        gp_csv_cell(stdout, f->scope, 0);
        gp_csv_num(stdout, f->base_year ? (double)f->base_year : NAN, 0);
        gp_csv_num(stdout, f->base_usd_b, 0);
        gp_csv_num(stdout, f->forecast_year ? (double)f->forecast_year : NAN, 0);
        gp_csv_num(stdout, f->forecast_usd_b, 0);
        gp_csv_num(stdout, f->cagr, 0);
        gp_csv_num(stdout, f->cagr_computed, 0);
        for (int y = 0; y < years; y++)
            gp_csv_num(stdout, gp_forecast_value(f, from + y), 0);
        gp_csv_cell(stdout, f->source, 0);
        gp_csv_num(stdout, (double)f->line, 0);
        gp_csv_end(stdout);
    }
}

static int forecast_table(const gp_market *m, const int *wanted, int from, int years,
                          const spread *sp, size_t nsp, gp_format fmt, int wide)
{
    gp_style st = gp_style_for(stdout);
    const gp_col cols[] = {{"#", 1, 0, 0, 0},          {"PUBLISHER", 0, 40, 16, 0},
                           {"SCOPE", 0, 0, 0, 2},      {"BASE", 1, 0, 0, 0},
                           {"FORECAST", 1, 0, 0, 0},   {"CAGR", 1, 0, 0, 0},
                           {"VALUES IMPLY", 1, 0, 0, 1}, {"SOURCE", 0, 40, 12, 3}};
    gp_table *t = gp_table_new(cols, 8);
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < gp_market_forecast_count(m); i++) {
        const gp_forecast_row *f = gp_market_forecast(m, i);
        if (!wanted[i])
            continue;
        char idx[24], base[32], fc[32], cagr[16], implied[16] = "";
        snprintf(idx, sizeof(idx), "%zu", i + 1);
        if (!f->cagr_computed && fabs(f->cagr - f->cagr_implied) > 0.005)
            snprintf(implied, sizeof(implied), "%.1f%%", 100 * f->cagr_implied);
        const char *cells[] = {idx,
                               f->publisher,
                               f->scope,
                               point_text(base, sizeof(base), f->base_year, f->base_usd_b),
                               point_text(fc, sizeof(fc), f->forecast_year, f->forecast_usd_b),
                               cagr_text(cagr, sizeof(cagr), f),
                               implied,
                               f->source};
        gp_table_add(t, cells);
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    if (fmt != FMT_MD)
        gp_note("CAGR: * = computed from the two values (the source gave none). VALUES "
                "IMPLY: the growth the two values imply, where the stated CAGR differs by "
                "more than half a point.");
    putchar('\n');

    /* The projection: one column per year, $B. */
    gp_col pcols[MAX_YEARS + 1];
    char heads[MAX_YEARS][8];
    pcols[0] = (gp_col){"#", 1, 0, 0, 0};
    for (int y = 0; y < years; y++) {
        snprintf(heads[y], sizeof(heads[y]), "%d", from + y);
        /* On a narrow terminal the middle years go first. */
        int drop = (y == 0 || y == years - 1) ? 0 : 1 + (y % 2);
        pcols[y + 1] = (gp_col){heads[y], 1, 0, 0, drop};
    }
    t = gp_table_new(pcols, (size_t)years + 1);
    if (!t)
        return GP_EXIT_FAIL;
    char cells_buf[MAX_YEARS + 1][24];
    const char *cells[MAX_YEARS + 1];
    for (size_t i = 0; i < gp_market_forecast_count(m); i++) {
        const gp_forecast_row *f = gp_market_forecast(m, i);
        if (!wanted[i])
            continue;
        snprintf(cells_buf[0], sizeof(cells_buf[0]), "%zu", i + 1);
        cells[0] = cells_buf[0];
        int any = 0;
        for (int y = 0; y < years; y++) {
            double v = gp_forecast_value(f, from + y);
            any |= !isnan(v);
            gp_fmt_num(cells_buf[y + 1], sizeof(cells_buf[y + 1]), v, v < 100 ? 1 : 0);
            cells[y + 1] = cells_buf[y + 1];
        }
        if (any) /* a forecast with no figure in the range has no line */
            gp_table_add(t, cells);
    }
    for (size_t s = 0; s < nsp; s++) {
        static const char *const WHAT[] = {"low", "median", "high", "high/low"};
        for (int w = 0; w < 4; w++) {
            snprintf(cells_buf[0], sizeof(cells_buf[0]), "%s %s", sp[s].scope, WHAT[w]);
            cells[0] = cells_buf[0];
            for (int y = 0; y < years; y++) {
                double v = w == 0   ? sp[s].low[y]
                           : w == 1 ? sp[s].median[y]
                           : w == 2 ? sp[s].high[y]
                                    : sp[s].high[y] / sp[s].low[y];
                if (w == 3 && !isnan(v))
                    snprintf(cells_buf[y + 1], sizeof(cells_buf[y + 1]), "%.1fx", v);
                else
                    gp_fmt_num(cells_buf[y + 1], sizeof(cells_buf[y + 1]), v, v < 100 ? 1 : 0);
                cells[y + 1] = cells_buf[y + 1];
            }
            gp_table_add(t, cells);
        }
    }
    if (fmt != FMT_MD)
        printf("%sProjection, $ billion%s (the figures given; between them the path "
               "through both; beyond, the CAGR):\n",
               st.bold, st.reset);
    else
        printf("Projection, $ billion:\n\n");
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    if (fmt != FMT_MD)
        gp_note("Nothing before a forecast's first figure. Spread rows: across the forecasts "
                "of one scope with a value that year; scopes differ in what they count, so "
                "compare within one. Sources: data/market-forecasts.csv.");
    return GP_EXIT_OK;
}

static int view_forecast(const gp_market_view *v)
{
    int from, to;
    if (year_opt(v->args, "from", 2025, &from) || year_opt(v->args, "to", 2034, &to))
        return GP_EXIT_USAGE;
    if (to < from || to - from + 1 > MAX_YEARS)
        return gp_usage_error("market", "--from/--to: need from <= to, at most %d years",
                              MAX_YEARS);
    size_t nscopes = 0;
    char *sbuf = NULL;
    const char **scopes = gp_cli_split_lists(gp_arg(v->args, "scope"), &nscopes, &sbuf);
    int rc = check_names("scope", scopes, nscopes, SCOPES, NSCOPES, "scope");
    gp_market *m = NULL;
    if (rc || (rc = load_market(&m))) {
        free(scopes);
        free(sbuf);
        return rc;
    }
    size_t n = gp_market_forecast_count(m);
    int *wanted = calloc(n + 1, sizeof(int));
    if (!wanted) {
        rc = GP_EXIT_FAIL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const gp_forecast_row *f = gp_market_forecast(m, i);
        wanted[i] = !scopes || has_name(scopes, nscopes, f->scope);
    }
    int years = to - from + 1;
    spread sp[NSCOPES];
    size_t nsp = 0;
    spreads(m, wanted, from, years, sp, &nsp);
    if (v->svg && (rc = forecast_svg(m, wanted, from, years, v->svg)))
        goto out;
    if (v->fmt == FMT_JSON)
        rc = gp_json_print(forecast_json(m, wanted, from, years, sp, nsp)) ? GP_EXIT_FAIL : 0;
    else if (v->fmt == FMT_CSV)
        forecast_csv(m, wanted, from, years);
    else
        rc = forecast_table(m, wanted, from, years, sp, nsp, v->fmt, v->wide);
out:
    free(wanted);
    free(scopes);
    free(sbuf);
    gp_market_free(m);
    return rc;
}

/* ---- neoclouds ------------------------------------------------------------ */

static int view_neoclouds(const gp_market_view *v)
{
    gp_market *m = NULL;
    int rc = load_market(&m);
    if (rc)
        return rc;
    size_t np = 0, nm = 0;
    char *pbuf = NULL, *mbuf = NULL;
    const char **prov = gp_cli_split_lists(gp_arg(v->args, "provider"), &np, &pbuf);
    const char **met = gp_cli_split_lists(gp_arg(v->args, "metric"), &nm, &mbuf);
    const char *known_p[128], *known_m[128];
    size_t nkp = 0, nkm = 0;
    size_t n = gp_market_fact_count(m);
    for (size_t i = 0; i < n; i++) {
        add_name(known_p, &nkp, 128, gp_market_fact(m, i)->provider);
        add_name(known_m, &nkm, 128, gp_market_fact(m, i)->metric);
    }
    if ((rc = check_names("provider", prov, np, known_p, nkp, "provider")) ||
        (rc = check_names("metric", met, nm, known_m, nkm, "metric")))
        goto out;
    json_t *arr = v->fmt == FMT_JSON ? json_array() : NULL;
    gp_table *t = NULL;
    if (v->fmt == FMT_CSV) {
        fputs("provider,metric,value,unit,as_of,source,quote,line\n", stdout);
    } else if (v->fmt != FMT_JSON) {
        const gp_col cols[] = {{"PROVIDER", 0, 24, 12, 0}, {"METRIC", 0, 28, 12, 0},
                               {"VALUE", 1, 0, 0, 0},      {"UNIT", 0, 24, 8, 0},
                               {"AS OF", 0, 16, 10, 1},    {"SOURCE", 0, 48, 16, 2},
                               {"QUOTE", 0, 60, 20, 3}};
        t = gp_table_new(cols, 7);
    }
    for (size_t i = 0; i < n; i++) {
        const gp_fact_row *f = gp_market_fact(m, i);
        if ((prov && !has_name(prov, np, f->provider)) || (met && !has_name(met, nm, f->metric)))
            continue;
        if (arr) {
            json_t *j = json_object();
            json_object_set_new(j, "provider", json_string(f->provider));
            json_object_set_new(j, "metric", json_string(f->metric));
            json_object_set_new(j, "value", gp_json_num(f->value));
            json_object_set_new(j, "unit", gp_json_str(f->unit));
            json_object_set_new(j, "as_of", gp_json_str(f->as_of));
            json_object_set_new(j, "source", json_string(f->source));
            json_object_set_new(j, "quote", gp_json_str(f->quote));
            json_object_set_new(j, "line", json_integer(f->line));
            json_array_append_new(arr, j);
        } else if (v->fmt == FMT_CSV) {
            gp_csv_cell(stdout, f->provider, 1);
            gp_csv_cell(stdout, f->metric, 0);
            gp_csv_num(stdout, f->value, 0);
            gp_csv_cell(stdout, f->unit, 0);
            gp_csv_cell(stdout, f->as_of, 0);
            gp_csv_cell(stdout, f->source, 0);
            gp_csv_cell(stdout, f->quote, 0);
            gp_csv_num(stdout, (double)f->line, 0);
            gp_csv_end(stdout);
        } else if (t) {
            char value[32];
            if (isnan(f->value))
                strcpy(value, "-");
            else if (fabs(f->value) >= 1e4)
                gp_fmt_int(value, sizeof(value), f->value);
            else
                gp_fmt_count(value, sizeof(value), f->value);
            const char *cells[] = {f->provider, f->metric, value, f->unit,
                                   f->as_of[0] ? f->as_of : "undated", f->source, f->quote};
            gp_table_add(t, cells);
        }
    }
    if (arr) {
        json_t *root = json_object();
        json_object_set_new(root, "data", json_string("data/market-neoclouds.csv"));
        json_object_set_new(root, "facts", arr);
        rc = gp_json_print(root) ? GP_EXIT_FAIL : GP_EXIT_OK;
    } else if (t) {
        gp_table_show(t, v->fmt, v->wide);
        gp_table_free(t);
        if (v->fmt != FMT_MD) {
            gp_note("As stated by each source, several of them third-party or "
                   "paraphrased; figures of one provider may differ by date and by what "
                   "they count. Sources: data/market-neoclouds.csv.");
        }
    }
out:
    free(prov);
    free(pbuf);
    free(met);
    free(mbuf);
    gp_market_free(m);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------- */

static int run(const gp_cmd *cmd, gp_args *args)
{
    static const char *const VIEWS[] = {"share", "forecast", "prices",
                                        "claims", "neoclouds", "providers"};
    static int (*const RUN[])(const gp_market_view *) = {
        view_share, view_forecast, gp_market_prices,
        gp_market_claims, view_neoclouds, gp_market_providers};
    enum { NVIEWS = 6 };
    if (args->npositional != 1)
        return gp_usage_error("market", "expected one view: share, forecast, prices, "
                              "claims, neoclouds or providers (see 'gpuplan market --help')");
    const char *view = args->positional[0];
    int which = -1;
    for (int i = 0; i < NVIEWS; i++)
        if (strcmp(view, VIEWS[i]) == 0)
            which = i;
    if (which < 0) {
        char hint[64];
        gp_suggest(view, VIEWS, NVIEWS, hint, sizeof(hint));
        return gp_usage_error(cmd->name, "unknown view '%s'%s%s%s", view,
                              hint[0] ? "; did you mean " : "", hint, hint[0] ? "?" : "");
    }
    for (size_t i = 0; i < sizeof(APPLIES) / sizeof(APPLIES[0]); i++)
        if (gp_arg_set(args, APPLIES[i].opt) && !applies_to(APPLIES[i].views, view)) {
            char list[64];
            snprintf(list, sizeof(list), "%s", APPLIES[i].views);
            for (char *p = list; *p; p++)
                if (*p == ' ')
                    *p = ',';
            return gp_usage_error("market", "--%s does not apply to '%s' (only to: %s)",
                                  APPLIES[i].opt, view, list);
        }
    gp_market_view v = {args, (gp_format)gp_format_parse(gp_arg_text(args, "format", "table")),
                        gp_arg_set(args, "wide"), gp_arg_text(args, "svg", NULL)};
    return RUN[which](&v);
}

const gp_cmd gp_cmd_market = {
    "market",
    "The GPU cloud market: shares, forecasts, prices, claims, neoclouds.",
    "market share|forecast|prices|claims|neoclouds|providers [OPTIONS]",
    "share: cloud infrastructure market shares by quarter and source (Synergy, "
    "Canalys and the market note), ranges kept as ranges; per period the top-3 "
    "share, the Herfindahl-Hirschman index (bounds where shares are ranges or "
    "partial) and the market size; where sources disagree, both figures. "
    "Default: the latest quarter.\n"
    "forecast: every GPU-as-a-Service (and neighbouring) market forecast with "
    "publisher, base and forecast values and CAGR (computed when not given), "
    "a projection year by year and the spread between publishers.\n"
    "prices: $/GPU-hour per accelerator from the catalog (min, median, P90, "
    "max, instance types) by provider kind or by provider, on-demand and spot, "
    "and the hyperscaler premium (median hyperscaler / median neocloud).\n"
    "claims: the common claims about the 2025 GPU market checked against the "
    "catalog, each with its verdict and evidence.\n"
    "neoclouds: neocloud facts (GPU counts, revenue, regions, capacity) with "
    "dates and sources.\n"
    "providers: per provider the choice factors: kind, accelerators, offers "
    "and regions, cheapest H100/A100, spot, reservations, egress, managed ML, "
    "credits, fabric; unknown where no source says.",
    OPTS,
    sizeof(OPTS) / sizeof(OPTS[0]),
    "gpuplan market share\n"
    "gpuplan market share --from 2024Q1 --summary\n"
    "gpuplan market share --period 2025Q1 --source canalys\n"
    "gpuplan market forecast --to 2030 --svg forecasts.svg\n"
    "gpuplan market prices --gpu H100 --gpu A100-80GB\n"
    "gpuplan market claims\n"
    "gpuplan market providers --provider lambda",
    run,
};
