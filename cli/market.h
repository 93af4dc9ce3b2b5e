/* gpuplan market: one view per file. cmd_market.c holds the option table,
 * the dispatch and the helpers below; each view renders what the library
 * (gpuplan/market.h, gpuplan/prices.h) computes: market_share.c,
 * market_forecast.c, market_neoclouds.c (data/market-*.csv) and
 * market_prices.c, market_claims.c, market_providers.c (the catalog). */
#ifndef GP_CLI_MARKET_H
#define GP_CLI_MARKET_H

#include <stddef.h>

#include "cmd.h"
#include "gpuplan/market.h"
#include "out.h"

/* What every market view gets: the parsed options and the output form. */
typedef struct gp_market_view {
    const gp_args *args;
    gp_format fmt;
    int wide;
    const char *svg;   /* --svg FILE, or NULL */
} gp_market_view;

int gp_market_share_view(const gp_market_view *v);
int gp_market_forecast_view(const gp_market_view *v);
int gp_market_neoclouds(const gp_market_view *v);
int gp_market_prices(const gp_market_view *v);
int gp_market_claims(const gp_market_view *v);
int gp_market_providers(const gp_market_view *v);

/* A terminal bar of `value` (and a lighter tail to `high` when it is a
 * range) at `per_char` units per character, at most `cap` characters. */
void gp_market_bar(char *buf, size_t bufsize, double low, double high,
                   double per_char, size_t cap);

/* Loads the embedded market data; on failure reports it and returns the
 * exit code. */
int gp_market_cli_load(gp_market **m);

/* "a, b, c" of n names into buf; returns buf. */
const char *gp_market_join(char *buf, size_t cap, const char *const *names, size_t n);

/* Adds name to a set of distinct names (case-sensitive), at most cap. */
void gp_market_add_name(const char **set, size_t *n, size_t cap, const char *name);

/* 1 when name is in the set, case-insensitive. */
int gp_market_has_name(const char *const *set, size_t n, const char *name);

/* Every wanted name must be one of the known; else a usage error (exit 2)
 * naming what exists. Returns 0 or the exit code. */
int gp_market_check_names(const char *flag, const char *const *want, size_t nwant,
                          const char *const *known, size_t nknown, const char *what);

#endif
