/* gpuplan market share: renders the cloud infrastructure shares the
 * library selects and summarises (gpuplan/market.h) as a table, CSV,
 * JSON, Markdown and an SVG chart. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "market.h"
#include "svg.h"

static const char HHI_METHOD[] =
    "HHI is the sum of squared shares in percent (0-10,000). Where a source gives "
    "ranges or names only some providers, gpuplan shows bounds: the low end squares "
    "each named provider's low share and treats the unnamed rest as many small "
    "firms (adding ~0); the high end squares the high shares and counts the "
    "unnamed rest as one firm.";

/* The options turned into a library filter, and what it borrows. */
typedef struct share_sel {
    gp_period periods[GP_MARKET_MAX_PERIODS];
    const char *expanded[GP_SHARE_SERIES];
    const char **providers;
    char *pbuf;
    gp_share_filter f;
} share_sel;

static int parse_period_opt(const char *flag, const char *text, gp_period *out)
{
    if (gp_period_parse(text, out) == 0)
        return 0;
    return gp_usage_error("market", "--%s: '%s' is not a period; write 2025Q1, Q1-2025 "
                          "or FY2024", flag, text);
}

static void list_periods(const gp_period *p, size_t n, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char one[16];
        gp_period_format(p[i], one, sizeof(one));
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", one);
    }
}

static int cmp_period(const void *a, const void *b)
{
    return gp_period_cmp(*(const gp_period *)a, *(const gp_period *)b);
}

/* --period: each must be one the data has; kept once each, in order. */
static int select_periods(const gp_market *m, const gp_opt_value *pv, share_sel *s)
{
    gp_period all[GP_MARKET_MAX_PERIODS];
    size_t nall = gp_market_periods(m, all, GP_MARKET_MAX_PERIODS);
    for (size_t i = 0; i < pv->nlist; i++) {
        gp_period p;
        if (parse_period_opt("period", pv->list[i], &p))
            return GP_EXIT_USAGE;
        size_t k = 0;
        while (k < nall && gp_period_cmp(all[k], p) != 0)
            k++;
        if (k == nall) {
            char list[1024];
            list_periods(all, nall, list, sizeof(list));
            return gp_usage_error("market", "--period: no figures for '%s'; the data "
                                  "has: %s", pv->list[i], list);
        }
        size_t j = 0;
        while (j < s->f.nperiods && gp_period_cmp(s->periods[j], p) != 0)
            j++;
        if (j == s->f.nperiods && s->f.nperiods < GP_MARKET_MAX_PERIODS)
            s->periods[s->f.nperiods++] = p;
    }
    qsort(s->periods, s->f.nperiods, sizeof(gp_period), cmp_period);
    return 0;
}

static int select_range(const gp_market *m, const gp_args *args, share_sel *s)
{
    gp_period from, to;
    int has_from = gp_arg_set(args, "from"), has_to = gp_arg_set(args, "to");
    if (has_from && parse_period_opt("from", gp_arg_text(args, "from", ""), &from))
        return GP_EXIT_USAGE;
    if (has_to && parse_period_opt("to", gp_arg_text(args, "to", ""), &to))
        return GP_EXIT_USAGE;
    s->f.nperiods = gp_market_period_range(m, has_from ? &from : NULL, has_to ? &to : NULL,
                                           s->periods, GP_MARKET_MAX_PERIODS);
    if (s->f.nperiods == 0) {
        gp_period all[GP_MARKET_MAX_PERIODS];
        size_t nall = gp_market_periods(m, all, GP_MARKET_MAX_PERIODS);
        char a[16] = "-", b[16] = "-";
        if (nall) {
            gp_period_format(all[0], a, sizeof(a));
            gp_period_format(all[nall - 1], b, sizeof(b));
        }
        return gp_usage_error("market", "--from/--to: no period in that range; the "
                              "data covers %s to %s", a, b);
    }
    return 0;
}

/* --source: series names; "canalys" stands for every Canalys series. */
static int select_series(const gp_args *args, share_sel *s)
{
    size_t nsrc = 0;
    char *sbuf = NULL;
    const char **src = gp_cli_split_lists(gp_arg(args, "source"), &nsrc, &sbuf);
    if (!src)
        return 0;
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < nsrc && !rc; i++)
        if (gp_share_series_expand(src[i], s->expanded, &n, GP_SHARE_SERIES) != 0) {
            size_t nseries;
            const char *const *series = gp_share_series_names(&nseries);
            char known[256];
            rc = gp_usage_error("market", "--source: no series '%s'; the data has: %s", src[i],
                                gp_market_join(known, sizeof(known), series, nseries));
        }
    free(src);
    free(sbuf);
    s->f.series = s->expanded;
    s->f.nseries = n;
    return rc;
}

static int select_shares(const gp_market *m, const gp_args *args, share_sel *s)
{
    s->f.periods = s->periods;
    const gp_opt_value *pv = gp_arg(args, "period");
    int ranged = gp_arg_set(args, "from") || gp_arg_set(args, "to");
    int rc;
    if (pv->set && ranged)
        return gp_usage_error("market", "give --period or --from/--to, not both");
    if (pv->set)
        rc = select_periods(m, pv, s);
    else if (ranged)
        rc = select_range(m, args, s);
    else /* the latest quarter with provider figures */
        rc = (s->f.nperiods = (size_t)gp_market_latest_quarter(m, &s->periods[0]), 0);
    if (rc || (rc = select_series(args, s)))
        return rc;
    s->providers = gp_cli_split_lists(gp_arg(args, "provider"), &s->f.nproviders, &s->pbuf);
    s->f.providers = s->providers;
    if (s->providers) {
        const char *known[128];
        size_t nknown = gp_market_share_names(m, 0, known, 128);
        return gp_market_check_names("provider", s->providers, s->f.nproviders, known, nknown,
                                     "provider");
    }
    return 0;
}

static void share_sel_free(share_sel *s)
{
    free(s->providers);
    free(s->pbuf);
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

static json_t *share_json(const gp_market *m, const share_sel *s, const gp_share_row *const *rows,
                          size_t nrows, const gp_share_summary *sum, size_t nsum)
{
    static const char *const KINDS[] = {"provider", "combined", "others", "total"};
    json_t *root = json_object(), *periods = json_array();
    for (size_t p = 0; p < s->f.nperiods; p++) {
        char name[16], dis[2048];
        gp_period_format(s->periods[p], name, sizeof(name));
        json_t *jp = json_object(), *jrows = json_array(), *js = json_array();
        json_object_set_new(jp, "period", json_string(name));
        for (size_t i = 0; i < nrows; i++) {
            const gp_share_row *r = rows[i];
            if (gp_period_cmp(r->period, s->periods[p]))
                continue;
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
            json_array_append_new(jrows, j);
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
        json_object_set_new(jp, "shares", jrows);
        json_object_set_new(jp, "summaries", js);
        gp_market_share_disagreements(m, &s->f, s->periods[p], dis, sizeof(dis));
        json_object_set_new(jp, "sources_disagree", gp_json_str(dis));
        json_array_append_new(periods, jp);
    }
    json_object_set_new(root, "hhi_method", json_string(HHI_METHOD));
    json_object_set_new(root, "data", json_string("data/market-cloud-share.csv"));
    json_object_set_new(root, "periods", periods);
    return root;
}

static void summary_csv(const gp_share_summary *sum, size_t nsum)
{
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
}

static void rows_csv(const gp_share_row *const *rows, size_t nrows)
{
    fputs("period,provider,series,public_iaas_paas_only,share_pct_low,share_pct_high,"
          "market_usd_b,source,quote,line\n", stdout);
    for (size_t i = 0; i < nrows; i++) {
        const gp_share_row *r = rows[i];
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

/* The figures of the selected periods, in the library's table order. */
static int rows_table(const gp_share_row *const *rows, size_t nrows, gp_format fmt, int wide)
{
    const gp_col cols[] = {
        {"PERIOD", 0, 0, 0, 0}, {"PROVIDER", 0, 24, 12, 0}, {"SERIES", 0, 0, 0, 0},
        {"SHARE", 1, 0, 0, 0},  {"", 0, 0, 0, 2},           {"SOURCE", 0, 24, 16, 1},
    };
    gp_table *t = gp_table_new(cols, 6);
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < nrows; i++) {
        const gp_share_row *r = rows[i];
        char period[16], share[32], bar[64], name[96];
        gp_period_format(r->period, period, sizeof(period));
        snprintf(name, sizeof(name), "%s%s", r->provider,
                 r->public_only ? " (public IaaS+PaaS)" : "");
        bar[0] = '\0';
        if (r->kind == GP_SHARE_PROVIDER) /* combined rows would dwarf them */
            gp_market_bar(bar, sizeof(bar), r->low_pct, r->high_pct, 2.0, 40);
        const char *cells[] = {period, name, r->series, gp_share_text(r, share, sizeof(share)),
                               bar, r->source};
        gp_table_add(t, cells);
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    if (fmt != FMT_MD)
        gp_note("Bars: # = 2 points of a provider's share; - marks the span of a range. "
                "SOURCE: --wide or --format json for the whole citation and quote.");
    putchar('\n');
    return GP_EXIT_OK;
}

static int summary_table(const gp_market *m, const share_sel *s, const gp_share_summary *sum,
                         size_t nsum, gp_format fmt, int wide)
{
    const gp_col cols[] = {{"PERIOD", 0, 0, 0, 0}, {"SERIES", 0, 0, 0, 0},
                           {"NAMED", 1, 0, 0, 2},  {"TOP-3 %", 1, 0, 0, 0},
                           {"HHI", 1, 0, 0, 0},    {"MARKET $B", 1, 0, 0, 0},
                           {"NOTE", 0, 48, 16, 1}};
    gp_table *t = gp_table_new(cols, 7);
    if (!t)
        return GP_EXIT_FAIL;
    for (size_t i = 0; i < nsum; i++) {
        const gp_share_summary *x = &sum[i];
        char period[16], named[16], top3[32], hhi[48], market[32], note[128];
        gp_period_format(x->period, period, sizeof(period));
        snprintf(named, sizeof(named), "%zu", x->providers);
        range_text(top3, sizeof(top3), x->top3_low, x->top3_high, 0);
        if (!isnan(x->top3_high) && !x->top3_given)
            strcat(top3, "*");
        hhi_text(hhi, sizeof(hhi), x);
        gp_fmt_num(market, sizeof(market), x->market_usd_b, 1);
        gp_share_summary_note(x, note, sizeof(note));
        const char *cells[] = {period, x->series, named, top3, hhi, market, note};
        gp_table_add(t, cells);
    }
    gp_table_show(t, fmt, wide);
    gp_table_free(t);
    /* Where the series disagree, both figures side by side. */
    for (size_t p = 0; p < s->f.nperiods; p++) {
        char dis[2048], name[16];
        if (gp_market_share_disagreements(m, &s->f, s->periods[p], dis, sizeof(dis)) == 0)
            continue;
        gp_period_format(s->periods[p], name, sizeof(name));
        char line[2200];
        snprintf(line, sizeof(line), "%s: sources disagree: %s", name, dis);
        if (fmt == FMT_MD)
            printf("\n%s\n", line);
        else
            gp_wrap(line, 0, 4, gp_prose_width());
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
 * first series that has the provider in a quarter. */
static int share_svg(const gp_market *m, const char *path)
{
    gp_period all[GP_MARKET_MAX_PERIODS], q[GP_MARKET_MAX_PERIODS];
    size_t nall = gp_market_periods(m, all, GP_MARKET_MAX_PERIODS), nq = 0;
    for (size_t i = 0; i < nall; i++)
        if (all[i].quarter)
            q[nq++] = all[i];
    const char *names[32];
    size_t nnames = gp_market_share_names(m, 1, names, 32);
    double *lo = malloc(nnames * nq * sizeof(double) + 1);
    double *hi = malloc(nnames * nq * sizeof(double) + 1);
    gp_svg_series *ser = calloc(nnames + 1, sizeof(*ser));
    char labels[GP_MARKET_MAX_PERIODS][16];
    const char *xl[GP_MARKET_MAX_PERIODS];
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
        for (size_t k = 0; k < nq; k++)
            points += (size_t)gp_market_share_point(m, names[p], q[k], &l[k], &h[k]);
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

int gp_market_share_view(const gp_market_view *v)
{
    gp_market *m = NULL;
    int rc = gp_market_cli_load(&m);
    if (rc)
        return rc;
    share_sel s;
    memset(&s, 0, sizeof(s));
    gp_share_summary sum[256];
    const gp_share_row **rows = NULL;
    size_t nrows = 0;
    if ((rc = select_shares(m, v->args, &s)))
        goto out;
    size_t nsum = gp_market_share_summaries(m, &s.f, sum, 256);
    int summary_only = gp_arg_set(v->args, "summary");
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_market_share_select(m, &s.f, v->fmt != FMT_JSON && v->fmt != FMT_CSV,
                                          &rows, &nrows, &err);
    if (st != GP_OK) {
        rc = gp_report("market", st, &err);
        goto out;
    }
    if (v->svg && (rc = share_svg(m, v->svg)))
        goto out;
    if (v->fmt == FMT_JSON) {
        rc = gp_json_print(share_json(m, &s, rows, nrows, sum, nsum)) ? GP_EXIT_FAIL
                                                                       : GP_EXIT_OK;
    } else if (v->fmt == FMT_CSV) {
        if (summary_only)
            summary_csv(sum, nsum);
        else
            rows_csv(rows, nrows);
    } else {
        if (!summary_only && (rc = rows_table(rows, nrows, v->fmt, v->wide)))
            goto out;
        rc = summary_table(m, &s, sum, nsum, v->fmt, v->wide);
    }
out:
    free(rows);
    share_sel_free(&s);
    gp_market_free(m);
    return rc;
}
