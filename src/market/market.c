/* Market data: cloud shares, GPUaaS forecasts, neocloud facts, and the
 * arithmetic on them. docs/market.md documents each rule. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "market/market_internal.h"
#include "core/numparse.h"

struct gp_market {
    gp_arena arena;
    gp_share_row *shares;
    size_t nshares, capshares;
    gp_forecast_row *forecasts;
    size_t nforecasts, capforecasts;
    gp_fact_row *facts;
    size_t nfacts, capfacts;
};

/* ---- arithmetic ------------------------------------------------------ */

double gp_hhi(const double *s, size_t n)
{
    double h = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(s[i] >= 0))
            return NAN;
        h += s[i] * s[i];
    }
    return h;
}

double gp_cagr(double v0, double v1, double years)
{
    if (!(v0 > 0) || !(v1 > 0) || !(years > 0))
        return NAN;
    return pow(v1 / v0, 1.0 / years) - 1.0;
}

double gp_project(double v0, double cagr, double years)
{
    return v0 * pow(1.0 + cagr, years);
}

double gp_forecast_value(const gp_forecast_row *f, int year)
{
    int has_base = f->base_year && !isnan(f->base_usd_b);
    int has_fc = f->forecast_year && !isnan(f->forecast_usd_b);
    if (has_base && year == f->base_year)
        return f->base_usd_b;
    if (has_fc && year == f->forecast_year)
        return f->forecast_usd_b;
    int first = has_base ? f->base_year : f->forecast_year;
    if (!has_base && !has_fc)
        return NAN;
    if (year < first)
        return NAN;
    /* Between the two figures: the path through both. */
    if (has_base && has_fc && year < f->forecast_year && !isnan(f->cagr_implied))
        return gp_project(f->base_usd_b, f->cagr_implied, year - f->base_year);
    if (isnan(f->cagr))
        return NAN;
    /* Beyond the last figure: at the stated rate. */
    if (has_fc && year > f->forecast_year)
        return gp_project(f->forecast_usd_b, f->cagr, year - f->forecast_year);
    return gp_project(f->base_usd_b, f->cagr, year - f->base_year);
}

/* ---- periods --------------------------------------------------------- */

int gp_period_parse(const char *text, gp_period *out)
{
    char s[32];
    size_t n = 0;
    for (const char *p = text; p && *p && n + 1 < sizeof(s); p++)
        if (!isspace((unsigned char)*p) && *p != '-' && *p != '_')
            s[n++] = (char)toupper((unsigned char)*p);
    s[n] = '\0';
    int year = 0, q = 0;
    char tail;
    int quarterly = 1;
    if (sscanf(s, "Q%1d%4d%c", &q, &year, &tail) == 2 && strlen(s) == 6) {
    } else if (sscanf(s, "%4dQ%1d%c", &year, &q, &tail) == 2 && strlen(s) == 6) {
    } else if (sscanf(s, "FY%4d%c", &year, &tail) == 1 && strlen(s) == 6) {
        quarterly = 0;
    } else if (sscanf(s, "%4d%c", &year, &tail) == 1 && strlen(s) == 4) {
        quarterly = 0;
    } else {
        return -1;
    }
    /* Q0 is not a quarter (0 stands for the full year only when no Q was
     * written). */
    if (year < 1990 || year > 2100 || (quarterly && (q < 1 || q > 4)))
        return -1;
    if (!quarterly)
        q = 0;
    out->year = year;
    out->quarter = q;
    return 0;
}

void gp_period_format(gp_period p, char *buf, size_t cap)
{
    if (p.quarter)
        gp_snprintf_c(buf, cap, "Q%d-%d", p.quarter, p.year);
    else
        gp_snprintf_c(buf, cap, "FY-%d", p.year);
}

int gp_period_cmp(gp_period a, gp_period b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    int qa = a.quarter ? a.quarter : 5, qb = b.quarter ? b.quarter : 5;
    return (qa > qb) - (qa < qb);
}

/* ---- loading ----------------------------------------------------------- */

/* One file being read: its name and row handler. */
typedef struct reader {
    gp_market *m;
    const char *file;
    gp_status (*row)(struct reader *r, const char *const *v, long line, gp_error *err);
} reader;

static gp_status dispatch(void *ctx, const char *const *v, long line, gp_error *err)
{
    reader *r = ctx;
    return r->row(r, v, line, err);
}

static void *grow(void **arr, size_t *n, size_t *cap, size_t size)
{
    if (gp_grow(arr, cap, *n, size) != 0)
        return NULL;
    return (char *)*arr + (*n)++ * size;
}

static gp_status number(const reader *r, long line, const char *name, const char *text,
                        double *out, gp_error *err)
{
    if (gp_parse_plain_number(text, out) != 0)
        return gp_fail(err, GP_EDATA, r->file, line, "%s is not a number: '%s'", name, text);
    return GP_OK;
}

/* "AWS [Canalys revised]" -> "AWS", series "canalys-revised"; the
 * "(public IaaS+PaaS only)" suffix marks Synergy's narrower scope. */
static void split_provider(char *name, const char *source, const char **series,
                           int *public_only)
{
    *series = strncasecmp(source, "market note", 11) == 0 ? "note" : "synergy";
    char *tag = strchr(name, '[');
    if (tag) {
        if (strstr(tag, "revised"))
            *series = "canalys-revised";
        else if (strstr(tag, "original"))
            *series = "canalys-original";
        else if (strstr(tag, "Canalys"))
            *series = "canalys";
        *tag = '\0';
    }
    char *pub = strstr(name, "(public IaaS+PaaS only)");
    *public_only = pub != NULL;
    if (pub)
        *pub = '\0';
    size_t n = strlen(name);
    while (n && isspace((unsigned char)name[n - 1]))
        name[--n] = '\0';
}

static gp_status share_row(reader *r, const char *const *v, long line, gp_error *err)
{
    gp_share_row s = {0};
    if (gp_period_parse(v[0], &s.period) != 0)
        return gp_fail(err, GP_EDATA, r->file, line, "period '%s' is not Qn-YYYY or FY-YYYY",
                       v[0]);
    char *name = (char *)v[1]; /* our own arena copy */
    split_provider(name, v[5], &s.series, &s.public_only);
    if (!*name)
        return gp_fail(err, GP_EDATA, r->file, line, "empty provider");
    s.provider = name;
    s.kind = strncmp(name, "TOTAL", 5) == 0       ? GP_SHARE_TOTAL
             : strchr(name, '+')                  ? GP_SHARE_COMBINED
             : strncmp(name, "Others", 6) == 0 ||
                     strncmp(name, "Next ", 5) == 0 ? GP_SHARE_OTHERS
                                                  : GP_SHARE_PROVIDER;
    gp_status st = number(r, line, "share_pct_low", v[2], &s.low_pct, err);
    if (st == GP_OK) st = number(r, line, "share_pct_high", v[3], &s.high_pct, err);
    if (st == GP_OK) st = number(r, line, "market_usd_b", v[4], &s.market_usd_b, err);
    if (st != GP_OK)
        return st;
    if ((!isnan(s.low_pct) && (s.low_pct < 0 || s.low_pct > 100)) ||
        (!isnan(s.high_pct) && (s.high_pct < 0 || s.high_pct > 100)) ||
        (!isnan(s.low_pct) && !isnan(s.high_pct) && s.low_pct > s.high_pct))
        return gp_fail(err, GP_EDATA, r->file, line, "shares must lie in 0..100, low <= high");
    if (s.kind == GP_SHARE_TOTAL ? isnan(s.market_usd_b) : isnan(s.high_pct))
        return gp_fail(err, GP_EDATA, r->file, line,
                       "a TOTAL row needs market_usd_b; any other row a share");
    s.source = v[5];
    s.quote = v[6];
    s.line = line;
    gp_market *m = r->m;
    gp_share_row *p = grow((void **)&m->shares, &m->nshares, &m->capshares, sizeof(*p));
    if (!p)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *p = s;
    return GP_OK;
}

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static int contains(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return 1;
    return 0;
}

static const char *scope_of(const char *publisher, const char *quote)
{
    if (contains(publisher, "neocloud") || contains(quote, "neocloud"))
        return "neocloud";
    if (contains(publisher, "cloud computing"))
        return "gpu-cloud";
    if (contains(publisher, "rental"))
        return "gpu-rental";
    return "gpuaas";
}

static gp_status year_cell(const reader *r, long line, const char *name, const char *text,
                           int *out, gp_error *err)
{
    double y;
    gp_status st = number(r, line, name, text, &y, err);
    if (st != GP_OK)
        return st;
    if (isnan(y)) {
        *out = 0;
        return GP_OK;
    }
    if (y < 1990 || y > 2100 || y != floor(y))
        return gp_fail(err, GP_EDATA, r->file, line, "%s is not a year: '%s'", name, text);
    *out = (int)y;
    return GP_OK;
}

static gp_status forecast_row(reader *r, const char *const *v, long line, gp_error *err)
{
    gp_forecast_row f = {0};
    f.source = v[0];
    f.publisher = v[1];
    f.scope = scope_of(v[1], v[7]);
    double cagr_pct;
    gp_status st = year_cell(r, line, "base_year", v[2], &f.base_year, err);
    if (st == GP_OK) st = number(r, line, "base_value_usd_b", v[3], &f.base_usd_b, err);
    if (st == GP_OK) st = year_cell(r, line, "forecast_year", v[4], &f.forecast_year, err);
    if (st == GP_OK)
        st = number(r, line, "forecast_value_usd_b", v[5], &f.forecast_usd_b, err);
    if (st == GP_OK) st = number(r, line, "cagr_pct", v[6], &cagr_pct, err);
    if (st != GP_OK)
        return st;
    if ((!isnan(f.base_usd_b) && f.base_usd_b <= 0) ||
        (!isnan(f.forecast_usd_b) && f.forecast_usd_b <= 0) ||
        (!isnan(cagr_pct) && cagr_pct <= -100))
        return gp_fail(err, GP_EDATA, r->file, line, "market values must be positive");
    f.cagr = cagr_pct / 100.0;
    f.cagr_implied = NAN;
    if (f.base_year && f.forecast_year && f.forecast_year > f.base_year)
        f.cagr_implied = gp_cagr(f.base_usd_b, f.forecast_usd_b, f.forecast_year - f.base_year);
    else if (f.base_year && f.forecast_year && !isnan(f.base_usd_b) && !isnan(f.forecast_usd_b))
        return gp_fail(err, GP_EDATA, r->file, line, "forecast_year must come after base_year");
    if (isnan(f.cagr) && !isnan(f.cagr_implied)) {
        f.cagr = f.cagr_implied;
        f.cagr_computed = 1;
    }
    f.quote = v[7];
    f.line = line;
    gp_market *m = r->m;
    gp_forecast_row *p =
        grow((void **)&m->forecasts, &m->nforecasts, &m->capforecasts, sizeof(*p));
    if (!p)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *p = f;
    return GP_OK;
}

static gp_status fact_row(reader *r, const char *const *v, long line, gp_error *err)
{
    gp_fact_row f = {v[0], v[1], v[3], v[4], v[5], v[6], NAN, line};
    gp_status st = number(r, line, "value", v[2], &f.value, err);
    if (st != GP_OK)
        return st;
    if (!*f.provider || !*f.metric)
        return gp_fail(err, GP_EDATA, r->file, line, "provider and metric are required");
    gp_market *m = r->m;
    gp_fact_row *p = grow((void **)&m->facts, &m->nfacts, &m->capfacts, sizeof(*p));
    if (!p)
        return gp_fail(err, GP_ENOMEM, r->file, line, "out of memory");
    *p = f;
    return GP_OK;
}

static gp_status read_text(gp_market *m, const char *name, const char *text,
                           const char *const *columns, int ncols,
                           gp_status (*fn)(reader *, const char *const *, long, gp_error *),
                           gp_error *err)
{
    reader r = {.m = m, .file = name, .row = fn};
    return gp_csv_parse_named(name, text, strlen(text), columns, ncols, &m->arena, dispatch, &r,
                              err);
}

static const char *const SHARE_COLS[] = {"period", "provider", "share_pct_low",
                                         "share_pct_high", "market_usd_b", "source", "quote"};
static const char *const FORECAST_COLS[] = {"source", "publisher", "base_year",
                                            "base_value_usd_b", "forecast_year",
                                            "forecast_value_usd_b", "cagr_pct", "quote"};
static const char *const FACT_COLS[] = {"provider", "metric", "value", "unit",
                                        "as_of", "source", "quote"};

gp_status gp_market_load_buffers(const char *shares, const char *forecasts, const char *facts,
                                 gp_market **out, gp_error *err)
{
    *out = NULL;
    gp_market *m = calloc(1, sizeof(*m));
    if (!m)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    gp_arena_init(&m->arena);
    gp_status st = GP_OK;
    if (shares)
        st = read_text(m, "market-cloud-share.csv", shares, SHARE_COLS, 7, share_row, err);
    if (st == GP_OK && forecasts)
        st = read_text(m, "market-forecasts.csv", forecasts, FORECAST_COLS, 8, forecast_row,
                       err);
    if (st == GP_OK && facts)
        st = read_text(m, "market-neoclouds.csv", facts, FACT_COLS, 7, fact_row, err);
    if (st != GP_OK) {
        gp_market_free(m);
        return st;
    }
    *out = m;
    return GP_OK;
}

gp_status gp_market_load_default(gp_market **out, gp_error *err)
{
    const gp_embedded_file *s = gp_embedded_find("market-cloud-share.csv");
    const gp_embedded_file *f = gp_embedded_find("market-forecasts.csv");
    const gp_embedded_file *n = gp_embedded_find("market-neoclouds.csv");
    if (!s || !f || !n)
        return gp_fail(err, GP_EIO, "market-*.csv", 0, "not compiled into this build");
    return gp_market_load_buffers(s->data, f->data, n->data, out, err);
}

void gp_market_free(gp_market *m)
{
    if (!m)
        return;
    free(m->shares);
    free(m->forecasts);
    free(m->facts);
    gp_arena_free(&m->arena);
    free(m);
}

size_t gp_market_share_count(const gp_market *m) { return m ? m->nshares : 0; }
const gp_share_row *gp_market_share(const gp_market *m, size_t i)
{
    return m && i < m->nshares ? &m->shares[i] : NULL;
}
size_t gp_market_forecast_count(const gp_market *m) { return m ? m->nforecasts : 0; }
const gp_forecast_row *gp_market_forecast(const gp_market *m, size_t i)
{
    return m && i < m->nforecasts ? &m->forecasts[i] : NULL;
}
size_t gp_market_fact_count(const gp_market *m) { return m ? m->nfacts : 0; }
const gp_fact_row *gp_market_fact(const gp_market *m, size_t i)
{
    return m && i < m->nfacts ? &m->facts[i] : NULL;
}

/* ---- summaries ---------------------------------------------------------- */

static int same_period(gp_period a, gp_period b)
{
    return a.year == b.year && a.quarter == b.quarter;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

int gp_market_share_summary(const gp_market *m, gp_period period, const char *series,
                            gp_share_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->period = period;
    out->series = series;
    out->market_usd_b = NAN;
    out->top3_low = out->top3_high = NAN;
    double lows[64], highs[64];
    const char *seen[64];
    size_t n = 0;
    for (size_t i = 0; i < m->nshares; i++) {
        const gp_share_row *s = &m->shares[i];
        if (!same_period(s->period, period) || strcmp(s->series, series) || s->public_only)
            continue;
        if (s->kind == GP_SHARE_TOTAL) {
            out->market_usd_b = s->market_usd_b;
        } else if (s->kind == GP_SHARE_COMBINED && !out->top3_given) {
            out->top3_low = isnan(s->low_pct) ? 0 : s->low_pct;
            out->top3_high = s->high_pct;
            out->top3_given = 1;
        } else if (s->kind == GP_SHARE_PROVIDER && n < 64) {
            /* A provider quoted twice in one series (two press copies)
             * counts once, with the widest range. */
            size_t k = 0;
            while (k < n && strcmp(seen[k], s->provider))
                k++;
            double lo = isnan(s->low_pct) ? 0 : s->low_pct;
            if (k == n) {
                seen[n] = s->provider;
                lows[n] = lo;
                highs[n] = s->high_pct;
                n++;
            } else {
                if (lo != lows[k] || s->high_pct != highs[k])
                    out->conflicting_quotes = 1;
                lows[k] = fmin(lows[k], lo);
                highs[k] = fmax(highs[k], s->high_pct);
            }
        }
    }
    out->providers = n;
    if (n == 0 && !out->top3_given && isnan(out->market_usd_b))
        return 0;
    for (size_t i = 0; i < n; i++) {
        out->named_low += lows[i];
        out->named_high += highs[i];
    }
    out->hhi_low = out->hhi_high = NAN;
    if (n > 0) {
        out->hhi_low = gp_hhi(lows, n);
        double rest = 100.0 - out->named_high;
        out->hhi_high = gp_hhi(highs, n) + (rest > 0 ? rest * rest : 0);
    }
    if (!out->top3_given && n >= 3) {
        double lo[64], hi[64];
        memcpy(lo, lows, n * sizeof(double));
        memcpy(hi, highs, n * sizeof(double));
        qsort(lo, n, sizeof(double), cmp_desc);
        qsort(hi, n, sizeof(double), cmp_desc);
        out->top3_low = lo[0] + lo[1] + lo[2];
        out->top3_high = hi[0] + hi[1] + hi[2];
    }
    /* Another series for the same period whose range for a provider does
     * not overlap this one's. */
    for (size_t i = 0; i < m->nshares && !out->disagreement; i++) {
        const gp_share_row *s = &m->shares[i];
        if (!same_period(s->period, period) || !strcmp(s->series, series) ||
            s->public_only || s->kind != GP_SHARE_PROVIDER)
            continue;
        for (size_t k = 0; k < n; k++) {
            double lo = isnan(s->low_pct) ? 0 : s->low_pct;
            if (!strcmp(seen[k], s->provider) && (lo > highs[k] || s->high_pct < lows[k]))
                out->disagreement = 1;
        }
    }
    return 1;
}
