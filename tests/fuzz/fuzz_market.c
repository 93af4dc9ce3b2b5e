/* Fuzz the market data loaders and the period parser: the first byte
 * picks the file (shares, forecasts, facts), the rest is its text. Nothing
 * may crash; what loads must summarise with ordered bounds, select no
 * more rows than it has and spread forecasts low <= median <= high. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuplan/market.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_summaries(const gp_market *m)
{
    size_t nseries = 0;
    const char *const *SERIES = gp_share_series_names(&nseries);
    for (size_t i = 0; i < gp_market_share_count(m) && i < 64; i++) {
        gp_period p = gp_market_share(m, i)->period;
        if (p.quarter < 0 || p.quarter > 4)
            __builtin_trap();
        for (size_t s = 0; s < nseries; s++) {
            gp_share_summary sum;
            if (!gp_market_share_summary(m, p, SERIES[s], &sum))
                continue;
            if (!isnan(sum.hhi_low) && !(sum.hhi_low >= 0 && sum.hhi_low <= sum.hhi_high))
                __builtin_trap();
            if (!isnan(sum.top3_high) && !(sum.top3_low <= sum.top3_high))
                __builtin_trap();
        }
    }
    gp_period periods[GP_MARKET_MAX_PERIODS];
    size_t np = gp_market_period_range(m, NULL, NULL, periods, GP_MARKET_MAX_PERIODS);
    gp_share_filter filter = {periods, np, NULL, 0, NULL, 0};
    const gp_share_row **rows = NULL;
    size_t nrows = 0;
    gp_error err;
    if (gp_market_share_select(m, &filter, 1, &rows, &nrows, &err) == GP_OK &&
        nrows > gp_market_share_count(m))
        __builtin_trap();
    free(rows);
    char dis[128];
    for (size_t i = 0; i < np; i++) {
        gp_market_share_disagreements(m, &filter, periods[i], dis, sizeof(dis));
        if (strlen(dis) >= sizeof(dis))
            __builtin_trap();
    }
    gp_forecast_spread sp[GP_FORECAST_SCOPES];
    size_t nsp = gp_market_forecast_spreads(m, NULL, 0, 2020, GP_FORECAST_MAX_YEARS, sp);
    for (size_t s = 0; s < nsp; s++)
        for (int y = 0; y < GP_FORECAST_MAX_YEARS; y++)
            if (sp[s].n[y] >= 2 && !(sp[s].low_usd_b[y] <= sp[s].median_usd_b[y] &&
                                     sp[s].median_usd_b[y] <= sp[s].high_usd_b[y]))
                __builtin_trap();
    for (size_t i = 0; i < gp_market_forecast_count(m); i++) {
        const gp_forecast_row *f = gp_market_forecast(m, i);
        for (int y = 1990; y <= 2100; y += 7) {
            double v = gp_forecast_value(f, y);
            if (!isnan(v) && !(v >= 0))
                __builtin_trap();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    gp_period p;
    if (gp_period_parse(text, &p) == 0 &&
        (p.year < 1990 || p.year > 2100 || p.quarter < 0 || p.quarter > 4))
        __builtin_trap();
    const char *files[3] = {NULL, NULL, NULL};
    files[data[0] % 3] = text;
    gp_market *m = NULL;
    gp_error err;
    gp_status st = gp_market_load_buffers(files[0], files[1], files[2], &m, &err);
    if (st == GP_OK)
        check_summaries(m);
    else if ((st != GP_EDATA && st != GP_ENOMEM) || m)
        __builtin_trap();
    gp_market_free(m);
    free(text);
    return 0;
}
