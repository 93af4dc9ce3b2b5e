/* Fuzz the market data loaders and the period parser: the first byte
 * picks the file (shares, forecasts, facts), the rest is its text. Nothing
 * may crash; what loads must summarise with ordered bounds. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpuplan/market.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_summaries(const gp_market *m)
{
    static const char *const SERIES[] = {"synergy", "canalys", "canalys-revised",
                                         "canalys-original", "note"};
    for (size_t i = 0; i < gp_market_share_count(m) && i < 64; i++) {
        gp_period p = gp_market_share(m, i)->period;
        if (p.quarter < 0 || p.quarter > 4)
            __builtin_trap();
        for (int s = 0; s < 5; s++) {
            gp_share_summary sum;
            if (!gp_market_share_summary(m, p, SERIES[s], &sum))
                continue;
            if (!isnan(sum.hhi_low) && !(sum.hhi_low >= 0 && sum.hhi_low <= sum.hhi_high))
                __builtin_trap();
            if (!isnan(sum.top3_high) && !(sum.top3_low <= sum.top3_high))
                __builtin_trap();
        }
    }
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
