/* gpuplan — how providers bill time: the granularity and the minimum charge
 * of an instance (data/billing.csv, one sourced row per provider and a
 * labelled assumption for the rest). A 20-minute job is billed as its
 * provider bills it: 20 minutes on AWS (per second, 60 s minimum), a whole
 * hour where only hourly billing is known. docs/finetune.md.
 *
 * Ownership: a gp_billing owns its rows; the strings live as long as it. */
#ifndef GPUPLAN_BILLING_H
#define GPUPLAN_BILLING_H

#include <stddef.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gp_billing_row {
    const char *provider;       /* "*": every provider without a row */
    double granularity_seconds; /* time is billed in these increments */
    double minimum_seconds;     /* the least an instance is billed */
    const char *basis;          /* published, dated or assumption */
    const char *source;
} gp_billing_row;

typedef struct gp_billing gp_billing;

/* The compiled-in data/billing.csv. */
gp_status gp_billing_load_default(gp_billing **out, gp_error *err);
/* A billing CSV (its columns) from memory; `name` is used in errors
 * ("name:line: ..."). Fails with GP_EDATA on a bad row; *out is NULL then. */
gp_status gp_billing_load_buffer(const char *name, const char *data, size_t len,
                                 gp_billing **out, gp_error *err);
void gp_billing_free(gp_billing *b);

/* The provider's row (case-insensitive), else the "*" row, else NULL. */
const gp_billing_row *gp_billing_for(const gp_billing *b, const char *provider);
/* Hours billed for a run of `hours`: at least the minimum, rounded up to
 * the granularity. With no row: hours unchanged. */
double gp_billing_hours(const gp_billing_row *row, double hours);

#ifdef __cplusplus
}
#endif
#endif
