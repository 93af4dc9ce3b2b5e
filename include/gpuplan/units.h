/* gpuplan — the one parser for the numbers people type.
 *
 * Every command-line number goes through these functions, so "7B", "1.4T",
 * "2e12", "30d", "72h", "$500k" and "12%" mean the same thing everywhere.
 * They parse the whole string (no trailing junk), reject NaN, infinities and
 * negative values, and on failure return GP_EINVAL with a message that says
 * what was expected. Nothing is allocated.
 *
 * Locale: they read '.' as the decimal point whatever setlocale() the
 * program made, and are safe to call from several threads at once.
 *
 * Digit separators: "," or "_" only between thousands groups ("1,000,000",
 * "1_000"; one kind per number). "1,5" is refused with a message suggesting
 * "1.5": a decimal comma is never read as a separator. */
#ifndef GPUPLAN_UNITS_H
#define GPUPLAN_UNITS_H

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A count with an optional SI-style suffix: K (1e3), M (1e6), B or G (1e9),
 * T (1e12), P (1e15), case-insensitive; digits may carry "_" or ","
 * thousands separators ("1,000,000"). Examples: 7B, 1.4T, 2e12, 300M. */
gp_status gp_parse_count(const char *text, double *out, gp_error *err);

/* A duration in hours. Units: s, m/min, h, d, w, mo (730 h, a mean month),
 * y (8760 h). A unit is required: a bare number other than 0 is refused
 * ("3" could be hours or days), with a message naming the units.
 * Examples: 30d, 72h, 1.5w, 90min, 0. */
gp_status gp_parse_hours(const char *text, double *out_hours, gp_error *err);

/* An amount of US dollars: optional "$" before, optional k/K (1e3),
 * M/mm (1e6), B/bn (1e9) suffix, then optional "USD" (blank before it
 * allowed), "," or "_" thousands separators. Examples: $500k, 500k,
 * 500kUSD, 500k USD, 250000, 1.2M. Refused as probably cut short by a shell
 * that expanded "$5" in $500k: amounts starting "0<digit>" ("00k") or "."
 * (".2M" from $1.2M). */
gp_status gp_parse_usd(const char *text, double *out_usd, gp_error *err);

/* A fraction: "12%" is 0.12; a bare number is taken as a fraction
 * ("0.12"). Values must lie in [0, 1] unless allow_above_one is set. */
gp_status gp_parse_fraction(const char *text, int allow_above_one, double *out,
                            gp_error *err);

/* A size in gigabytes (1e9 bytes): bare number = GB; units MB, GB, TB, PB
 * (decimal) and MiB, GiB, TiB (binary), case-insensitive. */
gp_status gp_parse_gb(const char *text, double *out_gb, gp_error *err);

/* A calendar date written YYYY-MM-DD (ISO 8601, years 0001-9999), the
 * day checked against its month in the Gregorian calendar, leap years
 * included (2024-02-29 yes, 2026-02-29 and 2026-02-31 no). Nothing else
 * around it: no blanks, no time. Fills year, month, day (each may be NULL).
 * GP_EINVAL with a message naming the text otherwise. */
gp_status gp_parse_iso_date(const char *text, int *year, int *month, int *day,
                            gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
