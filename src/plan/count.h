/* The planner's instance-count search, exposed inside the library and to
 * its tests (not a public header): the count grid and one plan's hours at
 * another count, computed as the search computes them, so a test can check
 * the search's answer without copying it (tests/unit/test_count.c). */
#ifndef GP_PLAN_COUNT_H
#define GP_PLAN_COUNT_H

#include "gpuplan/plan.h"

/* The count grid, 1, 2, 3, 4, 6, 8, 12, 16, 24, ...: the next count below
 * `instances` (which need not be on the grid), or 0 when none is. */
int gp_plan_count_below(int instances);

/* The hours the count search compares with the deadline for `plan`'s
 * offer and term at `instances` instances, under `req` (the request the
 * plan was made with): on-demand and reserved the job model's wall clock,
 * spot the closed-form expectation with interruptions at the plan's rate;
 * INFINITY when that many instances cannot hold the job or the job cannot
 * use that many GPUs. `*max_instances` (may be NULL) gets the most
 * instances the search may take (--max-gpus, cluster limits, capacity).
 * Fails with GP_ENOMEM only. */
gp_status gp_plan_hours_at(const gp_catalog *cat, const gp_terms *terms,
                           const gp_plan_request *req, const gp_plan *plan, int instances,
                           double *hours, int *max_instances, gp_error *err);

#endif
