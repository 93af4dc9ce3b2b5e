/* gpuplan — small statistics used across the tool. Nothing is allocated
 * except by gp_sort_doubles (none) — functions work on caller arrays. */
#ifndef GPUPLAN_STATS_H
#define GPUPLAN_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sorts ascending in place; NANs go last. */
void gp_sort_doubles(double *v, size_t n);

/* Quantile q in [0,1] of an ascending array without NANs, by linear
 * interpolation between closest ranks (R's type 7, NumPy's default).
 * NAN when n is 0. */
double gp_quantile_sorted(const double *sorted, size_t n, double q);

/* Median of an ascending array without NANs; NAN when n is 0. */
double gp_median_sorted(const double *sorted, size_t n);

#ifdef __cplusplus
}
#endif
#endif
