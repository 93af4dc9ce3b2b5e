/* gpuplan — the market around the offers: cloud infrastructure shares by
 * quarter, GPU-as-a-Service forecasts and neocloud facts, from
 * data/market-*.csv (each row with its source and quote; see
 * data/MARKET-SOURCES.md), and the arithmetic on them (HHI, CAGR,
 * projections).
 *
 * A gp_market owns every row and string; they live until gp_market_free(). */
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

#ifdef __cplusplus
}
#endif
#endif
