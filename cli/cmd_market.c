/* gpuplan market share|forecast|prices|claims|neoclouds|providers: the
 * market around the offers. This file holds the option table, the
 * dispatch and the helpers the views share; each view renders in its own
 * file (market.h lists them). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "load.h"
#include "market.h"
#include "out.h"

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

const char *gp_market_join(char *buf, size_t cap, const char *const *names, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
    }
    return buf;
}

void gp_market_add_name(const char **set, size_t *n, size_t cap, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(set[i], name) == 0)
            return;
    if (*n < cap)
        set[(*n)++] = name;
}

int gp_market_has_name(const char *const *set, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(set[i], name) == 0)
            return 1;
    return 0;
}

int gp_market_check_names(const char *flag, const char *const *want, size_t nwant,
                          const char *const *known, size_t nknown, const char *what)
{
    for (size_t i = 0; i < nwant; i++) {
        if (gp_market_has_name(known, nknown, want[i]))
            continue;
        char list[1024];
        gp_market_join(list, sizeof(list), known, nknown);
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

int gp_market_cli_load(gp_market **m)
{
    gp_error err;
    gp_error_clear(&err);
    gp_status st = gp_market_load_default(m, &err);
    return st == GP_OK ? 0 : gp_report("market", st, &err);
}

/* ---- dispatch ------------------------------------------------------------- */

static int run(const gp_cmd *cmd, gp_args *args)
{
    static const char *const VIEWS[] = {"share", "forecast", "prices",
                                        "claims", "neoclouds", "providers"};
    static int (*const RUN[])(const gp_market_view *) = {
        gp_market_share_view, gp_market_forecast_view, gp_market_prices,
        gp_market_claims, gp_market_neoclouds, gp_market_providers};
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
