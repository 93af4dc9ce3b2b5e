/* gpuplan market: the market data views (cmd_market.c: share, forecast,
 * neoclouds) and the catalog views (market_prices.c: prices, claims,
 * providers). The dispatch and the shared option table live in
 * cmd_market.c. */
#ifndef GP_CLI_MARKET_H
#define GP_CLI_MARKET_H

#include "cmd.h"
#include "out.h"

/* What every market view gets: the parsed options and the output form. */
typedef struct gp_market_view {
    const gp_args *args;
    gp_format fmt;
    int wide;
    const char *svg;   /* --svg FILE, or NULL */
} gp_market_view;

int gp_market_prices(const gp_market_view *v);
int gp_market_claims(const gp_market_view *v);
int gp_market_providers(const gp_market_view *v);

/* A terminal bar of `value` (and a lighter tail to `high` when it is a
 * range) at `per_char` units per character, at most `cap` characters. */
void gp_market_bar(char *buf, size_t bufsize, double low, double high,
                   double per_char, size_t cap);

#endif
