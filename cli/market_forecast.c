/* gpuplan market forecast: renders the market forecasts, their
 * projection year by year and the spread between publishers of a scope
 * (all computed by gpuplan/market.h) as tables, CSV, JSON and an SVG
 * chart. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "market.h"
#include "svg.h"

enum { MAX_YEARS = GP_FORECAST_MAX_YEARS };

static int year_opt(const gp_args *args, const char *flag, int fallback, int *out)
{
    *out = fallback;
    if (!gp_arg_set(args, flag))
        return 0;
    const char *t = gp_arg_text(args, flag, "");
    if (gp_market_year_parse(t, out) != 0)
        return gp_usage_error("market", "--%s: '%s' is not a year (2000-2100)", flag, t);
    return 0;
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
                             const gp_forecast_spread *sp, size_t nsp)
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
            json_object_set_new(e, "low_usd_b", json_real(sp[s].low_usd_b[y]));
            json_object_set_new(e, "median_usd_b", json_real(sp[s].median_usd_b[y]));
            json_object_set_new(e, "high_usd_b", json_real(sp[s].high_usd_b[y]));
            json_object_set_new(e, "high_over_low", json_real(sp[s].high_usd_b[y] / sp[s].low_usd_b[y]));
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
                          const gp_forecast_spread *sp, size_t nsp, gp_format fmt, int wide)
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
        if (gp_forecast_rate_differs(f))
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
                double v = w == 0   ? sp[s].low_usd_b[y]
                           : w == 1 ? sp[s].median_usd_b[y]
                           : w == 2 ? sp[s].high_usd_b[y]
                                    : sp[s].high_usd_b[y] / sp[s].low_usd_b[y];
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

int gp_market_forecast_view(const gp_market_view *v)
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
    size_t nknown;
    const char *const *known = gp_forecast_scope_names(&nknown);
    int rc = gp_market_check_names("scope", scopes, nscopes, known, nknown, "scope");
    gp_market *m = NULL;
    if (rc || (rc = gp_market_cli_load(&m))) {
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
        wanted[i] = gp_forecast_in_scopes(f, scopes, nscopes);
    }
    int years = to - from + 1;
    gp_forecast_spread sp[GP_FORECAST_SCOPES];
    size_t nsp = gp_market_forecast_spreads(m, scopes, nscopes, from, years, sp);
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
