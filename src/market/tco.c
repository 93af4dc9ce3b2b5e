/* Owning vs renting one accelerator server. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "core/numparse.h"
#include "market/market_internal.h"

enum { HOURS_PER_YEAR = 8760 };

static gp_status check(const gp_tco_inputs *in, gp_error *err)
{
    if (in->gpus_per_server < 1)
        return gp_fail(err, GP_ERANGE, "", 0, "gpus_per_server must be at least 1");
    if (!(in->capex_usd >= 0) || !isfinite(in->capex_usd))
        return gp_fail(err, GP_ERANGE, "", 0, "capex_usd must be a non-negative amount");
    if (!(in->years > 0) || in->years > 50)
        return gp_fail(err, GP_ERANGE, "", 0, "years must lie between 0 and 50");
    if (!(in->power_kw > 0) || in->power_kw > 1000)
        return gp_fail(err, GP_ERANGE, "", 0, "power_kw must lie between 0 and 1000 kW");
    if (!(in->usd_per_kwh >= 0) || in->usd_per_kwh > 10)
        return gp_fail(err, GP_ERANGE, "", 0, "usd_per_kwh must lie between $0 and $10");
    if (!(in->pue >= 1) || in->pue > 5)
        return gp_fail(err, GP_ERANGE, "", 0, "pue must lie between 1 and 5");
    if (!(in->opex_usd_per_year >= 0) || !isfinite(in->opex_usd_per_year))
        return gp_fail(err, GP_ERANGE, "", 0, "opex_usd_per_year must be a non-negative amount");
    if (!(in->utilization > 0 && in->utilization <= 1))
        return gp_fail(err, GP_ERANGE, "", 0, "utilization must lie in (0, 100%%]");
    return GP_OK;
}

gp_status gp_tco_onprem(const gp_tco_inputs *in, gp_tco_result *out, gp_error *err)
{
    gp_status st = check(in, err);
    if (st != GP_OK)
        return st;
    double hours = in->years * HOURS_PER_YEAR;
    out->used_gpu_hours = in->gpus_per_server * hours * in->utilization;
    out->energy_usd_per_year =
        in->power_kw * in->pue * HOURS_PER_YEAR * in->utilization * in->usd_per_kwh;
    out->total_usd = in->capex_usd + in->years * (in->opex_usd_per_year + out->energy_usd_per_year);
    out->usd_per_used_gpu_hour = out->total_usd / out->used_gpu_hours;
    out->fixed_usd_per_gpu_hour_at_full =
        (in->capex_usd + in->years * in->opex_usd_per_year) / (in->gpus_per_server * hours);
    out->energy_usd_per_gpu_hour = in->power_kw * in->pue * in->usd_per_kwh / in->gpus_per_server;
    return GP_OK;
}

double gp_tco_break_even(const gp_tco_inputs *in, double cloud)
{
    gp_error err;
    gp_tco_result r;
    gp_tco_inputs full = *in;
    full.utilization = 1;
    if (gp_tco_onprem(&full, &r, &err) != GP_OK || !(cloud > 0))
        return NAN;
    /* fixed / u + energy = cloud  ->  u = fixed / (cloud - energy) */
    double margin = cloud - r.energy_usd_per_gpu_hour;
    if (!(margin > 0))
        return NAN;
    return r.fixed_usd_per_gpu_hour_at_full / margin;
}

double gp_tco_committed_break_even(const gp_tco_inputs *in, double price)
{
    gp_error err;
    gp_tco_result r;
    gp_tco_inputs full = *in;
    full.utilization = 1;
    if (gp_tco_onprem(&full, &r, &err) != GP_OK || !(price > 0))
        return NAN;
    double gap = price - r.fixed_usd_per_gpu_hour_at_full;
    if (r.energy_usd_per_gpu_hour == 0)
        return gap > 0 ? INFINITY : -INFINITY;
    return gap / r.energy_usd_per_gpu_hour;
}

/* ---- sourced defaults ------------------------------------------------------ */

typedef struct default_reader {
    const char *want;
    int found;
    double value;
    char *source;
    size_t cap;
} default_reader;

static gp_status default_row(void *ctx, const char *const *v, long line, gp_error *err)
{
    default_reader *r = ctx;
    if (strcasecmp(v[0], r->want) != 0)
        return GP_OK;
    char *end = NULL;
    double x = gp_strtod_c(v[1], &end); /* '.' whatever the locale */
    if (end == v[1] || *end || !isfinite(x))
        return gp_fail(err, GP_EDATA, "embedded:tco-defaults.csv", line,
                       "value is not a number: '%s'", v[1]);
    if (!v[2][0])
        return gp_fail(err, GP_EDATA, "embedded:tco-defaults.csv", line,
                       "a default needs its source");
    r->value = x;
    r->found = 1;
    if (r->source && r->cap)
        gp_snprintf_c(r->source, r->cap, "%s", v[2]);
    return GP_OK;
}

gp_status gp_tco_default(const char *parameter, double *value, char *source, size_t cap,
                         gp_error *err)
{
    static const char *const COLUMNS[] = {"parameter", "value", "source"};
    const gp_embedded_file *f = gp_embedded_find("tco-defaults.csv");
    if (!f)
        return gp_fail(err, GP_EIO, "tco-defaults.csv", 0, "not compiled into this build");
    default_reader r = {.want = parameter, .source = source, .cap = cap};
    gp_arena arena;
    gp_arena_init(&arena);
    gp_status st = gp_csv_parse_named("embedded:tco-defaults.csv", f->data, f->len, COLUMNS, 3,
                                      &arena, default_row, &r, err);
    gp_arena_free(&arena);
    if (st != GP_OK)
        return st;
    if (!r.found)
        return gp_fail(err, GP_ENOTFOUND, "", 0, "no sourced default for %s", parameter);
    *value = r.value;
    return GP_OK;
}
