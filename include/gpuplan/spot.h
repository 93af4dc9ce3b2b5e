/* gpuplan — training on interruptible (spot) capacity: checkpoint interval,
 * expected wall time in closed form, and a seeded Monte-Carlo simulation
 * for its spread.
 *
 * The model: the job needs `work_hours` of uninterrupted progress. It
 * checkpoints after every `interval_hours` of work, each checkpoint taking
 * `checkpoint_hours`. Interruptions arrive as a Poisson process of
 * `rate_per_hour` (the per-node rate times the nodes: any node's loss stops
 * the job) while the job runs; each loses the work since the last
 * checkpoint and then costs `restart_hours` (new capacity, reload) during
 * which no interruption is counted. A share `burst_share` of interruptions
 * are bursts (correlated loss: the zone's spot capacity reclaimed at once,
 * docs/plan.md "Correlated loss") that also wait `replace_wait_hours` for
 * new capacity before the restart. All plain values; nothing to free. */
#ifndef GPUPLAN_SPOT_H
#define GPUPLAN_SPOT_H

#include <stdint.h>

#include "gpuplan/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checkpoint write speed per node when the user gives none: Llama 3's
 * checkpoint storage sustained 2 TB/s for about 2,000 nodes, about 1 GB/s
 * (8 Gb/s) per node (arXiv:2407.21783, section 3.3.1). */
#define GP_CKPT_GBPS_PER_NODE 8.0

typedef struct gp_spot_params {
    double work_hours;       /* > 0 */
    double rate_per_hour;    /* >= 0; 0: never interrupted */
    double checkpoint_hours; /* >= 0 */
    double restart_hours;    /* >= 0 */
    double interval_hours;   /* > 0; 0: Young's optimum */
    double burst_share;      /* 0..1: interruptions that are bursts */
    double replace_wait_hours; /* >= 0: a burst's wait for new capacity */
} gp_spot_params;

/* Young's optimal checkpoint interval, sqrt(2 C / rate) (Young 1974; Daly
 * 2006 to first order). INFINITY when the rate is 0. */
double gp_spot_young_interval(double checkpoint_hours, double rate_per_hour);

/* The expected wall-clock hours, exactly for this model: each segment of
 * length a (work plus its checkpoint) takes (e^(rate a) - 1)(1/rate +
 * restart + burst_share x replace_wait) on average (the time after an
 * interruption enters the renewal argument only through its mean); the
 * last segment has no checkpoint. Equals
 * work_hours plus checkpoints when the rate is 0. GP_ERANGE for
 * non-finite or negative inputs. */
gp_status gp_spot_expected_hours(const gp_spot_params *p, double *hours,
                                 gp_error *err);

/* Wall-clock hours per hour of work in a long run (no end effect): each
 * stretch of Young's interval tau plus its checkpoint C takes
 * (e^(rate (tau + C)) - 1)(1/rate + R) on average, divided by tau. 1 when
 * the rate is 0; 1 + rate R when checkpoints are free. NAN for negative or
 * non-finite inputs. */
double gp_spot_slowdown(double rate_per_hour, double checkpoint_hours, double restart_hours);

typedef struct gp_spot_sim {
    double mean_hours, p50_hours, p90_hours;
    double interruptions_mean;
    double interval_hours;     /* the checkpoint interval used */
    uint64_t intervals;        /* uninterrupted stretches simulated */
} gp_spot_sim;

/* Simulates `trials` runs with a xoshiro256** generator seeded by `seed`
 * (same seed, same answer). Each loop iteration is one uninterrupted
 * stretch between interruptions. GP_ERANGE for bad inputs or trials
 * outside [1, 10,000,000]; GP_ENOMEM. A run still unfinished after 100
 * times its work is counted as infinite (interruptions outpace it). */
gp_status gp_spot_simulate(const gp_spot_params *p, int trials, uint64_t seed,
                           gp_spot_sim *out, gp_error *err);

#ifdef __cplusplus
}
#endif
#endif
