/* gpuplan — total cost of owning an accelerator server against renting the
 * same GPUs: cost per used GPU-hour each way and the break-even
 * utilisation. Plain values; nothing to free. docs/tco.md gives the
 * formulas. */
#ifndef GPUPLAN_TCO_H
#define GPUPLAN_TCO_H

#include <stddef.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_tco_inputs {
    int gpus_per_server;
    double capex_usd;         /* the server, bought outright */
    double years;             /* its life */
    double power_kw;          /* the whole server at load */
    double usd_per_kwh;
    double pue;               /* facility power / IT power */
    double opex_usd_per_year; /* space, support, staff: all but energy */
    double utilization;       /* share of the hours the GPUs do paid work */
} gp_tco_inputs;

typedef struct gp_tco_result {
    double used_gpu_hours;        /* over the life */
    double energy_usd_per_year;   /* at the utilisation (idle power ignored) */
    double total_usd;             /* capex + life x (opex + energy) */
    double usd_per_used_gpu_hour; /* total / used GPU-hours */
    double fixed_usd_per_gpu_hour_at_full; /* capex + opex over every hour */
    double energy_usd_per_gpu_hour;        /* per used GPU-hour */
} gp_tco_result;

/* The sourced default for a TCO input ("pue") from data/tco-defaults.csv:
 * sets *value and copies the source into `source` (cap bytes). GP_ENOTFOUND
 * when the data has no sourced figure for it (the input is then required);
 * GP_EDATA with file and line when the file is malformed. */
gp_status gp_tco_default(const char *parameter, double *value, char *source, size_t cap,
                         gp_error *err);

/* GP_ERANGE (the message starts with the input's field name) for non-positive counts, capex,
 * years, power, price, a PUE below 1 or a utilisation outside (0, 1]. */
gp_status gp_tco_onprem(const gp_tco_inputs *in, gp_tco_result *out, gp_error *err);

/* The utilisation at which owning costs what renting at `cloud_usd_per_gpu_hour`
 * does: fixed costs spread over the used hours equal the cloud price less
 * the energy of a used hour. NAN when the cloud price does not even cover
 * the energy (owning never pays); may exceed 1 (owning never pays within
 * the life). */
double gp_tco_break_even(const gp_tco_inputs *in, double cloud_usd_per_gpu_hour);

/* Against a committed term paid for every hour whether used or not
 * (reserved capacity at `reserved_usd_per_gpu_hour`): owning costs
 * fixed/u + energy per used hour, reserving price/u, so owning is cheaper
 * below u* = (price - fixed) / energy. Returns u*: 0 or less means
 * reserving is cheaper at any utilisation, 1 or more that owning is
 * (INFINITY when energy is free and price > fixed). NAN on bad inputs. */
double gp_tco_committed_break_even(const gp_tco_inputs *in, double reserved_usd_per_gpu_hour);

#ifdef __cplusplus
}
#endif
#endif
