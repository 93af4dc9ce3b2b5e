/* gpuplan — the market around the offers: cloud infrastructure shares by
 * quarter, GPU-as-a-Service forecasts and neocloud facts, from
 * data/market-*.csv (each row with its source and quote; see
 * data/MARKET-SOURCES.md), and the arithmetic on them (HHI, CAGR,
 * projections).
 *
 * A gp_market owns every row and string; they live until gp_market_free().
 * Everything a function returns from it (rows, names, the row arrays of
 * gp_market_share_select) is borrowed from the gp_market and lives as
 * long as it; only those arrays themselves are the caller's to free().
 * Name lists (series, scopes) are static. Text goes into the caller's
 * buffer, cut to fit. Nothing here prints. */
#ifndef GPUPLAN_MARKET_H
#define GPUPLAN_MARKET_H

#include <stddef.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- arithmetic ------------------------------------------------------ */

/* Herfindahl-Hirschman index of shares in percent: the sum of squares
 * (0..10,000). NAN when a share is NAN or negative. */
double gp_hhi(const double *shares_pct, size_t n);

/* Compound annual growth from v0 to v1 over `years`: (v1/v0)^(1/years) - 1.
 * NAN unless v0 > 0, v1 > 0 and years > 0. */
double gp_cagr(double v0, double v1, double years);

/* v0 x (1 + cagr)^years (years may be negative). */
double gp_project(double v0, double cagr, double years);

/* ---- periods --------------------------------------------------------- */

typedef struct gp_period {
    int year;
    int quarter; /* 1-4; 0 for a full year */
} gp_period;

/* Parses "2025Q1", "Q1-2025", "Q1 2025", "2025-Q1", "FY2024", "FY-2024",
 * "2024" (a full year). Returns 0, or -1 when it is none of these. */
int gp_period_parse(const char *text, gp_period *out);
/* "Q1-2025" or "FY-2024" (the data's own spelling). */
void gp_period_format(gp_period p, char *buf, size_t cap);
/* Orders periods; a full year sorts after its Q4. */
int gp_period_cmp(gp_period a, gp_period b);

/* ---- shares ------------------------------------------------------------ */

typedef enum gp_share_kind {
    GP_SHARE_PROVIDER = 0, /* one provider's share */
    GP_SHARE_COMBINED,     /* a named group ("AWS+Microsoft+Google") */
    GP_SHARE_OTHERS,       /* the rest, lumped */
    GP_SHARE_TOTAL         /* the market size row */
} gp_share_kind;

typedef struct gp_share_row {
    gp_period period;
    const char *provider;  /* without the series tag: "AWS", "Microsoft" */
    const char *series;    /* "synergy", "canalys", "canalys-revised",
                              "canalys-original", "note" */
    int public_only;       /* Synergy's narrower public IaaS+PaaS scope */
    gp_share_kind kind;
    double low_pct, high_pct; /* equal when the source gave one figure;
                                 low NAN for "under X" */
    double market_usd_b;   /* TOTAL rows: quarterly (or FY) size, $B */
    const char *source;
    const char *quote;
    long line;             /* in data/market-cloud-share.csv */
} gp_share_row;

/* ---- forecasts ---------------------------------------------------------- */

typedef struct gp_forecast_row {
    const char *publisher;
    const char *scope;     /* "gpuaas", "gpu-cloud", "gpu-rental", "neocloud" */
    int base_year;         /* 0 when not given */
    double base_usd_b;     /* NAN when not given */
    int forecast_year;
    double forecast_usd_b;
    double cagr;           /* fraction; given, computed, or NAN */
    int cagr_computed;     /* 1 when computed from the two values */
    double cagr_implied;   /* what the two values imply; NAN without both */
    const char *source;
    const char *quote;
    long line;
} gp_forecast_row;

/* The row's value in `year`: the given figures where they fall; between
 * the base and the forecast figure the geometric path through both (their
 * implied CAGR, so the line meets both even when the stated CAGR does
 * not); beyond the last figure, growth at the stated CAGR (the implied one
 * when none was stated). NAN before the row's first figure (no
 * backcasting) and where no rate applies. */
double gp_forecast_value(const gp_forecast_row *f, int year);

/* ---- neocloud facts ---------------------------------------------------- */

typedef struct gp_fact_row {
    const char *provider, *metric, *unit, *as_of, *source, *quote;
    double value;          /* NAN when the source gave no number */
    long line;
} gp_fact_row;

typedef struct gp_market gp_market;

/* Loads the compiled-in data/market-*.csv. GP_EDATA with file and line
 * when a row is malformed. */
gp_status gp_market_load_default(gp_market **out, gp_error *err);
/* Loads from memory (tests): any of the three may be NULL. */
gp_status gp_market_load_buffers(const char *shares, const char *forecasts,
                                 const char *facts, gp_market **out,
                                 gp_error *err);
void gp_market_free(gp_market *m);

size_t gp_market_share_count(const gp_market *m);
const gp_share_row *gp_market_share(const gp_market *m, size_t i);
size_t gp_market_forecast_count(const gp_market *m);
const gp_forecast_row *gp_market_forecast(const gp_market *m, size_t i);
size_t gp_market_fact_count(const gp_market *m);
const gp_fact_row *gp_market_fact(const gp_market *m, size_t i);

/* One period of one series, summarised. */
typedef struct gp_share_summary {
    gp_period period;
    const char *series;
    size_t providers;        /* named providers with a share */
    double top3_low, top3_high;
    int top3_given;          /* from a combined row; else the three largest
                                named shares added up */
    double named_low, named_high;  /* sum of the named shares */
    double hhi_low, hhi_high;      /* see docs/market.md: named providers'
                                      squares (range ends), plus 0 or the
                                      unnamed rest as one firm; NAN when
                                      no provider is named */
    double market_usd_b;     /* NAN when not given */
    int disagreement;        /* another series gives other figures */
    int conflicting_quotes;  /* outlets quote one provider differently;
                                the range covers them all */
} gp_share_summary;

/* Summarises the headline (not public-only) rows of one period and
 * series. Returns 0 when the period has no provider rows in that series. */
int gp_market_share_summary(const gp_market *m, gp_period period,
                            const char *series, gp_share_summary *out);

/* ---- series and periods of the share data ------------------------------ */

enum { GP_SHARE_SERIES = 5, GP_MARKET_MAX_PERIODS = 64 };

/* The series names, in order of precedence (the chart takes the first
 * that has a figure): "synergy", "canalys", "canalys-revised",
 * "canalys-original", "note" (the market note, 2025). Static; sets *n. */
const char *const *gp_share_series_names(size_t *n);

/* Adds to the set `set` (*n entries, at most cap) the series `name`
 * selects, case-insensitive: itself, and for "canalys" every Canalys
 * series. The added names are the static ones. Returns 0, or -1 (set
 * unchanged) when `name` is no series. */
int gp_share_series_expand(const char *name, const char **set, size_t *n, size_t cap);

/* Every distinct period with a share row, in order (at most cap).
 * Returns how many. */
size_t gp_market_periods(const gp_market *m, gp_period *out, size_t cap);

/* The latest quarter (not full year) with a share row. Returns 1, or 0
 * when there is none. */
int gp_market_latest_quarter(const gp_market *m, gp_period *out);

/* The data's periods from `from` to `to`, both included (NULL: open).
 * A full year as `from` starts at its Q1; as `to` it takes in its Q4 and
 * the full-year row. Returns how many (at most cap; 0 when none). */
size_t gp_market_period_range(const gp_market *m, const gp_period *from, const gp_period *to,
                              gp_period *out, size_t cap);

/* ---- selecting share rows ---------------------------------------------- */

/* Which rows a view shows. All arrays are borrowed for the call. */
typedef struct gp_share_filter {
    const gp_period *periods;  /* the periods shown, in display order */
    size_t nperiods;
    const char *const *series; /* NULL: every series (case-insensitive) */
    size_t nseries;
    const char *const *providers; /* NULL: all; TOTAL rows always pass */
    size_t nproviders;
} gp_share_filter;

/* 1 when the row is in one of the periods and passes series and provider. */
int gp_share_filter_match(const gp_share_filter *f, const gp_share_row *r);

/* A period's table order: period, headline before public-only, kind
 * (providers, combined, others, total), share descending, provider,
 * series. <0, 0 or >0 like strcmp. */
int gp_share_row_cmp(const gp_share_row *a, const gp_share_row *b);

/* The rows the filter keeps: in table order (gp_share_row_cmp) when
 * table_order is 1, else period by period in the filter's order and file
 * order within. *out is malloc'd (the caller frees it; the rows are the
 * market's). GP_ENOMEM. */
gp_status gp_market_share_select(const gp_market *m, const gp_share_filter *f, int table_order,
                                 const gp_share_row ***out, size_t *n, gp_error *err);

/* Distinct provider names in file order (case-sensitive), at most cap:
 * every non-TOTAL row's (providers_only 0), or only headline provider
 * rows' (1: what a share chart has a line for). Returns how many. */
size_t gp_market_share_names(const gp_market *m, int providers_only, const char **out,
                             size_t cap);

/* The summaries of every filtered period and series, period by period,
 * series in precedence order (the filter's providers do not apply).
 * Returns how many (at most cap). */
size_t gp_market_share_summaries(const gp_market *m, const gp_share_filter *f,
                                 gp_share_summary *out, size_t cap);

/* A row's figure as published: "29-31%", "30%", "<5%" ("under 5%"), or
 * "$90.6B" for a TOTAL row. Returns buf. */
const char *gp_share_text(const gp_share_row *r, char *buf, size_t cap);

/* Where the filtered series disagree in period p: for every provider two
 * series give non-overlapping ranges for, "AWS: synergy 29%, canalys 31%"
 * ("; " between providers) into buf. Returns how many providers. */
size_t gp_market_share_disagreements(const gp_market *m, const gp_share_filter *f, gp_period p,
                                     char *buf, size_t cap);

/* The caveats of one summary, "; " between them: "other series differ",
 * "outlets quote it differently (range covers both)", "too few providers
 * named for an HHI" (1 or 2 named). "" when none. Returns buf. */
const char *gp_share_summary_note(const gp_share_summary *s, char *buf, size_t cap);

/* A provider's headline share in period p from the first series (in
 * precedence order) that places it; "under X%" places nothing. Returns 1
 * with *low and *high set, or 0 with both NAN. */
int gp_market_share_point(const gp_market *m, const char *provider, gp_period p, double *low,
                          double *high);

/* ---- forecasts side by side -------------------------------------------- */

enum { GP_FORECAST_SCOPES = 4, GP_FORECAST_MAX_YEARS = 40 };

/* "gpuaas", "gpu-cloud", "gpu-rental", "neocloud". Static; sets *n. */
const char *const *gp_forecast_scope_names(size_t *n);

/* A projection year: digits only, 2000-2100. Returns 0, or -1. */
int gp_market_year_parse(const char *text, int *year);

/* 1 when the row states a CAGR more than half a point away from the one
 * its two values imply (the row then deserves both). */
int gp_forecast_rate_differs(const gp_forecast_row *f);

/* 1 when the row's scope is one of scopes (case-insensitive; NULL: all). */
int gp_forecast_in_scopes(const gp_forecast_row *f, const char *const *scopes, size_t n);

/* Across the forecasts of one scope, year by year: the lowest, median
 * and highest value of those with a value that year (gp_forecast_value),
 * NAN where fewer than two have one. */
typedef struct gp_forecast_spread {
    const char *scope; /* static */
    double low_usd_b[GP_FORECAST_MAX_YEARS], median_usd_b[GP_FORECAST_MAX_YEARS],
        high_usd_b[GP_FORECAST_MAX_YEARS];
    size_t n[GP_FORECAST_MAX_YEARS]; /* forecasts with a value that year */
} gp_forecast_spread;

/* The spreads of the scopes (NULL: all) over `years` years from
 * from_year (at most GP_FORECAST_MAX_YEARS), in scope order, leaving out
 * a scope with no spread in any year. Returns how many. */
size_t gp_market_forecast_spreads(const gp_market *m, const char *const *scopes, size_t nscopes,
                                  int from_year, int years,
                                  gp_forecast_spread out[GP_FORECAST_SCOPES]);

#ifdef __cplusplus
}
#endif
#endif
