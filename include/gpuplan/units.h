/* gpuplan — the one parser for the numbers people type.
 *
 * Every command-line number goes through these functions, so "7B", "1.4T",
 * "2e12", "30d", "72h", "$500k" and "12%" mean the same thing everywhere.
 * They parse the whole string (no trailing junk), reject NaN, infinities and
 * negative values, and on failure return GP_EINVAL with a message that says
 * what was expected. Nothing is allocated. */
#ifndef GPUPLAN_UNITS_H
#define GPUPLAN_UNITS_H

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A count with an optional SI-style suffix: K (1e3), M (1e6), B or G (1e9),
 * T (1e12), P (1e15), case-insensitive; digits may carry "_" or ","
 * separators ("1,000,000"). Examples: 7B, 1.4T, 2e12, 300M, 70000000000. */
gp_status gp_parse_count(const char *text, double *out, gp_error *err);

/* A duration in hours. Units: s, m/min, h, d, w, mo (730 h, a mean month),
 * y (8760 h); a bare number is hours. Examples: 30d, 72h, 1.5w, 90min. */
gp_status gp_parse_hours(const char *text, double *out_hours, gp_error *err);

/* An amount of US dollars: optional "$", optional k/K (1e3), M (1e6),
 * B/bn (1e9) suffix, "," or "_" separators. Examples: $500k, 250000, 1.2M. */
gp_status gp_parse_usd(const char *text, double *out_usd, gp_error *err);

/* A fraction: "12%" is 0.12; a bare number is taken as a fraction
 * ("0.12"). Values must lie in [0, 1] unless allow_above_one is set. */
gp_status gp_parse_fraction(const char *text, int allow_above_one, double *out,
                            gp_error *err);

/* A size in gigabytes (1e9 bytes): bare number = GB; units MB, GB, TB, PB
 * (decimal) and MiB, GiB, TiB (binary), case-insensitive. */
gp_status gp_parse_gb(const char *text, double *out_gb, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
