/* The forecasts side by side: scopes, the year range of a projection,
 * where a stated CAGR departs from its own figures, and the spread
 * between publishers of one scope. docs/market.md documents each rule. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/numparse.h"
#include "market/market_internal.h"

static const char *const SCOPES[GP_FORECAST_SCOPES] = {"gpuaas", "gpu-cloud", "gpu-rental",
                                                       "neocloud"};

const char *const *gp_forecast_scope_names(size_t *n)
{
    if (n)
        *n = GP_FORECAST_SCOPES;
    return SCOPES;
}

int gp_market_year_parse(const char *text, int *year)
{
    char *end = NULL;
    long y = strtol(text, &end, 10);
    if (end == text || *end || y < 2000 || y > 2100)
        return -1;
    *year = (int)y;
    return 0;
}

int gp_forecast_rate_differs(const gp_forecast_row *f)
{
    /* Half a point: below that the two agree to the rounding of a CAGR
     * printed with one decimal. NAN on either side compares false. */
    return !f->cagr_computed && fabs(f->cagr - f->cagr_implied) > 0.005;
}

int gp_forecast_in_scopes(const gp_forecast_row *f, const char *const *scopes, size_t n)
{
    if (!scopes)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(scopes[i], f->scope) == 0)
            return 1;
    return 0;
}

/* Sorts v (insertion: a handful of values) and returns its median. */
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

size_t gp_market_forecast_spreads(const gp_market *m, const char *const *scopes, size_t nscopes,
                                  int from_year, int years,
                                  gp_forecast_spread out[GP_FORECAST_SCOPES])
{
    size_t nout = 0;
    if (years > GP_FORECAST_MAX_YEARS)
        years = GP_FORECAST_MAX_YEARS;
    for (size_t s = 0; s < GP_FORECAST_SCOPES; s++) {
        gp_forecast_spread sp;
        memset(&sp, 0, sizeof(sp));
        sp.scope = SCOPES[s];
        int any = 0;
        for (int y = 0; y < years; y++) {
            double v[128];
            size_t k = 0;
            for (size_t i = 0; i < gp_market_forecast_count(m) && k < 128; i++) {
                const gp_forecast_row *f = gp_market_forecast(m, i);
                if (!gp_forecast_in_scopes(f, scopes, nscopes) || strcmp(f->scope, SCOPES[s]))
                    continue;
                double x = gp_forecast_value(f, from_year + y);
                if (!isnan(x))
                    v[k++] = x;
            }
            sp.n[y] = k;
            sp.low_usd_b[y] = sp.high_usd_b[y] = sp.median_usd_b[y] = NAN;
            /* One forecast is no spread. */
            if (k >= 2) {
                sp.median_usd_b[y] = median_of(v, k);
                sp.low_usd_b[y] = v[0];
                sp.high_usd_b[y] = v[k - 1];
                any = 1;
            }
        }
        if (any)
            out[nout++] = sp;
    }
    return nout;
}
